#!/usr/bin/env bash
# Smoke test of the whole pipeline: small corpus slice, a few training steps, export to a temp
# dir, graph checks with the onnx package, ONNX-vs-PyTorch comparison with onnxruntime-web (Node),
# and JS/Python tokenizer parity. Writes nothing outside the temp dir. Measured: see README.md.
#   bash models/forge/smoke.sh
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
TMP=$(mktemp -d -t forge-smoke.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export FORGE_WORK="$TMP/work" FORGE_NPM="$PWD/work/npm"
mkdir -p "$FORGE_WORK" work
source ./npm-data.sh
start=$(date +%s)
$PY corpus.py
$PY prep.py --max-lines 150 --vocab-size 3000 --sg-epochs 1 --static-epochs 1 --static-words 5000 --workers 1
$PY train_mlm.py --minutes 0.5 --procs 2 --threads 1 --batch 16 --eval-seqs 32 --init fan-in --pos-init sinusoid --short-len 32 --short-frac 0.25 --out "$FORGE_WORK/mlm"
$PY finetune_cls.py --init "$FORGE_WORK/mlm/final.pt" --out "$FORGE_WORK/cls" --epochs 1 --cap-train 40 --mlm-batch 4 --minutes 0.5 --threads 1
$PY examples.py --out "$TMP/examples"
$PY export.py --ckpt "$FORGE_WORK/cls/final.pt" --out "$TMP/model"
node verify_onnx.mjs "$TMP/model"
$PY check_tokenizer.py "$TMP/model/tokenizer.json" "$TMP/model/tokenizer_config.json"
$PY evaluate.py --ckpt "$FORGE_WORK/cls/final.pt" --threads 1 --eval-seqs 32 --model-dir "$TMP/model" --analogies "$TMP/examples/analogies.txt"
echo "smoke OK in $(( $(date +%s) - start )) s"
# the decoder (playground-gpt-mini) pipeline, in its own temp dir
bash ./smoke_gpt.sh
