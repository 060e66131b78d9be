#!/usr/bin/env bash
# Installs a real etcd (>= 3.5.13) into .cache/etcd for the DCS tests and a dev cluster, and prints the
# path of the `etcd` binary. Idempotent; when the binary is already there it only prints the path.
#
# Sources, tried in order (ETCD_SOURCE=debian or ETCD_SOURCE=go picks one):
#   debian  Debian trixie's etcd-server package (3.5.x; a static Go binary that runs on bookworm), fetched
#           with `apt-get download` through a private apt configuration (hack/lib/debian.sh; the system's
#           sources and package lists are left alone) and unpacked with `dpkg-deb -x`.
#   go      a build from the Go module proxy: a two-line wrapper module around
#           go.etcd.io/etcd/server/v3/etcdmain at ETCD_GO_VERSION (default below). `go install pkg@version`
#           refuses etcd's server module because its go.mod has replace directives, hence the wrapper.
#
#   hack/etcd.sh            install if needed, print the binary's path
#   hack/etcd.sh --version  also print the installed version on stderr
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/etcd"
BIN="$CACHE/bin/etcd"
MIN_VERSION=3.5.13
ETCD_GO_VERSION="${ETCD_GO_VERSION:-v3.5.21}"

die() { echo "etcd.sh: $*" >&2; exit 1; }
source "$ROOT/hack/lib/debian.sh"

version_of() { "$1" --version 2>/dev/null | sed -n 's/^etcd Version: //p'; }

# True when $1 is a version >= MIN_VERSION.
new_enough() {
  [[ -n "$1" ]] && [[ "$(printf '%s\n%s\n' "$MIN_VERSION" "$1" | sort -V | head -n1)" == "$MIN_VERSION" ]]
}

installed() { [[ -x "$BIN" && -f "$CACHE/.complete" ]]; }

from_debian() {
  local work
  echo "==> etcd: Debian trixie etcd-server (apt-get download)" >&2
  work="$(mktemp -d "$CACHE/deb.XXXXXX")"
  debian_unpack "$work" trixie etcd-server || { rm -rf "$work"; return 1; }
  [[ -x "$work/root/usr/bin/etcd" ]] || { echo "the package has no usr/bin/etcd" >&2; rm -rf "$work"; return 1; }
  mkdir -p "$CACHE/bin.tmp"
  mv "$work/root/usr/bin/etcd" "$CACHE/bin.tmp/etcd"
  rm -rf "$work"
}

from_go() {
  local go
  go="$(command -v go || true)"
  [[ -n $go ]] || go=/usr/local/go/bin/go
  [[ -x $go ]] || { echo "no go toolchain" >&2; return 1; }
  echo "==> etcd: building go.etcd.io/etcd/server/v3@$ETCD_GO_VERSION from the Go module proxy" >&2
  local src="$CACHE/src"
  rm -rf "$src"
  mkdir -p "$src" "$CACHE/bin.tmp"
  cat >"$src/go.mod" <<MOD
module tributary.local/etcd

go 1.23

require go.etcd.io/etcd/server/v3 $ETCD_GO_VERSION
MOD
  cat >"$src/main.go" <<'GO'
// Command etcd is etcd's server, built from the Go module proxy for Tributary's tests.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (cd "$src" && GOFLAGS=-mod=mod "$go" mod tidy >&2 && CGO_ENABLED=0 "$go" build -trimpath -o "$CACHE/bin.tmp/etcd" . >&2)
}

install() {
  mkdir -p "$CACHE"
  rm -rf "$CACHE/bin.tmp" "$CACHE/.complete"
  local sources=(debian go) source ok=""
  [[ -n "${ETCD_SOURCE:-}" ]] && sources=("$ETCD_SOURCE")
  for source in "${sources[@]}"; do
    case "$source" in
      debian | go) ;;
      *) die "ETCD_SOURCE must be debian or go, not $source" ;;
    esac
    rm -rf "$CACHE/bin.tmp"
    if "from_$source"; then
      local v
      v="$(version_of "$CACHE/bin.tmp/etcd")"
      if new_enough "$v"; then
        ok="$v"
        break
      fi
      echo "etcd.sh: $source gave etcd ${v:-of unknown version}; need >= $MIN_VERSION" >&2
    else
      echo "etcd.sh: installing etcd from $source failed" >&2
    fi
  done
  [[ -n $ok ]] || die "could not install etcd >= $MIN_VERSION"
  rm -rf "$CACHE/bin"
  mv "$CACHE/bin.tmp" "$CACHE/bin"
  echo "$ok" >"$CACHE/.complete"
  echo "==> etcd $ok in $BIN" >&2
}

mkdir -p "$CACHE"
# One installer at a time (parallel test workers may all ask for etcd at once).
exec 9>"$CACHE/.lock"
flock 9
installed || install
[[ "${1:-}" == "--version" ]] && echo "etcd $(cat "$CACHE/.complete")" >&2
echo "$BIN"
