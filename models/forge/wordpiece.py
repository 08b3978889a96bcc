"""A small WordPiece tokenizer: trainer, encoder and Hugging Face tokenizer.json writer.

Written for this project (Debian has no python3-tokenizers). The encoder follows the
behaviour of the Hugging Face pipeline as implemented by @huggingface/tokenizers (JS):

  1. split the raw text on special tokens ("[MASK]" etc. typed literally become the special token)
  2. BertNormalizer: clean_text, pad CJK chars, lowercase, strip accents (NFD, drop Mn)
  3. BertPreTokenizer: runs of non-space non-punctuation chars, each punctuation char alone
  4. WordPiece: greedy longest-match-first with "##" continuation, [UNK] for the whole word
     if any piece is missing or the word is longer than 100 chars
  5. TemplateProcessing: [CLS] A [SEP] (type 0) / [CLS] A [SEP] B [SEP] (B and its [SEP] type 1)

The trainer learns merges like BPE (most frequent adjacent pair first) over the
"##"-prefixed character alphabet, the same idea as the HF WordPiece trainer.
"""
import heapq
import json
import re
import unicodedata
from collections import Counter

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PREFIX = "##"

# JavaScript's \s (ECMAScript WhiteSpace + LineTerminator)
_JS_WS = set("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {chr(c) for c in range(0x2000, 0x200B)}
_CJK = [(19968, 40959), (13312, 19903), (63744, 64255)]  # BMP ranges only (JS checks UTF-16 units)


def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs")


def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def normalize(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        out.append(" " if ch in _JS_WS else ch)
    text = "".join(out)
    out = []
    for ch in text:
        cp = ord(ch)
        if any(a <= cp <= b for a, b in _CJK):
            out.append(" " + ch + " ")
        else:
            out.append(ch)
    text = "".join(out).lower()
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def pre_tokenize(text):
    words, cur = [], []
    for ch in text:
        if ch in _JS_WS or ch.isspace():
            if cur:
                words.append("".join(cur)); cur = []
        elif _is_punct(ch):
            if cur:
                words.append("".join(cur)); cur = []
            words.append(ch)
        else:
            cur.append(ch)
    if cur:
        words.append("".join(cur))
    return words


def words_of(text):
    """Normalized, pre-tokenized words of a text (no special-token handling)."""
    return pre_tokenize(normalize(text))


_SPECIAL_RE = re.compile("(" + "|".join(re.escape(s) for s in sorted(SPECIALS, key=len, reverse=True)) + ")")


class WordPiece:
    def __init__(self, vocab):
        self.vocab = list(vocab)
        self.tok2id = {t: i for i, t in enumerate(self.vocab)}
        self.unk_id = self.tok2id["[UNK]"]
        self.cache = {}

    # ---- encoding -------------------------------------------------------
    def encode_word(self, word):
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        chars = list(word)
        if len(chars) > 100:
            res = [self.unk_id]
        else:
            res, start = [], 0
            while start < len(chars):
                end, cur = len(chars), None
                while start < end:
                    sub = "".join(chars[start:end])
                    if start > 0:
                        sub = PREFIX + sub
                    if sub in self.tok2id:
                        cur = self.tok2id[sub]
                        break
                    end -= 1
                if cur is None:
                    res = [self.unk_id]
                    break
                res.append(cur)
                start = end
        if len(self.cache) < 500000:
            self.cache[word] = res
        return res

    def encode_plain(self, text):
        """Token ids of a text without [CLS]/[SEP] (special tokens typed in the text are kept)."""
        ids = []
        for part in _SPECIAL_RE.split(text):
            if not part:
                continue
            if part in SPECIALS:
                ids.append(self.tok2id[part])
                continue
            for w in words_of(part):
                ids.extend(self.encode_word(w))
        return ids

    def encode(self, text, pair=None):
        """Returns (input_ids, token_type_ids) with the BERT template."""
        cls, sep = self.tok2id["[CLS]"], self.tok2id["[SEP]"]
        a = self.encode_plain(text)
        ids = [cls] + a + [sep]
        types = [0] * len(ids)
        if pair is not None:
            b = self.encode_plain(pair)
            ids += b + [sep]
            types += [1] * (len(b) + 1)
        return ids, types

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
            "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": None, "lowercase": True},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [tok("[CLS]", 0), seq("A", 0), tok("[SEP]", 0)],
                "pair": [tok("[CLS]", 0), seq("A", 0), tok("[SEP]", 0), seq("B", 1), tok("[SEP]", 1)],
                "special_tokens": {t: {"id": t, "ids": [self.tok2id[t]], "tokens": [t]} for t in ["[CLS]", "[SEP]"]},
            },
            "decoder": {"type": "WordPiece", "prefix": PREFIX, "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": PREFIX,
                      "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(self.vocab)}},
        }

    @staticmethod
    def from_hf_json(path):
        d = json.load(open(path, encoding="utf-8"))
        vocab = sorted(d["model"]["vocab"].items(), key=lambda kv: kv[1])
        return WordPiece([t for t, _ in vocab])


def train(word_counts, vocab_size=8000, min_char_count=5, min_word_count=2, log=print):
    """Learn a WordPiece vocabulary from a Counter of normalized, pre-tokenized words."""
    chars = Counter()
    for w, c in word_counts.items():
        for ch in w:
            chars[ch] += c
    alphabet = sorted(ch for ch, c in chars.items() if c >= min_char_count)
    aset = set(alphabet)
    vocab = list(SPECIALS) + alphabet + [PREFIX + ch for ch in alphabet]
    seen = set(vocab)

    words, freqs = [], []
    for w, c in sorted(word_counts.items()):
        if c < min_word_count or len(w) > 100 or not all(ch in aset for ch in w):
            continue
        words.append([w[0]] + [PREFIX + ch for ch in w[1:]])
        freqs.append(c)

    pair_count = Counter()
    where = {}
    for i, syms in enumerate(words):
        for p in zip(syms, syms[1:]):
            pair_count[p] += freqs[i]
            where.setdefault(p, set()).add(i)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)

    def merged(a, b):
        return a + b[len(PREFIX):]

    while len(vocab) < vocab_size and heap:
        negc, p = heapq.heappop(heap)
        if pair_count.get(p, 0) != -negc or negc == 0:
            continue
        new = merged(*p)
        if new not in seen:
            vocab.append(new)
            seen.add(new)
        touched = Counter()
        for i in list(where.get(p, ())):
            syms, f = words[i], freqs[i]
            for q in zip(syms, syms[1:]):
                pair_count[q] -= f
                touched[q] += 1
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
                touched[q] += 1
                where.setdefault(q, set()).add(i)
        del pair_count[p]
        where.pop(p, None)
        for q in touched:
            c = pair_count.get(q, 0)
            if c > 0:
                heapq.heappush(heap, (-c, q))
            else:
                pair_count.pop(q, None)
        if len(vocab) % 1000 == 0:
            log(f"  vocab {len(vocab)}")
    return WordPiece(vocab)
