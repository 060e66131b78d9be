#!/usr/bin/env bash
# NATS JetStream as a benchmark peer (Debian's nats-server; 2.9.x has JetStream).
#
#   hack/peers/nats.sh install                  apt-get install nats-server if it is missing
#   hack/peers/nats.sh start <storeDir> <port>  run nats-server -js on 127.0.0.1:<port> with a file store in
#                                               <storeDir>, wait until it answers, print its pid
#   hack/peers/nats.sh stop <pid>               SIGTERM, then SIGKILL after 10 s
set -euo pipefail

die() { echo "nats.sh: $*" >&2; exit 1; }

install() {
  if command -v nats-server >/dev/null; then
    echo "nats-server $(nats-server --version 2>&1) already installed" >&2
    return 0
  fi
  command -v apt-get >/dev/null || die "nats-server missing and no apt-get: install nats-server 2.9+ by hand"
  local sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -q nats-server >&2 ||
    { "${sudo[@]}" apt-get update -q >&2 && "${sudo[@]}" apt-get install -y -q nats-server >&2; }
}

wait_port() { # port timeout_s pid
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    kill -0 "$3" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

start() {
  local dir="${1:?storeDir}" port="${2:?port}"
  command -v nats-server >/dev/null || die "not installed: run $0 install"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  # -m 0: no HTTP monitoring port. Everything on 127.0.0.1.
  setsid nats-server -js -a 127.0.0.1 -p "$port" -sd "$dir" -m 0 >"$dir/server.log" 2>&1 </dev/null &
  local pid=$!
  if ! wait_port "$port" 30 "$pid"; then
    kill -9 "$pid" 2>/dev/null || true
    tail -n 40 "$dir/server.log" >&2
    die "nats-server did not answer on 127.0.0.1:$port"
  fi
  echo "$pid"
}

stop() {
  local pid="${1:?pid}"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: $0 install | start <storeDir> <port> | stop <pid>" ;;
esac
