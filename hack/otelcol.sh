#!/usr/bin/env bash
# Builds a small OpenTelemetry Collector into .cache/otelcol for the tracing test and prints the path of
# the binary. Idempotent; when the binary is already there it only prints the path.
#
# The build is a wrapper module (what the collector's own builder, ocb, generates, written out here so no
# builder has to be installed) with the three components the test needs: the `otlp` receiver (gRPC and
# HTTP), the contrib `file` exporter (OTLP JSON lines the test reads) and the `debug` exporter. Modules
# come from the Go module proxy at OTELCOL_VERSION (the contrib exporter shares the core's version
# number). The Go environment is private to .cache/otelcol (hack/lib/go.sh: module and build caches there,
# OTELCOL_BUILD_JOBS parallel jobs, default 2; the build cache is removed after the build, the module cache
# kept for the next recipe); no DWARF (-s -w) keeps the link short. `rm -rf .cache/otelcol` removes all of
# it. The first build took 6m14s on 2 cores shared with other work (load average 12-14; 2m56s of CPU,
# module downloads included); rebuilding with a warm build cache takes seconds.
#
#   hack/otelcol.sh   install if needed, print the binary's path
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/otelcol"
OTELCOL_VERSION="${OTELCOL_VERSION:-v0.165.0}"
# The stable (1.x) modules released together with OTELCOL_VERSION.
OTELCOL_STABLE_VERSION="${OTELCOL_STABLE_VERSION:-v1.71.0}"
BIN="$CACHE/bin/otelcol-tributary"
# Bump RECIPE when the wrapper below changes, so cached builds of an older recipe are rebuilt.
RECIPE=3
STAMP="$CACHE/.complete-$OTELCOL_VERSION-r$RECIPE"

OTELCOL_BUILD_JOBS="${OTELCOL_BUILD_JOBS:-2}"

die() { echo "otelcol.sh: $*" >&2; exit 1; }
source "$ROOT/hack/lib/go.sh"

mkdir -p "$CACHE"
# One builder at a time (parallel test workers may all ask at once).
exec 9>"$CACHE/.lock"
flock 9
if [[ -x $BIN && -f $STAMP ]]; then
  echo "$BIN"
  exit 0
fi

find_go
go_env "$CACHE" "$OTELCOL_BUILD_JOBS"

src="$CACHE/src"
rm -rf "$src" "$CACHE/bin.tmp"
mkdir -p "$src" "$CACHE/bin.tmp"
echo "==> otelcol: building the collector (otlp receiver, file and debug exporters) $OTELCOL_VERSION from the Go module proxy" >&2
cat >"$src/go.mod" <<MOD
module tributary.local/otelcol

go 1.24

require (
	go.opentelemetry.io/collector/otelcol $OTELCOL_VERSION
	go.opentelemetry.io/collector/receiver/otlpreceiver $OTELCOL_VERSION
	go.opentelemetry.io/collector/exporter/debugexporter $OTELCOL_VERSION
	github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter $OTELCOL_VERSION
	go.opentelemetry.io/collector/confmap/provider/envprovider $OTELCOL_STABLE_VERSION
	go.opentelemetry.io/collector/confmap/provider/fileprovider $OTELCOL_STABLE_VERSION
	go.opentelemetry.io/collector/service $OTELCOL_VERSION
)
MOD
cat >"$src/main.go" <<'GO'
// Command otelcol-tributary is an OpenTelemetry Collector with the otlp receiver and the file and debug
// exporters, built from the Go module proxy for Tributary's tracing test.
package main

import (
	"os"

	fileexporter "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	envprovider "go.opentelemetry.io/collector/confmap/provider/envprovider"
	fileprovider "go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/exporter"
	debugexporter "go.opentelemetry.io/collector/exporter/debugexporter"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/receiver"
	otlpreceiver "go.opentelemetry.io/collector/receiver/otlpreceiver"
	otelconftelemetry "go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"
)

func components() (otelcol.Factories, error) {
	factories := otelcol.Factories{Telemetry: otelconftelemetry.NewFactory()}
	var err error
	if factories.Receivers, err = otelcol.MakeFactoryMap[receiver.Factory](otlpreceiver.NewFactory()); err != nil {
		return otelcol.Factories{}, err
	}
	if factories.Exporters, err = otelcol.MakeFactoryMap[exporter.Factory](
		fileexporter.NewFactory(), debugexporter.NewFactory(),
	); err != nil {
		return otelcol.Factories{}, err
	}
	return factories, nil
}

func main() {
	set := otelcol.CollectorSettings{
		BuildInfo: component.BuildInfo{
			Command:     "otelcol-tributary",
			Description: "OpenTelemetry Collector for Tributary's tests",
			Version:     "test",
		},
		Factories: components,
		ConfigProviderSettings: otelcol.ConfigProviderSettings{
			ResolverSettings: confmap.ResolverSettings{
				ProviderFactories: []confmap.ProviderFactory{
					envprovider.NewFactory(), fileprovider.NewFactory(),
				},
				DefaultScheme: "env",
			},
		},
	}
	if err := otelcol.NewCommand(set).Execute(); err != nil {
		os.Exit(1)
	}
}
GO
(
  cd "$src"
  "$GO" mod tidy >&2
  "$GO" build -trimpath -ldflags='-s -w' -o "$CACHE/bin.tmp/otelcol-tributary" . >&2
) || die "the build failed (see above)"
"$CACHE/bin.tmp/otelcol-tributary" --version >/dev/null || die "the built collector does not run"
rm -rf "$CACHE/bin" "$CACHE"/.complete-*
mv "$CACHE/bin.tmp" "$CACHE/bin"
rm -rf "$src" "$GOCACHE"
touch "$STAMP"
echo "$BIN"
