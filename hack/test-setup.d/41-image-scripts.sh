#!/usr/bin/env bash
# step: image and kind scripts parse and pass shellcheck (shellcheck from apt when missing)
# hack/kind-e2e.sh cannot run here (kind needs a registry), so a static check is what keeps it honest.
set -euo pipefail
cd "$(dirname "$0")/../.."

scripts=(hack/image.sh hack/kind-e2e.sh images/assemble-app.sh hack/test-setup.d/40-podman.sh
  hack/test-setup.d/41-image-scripts.sh)
for script in "${scripts[@]}"; do bash -n "$script"; done

if ! command -v shellcheck >/dev/null; then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "41-image-scripts.sh: shellcheck missing and cannot be installed here (needs root and apt-get)" >&2
    exit 1
  fi
  echo "==> apt-get install shellcheck" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck >&2 ||
    { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck >&2; }
fi
shellcheck "${scripts[@]}"
