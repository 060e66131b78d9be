#!/usr/bin/env bash
# Installs helm v3 from the Go module proxy into .cache/helm/<version>/bin/helm and prints its path.
# Idempotent: when that binary is already there it only prints the path. Used by the chart tests
# (test/control-plane/helm.test.ts) and by anyone who wants `helm` without a release download.
#
# Method: `go install helm.sh/helm/v3/cmd/helm@<version>` (helm's go.mod has no replace directives, so
# the module proxy build works as is), stamped the way helm's Makefile does: the version, and the Kubernetes
# version that `helm lint` and `helm template` assume (from the client-go helm requires); without the
# stamps helm reports "v3.NN" and assumes Kubernetes 1.20.
#
# The Go workspace (GOPATH, GOMODCACHE, GOCACHE) lives under .cache/helm/go*, so nothing outside the clone
# is touched; `rm -rf .cache/helm` removes all of it. The first build takes 70-200 s on 2 cores (downloads
# included) and leaves ~470 MB (the module cache and the 59 MB binary; the build cache is removed).
#
#   hack/helm.sh              install if needed, print the helm path
#   hack/helm.sh --version    also print `helm version` on stderr
#
# Environment: HELM_VERSION (default below, one that builds with the local Go), HELM_BUILD_JOBS (go -p,
# default 2), GO (the go binary).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
HELM_BUILD_JOBS="${HELM_BUILD_JOBS:-2}"
BASE="$ROOT/.cache/helm"
CACHE="$BASE/$HELM_VERSION"

die() { echo "helm.sh: $*" >&2; exit 1; }

[[ $HELM_VERSION =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "HELM_VERSION must look like v3.Y.Z, not $HELM_VERSION"

show_version=""
for arg in "$@"; do
  case "$arg" in
    --version) show_version=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument $arg (want --version)" ;;
  esac
done

installed() { [[ -f "$CACHE/.complete" && -x "$CACHE/bin/helm" ]]; }

# shellcheck source=lib/go.sh
source "$ROOT/hack/lib/go.sh"

# The Kubernetes minor version helm was built against: the minor of the k8s.io/client-go it requires.
kube_minor() {
  local json gomod minor
  json="$("$GO" mod download -json "helm.sh/helm/v3@$HELM_VERSION")" ||
    die "go mod download helm.sh/helm/v3@$HELM_VERSION failed (is it served by \$GOPROXY=$("$GO" env GOPROXY)?)"
  gomod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  [[ -n $gomod && -f $gomod ]] || die "go mod download gave no GoMod file for helm.sh/helm/v3@$HELM_VERSION"
  minor="$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod" | head -n1)"
  [[ -n $minor ]] || die "no k8s.io/client-go requirement in $gomod"
  echo "$minor"
}

install() {
  find_go
  go_env "$BASE" "$HELM_BUILD_JOBS"
  local gov minor started=$SECONDS
  gov="$("$GO" env GOVERSION)" || die "$GO does not run"
  echo "==> helm: building helm $HELM_VERSION with $gov, -p=$HELM_BUILD_JOBS" >&2
  minor="$(kube_minor)"
  rm -rf "$CACHE/bin.tmp" "$CACHE/.complete"
  mkdir -p "$CACHE/bin.tmp"
  local ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  local p
  for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$minor"
  done
  GOBIN="$CACHE/bin.tmp" "$GO" install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2 ||
    die "go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION failed"
  echo "==> helm: built in $((SECONDS - started))s" >&2

  local out
  out="$("$CACHE/bin.tmp/helm" version --template '{{.Version}}' 2>&1)" || die "the built helm does not run: $out"
  [[ $out == "$HELM_VERSION" ]] || die "the built helm reports '$out', expected '$HELM_VERSION'"
  rm -rf "$CACHE/bin"
  mv "$CACHE/bin.tmp" "$CACHE/bin"
  echo "$HELM_VERSION" >"$CACHE/.complete"
  # The build cache (~700 MB) serves no later run: the binary is kept and never rebuilt.
  rm -rf "$GOCACHE"
  echo "==> helm: $HELM_VERSION in $CACHE/bin (assumes Kubernetes 1.$minor)" >&2
}

mkdir -p "$CACHE"
# One build at a time (parallel test workers may all ask at once).
exec 9>"$CACHE/.lock"
flock 9
installed || install
[[ -n $show_version ]] && "$CACHE/bin/helm" version >&2
echo "$CACHE/bin/helm"
