#!/usr/bin/env bash
# Start-up cost of the agent: a hello-world JVM with and without -javaagent, runs interleaved,
# median wall time and median peak RSS of each, and the difference. Not part of `mvn verify`.
#
#   it/bench/startup.sh [runs] [java]        (defaults: 11 runs, java on PATH)
#
# Needs the built agent (mvn -B -DskipTests package) and GNU time (/usr/bin/time).
set -euo pipefail
runs=${1:-11}
java=${2:-java}
root=$(cd "$(dirname "$0")/../.." && pwd)
agent="$root/agent/target/tokenguard-agent.jar"
[ -f "$agent" ] || { echo "build the agent first: mvn -B -DskipTests package" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] args) { System.out.println("hello"); } }
JAVA
"$(dirname "$(readlink -f "$(command -v "$java")")")/javac" --release 11 -d "$work" "$work/Hello.java"

measure() { # label, java args...
  local label=$1; shift
  /usr/bin/time -f "$label %e %M" "$java" "$@" -cp "$work" Hello 2>>"$work/times" >/dev/null
}
for i in $(seq "$runs"); do
  measure base
  measure agent "-javaagent:$agent"
done
grep -E '^(base|agent) ' "$work/times" > "$work/rows"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for label in base agent; do
  wall=$(awk -v l=$label '$1==l {print $2}' "$work/rows" | median)
  rss=$(awk -v l=$label '$1==l {print $3}' "$work/rows" | median)
  echo "$label wall_s=$wall peak_rss_kib=$rss"
  eval "${label}_wall=$wall ${label}_rss=$rss"
done
awk -v bw="$base_wall" -v aw="$agent_wall" -v br="$base_rss" -v ar="$agent_rss" -v n="$runs" -v j="$("$java" -version 2>&1 | head -1)" \
  'BEGIN { printf "added: wall %.3f s, peak RSS %.1f MiB (median of %d interleaved runs each; %s; %d cores)\n", aw-bw, (ar-br)/1024, n, j, '"$(nproc)"' }'
