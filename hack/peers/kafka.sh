#!/usr/bin/env bash
# Apache Kafka 4.x as a benchmark peer, from Maven Central (no tarball download).
#
#   hack/peers/kafka.sh install                        resolve the broker and kafka-tools jars into .cache/kafka/libs
#   hack/peers/kafka.sh start <dataDir> <port> [cport] format KRaft storage, start a combined broker+controller on
#                                                      127.0.0.1:<port> (controller on 127.0.0.1:<cport>, default
#                                                      port+1), wait until it answers, print its pid
#   hack/peers/kafka.sh stop <pid>                     SIGTERM, then SIGKILL after 15 s
#   hack/peers/kafka.sh classpath                      print the java -cp value
#
# KAFKA_VERSION picks the version (default below); KAFKA_HEAP the broker heap (default -Xmx1g -Xms1g).
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

start() {
  local dir="${1:?dataDir}" port="${2:?port}" cport="${3:-$(($2 + 1))}"
  [[ -f "$LIBS/.complete" ]] || die "not installed: run $0 install"
  mkdir -p "$dir/logs"
  dir="$(cd "$dir" && pwd)"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/logs
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  local cluster_id
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  local log4j="$HERE/kafka-log4j2.properties"
  local jvm=(-Dlog4j2.configurationFile="$log4j" -Djava.awt.headless=true)
  java "${jvm[@]}" -Xmx256m -cp "$LIBS/*" kafka.tools.StorageTool format \
    --config "$dir/server.properties" --cluster-id "$cluster_id" --ignore-formatted >"$dir/format.log" 2>&1 ||
    { cat "$dir/format.log" >&2; die "storage format failed"; }
  # shellcheck disable=SC2086
  setsid java "${jvm[@]}" ${KAFKA_HEAP:--Xmx1g -Xms1g} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -cp "$LIBS/*" kafka.Kafka "$dir/server.properties" >"$dir/server.log" 2>&1 </dev/null &
  local pid=$!
  if ! wait_port "$port" 90 "$pid"; then
    kill -9 "$pid" 2>/dev/null || true
    tail -n 40 "$dir/server.log" >&2
    die "broker did not answer on 127.0.0.1:$port"
  fi
  echo "$pid"
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
  stop) shift; stop "$@" ;;
  classpath) echo "$LIBS/*" ;;
  *) die "usage: $0 install | start <dataDir> <port> [controllerPort] | stop <pid> | classpath" ;;
esac
