#!/usr/bin/env bash
# Installs the tools the benchmarks compare against, outside the project's dependencies:
#   - Transformers.js into bench/.contenders/ (git-ignored). Its onnxruntime-node dependency's install
#     script downloads CUDA binaries from outside the npm registry; ONNXRUNTIME_NODE_INSTALL=skip skips
#     that (the CPU binaries ship inside the npm package; the benchmark runs Transformers.js on our
#     onnxruntime-web anyway).
#   - scikit-learn and threadpoolctl from Debian for the label-audit comparison (run with /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .contenders
[ -f .contenders/.gitignore ] || printf '*\n' > .contenders/.gitignore
[ -f .contenders/package.json ] || echo '{"name":"bench-contenders","private":true}' > .contenders/package.json
(cd .contenders && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund @huggingface/transformers@4.3.1)
if ! /usr/bin/python3 -c 'import sklearn, numpy, threadpoolctl' 2>/dev/null; then
  apt-get update -q && apt-get install -y -o DPkg::Lock::Timeout=900 python3-sklearn python3-threadpoolctl
fi
