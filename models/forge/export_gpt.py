"""Export playground-gpt-mini in the Hugging Face / optimum decoder layout.

  <out>/config.json                 GPT-2 names (model_type gpt2)
  <out>/generation_config.json
  <out>/tokenizer.json, tokenizer_config.json
  <out>/onnx/model.onnx             opset 17; inputs input_ids [batch, seq], attention_mask [batch, past+seq],
                                    position_ids [batch, seq] (int64), past_key_values.{i}.key/.value
                                    [batch, heads, past, head_dim] (float32); outputs logits [batch, seq, vocab],
                                    present.{i}.key/.value [batch, heads, past+seq, head_dim]
  <out>/reference/reference.json    PyTorch eager outputs (attentions, hidden states, logits offsets, tokens)
  <out>/reference/logits.f32        the reference logits, little-endian float32, cases one after another

Then checks the graph with the onnx package: one Softmax per layer named /h.N/attn/Softmax, no Dropout,
the token-embedding matrix stored once (read by the Gather on input_ids and, transposed, by the lm_head),
and the input/output names.
"""
import argparse
import json
import os
import shutil

import numpy as np
import onnx
import torch

import bpe
from gpt_model import GPTConfig, GPTMini

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
MODEL_NAME = "playground-gpt-mini"
OPSET = 17

# Reference cases. "prefix_tokens": the first k tokens (BOS included) are run first, their presents are fed
# as the past of a second run over the rest; the second run is what the case stores (and it must equal the
# last positions of the run without a past, stored as the case named by "same_as"). A negative k counts from the
# end: -1 = everything but the last token in the past (one generation step).
REFERENCE_CASES = [
    {"name": "whale", "text": "The whale swam toward the ship, and the captain"},
    {"name": "kjv", "text": "In the beginning God created the heaven and the earth."},
    {"name": "sotu", "text": "The state of the Union is strong, and our economy is"},
    {"name": "gloss", "text": "dog: a domesticated carnivorous mammal that"},
    {"name": "whale_past", "text": "The whale swam toward the ship, and the captain", "prefix_tokens": 5, "same_as": "whale"},
    {"name": "kjv_past1", "text": "In the beginning God created the heaven and the earth.", "prefix_tokens": -1, "same_as": "kjv"},
    {"name": "batch_left_pad", "texts": ["The sea was calm.", "In the beginning was the Word, and the Word"]},
]


def r7(a):
    return [float(f"{x:.7g}") for x in np.asarray(a, dtype=np.float64).ravel()]


def tensor(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": r7(a)}


def load_model(path):
    st = torch.load(path)
    cfg = GPTConfig(**st["config"])
    model = GPTMini(cfg)
    model.load_state_dict(st["model"])
    model.eval()
    return model, cfg


def past_names(cfg):
    return [f"past_key_values.{i}.{kv}" for i in range(cfg.n_layer) for kv in ("key", "value")]


def present_names(cfg):
    return [f"present.{i}.{kv}" for i in range(cfg.n_layer) for kv in ("key", "value")]


def export_onnx(model, cfg, path):
    b, s, p = 2, 3, 2
    hd = cfg.n_embd // cfg.n_head
    ids = torch.tensor([[5, 6, 7], [8, 9, 10]], dtype=torch.long)
    mask = torch.ones(b, p + s, dtype=torch.long)
    pos = torch.arange(p, p + s, dtype=torch.long).unsqueeze(0).expand(b, s).contiguous()
    past = [torch.randn(b, cfg.n_head, p, hd) * 0.1 for _ in range(2 * cfg.n_layer)]
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
           "position_ids": {0: "batch_size", 1: "sequence_length"},
           "logits": {0: "batch_size", 1: "sequence_length"}}
    for n in past_names(cfg):
        dyn[n] = {0: "batch_size", 2: "past_sequence_length"}
    for n in present_names(cfg):
        dyn[n] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    torch.onnx.export(model, (ids, mask, pos, *past), path, opset_version=OPSET,
                      input_names=["input_ids", "attention_mask", "position_ids", *past_names(cfg)],
                      output_names=["logits", *present_names(cfg)],
                      dynamic_axes=dyn, do_constant_folding=False)


def check_graph(path, cfg):
    m = onnx.load(path)
    onnx.checker.check_model(m)
    g = m.graph
    softmax = [n.name for n in g.node if n.op_type == "Softmax"]
    assert softmax == [f"/h.{i}/attn/Softmax" for i in range(cfg.n_layer)], softmax
    assert not [n for n in g.node if n.op_type == "Dropout"], "Dropout nodes in graph"
    emb = [i for i in g.initializer if list(i.dims) == [cfg.vocab_size, cfg.n_embd]]
    assert len(emb) == 1, [i.name for i in emb]
    name = emb[0].name
    users = [n for n in g.node if name in n.input]
    assert any(n.op_type == "Gather" and n.input[0] == name and n.input[1] == "input_ids" for n in users), users
    assert any(n.op_type in ("Transpose", "MatMul", "Gemm") for n in users), users
    ins = [(i.name, i.type.tensor_type.elem_type) for i in g.input]
    assert ins == [("input_ids", 7), ("attention_mask", 7), ("position_ids", 7)] + [(n, 1) for n in past_names(cfg)], ins
    outs = [o.name for o in g.output]
    assert outs == ["logits", *present_names(cfg)], outs
    # tensors holding the hidden states (HF convention: embeddings, every block's output but the last, ln_f output)
    producers = {o: n for n in g.node for o in n.output}
    ln_f = [n for n in g.node if n.name.startswith("/ln_f/") and n.op_type == "LayerNormalization"]
    assert len(ln_f) == 1, [n.name for n in ln_f]
    block_out = []
    x = producers[ln_f[0].input[0]]  # the last block's output
    chain = []
    for i in range(cfg.n_layer):
        ln1 = [n for n in g.node if n.name == f"/h.{i}/ln_1/LayerNormalization"]
        assert len(ln1) == 1, i
        chain.append(ln1[0].input[0])  # the input of block i
    hidden_tensors = chain + [ln_f[0].output[0]]
    assert x.op_type == "Add", x.op_type
    shapes = {}
    for n in g.node:
        shapes[n.op_type] = shapes.get(n.op_type, 0) + 1
    return {"softmax_nodes": softmax, "word_embedding_initializer": name,
            "word_embedding_users": [f"{n.op_type}:{n.name}" for n in users], "op_counts": shapes,
            "hidden_state_tensors": hidden_tensors,
            "inputs": [i for i, _ in ins], "outputs": outs,
            "opset": [(o.domain, o.version) for o in m.opset_import]}


@torch.no_grad()
def run(model, ids, mask=None, pos=None, past=None):
    x = torch.tensor(ids)
    if mask is None:
        mask = [[1] * (x.shape[1] + (0 if past is None else past[0].shape[2]))] * x.shape[0]
    m = torch.tensor(mask)
    if pos is None:
        start = 0 if past is None else past[0].shape[2]
        pos = [list(range(start, start + x.shape[1]))] * x.shape[0]
    p = torch.tensor(pos)
    model.keep_attention(True)
    h, presents, states = model.hidden(x, m, p, past, keep_hidden=True)
    att = torch.stack(model.attention_probs(), 1)  # [batch, layers, heads, q, k]
    model.keep_attention(False)
    return model.logits(h), presents, att, torch.stack(states, 1), mask, pos  # states [batch, layers+1, q, hidden]


@torch.no_grad()
def reference(model, cfg, tok, graph):
    cases, blobs, offset = [], [], 0
    for c in REFERENCE_CASES:
        case = {k: v for k, v in c.items()}
        if "texts" in c:
            enc = [tok.encode(t)[0] for t in c["texts"]]
            S = max(len(e) for e in enc)
            ids = [[0] * (S - len(e)) + e for e in enc]  # left padding with <|endoftext|> (masked)
            mask = [[0] * (S - len(e)) + [1] * len(e) for e in enc]
            pos = [[max(0, j - (S - len(e))) for j in range(S)] for e in enc]
            logits, _, att, hid, mask, pos = run(model, ids, mask, pos)
            case.update({"input_ids": ids, "attention_mask": mask, "position_ids": pos, "past_length": 0,
                         "tokens": [[tok.vocab[i] for i in r] for r in ids]})
        else:
            ids = tok.encode(c["text"])[0]
            case.update({"tokens": [tok.vocab[i] for i in ids], "full_input_ids": ids})
            if "prefix_tokens" in c:
                k = c["prefix_tokens"] % len(ids)
                case["prefix_tokens"] = k
                _, past, _, _, _, _ = run(model, [ids[:k]])
                logits, _, att, hid, mask, pos = run(model, [ids[k:]], past=past)
                case.update({"input_ids": [ids[k:]], "past_input_ids": [ids[:k]], "past_length": k,
                             "past_key_values": [tensor(t[0].numpy()) for t in past]})
            else:
                logits, _, att, hid, mask, pos = run(model, [ids])
                case["past_length"] = 0
                case["input_ids"] = [ids]
            case.update({"attention_mask": mask, "position_ids": pos})
        lg = logits.numpy().astype("<f4")
        case["logits"] = {"shape": list(lg.shape), "offset_floats": offset}
        blobs.append(lg.ravel()); offset += lg.size
        case["attentions"] = tensor(att.numpy())
        case["hidden_states"] = tensor(hid.numpy())
        last = torch.softmax(logits[0, -1], -1)
        top = torch.topk(last, 10)
        case["next_token_top10"] = {"ids": top.indices.tolist(), "tokens": [tok.vocab[i] for i in top.indices.tolist()],
                                    "probs": r7(top.values.numpy())}
        cases.append(case)
    return {"model": MODEL_NAME, "computed_with": f"PyTorch {torch.__version__} eager mode (model.eval(), no dropout)",
            "layout": {"logits": "logits.f32: little-endian float32, [batch, seq, vocab] row-major at offset_floats (in floats)",
                       "attentions": "[batch, layers, heads, seq, past+seq] row-major, softmax over the last axis",
                       "hidden_states": "[batch, layers+1, seq, hidden]: embeddings (wte+wpe), output of blocks 0..n-2, "
                                        "output of the last block after ln_f (Hugging Face's hidden_states)",
                       "hidden_state_tensors": "ONNX tensor names holding hidden_states[0..n] in model.onnx",
                       "past_key_values": "[heads, past, head_dim] for batch row 0, key_0, value_0, key_1, ...",
                       "cases with prefix_tokens": "the first prefix_tokens tokens run first; their presents are the past of this run"},
            "hidden_state_tensors": graph["hidden_state_tensors"],
            "softmax_nodes": graph["softmax_nodes"],
            "cases": cases}, np.concatenate(blobs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(WORK, "gpt", "train", "final.pt"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), MODEL_NAME))
    args = ap.parse_args()
    out = args.out
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    model, cfg = load_model(args.ckpt)
    tok_path = os.path.join(WORK, "gpt", "tokenizer.json")
    tok = bpe.ByteBPE.from_hf_json(tok_path)
    assert len(tok.vocab) == cfg.vocab_size
    eot = tok.eot_id
    config = {
        "_name_or_path": MODEL_NAME, "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
        "vocab_size": cfg.vocab_size, "n_positions": cfg.n_positions, "n_ctx": cfg.n_positions,
        "n_embd": cfg.n_embd, "n_layer": cfg.n_layer, "n_head": cfg.n_head, "n_inner": cfg.n_inner,
        "activation_function": "gelu_new", "attn_pdrop": cfg.attn_pdrop, "resid_pdrop": cfg.resid_pdrop,
        "embd_pdrop": cfg.embd_pdrop, "layer_norm_epsilon": cfg.layer_norm_epsilon, "initializer_range": 0.02,
        "scale_attn_weights": True, "tie_word_embeddings": True, "use_cache": True,
        "bos_token_id": eot, "eos_token_id": eot, "torch_dtype": "float32",
    }
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    json.dump({"bos_token_id": eot, "eos_token_id": eot, "do_sample": False, "max_new_tokens": 64},
              open(os.path.join(out, "generation_config.json"), "w"), indent=2)
    shutil.copy(tok_path, os.path.join(out, "tokenizer.json"))
    json.dump({"tokenizer_class": "GPT2Tokenizer", "bos_token": bpe.EOT, "eos_token": bpe.EOT, "unk_token": bpe.EOT,
               "add_bos_token": True, "add_eos_token": False, "add_prefix_space": False, "errors": "replace",
               "model_max_length": cfg.n_positions, "clean_up_tokenization_spaces": False},
              open(os.path.join(out, "tokenizer_config.json"), "w"), indent=2)

    onnx_path = os.path.join(out, "onnx", "model.onnx")
    export_onnx(model, cfg, onnx_path)
    facts = check_graph(onnx_path, cfg)
    facts["parameters"] = sum(p.numel() for p in model.parameters())
    facts["onnx_bytes"] = os.path.getsize(onnx_path)
    print(json.dumps(facts, indent=1))
    json.dump(facts, open(os.path.join(WORK, "gpt", "graph_facts.json"), "w"), indent=2)

    os.makedirs(os.path.join(out, "reference"), exist_ok=True)
    ref, blob = reference(model, cfg, tok, facts)
    json.dump(ref, open(os.path.join(out, "reference", "reference.json"), "w"), separators=(",", ":"))
    blob.astype("<f4").tofile(os.path.join(out, "reference", "logits.f32"))
    print("reference.json", os.path.getsize(os.path.join(out, "reference", "reference.json")), "bytes; logits.f32",
          blob.nbytes, "bytes")


if __name__ == "__main__":
    main()
