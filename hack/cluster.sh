#!/usr/bin/env bash
# A local development cluster: installs and builds, installs etcd into .cache/etcd (hack/etcd.sh), then
# runs `tributary cluster start` (3 brokers on 127.0.0.1:9292-9294, etcd on 127.0.0.1:2379, data under
# ./data/cluster). Extra arguments go to `tributary cluster start` (e.g. --brokers 5).
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/ensure-deps.sh --build
ETCD_BIN="$(bash hack/etcd.sh | tail -n 1)"
exec node dist/cli/main.js cluster start --etcd-bin "$ETCD_BIN" "$@"
