"""Measure the shipped model for the model card -> work/eval.json

  * held-out masked-token top-1 accuracy and perplexity (the final, fine-tuned weights): in-domain, the
    held-out 2% of the training stream; out-of-domain, the licence texts in Debian's
    /usr/share/common-licenses (GPL-3, Apache-2.0, MPL-2.0, GFDL-1.3, CC0-1.0, as the decoder's card):
    modern legal English, a kind of text none of the five training sources contains. Same windows (128
    tokens, half of them sentence pairs), same fixed 15% masking, same measures.
  * nearest neighbours of 20 common words: transformer input embeddings vs static vectors
  * analogy accuracy (3CosAdd, question words excluded) on public/examples/analogies.txt and on its
    tune and test halves (analogies-tune.txt / analogies-test.txt, see examples.py),
    restricted to in-vocabulary questions. In-vocabulary rule for the transformer input
    embeddings: all four words are single WordPiece tokens (whole-word entries, not "##"
    pieces); candidates are all whole-word entries except the special tokens.
"""
import argparse
import json
import os

import numpy as np
import torch

from analogy_score import analogy_eval, read_analogies, unit
import wordpiece
from evaluate_gpt import LICENSES, OOD_FILES, ood_text
from export import load_model
from model import BertMini, Config
from train_mlm import evaluate, heldout_set, split_stream

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FORGE_WORK", os.path.join(HERE, "work"))
REPO = os.path.dirname(os.path.dirname(HERE))
COMMON = ["king", "water", "ship", "war", "god", "money", "house", "dog", "tree", "red",
          "good", "man", "day", "law", "sea", "gold", "city", "bread", "horse", "fire"]


def neighbours(M, words, idx, w, k=8):
    if w not in idx:
        return None
    s = M @ M[idx[w]]
    s[idx[w]] = -9
    top = np.argsort(-s)[:k]
    return [[words[i], round(float(s[i]), 3)] for i in top]


def load_shipped(model_dir):
    """The exported model's weights read back from onnx/model.onnx (the initializers keep the PyTorch
    parameter names), for measuring the shipped encoder when its training checkpoint is not at hand."""
    import onnx
    from onnx import numpy_helper
    hf = json.load(open(os.path.join(model_dir, "config.json")))
    keys = ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "max_position_embeddings", "type_vocab_size", "hidden_dropout_prob", "attention_probs_dropout_prob",
            "layer_norm_eps", "pad_token_id"]
    cfg = Config(**{k: hf[k] for k in keys}, num_labels=len(hf["id2label"]))
    model = BertMini(cfg)
    inits = {i.name: i for i in onnx.load(os.path.join(model_dir, "onnx", "model.onnx")).graph.initializer}
    model.load_state_dict({k: torch.from_numpy(numpy_helper.to_array(inits[k]).copy()) for k in model.state_dict()})
    model.eval()
    return model, cfg


def corpus_stream(tok):
    """The corpus encoded with the shipped tokenizer, as prep.py writes work/tokens.npy (paragraphs in ORDER,
    concatenated); cached in work/tokens-shipped.npy."""
    path = os.path.join(WORK, "tokens-shipped.npy")
    if not os.path.exists(path):
        from prep import read_corpus
        ids = [i for p in read_corpus() for w in wordpiece.words_of(p) for i in tok.encode_word(w)]
        np.save(path, np.asarray(ids, dtype=np.int32))
    return np.load(path)


def out_of_domain(model, cfg, tok, n):
    """Masked-LM on the licence texts: paragraphs encoded and concatenated as the training stream is."""
    stream = []
    for p in ood_text():
        stream.extend(tok.encode_plain(p))
    tokens = np.asarray(stream, dtype=np.int32)
    ids, types = heldout_set(tokens, [(0, len(tokens))], cfg.max_position_embeddings, n)
    r = evaluate(model, ids, types, cfg.vocab_size)
    r.update(files=[os.path.join(LICENSES, f) for f in OOD_FILES], words=sum(len(p.split()) for p in ood_text()),
             stream_tokens=len(tokens))
    return r


def analogy_halves(spaces):
    """{whole, tune, test} x {space: scores}: the static vectors' settings were chosen on tune only."""
    out = {}
    for half, name in (("whole", "analogies.txt"), ("tune", "analogies-tune.txt"), ("test", "analogies-test.txt")):
        path = os.path.join(REPO, "public", "examples", name)
        if os.path.exists(path):
            secs = read_analogies(path)
            out[half] = {k: analogy_eval(M, words, idx, secs) for k, (M, words, idx) in spaces.items()}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(WORK, "cls", "final.pt"))
    ap.add_argument("--eval-seqs", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model-dir", default=os.path.join(os.path.dirname(HERE), "playground-bert-mini"))
    ap.add_argument("--analogies", default=os.path.join(REPO, "public", "examples", "analogies.txt"))
    ap.add_argument("--shipped", action="store_true",
                    help="measure the weights in <model-dir>/onnx/model.onnx instead of --ckpt")
    ap.add_argument("--skip-heldout", action="store_true",
                    help="take the in-domain held-out figures from the previous work/eval.json, measure the rest")
    ap.add_argument("--keep-mlm", action="store_true",
                    help="take the masked-LM figures from the previous work/eval.json (only the vectors changed)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.shipped:
        model, cfg = load_shipped(args.model_dir)
    else:
        model, cfg, labels = load_model(args.ckpt)
    tok_path = os.path.join(args.model_dir if args.shipped else WORK, "tokenizer.json")
    tok = wordpiece.WordPiece.from_hf_json(tok_path)
    prev = json.load(open(os.path.join(WORK, "eval.json"))) if args.keep_mlm or args.skip_heldout else {}
    if args.keep_mlm:
        mlm, ood = prev["mlm_heldout"], prev["mlm_out_of_domain"]
    else:
        if args.skip_heldout:
            mlm = prev["mlm_heldout"]
        else:
            tokens = corpus_stream(tok) if args.shipped else np.load(os.path.join(WORK, "tokens.npy"))
            _, held = split_stream(tokens)
            ev_ids, ev_types = heldout_set(tokens, held, cfg.max_position_embeddings, args.eval_seqs)
            mlm = evaluate(model, ev_ids, ev_types, cfg.vocab_size)
        print("held-out MLM", mlm, flush=True)
        ood = out_of_domain(model, cfg, tok, args.eval_seqs)
        print("out-of-domain MLM", ood, flush=True)

    vocab = [t for t, _ in sorted(json.load(open(tok_path))["model"]["vocab"].items(), key=lambda kv: kv[1])]
    E = model.embeddings.word_embeddings.weight.detach().numpy()
    keep = [i for i, t in enumerate(vocab) if not t.startswith("##") and not t.startswith("[") and any(ch.isalnum() for ch in t)]
    tw = [vocab[i] for i in keep]
    TM = unit(E[keep])
    tidx = {w: i for i, w in enumerate(tw)}

    sd = os.path.join(args.model_dir, "static-vectors")
    sw = open(os.path.join(sd, "words.txt"), encoding="utf-8").read().split("\n")[:-1]
    meta = json.load(open(os.path.join(sd, "meta.json")))
    SM = unit(np.fromfile(os.path.join(sd, "vectors.f16.bin"), dtype="<f2").astype(np.float32).reshape(meta["count"], meta["dim"]))
    sidx = {w: i for i, w in enumerate(sw)}

    nn = {w: {"input_embeddings": neighbours(TM, tw, tidx, w), "static_vectors": neighbours(SM, sw, sidx, w)} for w in COMMON}
    secs = read_analogies(args.analogies)
    an = {"input_embeddings": analogy_eval(TM, tw, tidx, secs), "static_vectors": analogy_eval(SM, sw, sidx, secs)}
    print(json.dumps(an["input_embeddings"]["all"]), json.dumps(an["static_vectors"]["all"]))
    halves = analogy_halves({"input_embeddings": (TM, tw, tidx), "static_vectors": (SM, sw, sidx)})
    json.dump({"mlm_heldout": mlm, "mlm_out_of_domain": ood, "neighbours": nn, "analogies": an,
               "analogy_halves": halves,
               "transformer_vocab_words": len(tw), "static_words": len(sw)},
              open(os.path.join(WORK, "eval.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
