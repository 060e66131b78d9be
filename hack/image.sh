#!/usr/bin/env bash
# Builds Tributary's broker or operator image without any registry, and saves it as an OCI archive.
#
#   hack/image.sh broker|operator [--out FILE]   build (or reuse) the image; print one JSON line on stdout
#   hack/image.sh env                             print `export` lines that point podman at this storage
#
# The images equal images/Dockerfile's targets, from a root filesystem assembled here instead of a base
# image:
#   /usr/local/bin/node   this machine's node (20.x) and the shared libraries `ldd` lists for it and for
#                         the native addons in node_modules (crc32, lz4, snappy), at the paths ldd names
#   /app                  images/assemble-app.sh, the script the Dockerfile runs too
#   /etc                  passwd and group with the tributary user (10001), nsswitch.conf, the CA bundle
#   /var/lib/tributary    the data volume, owned by 10001; /tmp
# Time zones: none in the image; logs carry UTC epoch times and Node's ICU has its own zone data.
# The metadata (labels, env, user, workdir, ports, volume, entrypoint) is copied from the Dockerfile's
# "# image.sh: metadata <stage>" blocks into a FROM-scratch Containerfile that ADDs the root filesystem as
# a tarball (ADD keeps the tarball's owners; COPY would make everything root's).
#
# Storage: podman with the vfs driver (no overlay or fuse needed) in .cache/containers/storage, run
# state under /run; runc and cgroupfs (crun fails on some cgroup layouts), set in .cache/containers/*.conf
# (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF; `hack/image.sh env` prints them for your shell).
#
# Cache: the image is tagged localhost/tributary/<name>:<key>, <key> a hash of every input (the files the
# app is assembled from, the node binary and its libraries, the Dockerfile and this script); when that tag
# and its archive exist the build is skipped. Older keys' tags and archives are removed.
#
# Output: {"image", "ref", "archive", "archiveBytes", "rootfsBytes", "cached", "env"} on stdout; progress on
# stderr. Needs root (rootful podman), dist/ built (`npm run build`), and podman and runc (installed from
# apt by hack/test-setup.d/40-podman.sh when missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/containers"
IMAGES="$ROOT/.cache/images"
DOCKERFILE="$ROOT/images/Dockerfile"
APP_UID=10001

die() { echo "image.sh: $*" >&2; exit 1; }
usage() { die "usage: hack/image.sh broker|operator [--out FILE] | hack/image.sh env"; }

# Run state must not outlive a reboot (podman keeps container states there), so it goes under /run, one
# folder per checkout.
run_dir() { echo "/run/tributary-containers-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"; }

write_conf() {
  mkdir -p "$CACHE"
  cat >"$CACHE/storage.conf" <<EOF
# Written by hack/image.sh.
[storage]
driver = "vfs"
graphroot = "$CACHE/storage"
runroot = "$(run_dir)/storage"
EOF
  cat >"$CACHE/containers.conf" <<EOF
# Written by hack/image.sh.
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$(run_dir)/libpod"
EOF
  export CONTAINERS_CONF="$CACHE/containers.conf" CONTAINERS_STORAGE_CONF="$CACHE/storage.conf"
}

if [[ ${1:-} == env ]]; then
  write_conf
  printf 'export CONTAINERS_CONF=%q\nexport CONTAINERS_STORAGE_CONF=%q\n' "$CONTAINERS_CONF" "$CONTAINERS_STORAGE_CONF"
  exit 0
fi

NAME=${1:-}
[[ $NAME == broker || $NAME == operator ]] || usage
shift
OUT=
while [[ $# -gt 0 ]]; do
  case $1 in
    --out) [[ $# -ge 2 ]] || usage; OUT=$2; shift 2 ;;
    *) usage ;;
  esac
done

if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  bash "$ROOT/hack/test-setup.d/40-podman.sh"
fi
[[ $(id -u) -eq 0 ]] || die "run as root: the build keeps file owners (uid $APP_UID) and uses rootful podman"
[[ -f $ROOT/dist/cli/main.js ]] || die "dist/ is not built: run \`npm run build\` first"
NODE="$(readlink -f "$(command -v node)")"
[[ "$("$NODE" -p 'process.versions.node.split(".")[0]')" == 20 ]] || die "$NODE is not Node 20"
VERSION="$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")"
REPO="localhost/tributary/$NAME"
write_conf

# Shared libraries of node and of every native addon it may load, as ldd names them (the loader too).
libraries_of() {
  local file
  for file; do ldd "$file"; done |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && NF == 2 { print $1 }' | LC_ALL=C sort -u
}

# The metadata blocks of the Dockerfile for `runtime` and for this image, verbatim.
metadata() {
  local stage
  for stage in runtime "$NAME"; do
    awk -v start="# image.sh: metadata $stage" '
      $0 == start { on = 1; next }
      on && $0 == "# image.sh: end" { on = 0; found = 1 }
      on { print }
      END { exit found ? 0 : 1 }' "$DOCKERFILE" || die "no \"# image.sh: metadata $stage\" block in $DOCKERFILE"
  done
}

# Cache key: contents of the app's inputs, node, its libraries (the addons' come from the lockfile),
# the Dockerfile, this script, and the image name and version.
cache_key() {
  {
    echo "$NAME $VERSION"
    (cd "$ROOT" && bash images/assemble-app.sh --inputs . | xargs -d '\n' sha256sum)
    sha256sum "$NODE" "$DOCKERFILE" "$ROOT/hack/image.sh" "$ROOT/images/assemble-app.sh"
    libraries_of "$NODE" | xargs -d '\n' sha256sum
  } | sha256sum | cut -c1-16
}

KEY="$(cache_key)"
ARCHIVE="$IMAGES/$NAME-$KEY.oci.tar"
CACHED=true

WORK=
trap '[[ -z $WORK ]] || rm -rf "$WORK"' EXIT

build() {
  local work rootfs lib
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/tributary-image.XXXXXX")"
  work=$WORK
  rootfs="$work/rootfs"
  echo "==> assembling /app" >&2
  bash "$ROOT/images/assemble-app.sh" "$ROOT" "$rootfs/app"
  echo "==> root filesystem: node, its libraries, /etc" >&2
  install -D -m 0755 "$NODE" "$rootfs/usr/local/bin/node"
  mapfile -t addons < <(find "$rootfs/app/node_modules" -name '*.node' -type f)
  while IFS= read -r lib; do
    cp -L --parents "$lib" "$rootfs"
  done < <(libraries_of "$NODE" "${addons[@]}")
  mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/var/lib/tributary" "$rootfs/tmp"
  cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
  printf '%s\n' 'root:x:0:0:root:/root:/usr/sbin/nologin' \
    "tributary:x:$APP_UID:$APP_UID:Tributary:/var/lib/tributary:/usr/sbin/nologin" \
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' "tributary:x:$APP_UID:" 'nogroup:x:65534:' >"$rootfs/etc/group"
  # glibc resolves names through /etc/hosts then DNS (the runtime mounts hosts and resolv.conf).
  printf '%s\n' 'passwd: files' 'group: files' 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"
  chmod 1777 "$rootfs/tmp"
  chown "$APP_UID:$APP_UID" "$rootfs/var/lib/tributary"
  chmod 0750 "$rootfs/var/lib/tributary"
  ROOTFS_BYTES="$(du -sb "$rootfs" | cut -f1)"
  tar -C "$rootfs" --numeric-owner --sort=name --mtime=@0 -cf "$work/rootfs.tar" .
  { echo 'FROM scratch'; echo 'ADD rootfs.tar /'; metadata; } >"$work/Containerfile"
  echo "==> podman build $REPO:$VERSION ($KEY)" >&2
  podman build --quiet --format oci --build-arg "VERSION=$VERSION" \
    -t "$REPO:$VERSION" -t "$REPO:$KEY" -f "$work/Containerfile" "$work" >&2
  mkdir -p "$IMAGES"
  rm -f "$ARCHIVE.partial"
  podman save --quiet --format oci-archive -o "$ARCHIVE.partial" "$REPO:$VERSION"
  mv "$ARCHIVE.partial" "$ARCHIVE"
}

ROOTFS_BYTES=null
if ! podman image exists "$REPO:$KEY"; then
  if [[ -f $ARCHIVE ]]; then
    echo "==> loading $ARCHIVE" >&2
    podman load --quiet -i "$ARCHIVE" >&2
    podman tag "$REPO:$VERSION" "$REPO:$KEY"
  else
    CACHED=false
    build
  fi
elif [[ ! -f $ARCHIVE ]]; then
  mkdir -p "$IMAGES"
  podman save --quiet --format oci-archive -o "$ARCHIVE" "$REPO:$KEY"
fi
podman tag "$REPO:$KEY" "$REPO:$VERSION"

# Forget older builds of this image: their tags (vfs keeps a full copy per image) and archives.
while IFS= read -r tag; do
  [[ $tag == "$KEY" || $tag == "$VERSION" || $tag == '<none>' ]] || podman rmi --force "$REPO:$tag" >/dev/null
done < <(podman images --filter "reference=$REPO" --format '{{.Tag}}')
find "$IMAGES" -maxdepth 1 -name "$NAME-*.oci.tar" ! -name "$NAME-$KEY.oci.tar" -delete
podman image prune --force >/dev/null

[[ -z $OUT ]] || cp "$ARCHIVE" "$OUT"
node -e '
  const [image, ref, archive, rootfsBytes, cached, conf, storageConf] = process.argv.slice(1);
  const archiveBytes = require("node:fs").statSync(archive).size;
  console.log(JSON.stringify({
    image, ref, archive, archiveBytes, rootfsBytes: JSON.parse(rootfsBytes), cached: cached === "true",
    env: { CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storageConf },
  }));
' "$REPO:$VERSION" "$REPO:$KEY" "${OUT:-$ARCHIVE}" "$ROOTFS_BYTES" "$CACHED" "$CONTAINERS_CONF" "$CONTAINERS_STORAGE_CONF"
