#!/usr/bin/env bash
# Apache Kafka 4.x as a benchmark peer, from Maven Central (no tarball download).
#
#   hack/peers/kafka.sh install                        resolve the broker and kafka-tools jars into .cache/kafka/libs
#   hack/peers/kafka.sh start <dataDir> <port> [cport] format KRaft storage, start a combined broker+controller on
#                                                      127.0.0.1:<port> (controller on 127.0.0.1:<cport>, default
#                                                      port+1), wait until it answers, print its pid
#   hack/peers/kafka.sh start-cluster <dataDir> <n> <basePort>
#                                                      n combined broker+controller nodes, a quorum of n voters;
#                                                      node i on basePort+2(i-1) (controller: the next port);
#                                                      replication factor min(3, n), min.insync.replicas
#                                                      min(2, n); prints one pid per node
#   hack/peers/kafka.sh add-broker <dataDir> <nodeId> <port>
#                                                      one broker-only node joining the cluster start-cluster
#                                                      made in <dataDir> (same cluster id and voters), in
#                                                      <dataDir>/node-<nodeId>, on 127.0.0.1:<port>; prints its pid
#   hack/peers/kafka.sh stop <pid>                     SIGTERM, then SIGKILL after 15 s
#   hack/peers/kafka.sh classpath                      print the java -cp value
#
# KAFKA_VERSION picks the version (default below); KAFKA_HEAP the broker heap (default -Xmx1g -Xms1g for
# start; -Xmx512m -Xms512m per node for start-cluster, so three JVMs and the perf tool fit beside each other).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.cache/kafka"
KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
LIBS="$CACHE/libs-$KAFKA_VERSION"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "kafka.sh: $*" >&2; exit 1; }

install() {
  if [[ -f "$LIBS/.complete" ]]; then
    echo "kafka $KAFKA_VERSION already in $LIBS" >&2
    return 0
  fi
  command -v java >/dev/null || die "java not found (Debian: apt-get install -y openjdk-17-jre-headless)"
  command -v mvn >/dev/null || die "mvn not found (Debian: apt-get install -y maven)"
  mkdir -p "$CACHE"
  cat >"$CACHE/pom-$KAFKA_VERSION.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tributary</groupId>
  <artifactId>kafka-peer</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
  </dependencies>
</project>
POM
  rm -rf "$LIBS.tmp"
  mvn -q -B -Dstyle.color=never -f "$CACHE/pom-$KAFKA_VERSION.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp"
  # Kafka 4 logs through log4j2 behind slf4j; bring the binding that matches the slf4j-api it resolved
  # (4.0-4.1 use slf4j 1.7: log4j-slf4j-impl; slf4j 2: log4j-slf4j2-impl), or it falls back to NOP.
  local log4j_version binding=log4j-slf4j2-impl
  log4j_version="$(ls "$LIBS.tmp" | sed -n 's/^log4j-core-\(.*\)\.jar$/\1/p' | head -n1)"
  log4j_version="${log4j_version:-2.24.3}"
  ls "$LIBS.tmp" | grep -q '^slf4j-api-1\.' && binding=log4j-slf4j-impl
  rm -f "$LIBS.tmp"/log4j-slf4j*-impl-*.jar
  for a in log4j-core "$binding"; do
    ls "$LIBS.tmp" | grep -q "^$a-$log4j_version.jar" ||
      mvn -q -B -Dstyle.color=never dependency:copy \
        -Dartifact="org.apache.logging.log4j:$a:$log4j_version" -DoutputDirectory="$LIBS.tmp"
  done
  rm -rf "$LIBS"
  mv "$LIBS.tmp" "$LIBS"
  touch "$LIBS/.complete"
  echo "kafka $KAFKA_VERSION: $(ls "$LIBS" | wc -l) jars in $LIBS" >&2
}

wait_port() { # port timeout_s pid
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    kill -0 "$3" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

# write_props <dir> <nodeId> <port> <cport> <voters> <rf> <minIsr>: a combined broker+controller on 127.0.0.1.
write_props() {
  local dir="$1" id="$2" port="$3" cport="$4" voters="$5" rf="$6" min_isr="$7"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/logs
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$min_isr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$min_isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$min_isr
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
}

JVM=(-Dlog4j2.configurationFile="$HERE/kafka-log4j2.properties" -Djava.awt.headless=true)

# format <dir> <clusterId>: KRaft storage for the node configured in <dir>/server.properties.
format() {
  java "${JVM[@]}" -Xmx256m -cp "$LIBS/*" kafka.tools.StorageTool format \
    --config "$1/server.properties" --cluster-id "$2" --ignore-formatted >"$1/format.log" 2>&1 ||
    { cat "$1/format.log" >&2; die "storage format failed in $1"; }
}

# launch <dir> <heap>: start the node configured in <dir> in the background; sets LAUNCHED to its pid.
launch() {
  # shellcheck disable=SC2086
  setsid java "${JVM[@]}" $2 -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -cp "$LIBS/*" kafka.Kafka "$1/server.properties" >"$1/server.log" 2>&1 </dev/null &
  LAUNCHED=$!
}

# launch_and_wait <dir> <heap> <port> <timeout_s> <what>: launch, wait until the port answers, print the pid;
# on failure kill it, show its log's end and die.
launch_and_wait() {
  launch "$1" "$2"
  local pid=$LAUNCHED
  if ! wait_port "$3" "$4" "$pid"; then
    kill -9 "$pid" 2>/dev/null || true
    tail -n 40 "$1/server.log" >&2
    die "$5 did not answer on 127.0.0.1:$3"
  fi
  echo "$pid"
}

# A random base64url cluster id (as Kafka's own); never one starting with '-', which the storage tool's
# argument parser would take for an option.
new_cluster_id() {
  local id
  while id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" && [[ $id == -* ]]; do :; done
  echo "$id"
}

start() {
  local dir="${1:?dataDir}" port="${2:?port}" cport="${3:-$(($2 + 1))}"
  [[ -f "$LIBS/.complete" ]] || die "not installed: run $0 install"
  mkdir -p "$dir/logs"
  dir="$(cd "$dir" && pwd)"
  write_props "$dir" 1 "$port" "$cport" "1@127.0.0.1:$cport" 1 1
  format "$dir" "$(new_cluster_id)"
  launch_and_wait "$dir" "${KAFKA_HEAP:--Xmx1g -Xms1g}" "$port" 90 broker
}

# start_cluster <dataDir> <n> <basePort>: n combined broker+controller nodes (a quorum of n voters); node i
# (1..n) in <dataDir>/node-i, PLAINTEXT on basePort+2(i-1), CONTROLLER on basePort+2(i-1)+1. Replication
# factor min(3, n) by default for every topic (and the internal ones), min.insync.replicas min(2, n).
# Prints one pid per node, node 1 first.
start_cluster() {
  local dir="${1:?dataDir}" n="${2:?nodes}" base="${3:?basePort}"
  [[ -f "$LIBS/.complete" ]] || die "not installed: run $0 install"
  ((n >= 1)) || die "need at least one node"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local rf=$((n < 3 ? n : 3)) min_isr=$((n < 2 ? n : 2)) voters="" i cluster_id
  for ((i = 1; i <= n; i++)); do voters+="${voters:+,}$i@127.0.0.1:$((base + 2 * (i - 1) + 1))"; done
  cluster_id="$(new_cluster_id)"
  for ((i = 1; i <= n; i++)); do
    mkdir -p "$dir/node-$i/logs"
    write_props "$dir/node-$i" "$i" "$((base + 2 * (i - 1)))" "$((base + 2 * (i - 1) + 1))" "$voters" "$rf" "$min_isr"
    format "$dir/node-$i" "$cluster_id"
  done
  local pids=()
  for ((i = 1; i <= n; i++)); do
    launch "$dir/node-$i" "${KAFKA_HEAP:--Xmx512m -Xms512m}"
    pids+=("$LAUNCHED")
  done
  for ((i = 1; i <= n; i++)); do
    if ! wait_port "$((base + 2 * (i - 1)))" 120 "${pids[i - 1]}"; then
      kill -9 "${pids[@]}" 2>/dev/null || true
      tail -n 40 "$dir/node-$i/server.log" >&2
      die "node $i did not answer on 127.0.0.1:$((base + 2 * (i - 1)))"
    fi
  done
  printf '%s\n' "${pids[@]}"
}

# add_broker <dataDir> <nodeId> <port>: a broker-only node (process.roles=broker) for the cluster that
# start_cluster made in <dataDir>: its voters and cluster id come from node-1. Prints its pid.
add_broker() {
  local dir="${1:?dataDir}" id="${2:?nodeId}" port="${3:?port}"
  [[ -f "$LIBS/.complete" ]] || die "not installed: run $0 install"
  dir="$(cd "$dir" && pwd)"
  [[ -f "$dir/node-1/server.properties" ]] || die "no cluster in $dir (start-cluster makes one)"
  [[ ! -e "$dir/node-$id" ]] || die "node $id exists in $dir"
  local voters cluster_id rf min_isr node="$dir/node-$id"
  voters="$(sed -n 's/^controller.quorum.voters=//p' "$dir/node-1/server.properties")"
  rf="$(sed -n 's/^default.replication.factor=//p' "$dir/node-1/server.properties")"
  min_isr="$(sed -n 's/^min.insync.replicas=//p' "$dir/node-1/server.properties")"
  cluster_id="$(sed -n 's/^cluster.id=//p' "$dir/node-1/logs/meta.properties")"
  [[ -n $voters && -n $cluster_id ]] || die "cannot read the voters and cluster id of $dir/node-1"
  mkdir -p "$node/logs"
  write_props "$node" "$id" "$port" 0 "$voters" "$rf" "$min_isr"
  # A broker only: no controller listener of its own (it reaches the voters on theirs).
  sed -i -e 's/^process.roles=.*/process.roles=broker/' \
    -e "s|^listeners=.*|listeners=PLAINTEXT://127.0.0.1:$port|" "$node/server.properties"
  format "$node" "$cluster_id"
  launch_and_wait "$node" "${KAFKA_HEAP:--Xmx512m -Xms512m}" "$port" 120 "broker $id"
}

stop() {
  local pid="${1:?pid}"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  start-cluster) shift; start_cluster "$@" ;;
  add-broker) shift; add_broker "$@" ;;
  stop) shift; stop "$@" ;;
  classpath) echo "$LIBS/*" ;;
  *) die "usage: $0 install | start <dataDir> <port> [controllerPort] | start-cluster <dataDir> <n> <basePort> | add-broker <dataDir> <nodeId> <port> | stop <pid> | classpath" ;;
esac
