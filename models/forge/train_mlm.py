"""Masked-language-model pre-training with a wall-clock budget.

Sequences are full length (max_position_embeddings), so every position embedding is trained,
except in an optional first phase (--short-len) of shorter windows with the same tokens per step.
Half of the sequences are sentence pairs ([CLS] A [SEP] B [SEP], B = the continuation,
token_type 1) so the segment-B embedding is trained too.
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
import torch.distributed as dist
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
        edge = min(16, L // 4)
        split = int(rng.integers(edge, L - edge)) if rng.random() < 0.5 else None
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


def sinusoid_table(length, dim):
    """Unit-variance sin/cos position table: nearby positions get similar vectors from the first step,
    so attention can pick up word order before it has learned anything about positions."""
    pos = np.arange(length)[:, None]
    freq = np.exp(-math.log(10000.0) * (np.arange(0, dim, 2) / dim))
    table = np.zeros((length, dim))
    table[:, 0::2], table[:, 1::2] = np.sin(pos * freq), np.cos(pos * freq)
    return torch.from_numpy(table / table.std()).float()


@torch.no_grad()
def evaluate(model, ids, types, vocab, seed=999, bs=64):
    """top1 / perplexity over all selected positions (80% [MASK], 10% random, 10% unchanged, as in training);
    mask_top1 over the [MASK] positions only: what fill-mask does, and not lifted by copying visible tokens."""
    rng = np.random.default_rng(seed)
    mids, labels = mask_batch(ids, vocab, rng)
    model.eval()
    correct = total = mask_correct = mask_total = 0
    nll = 0.0
    for i in range(0, len(ids), bs):
        x = torch.from_numpy(mids[i:i + bs]); t = torch.from_numpy(types[i:i + bs])
        y = torch.from_numpy(labels[i:i + bs])
        h = model.encode(x, torch.ones_like(x), t)
        sel = y != -100
        logits = model.mlm_logits(h[sel])
        nll += F.cross_entropy(logits, y[sel], reduction="sum").item()
        hit = logits.argmax(-1) == y[sel]
        at_mask = x[sel] == MASK
        correct += int(hit.sum()); total += int(sel.sum())
        mask_correct += int(hit[at_mask].sum()); mask_total += int(at_mask.sum())
    model.train()
    return {"top1": correct / total, "mask_top1": mask_correct / mask_total, "perplexity": math.exp(nll / total),
            "masked_tokens": total, "mask_tokens": mask_total, "sequences": len(ids)}


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, required=True, help="wall-clock budget for training steps")
    ap.add_argument("--out", default=os.path.join(WORK, "mlm"))
    ap.add_argument("--batch", type=int, default=32, help="sequences per step and process")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup-frac", type=float, default=0.02)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--emb-std", type=float, default=0.04, help="skip-gram init rescaled to this std")
    ap.add_argument("--threads", type=int, default=1, help="intra-op threads per process")
    ap.add_argument("--procs", type=int, default=1,
                    help="data-parallel processes (gradients averaged with gloo); on these CPUs two 1-thread "
                         "processes do twice the work of one 2-thread process")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--eval-seqs", type=int, default=1000)
    ap.add_argument("--ckpt-minutes", type=float, default=10)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=512)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--pos-init", choices=["normal", "sinusoid"], default="normal",
                    help="sinusoid: position embeddings start as the Transformer's sin/cos table, scaled to --emb-std")
    ap.add_argument("--init", choices=["bert", "fan-in"], default="bert",
                    help="fan-in: encoder linear layers start at std 1/sqrt(fan_in) instead of BERT's 0.02")
    ap.add_argument("--short-len", type=int, default=0,
                    help="train the first --short-frac of the steps on windows this long (same tokens per step), "
                         "then on full-length windows, as BERT trained on 128 before 512")
    ap.add_argument("--short-frac", type=float, default=0.0)
    return ap.parse_args()


def main():
    args = parse_args()
    if args.procs > 1:
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ.setdefault("MASTER_PORT", str(29500 + os.getpid() % 1000))
        torch.multiprocessing.spawn(train, args=(args,), nprocs=args.procs)
    else:
        train(0, args)


def average_gradients(params, world):
    """One all-reduce over all gradients, flattened, so every process takes the same optimizer step."""
    grads = [p.grad for p in params if p.grad is not None]
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= world
    offset = 0
    for g in grads:
        g.copy_(flat[offset:offset + g.numel()].view_as(g))
        offset += g.numel()


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
        if args.pos_init == "sinusoid":
            model.embeddings.position_embeddings.weight.copy_(sinusoid_table(L, args.hidden) * args.emb_std)
        if args.init == "fan-in":
            # At hidden 128, BERT's 0.02 makes the first attention scores ~0.05 apart, so attention starts uniform
            # and the query/key gradients (each proportional to the other's weights) are tiny: training sits on a
            # bag-of-words plateau. 1/sqrt(fan_in) gives scores of order 1 from the start.
            for layer in model.layers:
                for m in layer.modules():
                    if isinstance(m, torch.nn.Linear):
                        torch.nn.init.normal_(m.weight, 0.0, m.in_features ** -0.5)
    # same initial weights everywhere (seeded above), different dropout masks per process
    torch.manual_seed(args.seed + rank)
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
        rng = np.random.default_rng([args.seed + step, rank])
        log(f"resumed at step {step}/{total_steps}", flush=True)

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
    params = list(model.parameters())
    # the lead process owns the clock and broadcasts [learning rate, stop, window length] so all processes stay in step
    control = torch.zeros(3, dtype=torch.float64)
    while True:
        if lead:
            now = time.time()
            if total_steps is None and step == timing_steps:
                per = (now - t0) / timing_steps
                total_steps = timing_steps + int((budget - (now - t0)) / per * 0.97)
                log(f"{per:.3f}s/step -> total_steps {total_steps}", flush=True)
            if total_steps is not None and w_time[0] == float("inf") and step >= max(1, int(args.warmup_frac * total_steps)):
                w_time[0] = elapsed_before + (time.time() - t0)
            stop = now - t0 >= budget or (total_steps is not None and step >= total_steps)
            short = args.short_len and (total_steps is None or step < args.short_frac * total_steps)
            control[0], control[1], control[2] = lr_at(step), float(stop), args.short_len if short else L
        if world > 1:
            dist.broadcast(control, 0)
        if control[1] > 0:
            break
        window = int(control[2])
        ids, types = sample_batch(tokens, train_segs, args.batch * L // window, window, rng)
        mids, labels = mask_batch(ids, vocab, rng)
        x, t, y = torch.from_numpy(mids), torch.from_numpy(types), torch.from_numpy(labels)
        for g in opt.param_groups:
            g["lr"] = float(control[0])
        h = model.encode(x, torch.ones_like(x), t)
        sel = y != -100
        loss = F.cross_entropy(model.mlm_logits(h[sel]), y[sel])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if world > 1:
            average_gradients(params, world)
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        if step % 100 == 0:
            log(f"step {step} loss {loss.item():.3f} lr {float(control[0]):.2e} {time.time()-t0:.0f}s", flush=True)
        if lead and time.time() - last_ckpt > args.ckpt_minutes * 60:
            ev = evaluate(model, ev_ids[:200], ev_types[:200], vocab)
            history.append({"step": step, "minutes": round((elapsed_before + time.time() - t0) / 60, 2), **ev})
            log("eval(200 seqs)", history[-1], flush=True)
            save()
            last_ckpt = time.time()
    if world > 1:
        dist.destroy_process_group()
    if not lead:
        return
    train_seconds = elapsed_before + (time.time() - t0)
    ev = evaluate(model, ev_ids, ev_types, vocab)
    log("final held-out", ev, flush=True)
    save(final=True)
    json.dump({"heldout": ev, "steps": step, "batch": args.batch * world, "processes": world, "seq_len": L,
               "train_seconds": round(train_seconds, 1), "lr": args.lr, "pos_init": args.pos_init, "init": args.init,
               "short_len": args.short_len, "short_frac": args.short_frac, "warmup_frac": args.warmup_frac, "history": history,
               "threads": args.threads, "seed": args.seed},
              open(os.path.join(args.out, "metrics.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
