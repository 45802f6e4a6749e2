#!/bin/sh
# The screening quality bars of issue 3 on the bundled lists, in one run (python3 reads the
# JSON lines): `probity eval` on the labelled pairs; the share of the yente negatives with any
# hit at the default threshold, by schema; the UN positives found at top-1 (top-1 name equal to
# the query, ignoring case and spacing); and how many spellings in putin_name_variants.txt put
# the same entity (the most common top-1) first. usage: sh bench/quality.sh [BUILD]
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${PROBITY_SHARED:-$ROOT/../shared}
M=$SHARED/data/matching
OUT=$ROOT/bench/out/quality
P=$BUILD/probity
[ -x "$P" ] || { echo "quality: $P not found; build first" >&2; exit 1; }
mkdir -p "$OUT"
DB=$OUT/lists.db
. "$ROOT/bench/bundled_lists.sh"
load_bundled "$P" "$DB" "$ROOT"
S="$P --db $DB --quiet screen --format jsonl"

PROBITY_SHARED="$SHARED" "$P" --db "$DB" eval | grep -E '^F1|STRONG'

for f in global us; do
    for s in Person any; do
        $S --input "$M/yente_negatives_${f}_1k.csv" --name-column full_name --schema $s > "$OUT/neg.jsonl"
        n=$(grep -o '"row":[0-9]*' "$OUT/neg.jsonl" | sort -u | wc -l)
        echo "negatives $f, --schema $s: $n of 1000 names with a hit"
    done
done

$S --input "$M/yente_positives_un_untreated.csv" --name-column full_name --schema Person \
    --dataset un_sc_sanctions --all-rows --limit 1 > "$OUT/pos.jsonl"
python3 - "$OUT/pos.jsonl" <<'PY'
import json, sys, unicodedata
def norm(s): return " ".join(unicodedata.normalize("NFKC", s or "").casefold().split())
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = [r for r in rows if r.get("id") and norm(r.get("name")) == norm(r["query"])]
print(f"UN positives: {len(ok)} of {len(rows)} with the same name at top-1")
for r in rows:
    if r not in ok: print(f"  not at top-1: {r['query']!r} -> {r.get('name')!r} {r.get('score')}")
PY

tr -d '\r' < "$M/putin_name_variants.txt" | awk 'NF && !/^#/' | { echo name; sed 's/"/""/g; s/.*/"&"/'; } > "$OUT/variants.csv"
$S --input "$OUT/variants.csv" --name-column name --all-rows --limit 1 > "$OUT/variants.jsonl"
python3 - "$OUT/variants.jsonl" <<'PY'
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
top, n = collections.Counter(r.get("id") for r in rows if r.get("id")).most_common(1)[0]
print(f"name variants: {n} of {len(rows)} with the same entity ({top}) at top-1")
for r in rows:
    if r.get("id") != top: print(f"  other: {r['query']!r} -> {r.get('id')} {r.get('score')}")
PY
