#!/usr/bin/env bash
# step: CRD types and chart CRDs are current (hack/crd-types.mjs --check, hack/chart-crds.sh --check)
set -euo pipefail
cd "$(dirname "$0")/../.."
node hack/crd-types.mjs --check
bash hack/chart-crds.sh --check
