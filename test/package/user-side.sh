#!/usr/bin/env bash
# The package from its user's side: pack localprop, install the tarball into a fresh project, then
#  - run the README's script ("Use it from your own project", between the user-script markers):
#    typecheck it against the shipped .d.ts, run it (it trains a small net and fails unless the loss falls);
#  - scaffold an experiment with `localprop new-experiment`, run it beside a shipped one, check the report
#    has both and that the same command writes the same data.json;
#  - check that nothing was written inside node_modules (results go to ./results).
# Needs the npm registry for the dependencies only. Usage: bash test/package/user-side.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/localprop-user-side.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
passed=0
fail() { echo "user-side: FAILED: $*" >&2; echo "user-side: $passed passed, 1 failed"; exit 1; }
pass() { passed=$((passed + 1)); echo "ok - $*"; }

echo "-- pack"
tarball="$(cd "$ROOT" && npm pack --silent --pack-destination "$WORK" | tail -n 1)"
[ -f "$WORK/$tarball" ] || fail "npm pack wrote no tarball"

echo "-- install $tarball into a fresh project"
mkdir "$WORK/project"
cd "$WORK/project"
printf '{ "name": "user-project", "version": "1.0.0", "private": true, "type": "module" }\n' > package.json
version() { node -p "require('$ROOT/node_modules/$1/package.json').version"; }
npm install --no-audit --no-fund --silent "$WORK/$tarball" \
  "typescript@$(version typescript)" "tsx@$(version tsx)" "@types/node@$(version @types/node)"
touch "$WORK/installed"
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
  "strict": true, "noEmit": true, "types": ["node"] } }
JSON
sources="$(find node_modules/localprop -name '*.ts' ! -name '*.d.ts')"
[ -z "$sources" ] || fail "the package ships TypeScript sources for tsx to run: $sources"
[ -f node_modules/localprop/dist/src/index.d.ts ] || fail "the package has no dist/src/index.d.ts"
pass "the package ships compiled JavaScript and .d.ts"

echo "-- the README's script"
awk '/<!-- user-script:start -->/ { on = 1; next } /<!-- user-script:end -->/ { on = 0 } on' "$ROOT/README.md" \
  | sed '/^```/d' > train-small.ts
grep -q "from 'localprop'" train-small.ts || fail "no script between the user-script markers in README.md"
npx --no-install localprop new-experiment my-idea > /dev/null
[ -f my-idea.ts ] || fail "new-experiment wrote no my-idea.ts"
npx --no-install tsc -p . || fail "the README's script or the scaffolded experiment does not typecheck"
pass "train-small.ts and my-idea.ts typecheck against the shipped .d.ts"
npx --no-install tsx train-small.ts | tee "$WORK/train.out" || fail "the README's script failed"
grep -q '^epoch 3: held-out loss' "$WORK/train.out" || fail "the README's script printed no epoch 3"
pass "the README's script trains and its held-out loss falls"

echo "-- a user experiment beside a shipped one"
report="$(npx --no-install localprop run activations ./my-idea.ts --quiet)" || fail "localprop run failed"
[ "$report" = "results/index.html" ] || fail "run printed '$report', expected results/index.html (./results)"
for name in activations my-idea; do
  [ -f "results/$name/data.json" ] || fail "no results/$name/data.json"
  grep -q "data-experiment=\"$name\"" results/index.html || fail "the report has no section for $name"
done
pass "the report includes the user's experiment and the shipped one"
cp results/my-idea/data.json "$WORK/first.json"
npx --no-install localprop run ./my-idea.ts --quiet > /dev/null
cmp results/my-idea/data.json "$WORK/first.json" || fail "the same command wrote a different data.json"
grep -q 'data-experiment="activations"' results/index.html || fail "the report lost the earlier section"
pass "the same command writes the same data.json"
set +e
npx --no-install localprop run ./no-such-file.ts 2> "$WORK/missing.err"; code=$?
set -e
[ "$code" = 2 ] && [ "$(wc -l < "$WORK/missing.err")" = 1 ] || fail "a missing experiment file: exit $code, expected 2"
pass "a missing experiment file is bad input (exit 2, one line)"

echo "-- nothing written inside node_modules"
written="$(find node_modules -newer "$WORK/installed" | head -n 5)"
[ -z "$written" ] || fail "written inside node_modules: $written"
[ ! -e node_modules/localprop/results ] || fail "node_modules/localprop/results exists"
pass "nothing was written inside node_modules"
echo "user-side: $passed passed, 0 failed"
