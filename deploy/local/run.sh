#!/usr/bin/env bash
# Runs aihub-run-worker locally on embedded defaults: a real Apache Kafka broker (KRaft, its own process, from
# Maven Central, no Docker), the AI Hub simulator (its own jar and process), the worker, and one sample command
# whose events are printed until its terminal one. Then every process it started is stopped and its data removed,
# unless --keep-running.
#
#   deploy/local/run.sh [--keep-running] [command.json]
#
# Ports (override with the variables): KAFKA_PORT=19092, KAFKA_CONTROLLER_PORT=19093, SIMULATOR_PORT=8099,
# WORKER_HTTP_PORT=18080, WORKER_MANAGEMENT_PORT=19000 (health and metrics). State lives in .local/ at the repository root.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
keep_running=false
command_file="deploy/local/sample-command.json"
for arg in "$@"; do
  case "$arg" in
    --keep-running) keep_running=true ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) command_file="$arg" ;;
  esac
done

kafka_port="${KAFKA_PORT:-19092}"
controller_port="${KAFKA_CONTROLLER_PORT:-19093}"
simulator_port="${SIMULATOR_PORT:-8099}"
http_port="${WORKER_HTTP_PORT:-18080}"
management_port="${WORKER_MANAGEMENT_PORT:-19000}"
bootstrap="127.0.0.1:${kafka_port}"
state="$root/.local"
libs="$state/kafka-libs"
data="$state/run-$$"
pids=()

log() { printf '\033[1m[local-run]\033[0m %s\n' "$*"; }

cleanup() {
  local code=$?
  if [ "$keep_running" = true ] && [ "$code" -eq 0 ]; then
    log "left running: broker ${bootstrap}, simulator http://127.0.0.1:${simulator_port}/api, worker http://127.0.0.1:${http_port} (health and metrics on :${management_port})"
    log "stop with: kill ${pids[*]} && rm -rf '$data'"
    return
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$data"
  log "stopped the worker, the simulator, the events reader and the broker; removed $data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # description, timeout seconds, command...
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then log "timed out waiting for $what"; return 1; fi
    sleep 0.2
  done
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
kafka_java() { java -cp "$libs/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$@"; }
# Starts a process in the background and records the JVM's own PID (not a subshell's), so cleanup stops it.
background() { # log file, command...
  local out="$1"; shift
  "$@" > "$out" 2>&1 &
  pids+=($!)
}

# 1. The worker and the simulator, packaged once.
if [ ! -f target/quarkus-app/quarkus-run.jar ] || ! ls target/aihub-simulator/*-simulator.jar >/dev/null 2>&1; then
  log "building the worker and the simulator (first run only) ..."
  ./mvnw -q -B -DskipTests package
fi
simulator_jar="$(ls target/aihub-simulator/*-simulator.jar | head -1)"

# 2. The broker's jars, resolved once from Maven Central.
if [ ! -f "$libs/.complete" ]; then
  log "resolving Apache Kafka from Maven Central (first run only) ..."
  ./mvnw -q -B -f deploy/local/kafka-pom.xml dependency:copy-dependencies -DoutputDirectory="$libs"
  touch "$libs/.complete"
fi

# 3. A single-node KRaft broker as its own process.
for port in "$kafka_port" "$controller_port" "$simulator_port" "$http_port" "$management_port"; do
  if port_open "$port"; then log "port $port is in use; set the port variables (see --help)"; exit 1; fi
done
mkdir -p "$data/kafka"
cat > "$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller_port}
listeners=PLAINTEXT://127.0.0.1:${kafka_port},CONTROLLER://127.0.0.1:${controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${kafka_port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${data}/kafka
num.partitions=4
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid)"
kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$data/server.properties" >/dev/null
log "starting Apache Kafka (KRaft) on ${bootstrap} ..."
background "$data/kafka.log" java -cp "$libs/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xmx512m kafka.Kafka \
  "$data/server.properties"
wait_for "the broker" 60 port_open "$kafka_port"

# The ledger is created by the worker; the results topic must exist before a command asks for results.
for topic in aihub.run.commands aihub.run.events aihub.run.commands.dlq aihub.run.results; do
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$topic" --partitions 4 --replication-factor 1 >/dev/null
done

# 4. The AI Hub simulator, then the worker pointed at it, each from its own packaged jar.
log "starting the AI Hub simulator on http://127.0.0.1:${simulator_port}/api ..."
AIHUB_SIMULATOR_PORT="$simulator_port" AIHUB_SIMULATOR_PHASE_DURATION=3s AIHUB_SIMULATOR_TOKEN=sim-token \
  background "$data/simulator.log" java -Xmx256m -jar "$simulator_jar"
wait_for "the simulator" 60 port_open "$simulator_port"
log "starting the worker ..."
KAFKA_BOOTSTRAP_SERVERS="$bootstrap" \
AIHUB_API_ROOT="http://127.0.0.1:${simulator_port}/api" AIHUB_API_TOKEN=sim-token AIHUB_IB_CONTEXT=sim-org \
WORKER_TRACKING_POLL_INITIAL=1s WORKER_TRACKING_POLL_MAX=2s WORKER_TRACKING_CHECKPOINT_POLL_INTERVAL=2s \
QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$http_port" \
QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT="$management_port" \
  background "$data/worker.log" java -jar target/quarkus-app/quarkus-run.jar
wait_for "the worker to be ready" 90 curl -fsS "http://127.0.0.1:${management_port}/q/health/ready"

# 5. Listen on the events topic, then send the sample command.
background "$data/events.txt" java -cp "$libs/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$bootstrap" \
  --topic aihub.run.events --from-beginning --property print.key=true --property print.headers=true
command_id="$(sed -n 's/.*"command_id"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$command_file" | head -1)"
log "sending command ${command_id} (${command_file}) to aihub.run.commands:"
cat "$command_file"
printf '%s|%s\n' "$command_id" "$(tr -d '\n' < "$command_file")" | kafka_java org.apache.kafka.tools.ConsoleProducer \
  --bootstrap-server "$bootstrap" --topic aihub.run.commands --property parse.key=true --property 'key.separator=|' \
  >/dev/null

# 6. Print its events as they arrive, until the terminal one.
log "events on aihub.run.events (headers, key, data):"
terminal='ce_type:aihub\.run\.(completed|failed|cancelled|rejected|submission_failed|tracking_failed)'
shown=0
deadline=$((SECONDS + 120))
while [ "$SECONDS" -lt "$deadline" ]; do
  count=$(grep -c "" "$data/events.txt" || true)
  if [ "$count" -gt "$shown" ]; then
    sed -n "$((shown + 1)),${count}p" "$data/events.txt"
    shown=$count
  fi
  if grep -Eq "$terminal" "$data/events.txt"; then
    log "command ${command_id} reached its terminal event in ${SECONDS}s since this script started"
    exit 0
  fi
  sleep 0.3
done
log "no terminal event within 120 s; see $data/worker.log"
keep_running=false
exit 1
