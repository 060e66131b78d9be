#!/usr/bin/env bash
# Installs Prometheus and promtool into .cache/prometheus for the monitoring test (the chart's dashboards and
# alert rules evaluated against a real Prometheus) and prints the directory holding both binaries.
# Idempotent; when they are already there it only prints the directory.
#
# Source: Debian bookworm's `prometheus` package (2.42), fetched with `apt-get download` through a private
# apt configuration under .cache/prometheus/apt (the system's sources, package lists and installed packages
# are left alone) and unpacked with `dpkg-deb -x` (hack/lib/debian.sh, as hack/etcd.sh fetches etcd). PROMETHEUS_BIN_DIR
# set to a directory holding `prometheus` and `promtool` skips the download.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/prometheus"
DEBIAN_RELEASE="${PROMETHEUS_DEBIAN_RELEASE:-bookworm}"

die() { echo "prometheus.sh: $*" >&2; exit 1; }
source "$ROOT/hack/lib/debian.sh"

if [[ -n "${PROMETHEUS_BIN_DIR:-}" ]]; then
  [[ -x $PROMETHEUS_BIN_DIR/prometheus && -x $PROMETHEUS_BIN_DIR/promtool ]] || die "no prometheus and promtool in $PROMETHEUS_BIN_DIR"
  echo "$PROMETHEUS_BIN_DIR"
  exit 0
fi

installed() { [[ -x $CACHE/bin/prometheus && -x $CACHE/bin/promtool && -f $CACHE/.complete ]]; }

install() {
  local work
  rm -rf "$CACHE/bin.tmp" "$CACHE/.complete"
  echo "==> prometheus: Debian $DEBIAN_RELEASE prometheus package (apt-get download)" >&2
  work="$(mktemp -d "$CACHE/deb.XXXXXX")"
  debian_unpack "$work" "$DEBIAN_RELEASE" prometheus || { rm -rf "$work"; die "fetching the package failed"; }
  mkdir -p "$CACHE/bin.tmp"
  mv "$work/root/usr/bin/prometheus" "$work/root/usr/bin/promtool" "$CACHE/bin.tmp/"
  rm -rf "$work"
  "$CACHE/bin.tmp/prometheus" --version >/dev/null 2>&1 || die "the unpacked prometheus does not run"
  "$CACHE/bin.tmp/promtool" --version >/dev/null 2>&1 || die "the unpacked promtool does not run"
  rm -rf "$CACHE/bin"
  mv "$CACHE/bin.tmp" "$CACHE/bin"
  touch "$CACHE/.complete"
}

mkdir -p "$CACHE"
# One installer at a time (parallel test workers may all ask at once).
exec 9>"$CACHE/.lock"
flock 9
installed || install
echo "$CACHE/bin"
