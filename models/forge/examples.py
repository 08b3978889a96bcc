"""Example data for the app's tools, written to public/examples/.

  wordnet-glosses-noisy.csv         text,label - WordNet noun glosses from the "examples" part of the
                                    classifier split (never used for fine-tuning), ~8% labels flipped
  wordnet-glosses-noisy.flips.json  0-based row indices of the flipped rows, original and given label
  analogies.txt                     word2vec questions format, sections written for this project
  analogies-tune.txt                fixed halves of analogies.txt: in every section, a seeded half of the
  analogies-test.txt                questions (order kept) is "tune" (static-vector settings were chosen on
                                    it, see sweep_static.py) and the other half "test" (reported, never tuned on)
"""
import argparse
import csv
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
REPO = os.path.dirname(os.path.dirname(HERE))

# Word pairs chosen for this project; questions are seeded combinations of two pairs (a:b :: c:d).
PAIRS = {
    "family": [("man", "woman"), ("king", "queen"), ("father", "mother"), ("son", "daughter"),
               ("brother", "sister"), ("husband", "wife"), ("boy", "girl"), ("uncle", "aunt"),
               ("prince", "princess"), ("grandfather", "grandmother"), ("nephew", "niece"),
               ("he", "she"), ("his", "her"), ("lord", "lady"), ("bridegroom", "bride"), ("sons", "daughters")],
    "plural": [("ship", "ships"), ("whale", "whales"), ("child", "children"), ("day", "days"), ("year", "years"),
               ("nation", "nations"), ("law", "laws"), ("king", "kings"), ("city", "cities"), ("house", "houses"),
               ("river", "rivers"), ("tree", "trees"), ("horse", "horses"), ("state", "states"), ("word", "words"),
               ("hand", "hands"), ("eye", "eyes"), ("woman", "women"), ("foot", "feet"), ("sailor", "sailors")],
    "comparative": [("great", "greater"), ("good", "better"), ("small", "smaller"), ("large", "larger"),
                    ("strong", "stronger"), ("high", "higher"), ("long", "longer"), ("old", "older"),
                    ("young", "younger"), ("rich", "richer"), ("low", "lower"), ("wise", "wiser"),
                    ("deep", "deeper"), ("hard", "harder"), ("bad", "worse"), ("weak", "weaker"),
                    ("near", "nearer"), ("dark", "darker")],
    "capital-of": [("paris", "france"), ("london", "england"), ("rome", "italy"), ("madrid", "spain"),
                   ("moscow", "russia"), ("berlin", "germany"), ("tokyo", "japan"), ("cairo", "egypt"),
                   ("athens", "greece"), ("dublin", "ireland"), ("vienna", "austria"), ("lisbon", "portugal"),
                   ("havana", "cuba"), ("lima", "peru"), ("baghdad", "iraq"), ("kabul", "afghanistan"),
                   ("ottawa", "canada"), ("warsaw", "poland"), ("stockholm", "sweden"), ("oslo", "norway"),
                   ("copenhagen", "denmark"), ("damascus", "syria"), ("tehran", "iran"), ("seoul", "korea")],
    "tense": [("walk", "walked"), ("go", "went"), ("see", "saw"), ("take", "took"), ("give", "gave"),
              ("come", "came"), ("speak", "spoke"), ("know", "knew"), ("make", "made"), ("say", "said"),
              ("write", "wrote"), ("find", "found"), ("run", "ran"), ("eat", "ate"), ("begin", "began"),
              ("bring", "brought"), ("think", "thought"), ("call", "called"), ("live", "lived"), ("rise", "rose")],
}


def analogies(seed, per_section=30):
    rnd = random.Random(seed)
    lines = []
    for sec, pairs in PAIRS.items():
        combos = [(p, q) for i, p in enumerate(pairs) for j, q in enumerate(pairs) if i != j]
        rnd.shuffle(combos)
        lines.append(f": {sec}")
        for p, q in combos[:per_section]:
            lines.append(f"{p[0]} {p[1]} {q[0]} {q[1]}")
    return "\n".join(lines) + "\n"


def split_analogies(text, seed, tune_name="tune"):
    """Split a questions file into (tune, test) texts: per section, a seeded half of the questions goes to
    tune and the rest to test, each half keeping the file order. Stratified so that every section weighs the
    same in both halves. Questions share word pairs across the halves (each question combines two pairs of
    the section), so the test half is unseen questions, not unseen pairs."""
    rnd = random.Random(f"{seed}-{tune_name}")
    tune, test, sec, qs = [], [], None, []

    def flush():
        if sec is None:
            return
        picked = set(rnd.sample(range(len(qs)), len(qs) // 2))
        tune.append(f": {sec}")
        tune.extend(q for i, q in enumerate(qs) if i in picked)
        test.append(f": {sec}")
        test.extend(q for i, q in enumerate(qs) if i not in picked)

    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(":"):
            flush()
            sec, qs = line[1:].strip(), []
        else:
            qs.append(line)
    flush()
    return "\n".join(tune) + "\n", "\n".join(test) + "\n"


def write_analogies(out, seed):
    text = analogies(seed)
    tune, test = split_analogies(text, seed)
    for name, body in (("analogies.txt", text), ("analogies-tune.txt", tune), ("analogies-test.txt", test)):
        with open(os.path.join(out, name), "w") as fh:
            fh.write(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(REPO, "public", "examples"))
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--flip-rate", type=float, default=0.08)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    split = json.load(open(os.path.join(WORK, "cls_split.json")))
    rows = split["examples"]
    labels = sorted({r["label"] for r in rows})
    rnd = random.Random(args.seed)
    n_flip = round(args.flip_rate * len(rows))
    flip_idx = sorted(rnd.sample(range(len(rows)), n_flip))
    flips = []
    given = [r["label"] for r in rows]
    for i in flip_idx:
        new = rnd.choice([l for l in labels if l != rows[i]["label"]])
        given[i] = new
        flips.append({"row": i, "original": rows[i]["label"], "given": new})
    with open(os.path.join(args.out, "wordnet-glosses-noisy.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["text", "label"])
        for r, g in zip(rows, given):
            w.writerow([r["text"], g])
    json.dump({"rows": len(rows), "flipped": len(flips), "seed": args.seed, "labels": labels,
               "note": "row indices are 0-based over data rows (the header line is not a row); "
                       "texts are WordNet 3.0 noun glosses not used to train playground-bert-mini's classifier. "
                       "WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.",
               "flips": flips},
              open(os.path.join(args.out, "wordnet-glosses-noisy.flips.json"), "w"), indent=1)
    write_analogies(args.out, args.seed)
    print(f"examples: {len(rows)} rows, {len(flips)} flipped; analogies (whole, tune and test halves) written")


if __name__ == "__main__":
    main()
