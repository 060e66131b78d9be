# Sourced by the hack/ scripts that take a tool from a Debian package without installing it (etcd.sh,
# prometheus.sh): the package is fetched with `apt-get download` through a private apt configuration (the
# system's sources, package lists and installed packages are left alone) and unpacked with `dpkg-deb -x`.

# debian_unpack <dir> <release> <package>: unpacks the package's files into <dir>/root (apt state goes to
# <dir>/apt and is removed after). Returns non-zero, saying why on stderr, when it cannot.
debian_unpack() {
  local dir=$1 release=$2 package=$3 keyring=/usr/share/keyrings/debian-archive-keyring.gpg arch
  local apt="$dir/apt" mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "no apt-get/dpkg-deb" >&2; return 1; }
  [[ -f $keyring ]] || { echo "no $keyring" >&2; return 1; }
  arch="$(dpkg --print-architecture)"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/deb"
  echo "deb [signed-by=$keyring] $mirror $release main" >"$apt/sources.list"
  local opts=(
    -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Dir::State::status=/dev/null
    -o "APT::Architecture=$arch" -o Acquire::Languages=none -o APT::Sandbox::User="$(id -un)"
  )
  apt-get "${opts[@]}" -qq update >&2 || { rm -rf "$apt"; return 1; }
  (cd "$dir/deb" && apt-get "${opts[@]}" -qq download "$package" >&2) || { rm -rf "$apt"; return 1; }
  rm -rf "$apt"
  dpkg-deb -x "$dir/deb/${package}"_*.deb "$dir/root" || return 1
}
