#!/usr/bin/env bash
# Benchmark 3, start-up cost: a hello-world JVM with no agent, with TokenGuard, and with OpenTelemetry's
# Java agent (exporters off), runs interleaved (none, tokenguard, otel, none, ...); median wall time
# and median peak RSS of each, and what each agent adds. Not part of `mvn verify`.
#
#   it/bench/startup.sh [runs] [java] [note]   (defaults: 11 runs, java on PATH)
#
# Writes it/bench/results/startup-jdk<N>.md. Needs the built agent (mvn -B -DskipTests package),
# GNU time (/usr/bin/time) and Maven, which fetches the OpenTelemetry agent from Maven Central once.
set -euo pipefail
runs=${1:-11}
java=${2:-java}
note=${3:-}
otel_version=2.33.1
root=$(cd "$(dirname "$0")/../.." && pwd)
agent="$root/agent/target/tokenguard-agent.jar"
[ -f "$agent" ] || { echo "build the agent first: mvn -B -DskipTests package" >&2; exit 1; }
otel="$root/it/bench/target/otel/opentelemetry-javaagent-$otel_version.jar"
if [ ! -f "$otel" ]; then
  (cd "$root" && mvn -B -ntp -q dependency:copy \
    -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version" \
    -DoutputDirectory="$root/it/bench/target/otel")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] args) { System.out.println("hello"); } }
JAVA
"$(dirname "$(readlink -f "$(command -v "$java")")")/javac" --release 11 -d "$work" "$work/Hello.java"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
measure() { # label, java args...
  local label=$1; shift
  /usr/bin/time -f "$label %e %M" "$java" "$@" -cp "$work" Hello 2>>"$work/times" >"$work/out"
  grep -qx hello "$work/out" || { echo "$label: hello-world did not print hello" >&2; exit 1; }
}
for i in $(seq "$runs"); do
  measure none
  measure tokenguard "-javaagent:$agent"
  measure otel "-javaagent:$otel" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none \
    -Dotel.logs.exporter=none
done
grep -E '^(none|tokenguard|otel) ' "$work/times" > "$work/rows"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
declare -A wall rss
for label in none tokenguard otel; do
  wall[$label]=$(awk -v l=$label '$1==l {print $2}' "$work/rows" | median)
  rss[$label]=$(awk -v l=$label '$1==l {print $3}' "$work/rows" | median)
done
jdk=$("$java" -version 2>&1)   # whole output first: `| head -1` under pipefail fails at random (SIGPIPE)
jdk=${jdk%%$'\n'*}
feature=$("$java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
out="$root/it/bench/results/startup-jdk$feature.md"
mkdir -p "$(dirname "$out")"
{
  echo "# TokenGuard benchmark: start-up"
  echo
  echo "- command: \`it/bench/startup.sh $runs $java\`"
  echo "- started $started"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB RAM", $2/1024/1024}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(uname -sr)"
  echo "- JVM: $jdk ($java)"
  echo "- load average (1/5/15 min) before: ${load_before// //}; after: $(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
  echo "- $runs runs each, interleaved none / tokenguard / otel; OpenTelemetry Java agent $otel_version with"
  echo "  \`-Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none\`"
  [ -n "$note" ] && echo "- note: $note"
  echo
  echo "| JVM | median wall (s) | median peak RSS (MiB) | added wall (s) | added RSS (MiB) |"
  echo "|---|---:|---:|---:|---:|"
  for label in none tokenguard otel; do
    awk -v l=$label -v w="${wall[$label]}" -v r="${rss[$label]}" -v bw="${wall[none]}" -v br="${rss[none]}" \
      'BEGIN { printf "| %s | %.2f | %.1f | %+.2f | %+.1f |\n", l, w, r/1024, w-bw, (r-br)/1024 }'
  done
  echo
  echo "Target: TokenGuard adds ≤ 0.3 s and ≤ 40 MiB. Every run (label, wall s, peak RSS KiB):"
  echo
  echo '```'
  cat "$work/rows"
  echo '```'
} > "$out"
sed -n '/^| JVM/,/^$/p' "$out"
echo "wrote $out"
