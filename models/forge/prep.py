"""Tokenizer + token stream + skip-gram vectors.

  work/tokenizer.json           WordPiece tokenizer (HF format)
  work/tokens.npy               int16/int32 token stream of the whole corpus (paragraphs concatenated)
  work/sg_init.npy              skip-gram vectors for every WordPiece token [vocab, hidden] (float32)
  work/static/{words.txt,vectors.npy,meta.json}   skip-gram vectors on whole lower-cased words
"""
import argparse
import json
import os
import random
import time
from collections import Counter

import numpy as np

import wordpiece

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
ORDER = ["sotu", "moby_dick", "wordnet", "kjv", "devil"]


def read_corpus(max_lines=None):
    paras = []
    for k in ORDER:
        with open(os.path.join(WORK, "corpus", k + ".txt"), encoding="utf-8") as fh:
            lines = [l.rstrip("\n") for l in fh if l.strip()]
        if max_lines:
            lines = lines[:max_lines]
        paras.extend(lines)
    return paras


def chunks(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


# Static word vectors: settings chosen by measurement on the tune half of the project's analogy file
# (models/forge/sweep_static.py; the table is in records/static-sweep.json and the model card). words x dim
# x 2 bytes (float16) stays under 8 MB.
STATIC = {"dim": 100, "window": 5, "negative": 5, "epochs": 10, "min_count": 5, "sample": 1e-4, "words": 15000}


def word_sentences(para_words):
    """Whole lower-cased words per paragraph, punctuation-only tokens dropped, cut at 10,000 words
    (gensim's sentence limit)."""
    wsents = [[w for w in ws if any(ch.isalnum() for ch in w)] for ws in para_words]
    return [c for s in wsents for c in chunks(s, 10000) if c]


def train_static(wsents, st, seed, workers):
    """Skip-gram with negative sampling on whole words -> (model, sentences, seconds)."""
    from gensim.models import Word2Vec
    t1 = time.time()
    w2v = Word2Vec(sentences=wsents, vector_size=st["dim"], window=st["window"], min_count=st["min_count"],
                   sg=1, negative=st["negative"], epochs=st["epochs"], workers=workers, seed=seed,
                   sample=st["sample"])
    return w2v, wsents, round(time.time() - t1, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab-size", type=int, default=8000)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--sg-epochs", type=int, default=3)
    for k, v in STATIC.items():
        ap.add_argument("--static-" + k.replace("_", "-"), type=type(v), default=v)
    ap.add_argument("--max-lines", type=int, default=None, help="smoke: first N paragraphs per source")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    from gensim.models import Word2Vec

    t0 = time.time()
    paras = read_corpus(args.max_lines)
    para_words = [wordpiece.words_of(p) for p in paras]
    counts = Counter(w for ws in para_words for w in ws)
    print(f"{len(paras)} paragraphs, {sum(counts.values())} pre-tokens, {len(counts)} distinct ({time.time()-t0:.0f}s)", flush=True)

    tok = wordpiece.train(counts, vocab_size=args.vocab_size,
                          min_word_count=2 if not args.max_lines else 1)
    json.dump(tok.to_hf_json(), open(os.path.join(WORK, "tokenizer.json"), "w", encoding="utf-8"),
              ensure_ascii=False, indent=1)
    print(f"tokenizer: {len(tok.vocab)} tokens ({time.time()-t0:.0f}s)", flush=True)

    # token stream, paragraph by paragraph (special-token splitting is irrelevant for corpus text)
    stream, para_tokens = [], []
    unk = 0
    for ws in para_words:
        ids = []
        for w in ws:
            ids.extend(tok.encode_word(w))
        para_tokens.append(ids)
        stream.extend(ids)
        unk += ids.count(tok.unk_id)
    arr = np.asarray(stream, dtype=np.int32)
    np.save(os.path.join(WORK, "tokens.npy"), arr)
    print(f"stream: {len(arr)} tokens, {unk} [UNK] ({time.time()-t0:.0f}s)", flush=True)

    # skip-gram on the WordPiece token stream -> initial token embeddings
    sents = [[str(i) for i in c] for ids in para_tokens for c in chunks(ids, 10000) if c]
    t1 = time.time()
    sg = Word2Vec(sentences=sents, vector_size=args.hidden, window=5, min_count=1, sg=1, negative=5,
                  epochs=args.sg_epochs, workers=args.workers, seed=args.seed)
    rng = np.random.default_rng(args.seed)
    emb = rng.normal(0, 1.0, size=(len(tok.vocab), args.hidden)).astype(np.float32)
    hit = 0
    for i in range(len(tok.vocab)):
        if str(i) in sg.wv.key_to_index:
            emb[i] = sg.wv[str(i)]
            hit += 1
    np.save(os.path.join(WORK, "sg_init.npy"), emb)
    json.dump({"seconds": round(time.time() - t1, 1), "covered": hit, "vocab": len(tok.vocab)},
              open(os.path.join(WORK, "sg_init.json"), "w"))
    print(f"skip-gram token vectors: {hit}/{len(tok.vocab)} tokens, {time.time()-t1:.0f}s", flush=True)

    # static word vectors on whole lower-cased words (punctuation dropped)
    st = {k: getattr(args, "static_" + k) for k in STATIC}
    if args.max_lines:
        st["min_count"] = 1  # smoke: a 150-paragraph slice has few repeated words
    w2v, wsents, seconds = train_static(word_sentences(para_words), st, args.seed, args.workers)
    words = w2v.wv.index_to_key[:st["words"]]  # most frequent first
    vecs = np.stack([w2v.wv[w] for w in words]).astype(np.float32)
    sd = os.path.join(WORK, "static")
    os.makedirs(sd, exist_ok=True)
    with open(os.path.join(sd, "words.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(words) + "\n")
    np.save(os.path.join(sd, "vectors.npy"), vecs)
    training = {"algorithm": "skip-gram with negative sampling (gensim Word2Vec)", "window": st["window"],
                "negative": st["negative"], "epochs": st["epochs"], "min_count": w2v.min_count,
                "sample": st["sample"], "seed": args.seed,
                "tokens": "whole words, BertNormalizer-lowercased, BertPreTokenizer split, punctuation dropped",
                "corpus_words": int(sum(len(s) for s in wsents)), "seconds": seconds,
                "settings_chosen_by": "sweep on public/examples/analogies-tune.txt (models/forge/sweep_static.py, "
                                      "records/static-sweep.json)"}
    json.dump({"count": len(words), "dim": st["dim"], "training": training},
              open(os.path.join(sd, "meta.json"), "w"), indent=2)
    print(f"static vectors: {len(words)} x {st['dim']}, {seconds:.0f}s", flush=True)
    print(f"prep done in {time.time()-t0:.0f}s")


if __name__ == "__main__":
    main()
