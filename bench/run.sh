#!/bin/sh
# Run the benchmarks with the binaries of an existing build directory (nothing is built
# here): `sh bench/run.sh build`, as `make bench` does. Generated inputs and stores go to
# bench/out/, which git ignores. BENCH_FTM_MB sets the size of the generated FtM file
# (default 200) and BENCH_RUNS the number of timed runs (default 3).
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${PROBITY_SHARED:-$ROOT/../shared}
OUT=$ROOT/bench/out
MB=${BENCH_FTM_MB:-200}
RUNS=${BENCH_RUNS:-3}

for bin in gen_ftm bench_ftm_load; do
    if [ ! -x "$BUILD/$bin" ]; then
        echo "bench/run.sh: $BUILD/$bin not found; build first (make build)" >&2
        exit 1
    fi
done
mkdir -p "$OUT"

# FtM JSON lines from the OpenSanctions samples, varied deterministically, then loaded.
FTM=$OUT/ftm_${MB}mb.ftm.json
"$BUILD/gen_ftm" "$SHARED/data/lists/opensanctions_ftm" "$FTM" "$MB" 2>/dev/null
"$BUILD/bench_ftm_load" "$FTM" "$RUNS"

# The bundled lists, as `make demo` loads them.
"$BUILD/bench_lists_load" "$ROOT" "${BENCH_RUNS_LISTS:-5}"

# Documents: ingest of a corpus recombined from the real documents, search latency, size.
"$BUILD/bench_docs" "$SHARED/corpus" "${BENCH_DOCS:-100000}" "$OUT/docs" 2

# Screening: single names on the bundled lists (index against brute force), then an index of
# 1,000,000 names recombined from the lists' words, with the bundled lists as the baseline.
PROBITY_SHARED="$SHARED" PROBITY_SOURCE="$ROOT" "$BUILD/bench_screen" --runs "$RUNS"
PROBITY_SHARED="$SHARED" PROBITY_SOURCE="$ROOT" "$BUILD/bench_screen_1m" --runs "$RUNS"

# Bulk screening of 1,000,000 recombined real names with 1 and 2 threads (same output both ways).
PROBITY_SHARED="$SHARED" sh "$ROOT/bench/bench_bulk.sh" "$BUILD"
