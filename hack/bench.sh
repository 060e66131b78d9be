#!/usr/bin/env bash
# `npm run bench -- <produce|consume|latency|compare> [options]`: the benchmark lab (bench/), the same as
# `tributary bench ...`. Builds first, since the lab and the brokers it starts run from dist/.
# Options and workloads: docs/benchmarks-peers.md.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
exec node dist/bench/main.js bench "$@"
