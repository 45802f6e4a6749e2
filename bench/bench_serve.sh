#!/bin/bash
# HTTP API load benchmark with wrk, on loopback only: `bash bench/bench_serve.sh [BUILD]`.
# Loads the bundled lists into bench/out/serve.db, starts `probity serve` on a free port
# (with its JSON access log on, as in production) and measures:
#   1. single-name POST /match/default, one fixed name (the issue's figure);
#   2. the same with names drawn in turn from real positives and multilingual negatives;
#   3. a 10,000-query NDJSON POST /screen job (time to first byte and to the end);
#   4. optionally a soak (BENCH_SOAK seconds, e.g. 600): valid requests, a second wrk with
#      malformed ones, and a reload (SIGHUP) every BENCH_RELOAD_EVERY seconds (default 60),
#      with RSS sampled every 5 s.
# Each wrk run reports requests/s, p50/p99/max latency and its errors (connect, read, write,
# timeout and non-2xx), and the server's RSS before and after. Settings: BENCH_SECONDS
# (default 30), BENCH_CONNECTIONS (64), BENCH_WRK_THREADS (2), BENCH_SERVER_THREADS (cores).
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${PROBITY_SHARED:-$ROOT/../shared}
OUT=$ROOT/bench/out
SECS=${BENCH_SECONDS:-30}
CONN=${BENCH_CONNECTIONS:-64}
WTHREADS=${BENCH_WRK_THREADS:-2}
SOAK=${BENCH_SOAK:-0}
RELOAD_EVERY=${BENCH_RELOAD_EVERY:-60}
PROBITY=$BUILD/probity
DB=$OUT/serve.db
LOG=$OUT/serve-access.log
WORK=$OUT/serve
SPID=

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "bench_serve.sh: $tool is needed" >&2; exit 1; }
done
[ -x "$PROBITY" ] || { echo "bench_serve.sh: $PROBITY not found; build first" >&2; exit 1; }
mkdir -p "$OUT" "$WORK"
cleanup() {
    if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
        kill -TERM "$SPID"
        wait "$SPID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

. "$ROOT/bench/bundled_lists.sh"
load_bundled "$PROBITY" "$DB" "$ROOT" 2>/dev/null

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SPID/status"; }

: >"$LOG"
"$PROBITY" --db "$DB" serve --port 0 --log "$LOG" ${BENCH_SERVER_THREADS:+--threads "$BENCH_SERVER_THREADS"} \
    2>"$WORK/serve.err" &
SPID=$!
PORT=
for i in $(seq 1 300); do
    PORT=$(sed -n 's/.*"event":"listening","url":"http:\/\/127\.0\.0\.1:\([0-9]*\)\/".*/\1/p' "$LOG" | head -1)
    [ -n "$PORT" ] && curl -s "http://127.0.0.1:$PORT/readyz" | grep -q '"status":"ready"' && break
    sleep 0.1
done
[ -n "$PORT" ] || { echo "bench_serve.sh: the server did not start" >&2; cat "$WORK/serve.err" >&2; exit 1; }
U=http://127.0.0.1:$PORT
echo "probity serve on $U (pid $SPID), $(nproc) cores, wrk -t$WTHREADS -c$CONN -d${SECS}s"

# the common reporting part of the wrk scripts
cat >"$WORK/report.lua" <<'EOF'
done = function(summary, latency, requests)
   local e = summary.errors
   local s = summary.duration / 1e6
   io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
      "errors connect=%d read=%d write=%d timeout=%d non2xx=%d\n",
      summary.requests, summary.requests / s, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
EOF
cat >"$WORK/fixed.lua" <<'EOF'
wrk.method = "POST"
wrk.path = "/match/default"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"queries":{"q1":{"schema":"Person","properties":{"name":["Hosein Salimy"]}}}}'
EOF
cat "$WORK/report.lua" >>"$WORK/fixed.lua"

# names in turn: real UN positives and multilingual negatives (no quotes or commas)
{
    echo 'local names = {'
    for f in "$SHARED/data/matching/yente_positives_un_untreated.csv" "$SHARED/data/matching/yente_negatives_global_1k.csv"; do
        awk -F, 'NR > 1 && $1 !~ /["\\]/ && length($1) > 3 { printf "  \"%s\",\n", $1; if (++n == 250) exit }' "$f"
    done
    cat <<'EOF'
}
local i = 0
local hdr = { ["Content-Type"] = "application/json" }
setup = function(thread) thread:set("start", math.random(1, 1000)) end
init = function(args) i = start or 0 end
request = function()
   i = i + 1
   local n = names[(i % #names) + 1]
   return wrk.format("POST", "/match/default", hdr,
      '{"queries":{"q":{"schema":"Person","properties":{"name":["' .. n .. '"]}}}}')
end
EOF
    cat "$WORK/report.lua"
} >"$WORK/mixed.lua"

# malformed and refused requests for the soak: each must get a 4xx, never a hang
cat >"$WORK/bad.lua" <<'EOF'
local bodies = {
   '{"queries": {"q": {"schema": "Person",',
   '{"queries": []}',
   '{"queries": {"q": {"schema": "Dog", "properties": {"name": "x"}}}}',
   '{"queries": {"q": {"schema": "Person", "properties": {"name": [1.5]}}}}',
   '\255\254not json',
   '',
}
local i = 0
request = function()
   i = i + 1
   local path = "/match/default"
   if i % 7 == 0 then path = "/match/nosuchlist" end
   return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, bodies[(i % #bodies) + 1])
end
EOF
cat "$WORK/report.lua" >>"$WORK/bad.lua"

run_wrk() { # NAME SCRIPT SECONDS CONNECTIONS
    local before after
    curl -s -o /dev/null -d '{"queries":{"w":{"schema":"Person","properties":{"name":["Warm Up"]}}}}' "$U/match/default"
    before=$(rss_kb)
    wrk -t"$WTHREADS" -c"$4" -d"$3s" --timeout 5s --latency -s "$2" "$U" >"$WORK/$1.out" 2>&1
    after=$(rss_kb)
    echo "$1: $(grep '^RESULT' "$WORK/$1.out" | sed 's/^RESULT //') rss_kb_before=$before rss_kb_after=$after"
}

run_wrk match_fixed "$WORK/fixed.lua" "$SECS" "$CONN"
run_wrk match_mixed "$WORK/mixed.lua" "$SECS" "$CONN"

# 10,000 queries in one NDJSON job, streamed
awk -F, 'NR > 1 && $1 !~ /["\\]/ { printf "{\"id\":\"%d\",\"name\":\"%s\"}\n", NR, $1 }' \
    "$SHARED/data/matching/yente_negatives_global_1k.csv" "$SHARED/data/matching/yente_positives_un_untreated.csv" \
    >"$WORK/one_round.ndjson"
: >"$WORK/screen.ndjson"
while [ "$(wc -l <"$WORK/screen.ndjson")" -lt 10000 ]; do cat "$WORK/one_round.ndjson" >>"$WORK/screen.ndjson"; done
head -n 10000 "$WORK/screen.ndjson" >"$WORK/screen10k.ndjson"
# the first result line arrives while the rest of the job is still being screened
t0=$(date +%s.%N)
curl -sN -H 'Expect:' --data-binary @"$WORK/screen10k.ndjson" "$U/screen" | {
    IFS= read -r first
    t1=$(date +%s.%N)
    { printf '%s\n' "$first"; cat; } >"$WORK/screen.out"
    t2=$(date +%s.%N)
    echo "$t1 $t2" >"$WORK/screen.times"
}
read -r t1 t2 <"$WORK/screen.times"
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
echo "screen_10k: first_line_s=$(secs "$t0" "$t1") total_s=$(secs "$t0" "$t2") lines_out=$(wc -l <"$WORK/screen.out")" \
    "$(tail -1 "$WORK/screen.out" | sed 's/.*"lines":\([0-9]*\),"queries":\([0-9]*\),"errors":\([0-9]*\),"with_hits":\([0-9]*\).*/queries=\2 errors=\3 with_hits=\4/')"

if [ "$SOAK" -gt 0 ]; then
    echo "soak: ${SOAK}s, valid and malformed requests at once, SIGHUP every ${RELOAD_EVERY}s"
    echo "t_s,rss_kb,generation" >"$WORK/soak_rss.csv"
    wrk -t1 -c$((CONN / 2)) -d"${SOAK}s" --timeout 5s --latency -s "$WORK/mixed.lua" "$U" >"$WORK/soak_valid.out" 2>&1 &
    W1=$!
    wrk -t1 -c8 -d"${SOAK}s" --timeout 5s -s "$WORK/bad.lua" "$U" >"$WORK/soak_bad.out" 2>&1 &
    W2=$!
    start=$(date +%s)
    next_reload=$((start + RELOAD_EVERY))
    while kill -0 "$W1" 2>/dev/null; do
        now=$(date +%s)
        if [ "$now" -ge "$next_reload" ]; then
            kill -HUP "$SPID"
            next_reload=$((next_reload + RELOAD_EVERY))
        fi
        gen=$(curl -s "$U/readyz" | sed -n 's/.*"generation":\([0-9]*\).*/\1/p')
        echo "$((now - start)),$(rss_kb),$gen" >>"$WORK/soak_rss.csv"
        sleep 5
    done
    wait "$W1" "$W2" || true
    echo "soak valid:     $(grep '^RESULT' "$WORK/soak_valid.out" | sed 's/^RESULT //')"
    echo "soak malformed: $(grep '^RESULT' "$WORK/soak_bad.out" | sed 's/^RESULT //') (all expected non-2xx)"
    awk -F, 'NR > 1 { if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2; last = $2; g = $3 }
             END { printf "soak rss_kb: min=%s max=%s last=%s; reloads done: %d (generation %s)\n", min, max, last, g - 1, g }' \
        "$WORK/soak_rss.csv"
fi

# every request got one access-log line
echo "access log: $(grep -c '"route":' "$LOG") request lines, $(du -h "$LOG" | cut -f1)"
cleanup
SPID=
tail -1 "$LOG" | grep -q '"event":"stopped"' && echo "stopped cleanly"
rm -f "$LOG"
