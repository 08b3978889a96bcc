"""Measure the shipped model for the model card -> work/eval.json

  * held-out masked-token top-1 accuracy and perplexity (the final, fine-tuned weights)
  * nearest neighbours of 20 common words: transformer input embeddings vs static vectors
  * analogy accuracy (3CosAdd, question words excluded) on public/examples/analogies.txt,
    restricted to in-vocabulary questions. In-vocabulary rule for the transformer input
    embeddings: all four words are single WordPiece tokens (whole-word entries, not "##"
    pieces); candidates are all whole-word entries except the special tokens.
"""
import argparse
import json
import os

import numpy as np
import torch

from export import load_model
from train_mlm import evaluate, heldout_set, split_stream

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
REPO = os.path.dirname(os.path.dirname(HERE))
COMMON = ["king", "water", "ship", "war", "god", "money", "house", "dog", "tree", "red",
          "good", "man", "day", "law", "sea", "gold", "city", "bread", "horse", "fire"]


def unit(m):
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-8)


def neighbours(M, words, idx, w, k=8):
    if w not in idx:
        return None
    s = M @ M[idx[w]]
    s[idx[w]] = -9
    top = np.argsort(-s)[:k]
    return [[words[i], round(float(s[i]), 3)] for i in top]


def read_analogies(path):
    secs, cur = {}, None
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        if line.startswith(":"):
            cur = line[1:].strip(); secs[cur] = []
        else:
            secs[cur].append(line.lower().split())
    return secs


def analogy_eval(M, words, idx, secs):
    res, tot_c, tot_n, tot_q = {}, 0, 0, 0
    for sec, qs in secs.items():
        inv = [q for q in qs if all(w in idx for w in q)]
        correct = 0
        for a, b, c, d in inv:
            v = M[idx[b]] - M[idx[a]] + M[idx[c]]
            s = M @ (v / np.linalg.norm(v))
            for w in (a, b, c):
                s[idx[w]] = -9
            correct += words[int(np.argmax(s))] == d
        res[sec] = {"questions": len(qs), "in_vocab": len(inv), "correct": int(correct),
                    "accuracy": correct / len(inv) if inv else None}
        tot_c += correct; tot_n += len(inv); tot_q += len(qs)
    res["all"] = {"questions": tot_q, "in_vocab": tot_n, "correct": int(tot_c),
                  "accuracy": tot_c / tot_n if tot_n else None, "coverage": tot_n / tot_q}
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(WORK, "cls", "final.pt"))
    ap.add_argument("--eval-seqs", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model-dir", default=os.path.join(os.path.dirname(HERE), "playground-bert-mini"))
    ap.add_argument("--analogies", default=os.path.join(REPO, "public", "examples", "analogies.txt"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, cfg, labels = load_model(args.ckpt)
    tokens = np.load(os.path.join(WORK, "tokens.npy"))
    _, held = split_stream(tokens)
    ev_ids, ev_types = heldout_set(tokens, held, cfg.max_position_embeddings, args.eval_seqs)
    mlm = evaluate(model, ev_ids, ev_types, cfg.vocab_size)
    print("held-out MLM", mlm, flush=True)

    vocab = [t for t, _ in sorted(json.load(open(os.path.join(WORK, "tokenizer.json")))["model"]["vocab"].items(),
                                  key=lambda kv: kv[1])]
    E = model.embeddings.word_embeddings.weight.detach().numpy()
    keep = [i for i, t in enumerate(vocab) if not t.startswith("##") and not t.startswith("[") and any(ch.isalnum() for ch in t)]
    tw = [vocab[i] for i in keep]
    TM = unit(E[keep])
    tidx = {w: i for i, w in enumerate(tw)}

    sd = os.path.join(args.model_dir, "static-vectors")
    sw = open(os.path.join(sd, "words.txt"), encoding="utf-8").read().split("\n")[:-1]
    meta = json.load(open(os.path.join(sd, "meta.json")))
    SM = unit(np.fromfile(os.path.join(sd, "vectors.f16.bin"), dtype="<f2").astype(np.float32).reshape(meta["count"], meta["dim"]))
    sidx = {w: i for i, w in enumerate(sw)}

    nn = {w: {"input_embeddings": neighbours(TM, tw, tidx, w), "static_vectors": neighbours(SM, sw, sidx, w)} for w in COMMON}
    secs = read_analogies(args.analogies)
    an = {"input_embeddings": analogy_eval(TM, tw, tidx, secs), "static_vectors": analogy_eval(SM, sw, sidx, secs)}
    print(json.dumps(an["input_embeddings"]["all"]), json.dumps(an["static_vectors"]["all"]))
    json.dump({"mlm_heldout": mlm, "neighbours": nn, "analogies": an,
               "transformer_vocab_words": len(tw), "static_words": len(sw)},
              open(os.path.join(WORK, "eval.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
