"""Fine-tune the sequence-classification head on WordNet noun glosses labelled by
lexicographer file.

The encoder is shared with the masked-LM head in the exported model, so fine-tuning is
multi-task: every step adds a small MLM batch from the training corpus to the classifier
loss, which keeps fill-mask quality from collapsing. Split (seeded, per class):
  examples  -> never used for training; source of public/examples/wordnet-glosses-noisy.csv
  test      -> held-out evaluation
  train     -> fine-tuning
"""
import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

import wordpiece
from model import BertMini, Config
from train_mlm import mask_batch, sample_batch, split_stream

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
LABELS = ["noun.animal", "noun.plant", "noun.food", "noun.person", "noun.artifact",
          "noun.location", "noun.body", "noun.substance"]


def make_split(seed, n_examples=45, n_test=200, cap_train=1500):
    by = {l: [] for l in LABELS}
    seen = set()
    for line in open(os.path.join(WORK, "wordnet_nouns.jsonl")):
        s = json.loads(line)
        d = s["definition"].strip()
        if s["lexname"] in by and len(d.split()) >= 3 and d.lower() not in seen:
            seen.add(d.lower())
            by[s["lexname"]].append({"text": d, "label": s["lexname"], "offset": s["offset"], "words": s["words"]})
    rnd = random.Random(seed)
    split = {"examples": [], "test": [], "train": []}
    for l in LABELS:
        rows = by[l]
        rnd.shuffle(rows)
        split["examples"] += rows[:n_examples]
        split["test"] += rows[n_examples:n_examples + n_test]
        split["train"] += rows[n_examples + n_test:n_examples + n_test + cap_train]
    for k in split:
        rnd.shuffle(split[k])
    return split


def encode_batch(tok, texts, max_len):
    enc = [tok.encode(t)[0][:max_len] for t in texts]
    for e in enc:
        if e[-1] != 3:
            e[-1] = 3  # keep the final [SEP] after truncation
    L = max(len(e) for e in enc)
    ids = torch.zeros(len(enc), L, dtype=torch.long)
    mask = torch.zeros(len(enc), L, dtype=torch.long)
    for i, e in enumerate(enc):
        ids[i, :len(e)] = torch.tensor(e)
        mask[i, :len(e)] = 1
    return ids, mask


@torch.no_grad()
def predict(model, tok, texts, max_len=64, bs=64):
    model.eval()
    out = []
    for i in range(0, len(texts), bs):
        ids, mask = encode_batch(tok, texts[i:i + bs], max_len)
        h = model.encode(ids, mask, torch.zeros_like(ids))
        out.append(torch.softmax(model.classifier(h), -1))
    model.train()
    return torch.cat(out).numpy()


def scores(probs, gold):
    pred = probs.argmax(1)
    acc = float((pred == gold).mean())
    f1s = []
    for c in range(probs.shape[1]):
        tp = ((pred == c) & (gold == c)).sum(); fp = ((pred == c) & (gold != c)).sum(); fn = ((pred != c) & (gold == c)).sum()
        p = tp / (tp + fp) if tp + fp else 0.0; r = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return {"accuracy": acc, "macro_f1": float(np.mean(f1s)), "per_class_f1": {LABELS[c]: float(f) for c, f in enumerate(f1s)}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", default=os.path.join(WORK, "mlm", "final.pt"))
    ap.add_argument("--out", default=os.path.join(WORK, "cls"))
    ap.add_argument("--epochs", type=float, default=4)
    ap.add_argument("--minutes", type=float, default=9, help="wall-clock cap")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--mlm-batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--cap-train", type=int, default=1500)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)

    split = make_split(args.seed, cap_train=args.cap_train)
    json.dump(split, open(os.path.join(WORK, "cls_split.json"), "w"))
    tok = wordpiece.WordPiece.from_hf_json(os.path.join(WORK, "tokenizer.json"))
    st = torch.load(args.init)
    cfgd = dict(st["config"]); cfgd["num_labels"] = len(LABELS)
    cfg = Config(**cfgd)
    model = BertMini(cfg)
    missing = model.load_state_dict({k: v for k, v in st["model"].items() if not k.startswith("classifier.")}, strict=False)
    assert all(k.startswith("classifier.") for k in missing.missing_keys), missing
    tokens = np.load(os.path.join(WORK, "tokens.npy"))
    train_segs, _ = split_stream(tokens)

    head = [p for n, p in model.named_parameters() if n.startswith("classifier.")]
    body = [p for n, p in model.named_parameters() if not n.startswith("classifier.")]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}], weight_decay=0.01)
    base = [args.lr, args.head_lr]
    train = split["train"]
    y_all = torch.tensor([LABELS.index(r["label"]) for r in train])
    steps_per_epoch = math.ceil(len(train) / args.batch)
    total = int(args.epochs * steps_per_epoch)
    t0 = time.time()
    step = 0
    model.train()
    order = []
    while step < total and time.time() - t0 < args.minutes * 60:
        if not order:
            order = list(rng.permutation(len(train)))
        idx = [order.pop() for _ in range(min(args.batch, len(order)))]
        frac = step / total
        for g, b in zip(opt.param_groups, base):
            g["lr"] = b * min(1.0, (step + 1) / (0.06 * total)) * max(0.0, 1 - frac)
        ids, mask = encode_batch(tok, [train[i]["text"] for i in idx], 64)
        h = model.encode(ids, mask, torch.zeros_like(ids))
        loss_cls = F.cross_entropy(model.classifier(h), y_all[idx])
        loss = loss_cls
        if args.mlm_batch:
            mids, mtypes = sample_batch(tokens, train_segs, args.mlm_batch, cfg.max_position_embeddings, rng)
            mids, labels = mask_batch(mids, cfg.vocab_size, rng)
            x, t, y = torch.from_numpy(mids), torch.from_numpy(mtypes), torch.from_numpy(labels)
            hm = model.encode(x, torch.ones_like(x), t)
            sel = y != -100
            loss = loss + F.cross_entropy(model.mlm_logits(hm[sel]), y[sel])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 50 == 0:
            print(f"step {step}/{total} cls {loss_cls.item():.3f} total {loss.item():.3f} {time.time()-t0:.0f}s", flush=True)
    secs = time.time() - t0
    test = split["test"]
    probs = predict(model, tok, [r["text"] for r in test])
    gold = np.array([LABELS.index(r["label"]) for r in test])
    res = scores(probs, gold)
    res.update({"test_rows": len(test), "train_rows": len(train), "steps": step, "epochs": step / steps_per_epoch,
                "seconds": round(secs, 1), "labels": LABELS})
    print(json.dumps(res, indent=1), flush=True)
    torch.save({"model": model.state_dict(), "config": cfg.__dict__, "labels": LABELS}, os.path.join(args.out, "final.pt"))
    json.dump(res, open(os.path.join(args.out, "metrics.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
