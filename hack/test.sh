#!/usr/bin/env bash
# Runs every test from a fresh clone: installs packages, etcd (hack/etcd.sh) and kube-apiserver (hack/kube.sh), checks generated code, lints,
# type-checks, builds, then runs the unit, property and integration suites (vitest) and prints
# "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

bash hack/ensure-deps.sh
echo "==> etcd for the DCS tests (hack/etcd.sh; cached in .cache/etcd)" >&2
bash hack/etcd.sh >/dev/null
echo "==> kube-apiserver, kube-controller-manager and kube-scheduler for the control-plane and pod-tier tests (hack/kube.sh; cached in .cache/kube)" >&2
bash hack/kube.sh >/dev/null
# Further setup and checks, one script per concern (helm, CRD copies and generated types, images, ...).
for step in hack/test-setup.d/*.sh; do
  [[ -e $step ]] || continue
  echo "==> $(sed -n 's/^# step: //p' "$step" | head -1) ($step)" >&2
  bash "$step"
done
echo "==> generated code is current" >&2
node hack/codegen.mjs --check
echo "==> lint and format (biome)" >&2
npx biome check .
echo "==> type-check and build (tsc)" >&2
rm -rf dist
npx tsc -p tsconfig.json
touch dist/.built

echo "==> tests (vitest)" >&2
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  const skipped = r.numPendingTests + (r.numTodoTests ?? 0);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || { echo "0 passed, 1 failed" ; status=1; }
exit $status
