"""Export playground-bert-mini in Hugging Face layout.

  <out>/config.json, tokenizer.json, tokenizer_config.json
  <out>/onnx/model.onnx                 opset 17, inputs input_ids/attention_mask/token_type_ids (int64,
                                        dynamic batch+sequence); outputs logits, last_hidden_state,
                                        classifier_logits
  <out>/static-vectors/words.txt, vectors.f16.bin, meta.json
  <out>/reference/reference.json        PyTorch EAGER outputs for a few sentences

Then checks the graph with the onnx package (one Softmax per layer, no Dropout, the word-
embedding matrix stored once and read by a Gather on input_ids and by the MLM decoder).
"""
import argparse
import json
import os
import shutil

import numpy as np
import onnx
import torch

import wordpiece
from model import BertMini, Config

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
MODEL_NAME = "playground-bert-mini"

REFERENCE_CASES = [
    {"name": "simple", "text": "The cat sat on the mat."},
    {"name": "kjv", "text": "In the beginning God created the heaven and the earth."},
    {"name": "pair", "text": "What is a whale?", "text_pair": "A whale is a very large sea mammal."},
    {"name": "masked", "text": "The captain of the [MASK] gave orders to the crew."},
    {"name": "gloss", "text": "a small domesticated carnivorous mammal with soft fur and retractable claws"},
    {"name": "sotu", "text": "The state of the Union is strong, and our economy is growing."},
]


def r7(a):
    return [float(f"{x:.7g}") for x in np.asarray(a, dtype=np.float64).ravel()]


def tensor(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": r7(a)}


def load_model(path):
    st = torch.load(path)
    cfg = Config(**st["config"])
    model = BertMini(cfg)
    model.load_state_dict(st["model"])
    model.eval()
    return model, cfg, st.get("labels")


def export_onnx(model, path):
    ids = torch.tensor([[2, 10, 11, 12, 3], [2, 13, 14, 3, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    types = torch.zeros_like(ids)
    dyn = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
           "token_type_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"},
           "last_hidden_state": {0: "batch", 1: "sequence"}, "classifier_logits": {0: "batch"}}
    torch.onnx.export(model, (ids, mask, types), path, opset_version=17,
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["logits", "last_hidden_state", "classifier_logits"],
                      dynamic_axes=dyn, do_constant_folding=False)


def check_graph(path, cfg):
    m = onnx.load(path)
    onnx.checker.check_model(m)
    g = m.graph
    softmax = [n.name for n in g.node if n.op_type == "Softmax"]
    assert len(softmax) == cfg.num_hidden_layers, softmax
    assert not [n for n in g.node if n.op_type == "Dropout"], "Dropout nodes in graph"
    emb = [i for i in g.initializer if list(i.dims) == [cfg.vocab_size, cfg.hidden_size]]
    assert len(emb) == 1, [i.name for i in emb]
    name = emb[0].name
    users = [n for n in g.node if name in n.input]
    assert any(n.op_type == "Gather" and n.input[0] == name and n.input[1] == "input_ids" for n in users), users
    assert any(n.op_type in ("Transpose", "MatMul", "Gemm") for n in users), users
    outs = [o.name for o in g.output]
    assert outs == ["logits", "last_hidden_state", "classifier_logits"], outs
    ins = [(i.name, i.type.tensor_type.elem_type) for i in g.input]
    assert ins == [("input_ids", 7), ("attention_mask", 7), ("token_type_ids", 7)], ins
    ops = {}
    for n in g.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    return {"softmax_nodes": softmax, "word_embedding_initializer": name,
            "word_embedding_users": [f"{n.op_type}:{n.name}" for n in users], "op_counts": ops,
            "opset": [(o.domain, o.version) for o in m.opset_import]}


@torch.no_grad()
def reference(model, tok, labels):
    cases = []
    for c in REFERENCE_CASES:
        ids, types = tok.encode(c["text"], c.get("text_pair"))
        x = torch.tensor([ids]); t = torch.tensor([types]); m = torch.ones_like(x)
        model.keep_attention(True)
        logits, h, cl = model(x, m, t)
        att = torch.stack([a[0] for a in model.attention_probs()])  # [L, H, S, S]
        model.keep_attention(False)
        case = dict(c)
        case.update({"tokens": [tok.vocab[i] for i in ids], "input_ids": ids, "token_type_ids": types,
                     "attention_mask": [1] * len(ids), "attentions": tensor(att.numpy()),
                     "last_hidden_state": tensor(h[0].numpy()),
                     "classifier_probs": r7(torch.softmax(cl[0], -1).numpy()),
                     "classifier_labels": labels})
        if 4 in ids:
            pos = ids.index(4)
            p = torch.softmax(logits[0, pos], -1)
            top = torch.topk(p, 10)
            case["mlm"] = {"masked_position": pos, "top10_ids": top.indices.tolist(),
                           "top10_tokens": [tok.vocab[i] for i in top.indices.tolist()],
                           "top10_probs": r7(top.values.numpy())}
        else:
            case["mlm"] = None
        cases.append(case)
    return {"model": MODEL_NAME, "computed_with": f"PyTorch {torch.__version__} eager mode (model.eval(), no dropout)",
            "layout": {"attentions": "[layers, heads, seq, seq] row-major, softmax over the last axis",
                       "last_hidden_state": "[seq, hidden] row-major", "batch": 1},
            "cases": cases}


def export_static(out):
    """work/static (prep.py) -> <out>/static-vectors: float16 rows, the word list and meta.json."""
    sd_in, sd_out = os.path.join(WORK, "static"), os.path.join(out, "static-vectors")
    os.makedirs(sd_out, exist_ok=True)
    vecs = np.load(os.path.join(sd_in, "vectors.npy"))
    vecs.astype("<f2").tofile(os.path.join(sd_out, "vectors.f16.bin"))
    shutil.copy(os.path.join(sd_in, "words.txt"), os.path.join(sd_out, "words.txt"))
    meta = json.load(open(os.path.join(sd_in, "meta.json")))
    meta = {"count": meta["count"], "dim": meta["dim"], "dtype": "float16", "byte_order": "little",
            "layout": "row-major [count, dim]; row i is the word on line i+1 of words.txt (most frequent first)",
            "source": f"skip-gram vectors trained on the {MODEL_NAME} corpus (see ../README.md)",
            "training": meta["training"]}
    json.dump(meta, open(os.path.join(sd_out, "meta.json"), "w"), indent=2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(WORK, "cls", "final.pt"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), MODEL_NAME))
    ap.add_argument("--static-only", action="store_true",
                    help="write only static-vectors/ (the encoder's files are left as they are)")
    args = ap.parse_args()
    out = args.out
    if args.static_only:
        return export_static(out)
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    model, cfg, labels = load_model(args.ckpt)
    tok = wordpiece.WordPiece.from_hf_json(os.path.join(WORK, "tokenizer.json"))
    assert len(tok.vocab) == cfg.vocab_size

    config = {
        "_name_or_path": MODEL_NAME, "architectures": ["BertForMaskedLM"], "model_type": "bert",
        "vocab_size": cfg.vocab_size, "hidden_size": cfg.hidden_size, "num_hidden_layers": cfg.num_hidden_layers,
        "num_attention_heads": cfg.num_attention_heads, "intermediate_size": cfg.intermediate_size,
        "hidden_act": "gelu", "hidden_dropout_prob": cfg.hidden_dropout_prob,
        "attention_probs_dropout_prob": cfg.attention_probs_dropout_prob,
        "max_position_embeddings": cfg.max_position_embeddings, "type_vocab_size": cfg.type_vocab_size,
        "initializer_range": 0.02, "layer_norm_eps": cfg.layer_norm_eps, "pad_token_id": cfg.pad_token_id,
        "position_embedding_type": "absolute", "classifier_dropout": None,
        "id2label": {str(i): l for i, l in enumerate(labels)}, "label2id": {l: i for i, l in enumerate(labels)},
        "problem_type": "single_label_classification", "torch_dtype": "float32",
    }
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    shutil.copy(os.path.join(WORK, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
    json.dump({"tokenizer_class": "BertTokenizer", "do_lower_case": True, "strip_accents": None,
               "tokenize_chinese_chars": True, "model_max_length": cfg.max_position_embeddings,
               "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]", "pad_token": "[PAD]",
               "unk_token": "[UNK]", "clean_up_tokenization_spaces": True},
              open(os.path.join(out, "tokenizer_config.json"), "w"), indent=2)

    onnx_path = os.path.join(out, "onnx", "model.onnx")
    export_onnx(model, onnx_path)
    facts = check_graph(onnx_path, cfg)
    facts["parameters"] = sum(p.numel() for p in model.parameters())
    print(json.dumps(facts, indent=1))
    json.dump(facts, open(os.path.join(WORK, "graph_facts.json"), "w"), indent=2)

    export_static(out)

    os.makedirs(os.path.join(out, "reference"), exist_ok=True)
    ref = reference(model, tok, labels)
    json.dump(ref, open(os.path.join(out, "reference", "reference.json"), "w"), separators=(",", ":"))
    print("reference.json", os.path.getsize(os.path.join(out, "reference", "reference.json")), "bytes")


if __name__ == "__main__":
    main()
