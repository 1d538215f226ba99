#!/usr/bin/env bash
# The benchmark (docs/benchmarks.md): builds the worker with the bench profile (into target/bench/, so the normal
# package is untouched), then starts a Kafka broker (KRaft), the AI Hub simulator (50 ms per submission) and, one
# after the other on fresh 8-partition topics, the worker, the Parallel Consumer baseline and the naive baseline;
# prints a table and rewrites docs/benchmarks.md and docs/benchmarks-throughput.png. Everything it started is
# stopped and the broker's data removed at the end, also on failure or Ctrl-C. About 20 minutes on 2 shared cores.
#
#   deploy/bench/run.sh [-Dbench.<setting>=<value> ...]
#
# Settings (defaults are the full-size run): bench.commands=20000 (worker and Parallel Consumer runs),
# bench.naive-commands=300, bench.in-flight=256, bench.sweep=1,8,64,256,1024, bench.sweep-seconds=5,
# bench.sweep-max=6000, bench.tracked=100000, bench.tracking-hold=60 (s), bench.call-runs=200,
# bench.compression=20, bench.submit-latency=50 (ms), bench.rate-limit=5000 (requests/s; passed only to a worker
# that knows worker.rate-limit.requests-per-second), bench.poll-initial=10m (and bulk-refresh interval of the
# throughput runs), bench.warmup=1000,
# bench.tracking-budget=300 (s), bench.system-warmup=60000 (a discarded worker run that warms the broker and the
# simulator first), bench.rounds=2 (headline rounds, worker and Parallel Consumer taking turns), bench.output-dir=docs.
# For profiling: bench.only=worker[,parallel-consumer,naive,tracking] runs only those runs (a name may repeat), no report;
# bench.jvm-args="..." adds JVM options to each implementation (after the image's, from src/main/docker/Dockerfile.jvm).
# A quick run: deploy/bench/run.sh -Dbench.commands=2000 -Dbench.tracked=10000 -Dbench.tracking-hold=15
# Parts (issue 17), each rewriting only its own section of docs/benchmarks.md (between <!-- section:NAME -->
# markers; the headline run keeps them), median of bench.repeats=3 runs with the range, no system warm-up:
#   -Dbench.only=freshness   bench.freshness-runs=1000,10000,100000 bench.freshness-compression=20
#                            bench.freshness-ending=0.2 bench.freshness-backlog=2000 bench.freshness-load-rate=600
#                            (default budget of 50 calls/s; also writes docs/benchmarks-freshness.png)  ~75 min
#   -Dbench.only=cold-start  bench.cold-commands=20000: worker and Parallel Consumer, image options, plain
#                            java -jar, image options + AppCDS archive (a training run's), and the worker
#                            with Quarkus's own archive (built with quarkus.package.jar.appcds.enabled)  ~15 min
#   -Dbench.only=jit-steady  bench.jit-minutes=10 bench.jit-rate=800: C1 only against the default JIT  ~65 min
#   -Dbench.only=takeover    bench.takeover-runs=20000: two replicas, kill -9 of one                    ~15 min
#   Several at once: -Dbench.only=cold-start,takeover. Parallel Consumer uses its Vert.x module
#   (bench.pc-threads=true in bench.jvm-args: the former thread-per-command core variant).
# MVN_ARGS adds Maven options (e.g. MVN_ARGS=-o to build offline).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
case "${1:-}" in -h|--help) sed -n '2,/^# MVN_ARGS/p' "$0"; exit 0 ;; esac

build="target/bench"
pids_file="$build/bench-logs/pids"
harness_pid=""
cleanup() {
  local code=$?
  if [ -n "$harness_pid" ] && kill -0 "$harness_pid" 2>/dev/null; then
    kill "$harness_pid" 2>/dev/null || true # its shutdown hook stops the processes it started
    for _ in $(seq 1 300); do kill -0 "$harness_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ -f "$pids_file" ]; then # whatever survived a harness that was killed hard (only if still ours)
    while read -r pid; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -Eq "target/bench|$root/target/kafka-libs"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done < "$pids_file"
  fi
  rm -rf target/it-kafka-* 2>/dev/null || true
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

appcds=""
case " $* " in # the cold-start part compares Quarkus's own AppCDS archive, dumped at package time
  *bench.only=*cold-start*) appcds="-Dquarkus.package.jar.appcds.enabled=true" ;;
esac
echo "[bench] building with the bench profile into $build/ ..."
# shellcheck disable=SC2086
./mvnw -q -B -ntp ${MVN_ARGS:-} -Pbench package $appcds
mkdir -p "$build/bench-logs"
: > "$pids_file"

classpath="$build/classes:$build/test-classes:$(cat "$build/bench-classpath.txt")"
java -Xmx1g -cp "$classpath" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Dbench.pids-file="$pids_file" -Dbench.command="deploy/bench/run.sh${*:+ $*}" \
  -Dbench.commit="$(git describe --always --dirty 2>/dev/null || echo unknown)" \
  "$@" io.aihub.worker.bench.BenchmarkHarness &
harness_pid=$!
wait "$harness_pid"
