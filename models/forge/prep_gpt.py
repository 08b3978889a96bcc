"""Byte-level BPE tokenizer + token stream for the decoder (playground-gpt-mini).

  work/gpt/tokenizer.json   byte-level BPE tokenizer (HF format)
  work/gpt/tokens.npy       int16 token stream of the whole corpus: every paragraph preceded by <|endoftext|>
  work/gpt/prep.json        counts and timings

Same corpus as the encoder (corpus.py, same sources and order); run corpus.py first.
"""
import argparse
import json
import os
import time
from collections import Counter

import numpy as np

import bpe
from prep import read_corpus

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab-size", type=int, default=8000)
    ap.add_argument("--max-lines", type=int, default=None, help="smoke: first N paragraphs per source")
    args = ap.parse_args()
    out = os.path.join(WORK, "gpt")
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    paras = read_corpus(args.max_lines)
    para_words = [bpe.pre_tokenize(p) for p in paras]
    counts = Counter(w for ws in para_words for w in ws)
    print(f"{len(paras)} paragraphs, {sum(counts.values())} pre-tokens, {len(counts)} distinct ({time.time()-t0:.0f}s)", flush=True)
    tok = bpe.train(counts, vocab_size=args.vocab_size)
    json.dump(tok.to_hf_json(), open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8"),
              ensure_ascii=False, indent=1)
    t_tok = time.time() - t0
    print(f"tokenizer: {len(tok.vocab)} tokens, {len(tok.merges)} merges ({t_tok:.0f}s)", flush=True)
    stream = []
    for ws in para_words:
        stream.append(tok.eot_id)
        for w in ws:
            stream.extend(tok.bpe(w))
    arr = np.asarray(stream, dtype=np.int16 if len(tok.vocab) < 32768 else np.int32)
    np.save(os.path.join(out, "tokens.npy"), arr)
    words = sum(len(p.split()) for p in paras)
    info = {"paragraphs": len(paras), "words": words, "tokens": int(len(arr)), "tokens_per_word": len(arr) / max(1, words),
            "vocab": len(tok.vocab), "merges": len(tok.merges), "tokenizer_seconds": round(t_tok, 1),
            "seconds": round(time.time() - t0, 1)}
    json.dump(info, open(os.path.join(out, "prep.json"), "w"), indent=2)
    print(json.dumps(info), flush=True)


if __name__ == "__main__":
    main()
