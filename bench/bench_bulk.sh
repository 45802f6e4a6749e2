#!/bin/sh
# Bulk screening at scale: ROWS (default 1,000,000) names recombined from the real given and
# family names of ../shared/data/matching (the yente negatives' first/last names, and the first
# and last words of the UN positives, in their own scripts), screened against the bundled
# lists with 1 and then 2 worker threads. The two outputs must be identical; the figures are
# rows per second and the speed-up. usage: sh bench/bench_bulk.sh [BUILD] [ROWS]
set -eu
BUILD=${1:-build}
ROWS=${2:-${BENCH_BULK_ROWS:-1000000}}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${PROBITY_SHARED:-$ROOT/../shared}
M=$SHARED/data/matching
OUT=$ROOT/bench/out/bulk
P=$BUILD/probity
[ -x "$P" ] || { echo "bench_bulk: $P not found; build first" >&2; exit 1; }
[ -d "$M" ] || { echo "bench_bulk: $M not found (../shared beside the repository)" >&2; exit 1; }
mkdir -p "$OUT"

# given and family names, one pool each; a fixed-seed generator makes the same rows every run
awk -F, -v rows="$ROWS" '
    FNR == 1 { next }
    FILENAME ~ /negatives/ { if ($2 != "") given[ng++] = $2; if ($4 != "") family[nf++] = $4; next }
    $1 !~ /^"/ { n = split($1, w, " "); if (n >= 2) { given[ng++] = w[1]; family[nf++] = w[n] } }
    END {
        seed = 12345; print "id,name"
        for (i = 1; i <= rows; i++) {
            seed = (seed * 1103515245 + 12345) % 2147483648; g = given[int(seed / 65536) % ng]
            seed = (seed * 1103515245 + 12345) % 2147483648; f = family[int(seed / 65536) % nf]
            print i "," g " " f
        }
    }' "$M/yente_negatives_global_1k.csv" "$M/yente_negatives_us_1k.csv" "$M/yente_positives_un_untreated.csv" \
    > "$OUT/rows.csv"

DB=$OUT/lists.db
. "$ROOT/bench/bundled_lists.sh"
load_bundled "$P" "$DB" "$ROOT"

now() { date +%s.%N; }
run() { # threads -> seconds
    t0=$(now)
    "$P" --db "$DB" --quiet screen --input "$OUT/rows.csv" --name-column name --format jsonl --threads "$1" \
        --output "$OUT/hits-$1.jsonl"
    t1=$(now)
    echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }'
}
s1=$(run 1)
s2=$(run 2)
hits=$(wc -l < "$OUT/hits-1.jsonl")
if cmp -s "$OUT/hits-1.jsonl" "$OUT/hits-2.jsonl"; then same=identical; else same=DIFFERENT; fi
echo "bulk screening: $ROWS rows recombined from $M, $hits hits"
echo "$s1 $s2 $ROWS" | awk '{ printf "  1 thread:  %6.2f s  %8.0f rows/s\n  2 threads: %6.2f s  %8.0f rows/s  (%.2fx)\n", $1, $3 / $1, $2, $3 / $2, $1 / $2 }'
echo "  outputs of 1 and 2 threads: $same"
[ "$same" = identical ]
