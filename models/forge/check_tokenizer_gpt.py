"""Compare the Python byte-level BPE encoder (bpe.py) with @huggingface/tokenizers (JS) on many strings:
fixed hard cases (contractions, whitespace runs, newlines, accents, emoji, CJK, a literal <|endoftext|>,
pairs) and random slices of every corpus file. Also checks that decoding gives the text back.
usage: check_tokenizer_gpt.py <tokenizer.json> [<tokenizer_config.json>|-] [<corpus dir>]"""
import json
import os
import random
import subprocess
import sys

import bpe

CASES = [
    "Hello, World!", "The whale swam.", "It's John's and we'll, they've, I'm, you'd, I'll 'tis 'S",
    "Café naïve résumé — “quotes” and 'apostrophes'", "numbers 3.14 and 1,000,000 $5 ~tilde~ a^b 2024x",
    "tab\tnew\nline\r\n\n\ndouble  spaces   three\u00a0nbsp\u2003em", "  leading and trailing  ", " ", "\n", "",
    "中文字 mixed with english", "emoji 🙂👍🏽 and ß and İstanbul Ωmega", "a" * 300,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "before<|endoftext|>after <|endoftext|> spaced<|endoftext|>", "<|endoftext|>", "<|endoftext", "x<|endoftext|>",
    ["What is a dog?", "A dog is an animal."], ["", "b only"], ["first", " second"],
    "In the beginning God created the heaven and the earth.", "Call me Ishmael.",
    "ctrl\x00\x01\x7f chars\u200bzero-width\ufeffbom", "\u0301combining first", "x\u0300\u0301y",
    "Mr. O'Neil's dog--and-cat...!!! ???", "line one\nline two\n", "’curly’ ‘single’ ''double-apostrophe''s",
]


def main(tok_path, cfg_path="-", corpus_dir=None, n=2000, seed=7):
    tok_path = os.path.abspath(tok_path)
    if cfg_path != "-":
        cfg_path = os.path.abspath(cfg_path)
    tok = bpe.ByteBPE.from_hf_json(tok_path)
    rnd = random.Random(seed)
    cases = list(CASES)
    if corpus_dir:
        for f in sorted(os.listdir(corpus_dir)):
            if f.endswith(".txt"):
                lines = open(os.path.join(corpus_dir, f), encoding="utf-8").read().splitlines()
                for l in rnd.sample(lines, min(n // 5, len(lines))):
                    a = rnd.randint(0, max(0, len(l) - 20))
                    cases.append(l[a:a + rnd.randint(20, 600)])
    inp = os.path.join(os.path.dirname(tok_path), "_parity_gpt.jsonl")
    with open(inp, "w", encoding="utf-8") as fh:
        for c in cases:
            fh.write(json.dumps(c) + "\n")
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        out = subprocess.run(["node", os.path.join(here, "check_tokenizer.mjs"), tok_path, cfg_path, inp],
                             capture_output=True, text=True, check=True, cwd=os.path.join(here, "..", "..")).stdout.splitlines()
    finally:
        os.remove(inp)
    # the JS script skips blank lines of its input; "" and whitespace-only cases are JSON strings, never blank lines
    assert len(out) == len(cases), (len(out), len(cases))
    bad = bad_decode = 0
    for c, o in zip(cases, out):
        js = json.loads(o)
        ids, types = tok.encode(c[0], c[1]) if isinstance(c, list) else tok.encode(c)
        if ids != js["ids"] or (js["types"] is not None and types != js["types"]):
            bad += 1
            if bad <= 5:
                print("MISMATCH", repr(c)[:200], "\n py", ids[:40], "\n js", js["ids"][:40], js["types"] and js["types"][:40])
        if not isinstance(c, list) and tok.decode(ids[1:]) != c:
            bad_decode += 1
            if bad_decode <= 5:
                print("DECODE", repr(c)[:100], repr(tok.decode(ids[1:]))[:100])
    print(f"tokenizer parity: {len(cases)-bad}/{len(cases)} identical; decode round trip: {len(cases)-bad_decode}/{len(cases)}")
    work = os.environ.get("FORGE_WORK", os.path.join(here, "work"))
    os.makedirs(os.path.join(work, "gpt"), exist_ok=True)
    json.dump({"cases": len(cases), "identical": len(cases) - bad, "decoded_back": len(cases) - bad_decode},
              open(os.path.join(work, "gpt", "parity.json"), "w"), indent=1)
    return bad + bad_decode


if __name__ == "__main__":
    sys.exit(1 if main(*sys.argv[1:2], *(sys.argv[2:3] or ["-"]), corpus_dir=(sys.argv[3] if len(sys.argv) > 3 else None)) else 0)
