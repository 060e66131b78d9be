#!/usr/bin/env bash
# The quick start: install, build, and run one broker on its embedded default (local metadata, data in
# ./data, gRPC on 127.0.0.1:9292, metrics on 127.0.0.1:9293). Extra arguments go to `tributary broker start`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/ensure-deps.sh --build
exec node dist/cli/main.js broker start "$@"
