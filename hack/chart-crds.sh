#!/usr/bin/env bash
# Copies the CRDs (crds/*.yaml, the source of truth) into the Helm chart (charts/tributary/crds/), each
# behind a one-line header naming its source. Helm installs a chart's crds/ before its templates and never
# upgrades or deletes them; `helm template --include-crds` prints them first.
#
#   hack/chart-crds.sh           write the copies (and remove copies whose source is gone)
#   hack/chart-crds.sh --check   fail when the chart's copies differ from what would be written
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/crds"
DST="$ROOT/charts/tributary/crds"

check=""
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "chart-crds.sh: unknown argument $1 (want --check)" >&2; exit 2 ;;
esac

header() { echo "# Copied from crds/$1 by hack/chart-crds.sh: do not edit (change crds/ and rerun it)."; }

shopt -s nullglob
sources=("$SRC"/*.yaml)
[[ ${#sources[@]} -gt 0 ]] || { echo "chart-crds.sh: no CRDs in $SRC" >&2; exit 1; }

stale=()
for src in "${sources[@]}"; do
  name="$(basename "$src")"
  want="$(header "$name"; cat "$src")"
  if [[ -n $check ]]; then
    [[ -f "$DST/$name" && "$(cat "$DST/$name")" == "$want" ]] || stale+=("$name")
  else
    mkdir -p "$DST"
    printf '%s\n' "$want" >"$DST/$name"
  fi
done
for copy in "$DST"/*.yaml; do
  name="$(basename "$copy")"
  [[ -f "$SRC/$name" ]] && continue
  if [[ -n $check ]]; then stale+=("$name (no source)"); else rm -f "$copy"; fi
done

if [[ -n $check ]]; then
  if [[ ${#stale[@]} -gt 0 ]]; then
    echo "chart-crds.sh: charts/tributary/crds is stale (${stale[*]}); run: bash hack/chart-crds.sh" >&2
    exit 1
  fi
  echo "charts/tributary/crds is up to date (${#sources[@]} CRDs)"
else
  echo "wrote ${#sources[@]} CRDs to charts/tributary/crds"
fi
