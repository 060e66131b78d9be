#!/usr/bin/env bash
# step: helm for the chart tests (hack/helm.sh; cached in .cache/helm)
set -euo pipefail
cd "$(dirname "$0")/../.."
bash hack/helm.sh >/dev/null
