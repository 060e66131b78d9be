#!/usr/bin/env bash
# Installs npm packages from the lockfile (npm ci) when node_modules is missing or older than the lockfile,
# then builds dist/ when any source is newer than the last build. Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.tributary-lock-hash
if [[ ! -f $stamp || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "==> npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$lock_hash" > "$stamp"
fi

if [[ "${1:-}" == "--build" ]]; then
  if [[ ! -f dist/.built ]] || [[ -n "$(find kit proto broker client cli operator bench package.json tsconfig.json -newer dist/.built \( -name '*.ts' -o -name '*.proto' -o -name '*.json' \) -print -quit 2>/dev/null)" ]]; then
    echo "==> build" >&2
    rm -rf dist
    npx tsc -p tsconfig.json
    touch dist/.built
  fi
fi
