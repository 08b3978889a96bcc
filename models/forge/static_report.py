"""Static word vectors, new vs old vs the transformer's token embeddings, on the analogy file's tune half,
test half and whole file -> records/static-report.json (issue #23).

Each space is scored as the app and evaluate.py score it (analogy_score.py: 3CosAdd, question words
excluded; a question counts only when all four words are in the space). Accuracy alone compares different
question sets (the token embeddings cover about half the file), so every pair of spaces is also compared on
the questions BOTH cover, with the exact McNemar test on the questions only one of them gets right.

  /usr/bin/python3 static_report.py --old <dir with the vectors shipped before> [--new <dir>]

A vectors dir is in the shipped format (words.txt, vectors.f16.bin, meta.json). The token embeddings are the
whole-word rows of the shipped encoder's word-embedding matrix, read from its ONNX file (as evaluate.py --shipped).
"""
import argparse
import json
import os

import numpy as np

from analogy_score import mcnemar_exact, question_hits, read_analogies, unit

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MODEL = os.path.join(os.path.dirname(HERE), "playground-bert-mini")
HALVES = (("tune", "analogies-tune.txt"), ("test", "analogies-test.txt"), ("whole", "analogies.txt"))


def static_space(d):
    meta = json.load(open(os.path.join(d, "meta.json")))
    words = open(os.path.join(d, "words.txt"), encoding="utf-8").read().split("\n")[:-1]
    M = np.fromfile(os.path.join(d, "vectors.f16.bin"), dtype="<f2").astype(np.float32)
    M = unit(M.reshape(meta["count"], meta["dim"]))
    t = meta["training"]
    settings = {"dim": meta["dim"], "window": t["window"], "negative": t["negative"], "epochs": t["epochs"],
                "min_count": t["min_count"], "sample": t["sample"], "words": meta["count"],
                "bytes": os.path.getsize(os.path.join(d, "vectors.f16.bin"))}
    return M, words, {w: i for i, w in enumerate(words)}, settings


def token_space(model_dir):
    """Whole-word rows of the word-embedding matrix (no ## pieces, no [specials], no punctuation), as evaluate.py."""
    import onnx
    from onnx import numpy_helper
    init = {i.name: i for i in onnx.load(os.path.join(model_dir, "onnx", "model.onnx")).graph.initializer}
    E = numpy_helper.to_array(init["embeddings.word_embeddings.weight"])
    vocab = [t for t, _ in sorted(json.load(open(os.path.join(model_dir, "tokenizer.json")))["model"]["vocab"].items(),
                                  key=lambda kv: kv[1])]
    keep = [i for i, t in enumerate(vocab)
            if not t.startswith("##") and not t.startswith("[") and any(ch.isalnum() for ch in t)]
    words = [vocab[i] for i in keep]
    return unit(E[keep].astype(np.float32)), words, {w: i for i, w in enumerate(words)}, {"words": len(words)}


def summary(hits):
    inv = [h for h in hits.values() if h is not None]
    return {"questions": len(hits), "in_vocab": len(inv), "correct": int(sum(inv)),
            "accuracy": sum(inv) / len(inv) if inv else None}


def paired(ha, hb):
    both = [q for q in ha if ha[q] is not None and hb[q] is not None]
    only_a = sum(1 for q in both if ha[q] and not hb[q])
    only_b = sum(1 for q in both if hb[q] and not ha[q])
    return {"both_cover": len(both), "a_correct": sum(1 for q in both if ha[q]),
            "b_correct": sum(1 for q in both if hb[q]), "only_a": only_a, "only_b": only_b,
            "mcnemar_p": round(mcnemar_exact(only_a, only_b), 4)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--new", default=os.path.join(MODEL, "static-vectors"))
    ap.add_argument("--old", required=True)
    ap.add_argument("--model-dir", default=MODEL)
    ap.add_argument("--out", default=os.path.join(HERE, "records", "static-report.json"))
    ap.add_argument("--old-label", default="static vectors before round 2",
                    help="what the --old vectors are, for the card")
    args = ap.parse_args()
    spaces = {"new": static_space(args.new), "old": static_space(args.old), "token": token_space(args.model_dir)}
    rec = {"note": __doc__.split("\n\n")[1].replace("\n", " "),
           "labels": {"new": "static vectors (shipped)", "old": args.old_label, "token": "token embeddings"},
           "spaces": {k: v[3] for k, v in spaces.items()}, "sets": {}}
    for half, name in HALVES:
        secs = read_analogies(os.path.join(REPO, "public", "examples", name))
        hits = {k: question_hits(M, w, idx, secs) for k, (M, w, idx, _) in spaces.items()}
        rec["sets"][half] = {
            "file": f"public/examples/{name}",
            **{k: summary(h) for k, h in hits.items()},
            "new_vs_old": paired(hits["new"], hits["old"]),
            "new_vs_token": paired(hits["new"], hits["token"]),
            "old_vs_token": paired(hits["old"], hits["token"]),
        }
        r = rec["sets"][half]
        print(half, {k: f"{r[k]['correct']}/{r[k]['in_vocab']} of {r[k]['questions']}" for k in spaces},
              {p: r[p] for p in ("new_vs_old", "new_vs_token", "old_vs_token")}, flush=True)
    json.dump(rec, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()
