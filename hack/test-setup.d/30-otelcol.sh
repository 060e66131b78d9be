#!/usr/bin/env bash
# step: OpenTelemetry Collector for the tracing test (hack/otelcol.sh; cached in .cache/otelcol)
set -euo pipefail
cd "$(dirname "$0")/../.."
bash hack/otelcol.sh >/dev/null
