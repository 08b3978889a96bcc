"""A small byte-level BPE tokenizer (GPT-2 style): trainer, encoder and Hugging Face tokenizer.json writer.

Written for this project (Debian has no python3-tokenizers). The encoder follows the pipeline
as implemented by @huggingface/tokenizers (JS), which the app uses:

  1. split the raw text on the special token ("<|endoftext|>" typed literally becomes the token)
  2. no normalizer
  3. ByteLevel pre-tokenizer (add_prefix_space false, use_regex true): the GPT-2 pattern
       's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+
     with JavaScript's \\s, then every UTF-8 byte of a piece is mapped to a printable character
     (GPT-2's bytes_to_unicode: space -> "Ġ", newline -> "Ċ")
  4. BPE: repeatedly merge the adjacent pair with the lowest merge rank (leftmost first)
  5. TemplateProcessing: "<|endoftext|> $A" (the BOS is added; pair: "<|endoftext|> $A <|endoftext|> $B")

The pattern is compiled for Python's `re` with explicit character classes built from unicodedata
(Python has no \\p{L}); Python's Unicode tables (14.0) are older than Node's, so letters added to
Unicode after 14.0 may be split differently. Nothing in the corpus or the parity cases is affected.
"""
import heapq
import json
import re
import sys
import unicodedata
from collections import Counter

EOT = "<|endoftext|>"
SPECIALS = [EOT]

# JavaScript's \s (ECMAScript WhiteSpace + LineTerminator)
_JS_WS = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(chr(c) for c in range(0x2000, 0x200B))


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_ENC = bytes_to_unicode()
BYTE_DEC = {c: b for b, c in BYTE_ENC.items()}


def _ranges(pred):
    out, start, prev = [], None, None
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            ok = False
        else:
            ok = pred(chr(cp))
        if ok:
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            out.append((start, prev)); start = None
    if start is not None:
        out.append((start, prev))
    esc = lambda c: "\\U%08x" % c
    return "".join(esc(a) if a == b else esc(a) + "-" + esc(b) for a, b in out)


def _build_pattern():
    L = _ranges(lambda ch: unicodedata.category(ch).startswith("L"))
    N = _ranges(lambda ch: unicodedata.category(ch).startswith("N"))
    S = "".join("\\U%08x" % ord(c) for c in _JS_WS)
    return re.compile(
        rf"'s|'t|'re|'ve|'m|'ll|'d| ?[{L}]+| ?[{N}]+| ?[^{S}{L}{N}]+|[{S}]+(?![^{S}])|[{S}]+")


_PATTERN = None


def pattern():
    global _PATTERN
    if _PATTERN is None:
        _PATTERN = _build_pattern()
    return _PATTERN


def pre_tokenize(text):
    """ByteLevel pre-tokens of a text (no special-token handling), as byte-mapped strings."""
    return ["".join(BYTE_ENC[b] for b in piece.encode("utf-8")) for piece in pattern().findall(text)]


_SPECIAL_RE = re.compile("(" + "|".join(re.escape(s) for s in sorted(SPECIALS, key=len, reverse=True)) + ")")


class ByteBPE:
    def __init__(self, vocab, merges):
        self.vocab = list(vocab)
        self.tok2id = {t: i for i, t in enumerate(self.vocab)}
        self.merges = [tuple(m) for m in merges]
        self.ranks = {m: i for i, m in enumerate(self.merges)}
        self.eot_id = self.tok2id[EOT]
        self.cache = {}

    def bpe(self, word):
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        syms = list(word)
        while len(syms) > 1:
            best, best_rank = None, None
            for p in zip(syms, syms[1:]):
                r = self.ranks.get(p)
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = p, r
            if best is None:
                break
            out, j = [], 0
            while j < len(syms):
                if j + 1 < len(syms) and syms[j] == best[0] and syms[j + 1] == best[1]:
                    out.append(syms[j] + syms[j + 1]); j += 2
                else:
                    out.append(syms[j]); j += 1
            syms = out
        res = [self.tok2id[s] for s in syms]
        if len(self.cache) < 500000:
            self.cache[word] = res
        return res

    def encode_plain(self, text):
        """Token ids of a text without the BOS (special tokens typed in the text are kept)."""
        ids = []
        for part in _SPECIAL_RE.split(text):
            if not part:
                continue
            if part in SPECIALS:
                ids.append(self.tok2id[part])
                continue
            for w in pre_tokenize(part):
                ids.extend(self.bpe(w))
        return ids

    def encode(self, text, pair=None, add_special_tokens=True):
        """(input_ids, token_type_ids) as @huggingface/tokenizers returns them (BOS template)."""
        a = self.encode_plain(text)
        ids = ([self.eot_id] if add_special_tokens else []) + a
        types = [0] * len(ids)
        if pair is not None:
            b = ([self.eot_id] if add_special_tokens else []) + self.encode_plain(pair)
            ids += b
            types += [1] * len(b)
        return ids, types

    def decode(self, ids):
        out = bytearray()
        for i in ids:
            t = self.vocab[i]
            if t in SPECIALS:
                out += t.encode("utf-8")
            else:
                out += bytes(BYTE_DEC[c] for c in t)
        return out.decode("utf-8", errors="replace")

    def token_text(self, i):
        return self.vocab[i]

    # ---- export ---------------------------------------------------------
    def to_hf_json(self):
        special = lambda t: {"id": self.tok2id[t], "content": t, "single_word": False, "lstrip": False,
                             "rstrip": False, "normalized": False, "special": True}
        tok = lambda t, type_id: {"SpecialToken": {"id": t, "type_id": type_id}}
        seq = lambda s, type_id: {"Sequence": {"id": s, "type_id": type_id}}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [special(t) for t in SPECIALS],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [tok(EOT, 0), seq("A", 0)],
                "pair": [tok(EOT, 0), seq("A", 0), tok(EOT, 1), seq("B", 1)],
                "special_tokens": {EOT: {"id": EOT, "ids": [self.eot_id], "tokens": [EOT]}},
            },
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": {t: i for i, t in enumerate(self.vocab)},
                      "merges": [a + " " + b for a, b in self.merges]},
        }

    @staticmethod
    def from_hf_json(path):
        d = json.load(open(path, encoding="utf-8"))
        vocab = [t for t, _ in sorted(d["model"]["vocab"].items(), key=lambda kv: kv[1])]
        merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in d["model"]["merges"]]
        return ByteBPE(vocab, merges)


def train(word_counts, vocab_size=8000, min_word_count=1, log=print):
    """Learn byte-level BPE merges from a Counter of pre-tokens (already byte-mapped strings).
    Vocabulary: the special token, the 256 byte symbols, then one entry per merge (most frequent pair first)."""
    alphabet = [BYTE_ENC[b] for b in range(256)]
    vocab = list(SPECIALS) + alphabet
    seen = set(vocab)
    merges = []
    words, freqs = [], []
    for w, c in sorted(word_counts.items()):
        if c < min_word_count or len(w) < 2:
            continue
        words.append(list(w))
        freqs.append(c)
    pair_count = Counter()
    where = {}
    for i, syms in enumerate(words):
        for p in zip(syms, syms[1:]):
            pair_count[p] += freqs[i]
            where.setdefault(p, set()).add(i)
    # ties broken by the pair itself (deterministic)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    while len(vocab) < vocab_size and heap:
        negc, p = heapq.heappop(heap)
        if pair_count.get(p, 0) != -negc or negc == 0:
            continue
        new = p[0] + p[1]
        merges.append(p)
        if new not in seen:
            vocab.append(new)
            seen.add(new)
        touched = set()
        for i in list(where.get(p, ())):
            syms, f = words[i], freqs[i]
            for q in zip(syms, syms[1:]):
                pair_count[q] -= f
                touched.add(q)
                s = where.get(q)
                if s is not None:
                    s.discard(i)
            out, j = [], 0
            while j < len(syms):
                if j + 1 < len(syms) and syms[j] == p[0] and syms[j + 1] == p[1]:
                    out.append(new); j += 2
                else:
                    out.append(syms[j]); j += 1
            words[i] = out
            for q in zip(out, out[1:]):
                pair_count[q] += f
                touched.add(q)
                where.setdefault(q, set()).add(i)
        pair_count.pop(p, None)
        where.pop(p, None)
        for q in touched:
            c = pair_count.get(q, 0)
            if c > 0:
                heapq.heappush(heap, (-c, q))
            else:
                pair_count.pop(q, None)
        if len(vocab) % 1000 == 0:
            log(f"  vocab {len(vocab)}")
    return ByteBPE(vocab, merges)
