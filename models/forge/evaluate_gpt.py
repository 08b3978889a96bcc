"""Measure playground-gpt-mini for its model card -> work/gpt/eval.json

  * in-domain: the held-out 2% of the training stream (every 50th of 1000 segments), windows of n_positions
    tokens starting with <|endoftext|> as in training; perplexity, next-token top-1 / top-5 over every target
  * out-of-domain English: licence texts shipped by Debian's base-files in /usr/share/common-licenses
    (GPL-3, Apache-2.0, MPL-2.0, GFDL-1.3, CC0-1.0): modern legal English, none of it in the training
    sources; paragraphs (blank-line separated, whitespace collapsed) joined with <|endoftext|> like the
    training stream, same windows and measures
  * word-level perplexity as well (exp of the summed token loss over whitespace-separated words)
  * greedy continuations of five fixed prompts (KV cache, 40 new tokens, stop at <|endoftext|>)
"""
import argparse
import json
import math
import os
import re
import time

import numpy as np
import torch
import torch.nn.functional as F

import bpe
from export_gpt import load_model
from train_gpt import heldout_set, split_stream, window

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
LICENSES = "/usr/share/common-licenses"
OOD_FILES = ["GPL-3", "Apache-2.0", "MPL-2.0", "GFDL-1.3", "CC0-1.0"]
PROMPTS = [
    "Call me Ishmael. Some years ago",
    "In the beginning God",
    "The state of the Union is",
    "dog, domestic dog: a",
    "The ship sailed across the sea and",
]


@torch.no_grad()
def score_windows(model, xs, ys, bs=32):
    nll, correct, correct5, total = 0.0, 0, 0, 0
    for i in range(0, len(xs), bs):
        x = torch.from_numpy(xs[i:i + bs]); y = torch.from_numpy(ys[i:i + bs])
        h, _, _ = model.hidden(x)
        logits = model.logits(h)
        valid = y >= 0
        lg, yy = logits[valid], y[valid]
        nll += F.cross_entropy(lg, yy, reduction="sum").item()
        top5 = lg.topk(5, dim=-1).indices
        correct += int((top5[:, 0] == yy).sum()); correct5 += int((top5 == yy[:, None]).any(-1).sum())
        total += int(valid.sum())
    return {"top1": correct / total, "top5": correct5 / total, "perplexity": math.exp(nll / total),
            "loss": nll / total, "tokens": total, "windows": len(xs), "nll_sum": nll}


def stream_windows(stream, L):
    """Non-overlapping windows [BOS] + L-1 tokens -> next L tokens; the last one padded with -1 targets."""
    xs, ys = [], []
    for s in range(0, len(stream), L):
        body = np.full(L, -1, np.int64)
        chunk = stream[s:s + L]
        body[:len(chunk)] = chunk
        x = np.concatenate([[0], np.where(body[:-1] < 0, 0, body[:-1])])
        xs.append(x); ys.append(body)
    return np.stack(xs), np.stack(ys)


def ood_text():
    paras = []
    for f in OOD_FILES:
        raw = open(os.path.join(LICENSES, f), encoding="utf-8").read()
        for p in re.split(r"\n\s*\n", raw):
            p = re.sub(r"\s+", " ", p).strip()
            if p:
                paras.append(p)
    return paras


@torch.no_grad()
def greedy(model, tok, prompt, new_tokens=40):
    ids = tok.encode(prompt)[0]
    x = torch.tensor([ids])
    h, past, _ = model.hidden(x)
    out = []
    for _ in range(new_tokens):
        nxt = int(model.logits(h[:, -1]).argmax(-1))
        if nxt == tok.eot_id:
            break
        out.append(nxt)
        pos = torch.tensor([[len(ids) + len(out) - 1]])
        h, past, _ = model.hidden(torch.tensor([[nxt]]), None, pos, past)
    return tok.decode(out), len(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(WORK, "gpt", "train", "final.pt"))
    ap.add_argument("--eval-seqs", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()
    model, cfg = load_model(args.ckpt)
    tok = bpe.ByteBPE.from_hf_json(os.path.join(WORK, "gpt", "tokenizer.json"))
    L = cfg.n_positions
    tokens = np.load(os.path.join(WORK, "gpt", "tokens.npy"))
    _, held = split_stream(len(tokens))
    xs, ys = heldout_set(tokens, held, L, args.eval_seqs)
    ind = score_windows(model, xs, ys)
    text = tok.decode([t for t in ys.ravel().tolist() if t != tok.eot_id])
    ind["words"] = len(text.split())
    ind["word_perplexity"] = math.exp(ind["nll_sum"] / ind["words"])
    print("in-domain", ind, flush=True)

    paras = ood_text()
    stream = []
    for p in paras:
        stream.append(tok.eot_id)
        stream.extend(tok.encode_plain(p))
    oxs, oys = stream_windows(np.asarray(stream, np.int64), L)
    ood = score_windows(model, oxs, oys)
    ood["words"] = sum(len(p.split()) for p in paras)
    ood["word_perplexity"] = math.exp(ood["nll_sum"] / ood["words"])
    ood["files"] = [os.path.join(LICENSES, f) for f in OOD_FILES]
    print("out-of-domain", ood, flush=True)

    gens = []
    for p in PROMPTS:
        cont, n = greedy(model, tok, p)
        gens.append({"prompt": p, "continuation": cont, "new_tokens": n})
        print(repr(p), "->", repr(cont), flush=True)
    json.dump({"in_domain": ind, "out_of_domain": ood, "greedy": gens, "seconds": round(time.time() - t0, 1)},
              open(os.path.join(WORK, "gpt", "eval.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
