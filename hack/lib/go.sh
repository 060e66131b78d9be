# Sourced by the hack/ scripts that build Go tools from the Go module proxy (kube.sh, helm.sh).
# Needs a `die` function in the sourcing script.

# Sets GO to the go binary: $GO, go on PATH, or /usr/local/go/bin/go.
find_go() {
  GO="${GO:-$(command -v go || true)}"
  [[ -n $GO ]] || GO=/usr/local/go/bin/go
  [[ -x $GO ]] || die "no go toolchain (put go on PATH, set GO=..., or install it at /usr/local/go)"
}

# A private Go environment under $1 (GOPATH, module cache, build cache), so nothing outside the clone is
# touched; the toolchain is the local one (no automatic downloads). $2: parallel build jobs; $3: extra GOFLAGS.
go_env() {
  local base=$1 jobs=$2 extra=${3:-}
  export GOPATH="$base/go"
  export GOMODCACHE="$base/go/pkg/mod"
  export GOCACHE="$base/go-build"
  export GOTOOLCHAIN=local
  export GOFLAGS="${extra:+$extra }-modcacherw -buildvcs=false -p=$jobs"
  export CGO_ENABLED=0
  export GOWORK=off
  unset GOOS GOARCH GOBIN
}
