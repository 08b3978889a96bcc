"""Masked-language-model pre-training with a wall-clock budget.

Sequences are always full length (max_position_embeddings) so every position embedding
is trained. Half of the sequences are sentence pairs ([CLS] A [SEP] B [SEP], B = the
continuation, token_type 1) so the segment-B embedding is trained too.
Masking: 15% of the non-special positions; 80% [MASK], 10% random token, 10% unchanged.
The loss (and the vocab projection) is computed only at the selected positions.

The LR schedule (linear warmup, cosine decay to 5%) is laid out in steps: after a short
timing phase the trainer estimates how many steps fit in the budget and fixes that number
(stored in the checkpoint so a resumed run keeps its schedule).
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from model import BertMini, Config

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4
N_SEGMENTS, HELDOUT_EVERY = 1000, 50


def split_stream(tokens):
    """Contiguous segments; every 50th segment is held out (2%)."""
    bounds = np.linspace(0, len(tokens), N_SEGMENTS + 1).astype(np.int64)
    train, held = [], []
    for i in range(N_SEGMENTS):
        (held if i % HELDOUT_EVERY == 0 else train).append((bounds[i], bounds[i + 1]))
    return train, held


def make_window(tokens, start, L, pair_split=None):
    body = tokens[start:start + L - 3 if pair_split else start + L - 2]
    if pair_split:
        a, b = body[:pair_split], body[pair_split:]
        ids = np.concatenate([[CLS], a, [SEP], b, [SEP]])
        types = np.concatenate([np.zeros(len(a) + 2, np.int64), np.ones(len(b) + 1, np.int64)])
    else:
        ids = np.concatenate([[CLS], body, [SEP]])
        types = np.zeros(L, np.int64)
    return ids.astype(np.int64), types


def sample_batch(tokens, segs, bs, L, rng):
    segs = [(s, e) for s, e in segs if e - s >= L]
    ids, types = [], []
    for _ in range(bs):
        s, e = segs[rng.integers(len(segs))]
        while e - s < L:
            s, e = segs[rng.integers(len(segs))]
        start = int(rng.integers(s, e - L + 1))
        split = int(rng.integers(16, L - 16)) if rng.random() < 0.5 else None
        i, t = make_window(tokens, start, L, split)
        ids.append(i); types.append(t)
    return np.stack(ids), np.stack(types)


def mask_batch(ids, vocab, rng, p=0.15):
    ids = ids.copy()
    labels = np.full_like(ids, -100)
    cand = (ids != CLS) & (ids != SEP) & (ids != PAD)
    sel = (rng.random(ids.shape) < p) & cand
    labels[sel] = ids[sel]
    r = rng.random(ids.shape)
    ids[sel & (r < 0.8)] = MASK
    rnd = sel & (r >= 0.8) & (r < 0.9)
    ids[rnd] = rng.integers(5, vocab, size=int(rnd.sum()))
    return ids, labels


def heldout_set(tokens, held, L, n, seed=4321):
    """Fixed, non-overlapping held-out windows with a fixed mask (same for every evaluation)."""
    rng = np.random.default_rng(seed)
    ids, types = [], []
    for s, e in held:
        for start in range(int(s), int(e) - L, L):
            split = int(rng.integers(16, L - 16)) if rng.random() < 0.5 else None
            i, t = make_window(tokens, start, L, split)
            ids.append(i); types.append(t)
    order = rng.permutation(len(ids))[:n]
    ids, types = np.stack(ids)[order], np.stack(types)[order]
    return ids, types


@torch.no_grad()
def evaluate(model, ids, types, vocab, seed=999, bs=64):
    rng = np.random.default_rng(seed)
    mids, labels = mask_batch(ids, vocab, rng)
    model.eval()
    correct = total = 0
    nll = 0.0
    for i in range(0, len(ids), bs):
        x = torch.from_numpy(mids[i:i + bs]); t = torch.from_numpy(types[i:i + bs])
        y = torch.from_numpy(labels[i:i + bs])
        h = model.encode(x, torch.ones_like(x), t)
        sel = y != -100
        logits = model.mlm_logits(h[sel])
        nll += F.cross_entropy(logits, y[sel], reduction="sum").item()
        correct += (logits.argmax(-1) == y[sel]).sum().item()
        total += int(sel.sum())
    model.train()
    return {"top1": correct / total, "perplexity": math.exp(nll / total), "masked_tokens": total, "sequences": len(ids)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, required=True, help="wall-clock budget for training steps")
    ap.add_argument("--out", default=os.path.join(WORK, "mlm"))
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup-frac", type=float, default=0.02)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--emb-std", type=float, default=0.04, help="skip-gram init rescaled to this std")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--eval-seqs", type=int, default=1000)
    ap.add_argument("--ckpt-minutes", type=float, default=10)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=512)
    ap.add_argument("--max-len", type=int, default=128)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)

    tokens = np.load(os.path.join(WORK, "tokens.npy"))
    sg = np.load(os.path.join(WORK, "sg_init.npy"))
    vocab = sg.shape[0]
    cfg = Config(vocab_size=vocab, hidden_size=args.hidden, num_hidden_layers=args.layers,
                 num_attention_heads=args.heads, intermediate_size=args.intermediate,
                 max_position_embeddings=args.max_len)
    L = args.max_len
    train_segs, held_segs = split_stream(tokens)
    ev_ids, ev_types = heldout_set(tokens, held_segs, L, args.eval_seqs)
    model = BertMini(cfg)
    with torch.no_grad():
        covered = np.zeros(vocab, bool); covered[np.unique(tokens)] = True
        sg = sg.copy()
        sg[~covered] = np.random.default_rng(args.seed).normal(0, sg[covered].std(), size=(int((~covered).sum()), sg.shape[1]))
        e = torch.from_numpy(sg).float()
        e = (e - e.mean(0)) / e.std() * args.emb_std
        model.embeddings.word_embeddings.weight.copy_(e)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    step, total_steps, elapsed_before, history = 0, None, 0.0, []
    ckpt = os.path.join(args.out, "last.pt")
    if args.resume and os.path.exists(ckpt):
        st = torch.load(ckpt)
        model.load_state_dict(st["model"]); opt.load_state_dict(st["opt"])
        step, total_steps, elapsed_before, history = st["step"], st["total_steps"], st["elapsed"], st["history"]
        rng = np.random.default_rng(args.seed + step)
        print(f"resumed at step {step}/{total_steps}", flush=True)

    def lr_at(s):
        T = total_steps or 10 ** 9
        w = max(1, int(args.warmup_frac * T))
        if s < w:
            return args.lr * (s + 1) / w
        prog = min(1.0, (s - w) / max(1, T - w))
        # if the machine gets slower than during the timing phase, follow the clock instead,
        # so the schedule still decays fully before the budget runs out
        spent = elapsed_before + (time.time() - t0)
        prog = max(prog, min(1.0, (spent - w_time[0]) / max(1.0, args.minutes * 60 - w_time[0])))
        return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * prog)))

    def save(final=False):
        st = {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "total_steps": total_steps,
              "elapsed": elapsed_before + (time.time() - t0), "history": history, "config": cfg.__dict__}
        torch.save(st, ckpt + ".tmp"); os.replace(ckpt + ".tmp", ckpt)
        if final:
            torch.save({"model": model.state_dict(), "config": cfg.__dict__}, os.path.join(args.out, "final.pt"))

    budget = args.minutes * 60 - elapsed_before
    t0 = time.time()
    w_time = [float("inf")]  # wall-clock seconds (run total) at the end of warmup
    last_ckpt = t0
    model.train()
    timing_steps = 20
    while True:
        now = time.time()
        if now - t0 >= budget or (total_steps is not None and step >= total_steps):
            break
        if total_steps is None and step == timing_steps:
            per = (now - t0) / timing_steps
            total_steps = timing_steps + int((budget - (now - t0)) / per * 0.97)
            print(f"{per:.3f}s/step -> total_steps {total_steps}", flush=True)
        ids, types = sample_batch(tokens, train_segs, args.batch, L, rng)
        mids, labels = mask_batch(ids, vocab, rng)
        x, t, y = torch.from_numpy(mids), torch.from_numpy(types), torch.from_numpy(labels)
        if total_steps is not None and w_time[0] == float("inf") and step >= max(1, int(args.warmup_frac * total_steps)):
            w_time[0] = elapsed_before + (time.time() - t0)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        h = model.encode(x, torch.ones_like(x), t)
        sel = y != -100
        loss = F.cross_entropy(model.mlm_logits(h[sel]), y[sel])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 100 == 0:
            print(f"step {step} loss {loss.item():.3f} lr {lr_at(step):.2e} {time.time()-t0:.0f}s", flush=True)
        if time.time() - last_ckpt > args.ckpt_minutes * 60:
            ev = evaluate(model, ev_ids[:200], ev_types[:200], vocab)
            history.append({"step": step, "minutes": round((elapsed_before + time.time() - t0) / 60, 2), **ev})
            print("eval(200 seqs)", history[-1], flush=True)
            save()
            last_ckpt = time.time()
    train_seconds = elapsed_before + (time.time() - t0)
    ev = evaluate(model, ev_ids, ev_types, vocab)
    print("final held-out", ev, flush=True)
    save(final=True)
    json.dump({"heldout": ev, "steps": step, "batch": args.batch, "seq_len": L, "train_seconds": round(train_seconds, 1),
               "lr": args.lr, "history": history, "threads": args.threads, "seed": args.seed},
              open(os.path.join(args.out, "metrics.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
