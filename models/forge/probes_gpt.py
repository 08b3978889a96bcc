"""Summarise the architecture probes (short train_gpt.py runs, one per width x depth) -> work/gpt/probes.json.

The probes are run by build_gpt.sh (PROBES=1) or by hand, all at the same time so that each sees the same
machine load: one single-thread process each, the same batch, learning rate and wall-clock budget.
usage: probes_gpt.py <probe dir> "<note>" ["<choice>"]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))


def main(probe_dir, note, choice=""):
    runs = []
    for name in sorted(os.listdir(probe_dir)):
        m = os.path.join(probe_dir, name, "metrics.json")
        if not os.path.exists(m):
            continue
        t = json.load(open(m))
        hist = t.get("history") or []
        runs.append({"name": name, "layers": t["layers"], "embd": t["embd"], "heads": t["heads"],
                     "parameters": t["parameters"], "steps": t["steps"], "tokens": t["steps"] * t["tokens_per_step"],
                     "minutes": round(t["train_seconds"] / 60, 1),
                     "mid_loss": round(hist[0]["loss"], 3) if hist else None,
                     "mid_minutes": hist[0]["minutes"] if hist else None,
                     "loss": t["heldout"]["loss"], "perplexity": t["heldout"]["perplexity"], "top1": t["heldout"]["top1"]})
    runs.sort(key=lambda r: r["loss"])
    json.dump({"note": note, "choice": choice, "runs": runs}, open(os.path.join(WORK, "gpt", "probes.json"), "w"), indent=1)
    for r in runs:
        print(json.dumps(r))


if __name__ == "__main__":
    main(*sys.argv[1:])
