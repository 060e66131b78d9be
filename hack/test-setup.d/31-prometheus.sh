#!/usr/bin/env bash
# step: Prometheus and promtool for the monitoring test (hack/prometheus.sh; cached in .cache/prometheus)
set -euo pipefail
cd "$(dirname "$0")/../.."
bash hack/prometheus.sh >/dev/null
