"""Compare the Python WordPiece encoder with @huggingface/tokenizers (JS) on many strings."""
import json, os, random, subprocess, sys
import wordpiece

def main(tok_path, cfg_path="-", corpus_dir=None, n=2000, seed=7):
    tok_path = os.path.abspath(tok_path)
    if cfg_path != "-": cfg_path = os.path.abspath(cfg_path)
    tok = wordpiece.WordPiece.from_hf_json(tok_path)
    rnd = random.Random(seed)
    cases = ["Hello, World!", "The cat sat on the [MASK].", "[MASK] is a literal [mask] and [CLS]x[SEP]",
             "Café naïve résumé — “quotes” and 'apostrophes'", "numbers 3.14 and 1,000,000 $5 ~tilde~ a^b",
             "tab\tnew\nline\r\x00ctrl\u200bzero-width", "中文字 mixed with english", "emoji 🙂 and ß and İstanbul",
             ["What is a dog?", "A dog is an animal."], ["", "b only"], "   ", "a" * 120,
             "supercalifragilisticexpialidocious antidisestablishmentarianism"]
    if corpus_dir:
        for f in sorted(os.listdir(corpus_dir)):
            if f.endswith(".txt"):
                lines = open(os.path.join(corpus_dir, f), encoding="utf-8").read().splitlines()
                for l in rnd.sample(lines, min(n // 5, len(lines))):
                    cases.append(l[:rnd.randint(20, 600)])
    inp = os.path.join(os.path.dirname(os.path.abspath(tok_path)), "_parity.jsonl")
    with open(inp, "w", encoding="utf-8") as fh:
        for c in cases:
            fh.write(json.dumps(c) + "\n")
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(["node", os.path.join(here, "check_tokenizer.mjs"), tok_path, cfg_path, inp],
                         capture_output=True, text=True, check=True, cwd=os.path.join(here, "..", "..")).stdout.splitlines()
    os.remove(inp)
    bad = 0
    for c, o in zip(cases, out):
        js = json.loads(o)
        ids, types = tok.encode(c[0], c[1]) if isinstance(c, list) else tok.encode(c)
        if ids != js["ids"] or (js["types"] is not None and types != js["types"]):
            bad += 1
            if bad <= 5:
                print("MISMATCH", repr(c)[:200], "\n py", ids[:40], "\n js", js["ids"][:40], js["types"] and js["types"][:40])
    print(f"tokenizer parity: {len(cases)-bad}/{len(cases)} identical")
    return bad

if __name__ == "__main__":
    sys.exit(1 if main(*sys.argv[1:2], *(sys.argv[2:3] or ["-"]), corpus_dir=(sys.argv[3] if len(sys.argv) > 3 else None)) else 0)
