#!/usr/bin/env bash
# Every TokenGuard benchmark, one after the other; each writes its table to it/bench/results/.
# Not part of `mvn verify`. Takes about 25 minutes on 2 cores.
#
#   it/bench/run.sh ["note about the machine's load"]
#
# Extra BenchMain options (e.g. BENCH_ARGS="--forks 3 --iterations 10") go to the JMH suites;
# STARTUP_RUNS (default 5) sets the start-up runs per JVM kind; JDK25 the Temurin 25 home.
set -euo pipefail
note=${1:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -B -ntp -q -Pbench -DskipTests package
bench() { java -jar it/bench/target/tokenguard-bench.jar "$@" ${BENCH_ARGS:-} --note "$note"; }
bench overhead
bench cachehit
bench storm
it/bench/startup.sh "${STARTUP_RUNS:-5}" java "$note"
if [ -x "$jdk25/bin/java" ]; then
  it/bench/startup.sh "${STARTUP_RUNS:-5}" "$jdk25/bin/java" "$note"
fi
