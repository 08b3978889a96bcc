"""Choose the static word vectors' settings by measurement (issue #23) -> records/static-sweep.json

Coordinate-wise search on the TUNE half of the project's analogy file (public/examples/analogies-tune.txt;
the test half is never looked at here). Start from gensim's usual defaults (the settings shipped before),
then for each setting in turn train every listed value with the others at their best so far and keep the
best; a change must win by at least one question, otherwise the earlier value stays (75 questions: one
question is 1.3 points, and two trainings with the same settings differ by about that). Ties go to the
higher mean reciprocal rank of the expected word. Epochs come last (they multiply the time of every
run; about 40 minutes of sweeping were budgeted on the shared 2-core machine,
which its load stretched to over an hour); the vocabulary size needs no retraining: every run is scored at each size
that keeps words x dim x 2 bytes (float16) within 8 MB, and the last step picks the size.

Score = questions right / all tune questions (a question with a word outside the vocabulary counts as
wrong, so a smaller vocabulary cannot win by dropping hard questions); vectors are rounded to float16
first, as shipped. Runs are cached in work/sweep/runs.jsonl, so an interrupted sweep resumes.

  nice -n 10 /usr/bin/python3 sweep_static.py --workers 2
"""
import argparse
import json
import multiprocessing
import os
import pickle
import time

import numpy as np

import wordpiece
from analogy_score import analogy_eval, read_analogies, unit
from prep import STATIC, read_corpus, train_static, word_sentences

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
REPO = os.path.dirname(os.path.dirname(HERE))
MAX_BYTES = 8_000_000
SIZES = [15000, 20000, 25000, 30000, 40000, 50000]
# Round 1 started from gensim's usual defaults (the settings shipped before it); round 2 (ROUND2_NOTE) starts
# from round 1's choice screened at 5 epochs and sweeps the settings round 1 had no time for.
START1 = dict(STATIC, dim=100, window=5, negative=5, epochs=5, min_count=5, sample=1e-4, words=25000)
START2 = dict(dim=100, window=5, negative=5, epochs=5, min_count=5, sample=1e-4, words=15000)
# In the order of their expected effect on a small corpus; epochs last, with time kept for them.
PLAN1 = [
    ("window", [3, 5, 8]),
    ("dim", [100, 160]),
    ("sample", [1e-3, 1e-4]),
    ("negative", [5, 10]),
    ("min_count", [3, 5]),
    ("epochs", [5, 10]),
]
PLAN2 = [
    ("sample", [1e-3, 1e-4, 1e-5]),
    ("negative", [5, 10, 15]),
    ("window", [3, 5]),
    ("dim", [100, 128, 160]),
    ("min_count", [3, 5, 10]),
    ("epochs", [5, 10]),
]
ROUNDS = {1: (START1, PLAN1, "static-sweep.json"), 2: (START2, PLAN2, "static-sweep-2.json")}
ROUND2_NOTE = ("Round 2 sweeps what round 1 had no time for: subsampling (1e-3, 1e-4, 1e-5), negative samples "
               "(5, 10, 15), window again (3, 5; 8 lost in round 1 and is the slowest), dimension (100, 128, 160; "
               "float16, so words x dim x 2 bytes within 8 MB: 160 dims allow 25,000 words) and min count (3, 5, 10), "
               "coordinate-wise in that order from round 1's choice, on the tune half only, with round 1's rule (a "
               "change must win by a question; ties to the higher mean reciprocal rank). To fit the shared machine, "
               "every setting is screened at 5 epochs and the last step trains the winner at 10 (round 1: 10 beat 5 "
               "by 5 questions); two trainings run at once, each with 2 worker threads, so the seconds per run are "
               "those of a half-shared machine. A run with the same settings as another differs by about a question, "
               "so a one-question win is weak evidence.")
TRAINED = ["dim", "window", "negative", "epochs", "min_count", "sample"]


def key(cfg):
    return json.dumps({k: cfg[k] for k in TRAINED}, sort_keys=True)


def run_name(k):
    c = json.loads(k)
    return "run-" + "-".join(f"{x}{c[x]:g}" for x in TRAINED)


def sentences():
    cache = os.path.join(WORK, "sweep", "sentences.pkl")
    if os.path.exists(cache):
        return pickle.load(open(cache, "rb"))
    s = word_sentences([wordpiece.words_of(p) for p in read_corpus()])
    pickle.dump(s, open(cache, "wb"))
    return s


def score_sizes(w2v, dim, secs):
    """Tune-half scores at every vocabulary size within the byte budget."""
    out = {}
    for n in SIZES:
        if n * dim * 2 > MAX_BYTES or n > len(w2v.wv.index_to_key):
            continue
        words = w2v.wv.index_to_key[:n]
        M = unit(w2v.wv.vectors[:n].astype(np.float16).astype(np.float32))
        r = analogy_eval(M, words, {w: i for i, w in enumerate(words)}, secs)["all"]
        out[str(n)] = {k: r[k] for k in ("correct", "in_vocab", "questions", "rr")}
    return out


def best_size(run, want):
    """The run's score at the wanted vocabulary size, or at the largest size within its byte budget."""
    sizes = run["sizes"]
    n = str(want) if str(want) in sizes else max(sizes, key=int)
    return n, sizes[n]


def better(a, b):
    """a beats b: at least one more question right, or as many and a higher mean reciprocal rank."""
    return a["correct"] >= b["correct"] + 1 or (a["correct"] == b["correct"] and a["rr"] > b["rr"] + 1e-9)


def train_and_score(cfg, wsents, secs, seed, workers):
    """One training, scored on the tune half at every vocabulary size; the most frequent 50,000 vectors are
    kept in the scratch dir so the chosen run can be exported as is (--export-chosen) instead of trained again."""
    w2v, _, seconds = train_static(wsents, cfg, seed, workers)
    k = key(cfg)
    n = min(50000, len(w2v.wv.index_to_key))
    np.save(os.path.join(WORK, "sweep", run_name(k) + ".npy"), w2v.wv.vectors[:n].astype(np.float32))
    with open(os.path.join(WORK, "sweep", run_name(k) + ".txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(w2v.wv.index_to_key[:n]) + "\n")
    return {"settings": {x: cfg[x] for x in TRAINED}, "seconds": seconds,
            "vocab_at_min_count": len(w2v.wv.index_to_key), "sizes": score_sizes(w2v, cfg["dim"], secs)}


def score_previous(vec_dir, out):
    """Score shipped-format vectors (words.txt, vectors.f16.bin, meta.json) on the whole file and both halves
    and keep the figures as "previous" in the sweep record (the vectors shipped before the sweep)."""
    meta = json.load(open(os.path.join(vec_dir, "meta.json")))
    words = open(os.path.join(vec_dir, "words.txt"), encoding="utf-8").read().split("\n")[:-1]
    M = unit(np.fromfile(os.path.join(vec_dir, "vectors.f16.bin"), dtype="<f2").astype(np.float32)
             .reshape(meta["count"], meta["dim"]))
    idx = {w: i for i, w in enumerate(words)}
    t = meta["training"]
    prev = {"settings": fmt(dict(dim=meta["dim"], window=t["window"], negative=t["negative"], epochs=t["epochs"],
                                 min_count=t["min_count"], sample=t["sample"], words=meta["count"]))}
    for half, name in (("whole", "analogies.txt"), ("tune", "analogies-tune.txt"), ("test", "analogies-test.txt")):
        prev[half] = analogy_eval(M, words, idx, read_analogies(os.path.join(REPO, "public", "examples", name)))["all"]
    rec = json.load(open(out))
    rec["previous"] = prev
    json.dump(rec, open(out, "w"), indent=1)
    print("previous", {k: v for k, v in prev.items()})


def export_chosen(out, seed):
    """The chosen run's vectors -> work/static/ in prep.py's format (export.py --static-only ships them).
    prep.py trains the same settings in a full build; gensim with two worker threads is not bit-reproducible,
    so a rebuild gives vectors of the same quality, not the same bits."""
    rec = json.load(open(out))
    c = rec["chosen"]
    k = key(c)
    name = run_name(k)
    words = open(os.path.join(WORK, "sweep", name + ".txt"), encoding="utf-8").read().split("\n")[:c["words"]]
    vecs = np.load(os.path.join(WORK, "sweep", name + ".npy"))[:c["words"]]
    run = [json.loads(l) for l in open(os.path.join(WORK, "sweep", "runs.jsonl")) if key(json.loads(l)["settings"]) == k][0]
    sd = os.path.join(WORK, "static")
    os.makedirs(sd, exist_ok=True)
    with open(os.path.join(sd, "words.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(words) + "\n")
    np.save(os.path.join(sd, "vectors.npy"), vecs)
    wsents = sentences()
    training = {"algorithm": "skip-gram with negative sampling (gensim Word2Vec)", "window": c["window"],
                "negative": c["negative"], "epochs": c["epochs"], "min_count": c["min_count"], "sample": c["sample"],
                "seed": seed, "tokens": "whole words, BertNormalizer-lowercased, BertPreTokenizer split, punctuation dropped",
                "corpus_words": int(sum(len(s) for s in wsents)), "seconds": run["seconds"],
                "settings_chosen_by": "sweep on public/examples/analogies-tune.txt (models/forge/sweep_static.py, "
                                      "records/static-sweep.json)"}
    json.dump({"count": len(words), "dim": c["dim"], "training": training},
              open(os.path.join(sd, "meta.json"), "w"), indent=2)
    print("work/static written from", name, len(words), "x", c["dim"])


def fmt(c):
    return (f"dim {c['dim']}, window {c['window']}, {c['negative']} negative samples, {c['epochs']} epochs, "
            f"min count {c['min_count']}, subsampling {c['sample']:g}, {c['words']:,} words")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--parallel", type=int, default=1,
                    help="train a step's values in this many processes at once (each with --workers threads)")
    ap.add_argument("--tune", default=os.path.join(REPO, "public", "examples", "analogies-tune.txt"))
    ap.add_argument("--round", type=int, default=2, choices=sorted(ROUNDS),
                    help="1: the first sweep (from gensim's defaults), 2: the settings round 1 left out")
    ap.add_argument("--out", help="the record (default records/static-sweep.json for round 1, "
                                  "records/static-sweep-2.json for round 2)")
    ap.add_argument("--budget-minutes", type=float, default=40,
                    help="stop trying settings (but still sweep epochs) when a coordinate would start past this, "
                         "keeping time for the epochs step (its longest run)")
    ap.add_argument("--score-previous", metavar="DIR", help="only score the vectors in DIR as 'previous' (see above)")
    ap.add_argument("--export-chosen", action="store_true", help="write the chosen run's vectors to work/static")
    args = ap.parse_args()
    START, PLAN, record = ROUNDS[args.round]
    args.out = args.out or os.path.join(HERE, "records", record)
    if args.export_chosen:
        return export_chosen(args.out, args.seed)
    if args.score_previous:
        return score_previous(args.score_previous, args.out)
    os.makedirs(os.path.join(WORK, "sweep"), exist_ok=True)
    runs_path = os.path.join(WORK, "sweep", "runs.jsonl")
    runs = {}
    if os.path.exists(runs_path):
        for line in open(runs_path):
            r = json.loads(line); runs[key(r["settings"])] = r
    secs = read_analogies(args.tune)
    wsents = sentences()
    t_sweep = time.time()

    def run(cfg):
        return run_many([cfg])[0]

    def run_many(cfgs):
        """Train the configurations not in the cache, up to --parallel at a time (separate processes, each with
        --workers threads), and return every configuration's record."""
        todo = [c for c in {key(c): c for c in cfgs}.values() if key(c) not in runs]
        if todo:
            job = [(c, wsents, secs, args.seed, args.workers) for c in todo]
            if args.parallel > 1 and len(todo) > 1:
                ctx = multiprocessing.get_context("fork")  # the sentences are shared copy-on-write
                with ctx.Pool(min(args.parallel, len(todo))) as pool:
                    done = pool.starmap(train_and_score, job)
            else:
                done = [train_and_score(*j) for j in job]
            for c, r in zip(todo, done):
                runs[key(c)] = r
                with open(runs_path, "a") as fh:
                    fh.write(json.dumps(r) + "\n")
                n, s = best_size(r, c["words"])
                print(f"{key(c)} words {n}: {s['correct']}/{s['questions']} (in vocab {s['in_vocab']}, "
                      f"rr {s['rr']:.3f}) {r['seconds']:.0f}s", flush=True)
        return [runs[key(c)] for c in cfgs]

    steps = []
    cur = dict(START)
    base = run(cur)  # the settings shipped before, for the table
    start_n, start_score = best_size(base, START["words"])
    previous = json.load(open(args.out)).get("previous") if os.path.exists(args.out) else None

    def record(chosen_score, complete):
        """Written after every step, so a sweep stopped by the clock still leaves every measured run on record."""
        json.dump({
            "previous": previous,
            "note": ROUND2_NOTE if args.round == 2 else __doc__.split("\n\n")[1].replace("\n", " "),
            "tune_file": "public/examples/analogies-tune.txt", "tune_questions": start_score["questions"],
            "round": args.round, "complete": complete,
            "start": dict(START, words=int(start_n)), "start_score": start_score,
            "steps": steps, "chosen": dict(cur), "chosen_score": chosen_score,
            "runs": len(runs), "train_seconds": round(sum(r["seconds"] for r in runs.values())),
            "workers": args.workers,
            # every configuration measured (this round's and any earlier one's in the same scratch cache),
            # scored at each vocabulary size within 8 MB
            "all_runs": [{**r["settings"], "seconds": r["seconds"], "tune_by_words": r["sizes"]} for r in runs.values()],
        }, open(args.out, "w"), indent=1)

    for name, values in PLAN:
        spent = (time.time() - t_sweep) / 60
        epoch_cost = max(r["seconds"] for r in runs.values()) * max(PLAN[-1][1]) / cur["epochs"] / 60
        if name != "epochs" and spent + epoch_cost > args.budget_minutes:
            steps.append({"setting": name, "tried": [], "kept": cur[name],
                          "note": f"not tried: the machine's load made one run take up to "
                                  f"{max(r['seconds'] for r in runs.values()) / 60:.0f} min, and the epochs step "
                                  f"needed the time left of the {args.budget_minutes:.0f}-minute budget"})
            print(f"{name}: skipped (time budget)", flush=True)
            record(best_size(runs[key(cur)], cur["words"])[1], False)
            continue
        results = [(v, r, best_size(r, cur["words"])[1])
                   for v, r in zip(values, run_many([dict(cur, **{name: v}) for v in values]))]
        keep = next(x for x in results if x[0] == cur[name])
        for x in results:
            if better(x[2], keep[2]):
                keep = x
        steps.append({"setting": name, "tried": [{"value": v, "correct": s["correct"], "rr": round(s["rr"], 4),
                                                  "in_vocab": s["in_vocab"], "seconds": r["seconds"]}
                                                 for v, r, s in results], "kept": keep[0]})
        cur[name] = keep[0]
        if name == "dim":  # the vocabulary shrinks to fit 8 MB at a larger dimension
            cur["words"] = int(best_size(keep[1], cur["words"])[0])
        print(f"{name}: kept {keep[0]}", flush=True)
        record(best_size(keep[1], cur["words"])[1], False)
    final = run(cur)
    size_scores = final["sizes"]
    n_best = cur["words"] if str(cur["words"]) in size_scores else int(max(size_scores, key=int))
    for n, s in size_scores.items():
        if better(s, size_scores[str(n_best)]):
            n_best = int(n)
    steps.append({"setting": "words", "tried": [{"value": int(n), **s} for n, s in size_scores.items()],
                  "kept": n_best})
    cur["words"] = n_best
    record(final["sizes"][str(cur["words"])], True)
    print("chosen", cur, final["sizes"][str(cur["words"])])

if __name__ == "__main__":
    main()
