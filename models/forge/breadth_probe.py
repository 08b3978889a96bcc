"""Would more kinds of English help the encoder on unfamiliar text? A cheap probe -> records/corpus-breadth.json

Retraining playground-bert-mini takes 95 minutes of both cores, so before doing it this measures what a
candidate source changes, with the shipped tokenizer and without training the encoder:

  * coverage: the share of the out-of-domain text's running words (Debian's licence texts, as evaluate.py)
    whose word occurs at least 5 times in the training text (what a model can learn anything about)
  * a Kneser-Ney-smoothed WordPiece bigram model trained on the training split of the corpus, alone and
    with each candidate added: perplexity on the out-of-domain text and on the in-domain held-out 2%
    (a left-context proxy for the masked-LM figures: it says how much of the out-of-domain gap is data)

Candidates (permissively licensed, from Debian packages; npm has no other prose data package with a
permissive licence, see the model card):
  * jargon  - Debian dict-jargon: The Jargon File 4.4.7 (public domain): informal, humorous, everyday hacker
              English of the 1990s
  * pydocs  - Debian python3.11-doc: the Python 3.11 documentation's reStructuredText sources
              (PSF License 2.0, permissive): modern expository English. The licence pages (license.rst,
              copyright.rst) are left out, because licence text is what the out-of-domain set is made of.

  nice -n 10 /usr/bin/python3 breadth_probe.py     (needs work/corpus from corpus.py; ~2 min on an idle machine)

Not run to completion yet: the session that wrote it (issue #23) ran out of time on a loaded machine; the
gathering of both candidates was checked (jargon 197,565 words, pydocs 520,825 words).
"""
import glob
import gzip
import json
import math
import os
import re
from collections import Counter

import numpy as np

import wordpiece
from evaluate_gpt import OOD_FILES, ood_text
from prep import ORDER
from train_mlm import split_stream

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
MODEL = os.path.join(os.path.dirname(HERE), "playground-bert-mini")
PYDOCS = "/usr/share/doc/python3.11/html/_sources"
CANDIDATES = {
    "jargon": {"name": "The Jargon File 4.4.7", "package": "Debian dict-jargon",
               "licence": "Public domain (\"This document (the Jargon File) is in the public domain, to be freely "
                          "used, shared, and modified\")"},
    "pydocs": {"name": "Python 3.11 documentation (reStructuredText sources, licence pages left out)",
               "package": "Debian python3.11-doc", "licence": "PSF License Version 2 (permissive)"},
}


def clean(s):
    return re.sub(r"\s+", " ", s).strip()


def prose(p, min_words=5, min_alpha=0.7):
    """Keep paragraphs that are text, not ASCII art, tables or code."""
    return len(p.split()) >= min_words and sum(ch.isalpha() or ch == " " for ch in p) >= min_alpha * len(p)


def gather_jargon():
    raw = gzip.open("/usr/share/dictd/jargon.dict.dz").read().decode("latin-1")
    out = []
    for para in re.split(r"\n\s*\n", raw):
        if para.lstrip().startswith("00-database"):
            continue
        para = clean(para)
        if prose(para):
            out.append(para)
    return out


def rst_inline(s):
    s = re.sub(r":[\w:-]+:`~?([^`<]*?)\s*(<[^>]*>)?`", r"\1", s)  # :role:`text <target>` -> text
    s = re.sub(r"``([^`]*)``", r"\1", s)
    s = re.sub(r"`([^`<]*?)\s*(<[^>]*>)?`_*", r"\1", s)
    return s.replace("**", "").replace("*", "")


def gather_pydocs():
    out = []
    for f in sorted(glob.glob(os.path.join(PYDOCS, "**", "*.rst.txt"), recursive=True)):
        if os.path.basename(f) in ("license.rst.txt", "copyright.rst.txt"):
            continue
        for para in re.split(r"\n\s*\n", open(f, encoding="utf-8").read()):
            if para.startswith((" ", "\t", "..")) or ">>>" in para or re.match(r"^[=*\-~^#\"+]{3,}", para):
                continue  # code, directives, headings
            para = clean(rst_inline(para))
            if prose(para, min_words=8):
                out.append(para)
    return out


def encode(tok, paras):
    ids = []
    for p in paras:
        for w in wordpiece.words_of(p):
            ids.extend(tok.encode_word(w))
    return np.asarray(ids, dtype=np.int64)


class KNBigram:
    """Interpolated Kneser-Ney bigram over token ids (discount 0.75; continuation counts add-one smoothed)."""

    def __init__(self, streams, V, D=0.75):
        keys = np.concatenate([s[:-1] * V + s[1:] for s in streams])
        self.V, self.D = V, D
        self.keys, counts = np.unique(keys, return_counts=True)
        self.counts = counts.astype(np.float64)
        a, b = self.keys // V, self.keys % V
        self.ctx = np.bincount(a, weights=self.counts, minlength=V)
        self.types_after = np.bincount(a, minlength=V).astype(np.float64)
        cont = np.bincount(b, minlength=V).astype(np.float64)
        self.p_cont = (cont + 1) / (cont.sum() + V)

    def perplexity(self, s):
        a, b = s[:-1], s[1:]
        k = a * self.V + b
        i = np.clip(np.searchsorted(self.keys, k), 0, len(self.keys) - 1)
        c = np.where(self.keys[i] == k, self.counts[i], 0.0)
        ca = self.ctx[a]
        seen = ca > 0
        p = np.where(seen, np.maximum(c - self.D, 0) / np.maximum(ca, 1)
                     + self.D * self.types_after[a] / np.maximum(ca, 1) * self.p_cont[b], self.p_cont[b])
        return float(math.exp(-np.log(p).mean()))


def coverage(ood_words, counts):
    return sum(counts[w] >= 5 for w in ood_words) / len(ood_words)


def main():
    tok = wordpiece.WordPiece.from_hf_json(os.path.join(MODEL, "tokenizer.json"))
    V = len(tok.vocab)
    base_paras = []
    for k in ORDER:
        base_paras += [l.rstrip("\n") for l in open(os.path.join(WORK, "corpus", k + ".txt"), encoding="utf-8") if l.strip()]
    base = encode(tok, base_paras)
    train, held = split_stream(base)
    train_streams = [base[s:e] for s, e in train]
    held_stream = np.concatenate([base[s:e] for s, e in held])
    ood_paras = ood_text()
    ood = encode(tok, ood_paras)
    ood_words = [w for p in ood_paras for w in wordpiece.words_of(p) if any(ch.isalnum() for ch in w)]
    base_counts = Counter(w for p in base_paras for w in wordpiece.words_of(p))

    def measure(extra_streams, extra_counts):
        lm = KNBigram(train_streams + extra_streams, V)
        cnt = base_counts + extra_counts if extra_counts else base_counts
        return {"ood_perplexity": round(lm.perplexity(ood), 1), "heldout_perplexity": round(lm.perplexity(held_stream), 1),
                "ood_word_coverage": round(coverage(ood_words, cnt), 4)}

    rows = {"current corpus": dict(measure([], None), added_words=0)}
    print(rows, flush=True)
    gathered = {"jargon": gather_jargon(), "pydocs": gather_pydocs()}
    for k, paras in gathered.items():
        s = encode(tok, paras)
        rows["+ " + k] = dict(measure([s], Counter(w for p in paras for w in wordpiece.words_of(p))),
                              added_words=sum(len(p.split()) for p in paras), paragraphs=len(paras))
        print(k, rows["+ " + k], flush=True)
    both = [encode(tok, p) for p in gathered.values()]
    rows["+ both"] = dict(measure(both, Counter(w for ps in gathered.values() for p in ps for w in wordpiece.words_of(p))),
                          added_words=sum(rows["+ " + k]["added_words"] for k in gathered))
    print("both", rows["+ both"], flush=True)
    json.dump({"note": __doc__.split("\n\n")[1].replace("\n", " "), "ood_files": OOD_FILES,
               "ood_tokens": int(len(ood)), "heldout_tokens": int(len(held_stream)), "corpus_words": sum(len(p.split()) for p in base_paras),
               "candidates": CANDIDATES, "rows": rows},
              open(os.path.join(HERE, "records", "corpus-breadth.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
