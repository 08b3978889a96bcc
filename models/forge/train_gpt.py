"""Causal-LM training of playground-gpt-mini with a wall-clock budget.

Windows: [<|endoftext|>] + L-1 tokens of the stream, targets the next L tokens (so the BOS the tokenizer
adds at inference is always at position 0, and the first target is predicted from the BOS alone). Half the
windows start at a paragraph start (the token after an <|endoftext|>), half anywhere; paragraphs inside a
window stay separated by <|endoftext|>. Held out: every 50th of 1000 contiguous segments of the stream (2%),
the same split as the encoder's.

The LR schedule (linear warmup, cosine decay to 10%) follows the wall clock (the machine is shared, its
speed changes during a run). --procs one-thread processes average their gradients
(gloo), as for the encoder.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

from gpt_model import GPTConfig, GPTMini

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
EOT = 0
N_SEGMENTS, HELDOUT_EVERY = 1000, 50


def split_stream(n):
    bounds = np.linspace(0, n, N_SEGMENTS + 1).astype(np.int64)
    train, held = [], []
    for i in range(N_SEGMENTS):
        (held if i % HELDOUT_EVERY == 0 else train).append((int(bounds[i]), int(bounds[i + 1])))
    return train, held


def window(tokens, s, L):
    body = tokens[s:s + L].astype(np.int64)
    x = np.concatenate([[EOT], body[:-1]])
    return x, body


def sample_batch(tokens, segs, starts_eot, bs, L, rng):
    xs, ys = [], []
    for _ in range(bs):
        a, b = segs[rng.integers(len(segs))]
        s = int(rng.integers(a, b - L))
        if rng.random() < 0.5:
            j = np.searchsorted(starts_eot, s)
            if j < len(starts_eot) and starts_eot[j] + 1 + L <= b:
                s = int(starts_eot[j]) + 1
        x, y = window(tokens, s, L)
        xs.append(x); ys.append(y)
    return np.stack(xs), np.stack(ys)


def heldout_set(tokens, held, L, n, seed=4321):
    """Fixed, non-overlapping held-out windows (the same for every evaluation)."""
    xs, ys = [], []
    for a, b in held:
        for s in range(a, b - L, L):
            x, y = window(tokens, s, L)
            xs.append(x); ys.append(y)
    order = np.random.default_rng(seed).permutation(len(xs))[:n]
    return np.stack(xs)[order], np.stack(ys)[order]


@torch.no_grad()
def evaluate(model, xs, ys, bs=32):
    """Perplexity and next-token top-1/top-5 over every target position of the windows."""
    model.eval()
    nll, correct, correct5, total = 0.0, 0, 0, 0
    for i in range(0, len(xs), bs):
        x = torch.from_numpy(xs[i:i + bs]); y = torch.from_numpy(ys[i:i + bs])
        h, _, _ = model.hidden(x)
        logits = model.logits(h).reshape(-1, model.config.vocab_size)
        y = y.reshape(-1)
        nll += F.cross_entropy(logits, y, reduction="sum").item()
        top5 = logits.topk(5, dim=-1).indices
        correct += int((top5[:, 0] == y).sum()); correct5 += int((top5 == y[:, None]).any(-1).sum())
        total += y.numel()
    model.train()
    return {"top1": correct / total, "top5": correct5 / total, "perplexity": math.exp(nll / total),
            "loss": nll / total, "tokens": total, "windows": len(xs)}


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, required=True, help="wall-clock budget for training steps")
    ap.add_argument("--out", default=os.path.join(WORK, "gpt", "train"))
    ap.add_argument("--batch", type=int, default=16, help="sequences per step and process")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr-frac", type=float, default=0.1)
    ap.add_argument("--warmup-frac", type=float, default=0.03)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--procs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--eval-seqs", type=int, default=1000)
    ap.add_argument("--ckpt-minutes", type=float, default=10, help="checkpoint and learning-curve point every N minutes")
    ap.add_argument("--curve-seqs", type=int, default=100, help="held-out windows for the learning-curve points")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--embd", type=int, default=256)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--positions", type=int, default=256, help="n_positions (= training window length)")
    ap.add_argument("--dropout", type=float, default=0.1, help="attn_pdrop = resid_pdrop = embd_pdrop")
    return ap.parse_args()


def average_gradients(params, world):
    grads = [p.grad for p in params if p.grad is not None]
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= world
    offset = 0
    for g in grads:
        g.copy_(flat[offset:offset + g.numel()].view_as(g))
        offset += g.numel()


def main():
    args = parse_args()
    if args.procs > 1:
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ.setdefault("MASTER_PORT", str(29500 + os.getpid() % 1000))
        torch.multiprocessing.spawn(train, args=(args,), nprocs=args.procs)
    else:
        train(0, args)


def train(rank, args):
    world = args.procs
    if world > 1:
        dist.init_process_group("gloo", rank=rank, world_size=world)
    lead = rank == 0
    log = print if lead else (lambda *a, **k: None)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed if rank == 0 else [args.seed, rank])
    os.makedirs(args.out, exist_ok=True)
    tokens = np.load(os.path.join(WORK, "gpt", "tokens.npy"))
    vocab = len(json.load(open(os.path.join(WORK, "gpt", "tokenizer.json"), encoding="utf-8"))["model"]["vocab"])
    L = args.positions
    cfg = GPTConfig(vocab_size=vocab, n_positions=L, n_embd=args.embd, n_layer=args.layers, n_head=args.heads,
                    attn_pdrop=args.dropout, resid_pdrop=args.dropout, embd_pdrop=args.dropout)
    train_segs, held_segs = split_stream(len(tokens))
    train_segs = [(a, b) for a, b in train_segs if b - a > L + 1]
    starts_eot = np.flatnonzero(tokens == EOT)
    ev_x, ev_y = heldout_set(tokens, held_segs, L, args.eval_seqs)
    model = GPTMini(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"model: {cfg.n_layer} layers, {cfg.n_embd} wide, {cfg.n_head} heads, {n_params} parameters; "
        f"{len(tokens)} tokens, {len(ev_x)} held-out windows", flush=True)
    torch.manual_seed(args.seed + rank)  # same initial weights everywhere, different dropout masks
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    step, total_steps, elapsed_before, history = 0, None, 0.0, []
    ckpt = os.path.join(args.out, "last.pt")
    if args.resume and os.path.exists(ckpt):
        st = torch.load(ckpt)
        model.load_state_dict(st["model"]); opt.load_state_dict(st["opt"])
        step, total_steps, elapsed_before, history = st["step"], st["total_steps"], st["elapsed"], st["history"]
        rng = np.random.default_rng([args.seed + step, rank])
        log(f"resumed at step {step}/{total_steps}", flush=True)

    def lr_at(s):
        """Linear warmup over the first warmup_frac of the wall-clock budget, then cosine decay to min_lr_frac
        at its end. The schedule follows the clock, not a step count: on a machine shared with other jobs the
        speed changes during the run, and a step count fixed in advance would stop early or cut the decay."""
        spent = elapsed_before + (time.time() - t0)
        total = args.minutes * 60
        w = args.warmup_frac * total
        if spent < w:
            return args.lr * max(spent / w, 0.01)
        prog = min(1.0, (spent - w) / max(1.0, total - w))
        m = args.min_lr_frac
        return args.lr * (m + (1 - m) * 0.5 * (1 + math.cos(math.pi * prog)))

    def save(final=False):
        st = {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "total_steps": total_steps,
              "elapsed": elapsed_before + (time.time() - t0), "history": history, "config": cfg.__dict__}
        torch.save(st, ckpt + ".tmp"); os.replace(ckpt + ".tmp", ckpt)
        if final:
            torch.save({"model": model.state_dict(), "config": cfg.__dict__}, os.path.join(args.out, "final.pt"))

    budget = args.minutes * 60 - elapsed_before
    t0 = time.time()
    last_ckpt = t0
    # the machine's load average once a minute, for the card: the clock-driven schedule's step count depends on it
    load_log = os.path.join(args.out, "load.txt")
    if lead and not args.resume:
        open(load_log, "w").close()
    last_load = 0.0
    model.train()
    timing_steps = 10
    params = list(model.parameters())
    control = torch.zeros(2, dtype=torch.float64)  # [learning rate, stop], broadcast by the lead process
    tokens_seen = 0
    while True:
        if lead:
            now = time.time()
            if total_steps is None and step == timing_steps:
                log(f"{(now - t0) / timing_steps:.3f}s/step over the first {timing_steps} steps", flush=True)
                total_steps = -1  # logged once; the schedule follows the clock
            stop = now - t0 >= budget
            control[0], control[1] = lr_at(step), float(stop)
        if world > 1:
            dist.broadcast(control, 0)
        if control[1] > 0:
            break
        xb, yb = sample_batch(tokens, train_segs, starts_eot, args.batch, L, rng)
        x, y = torch.from_numpy(xb), torch.from_numpy(yb)
        for g in opt.param_groups:
            g["lr"] = float(control[0])
        h, _, _ = model.hidden(x)
        loss = F.cross_entropy(model.logits(h).reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if world > 1:
            average_gradients(params, world)
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        tokens_seen += x.numel() * world
        if lead and time.time() - last_load >= 60:
            with open(load_log, "a") as f:
                f.write(f"{int(time.time())} {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
            last_load = time.time()
        if step % 50 == 0:
            log(f"step {step} loss {loss.item():.3f} lr {float(control[0]):.2e} {time.time()-t0:.0f}s", flush=True)
        if lead and time.time() - last_ckpt > args.ckpt_minutes * 60:
            ev = evaluate(model, ev_x[:args.curve_seqs], ev_y[:args.curve_seqs])
            history.append({"step": step, "minutes": round((elapsed_before + time.time() - t0) / 60, 2), **ev})
            log(f"eval({args.curve_seqs} windows)", history[-1], flush=True)
            save()
            last_ckpt = time.time()
    if world > 1:
        dist.destroy_process_group()
    if not lead:
        return
    train_seconds = elapsed_before + (time.time() - t0)
    ev = evaluate(model, ev_x, ev_y)
    log("final held-out", ev, flush=True)
    save(final=True)
    json.dump({"heldout": ev, "steps": step, "batch": args.batch * world, "processes": world, "seq_len": L,
               "tokens_per_step": args.batch * world * L, "parameters": n_params,
               "layers": args.layers, "embd": args.embd, "heads": args.heads,
               "train_seconds": round(train_seconds, 1), "lr": args.lr, "min_lr_frac": args.min_lr_frac,
               "warmup_frac": args.warmup_frac, "weight_decay": args.weight_decay, "history": history,
               "threads": args.threads, "seed": args.seed},
              open(os.path.join(args.out, "metrics.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
