#!/usr/bin/env bash
# Assembles /app, the application part of both container images, from a built checkout. The Dockerfile's
# build stage and hack/image.sh (the registry-free build) both run this script, so the two images carry the
# same files.
#
#   images/assemble-app.sh SRC DEST     SRC: a checkout after `npm run build`; DEST: a new or empty folder
#   images/assemble-app.sh --inputs SRC print the files of SRC the result depends on (one path a line, for
#                                       a cache key); node_modules comes from package-lock.json
#
# What DEST gets, and why:
#   bin/tributary.js        the entry (`node /app/bin/tributary.js broker start|operator run`)
#   dist/<room>/            compiled JavaScript of kit, proto, broker, client, cli and operator (when built),
#                           without tests, type declarations and source maps (Node reads none of them)
#   proto/                  loader-options.json and tributary/v1/*.proto: proto/load.ts reads them from
#                           disk at start (beside dist/proto or two levels up from it, that is /app/proto)
#   package.json            broker/version.ts reads the version from it
#   node_modules/           production dependencies only (`npm ci --omit=dev`), from the npm cache when it
#                           has them, without type declarations, source maps and Markdown; install scripts
#                           are skipped (the one production package that has one, protobufjs, only prints)
set -euo pipefail

# The compiled rooms the image carries; test, docs and bench output stays out.
DIST_ROOMS=(kit proto broker client cli operator)

die() { echo "assemble-app.sh: $*" >&2; exit 1; }

list_inputs() {
  local src=$1 room
  (
    cd "$src"
    printf '%s\n' bin/tributary.js package.json package-lock.json proto/loader-options.json
    find proto/tributary -type f -name '*.proto'
    for room in "${DIST_ROOMS[@]}"; do
      if [[ -d dist/$room ]]; then find "dist/$room" -type f -name '*.js' ! -name '*.test.js'; fi
    done
  ) | LC_ALL=C sort
}

if [[ ${1:-} == --inputs ]]; then
  [[ $# -eq 2 ]] || die "usage: $0 --inputs SRC"
  list_inputs "$2"
  exit 0
fi
[[ $# -eq 2 ]] || die "usage: $0 SRC DEST"
SRC="$(cd "$1" && pwd)"
DEST=$2
[[ -f $SRC/dist/cli/main.js ]] || die "$SRC/dist/cli/main.js is missing: run \`npm run build\` first"
mkdir -p "$DEST"
[[ -z "$(ls -A "$DEST")" ]] || die "$DEST is not empty"
DEST="$(cd "$DEST" && pwd)"

# Every input, copied with its relative path (cp --parents keeps dist/broker/... as it is).
(cd "$SRC" && list_inputs . | xargs -d '\n' cp --parents -t "$DEST")

(
  cd "$DEST"
  npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >&2
  rm package-lock.json
  # Type declarations, source maps and docs are never read at run time; @types holds nothing else.
  rm -rf node_modules/@types
  find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.ts' \
    -o -name '*.map' -o -name '*.md' -o -name '*.markdown' \) -delete
  find node_modules -type d -empty -delete
  # Root owns the app and the runtime user can only read it: a compromised broker cannot rewrite its code.
  chmod -R u=rwX,go=rX .
)
