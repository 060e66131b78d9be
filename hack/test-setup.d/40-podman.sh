#!/usr/bin/env bash
# step: podman and runc for the container image test (test/e2e/image.test.ts), from apt when missing
# hack/image.sh builds the images with podman (vfs storage, no registry) and the test runs them with runc.
# Debian bookworm's packages; needs root. Idempotent: does nothing when both are installed.
set -euo pipefail

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "40-podman.sh: ${missing[*]} missing and cannot be installed here (needs root and apt-get);" \
    "the container image test will fail" >&2
  exit 1
fi
echo "==> apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# With podman's recommended packages (buildah, fuse-overlayfs, slirp4netns, uidmap, ...): the setup the
# image test was developed and measured on.
apt-get install -y -qq "${missing[@]}" >&2
