#!/bin/sh
# Run every libFuzzer target briefly (FUZZ_SECONDS each, default 20), seeded with real samples.
set -eu
BUILD=${1:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${PROBITY_SHARED:-$ROOT/../shared}
status=0
for f in "$BUILD"/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    corpus="$BUILD/corpus-$name"
    mkdir -p "$corpus"
    case $name in
        *ofac_xml*) cp "$SHARED"/data/lists/ofac_xml_format_samples/*.xml "$corpus"/ 2>/dev/null || true ;;
        *un_xml*) head -c 20000 "$SHARED"/data/lists/un_sc/2026-02-27/consolidated.xml >"$corpus/un-head.xml" 2>/dev/null || true ;;
        *ftm*) cp "$SHARED"/data/lists/opensanctions_ftm/yente_t1_entities.ftm.json "$corpus"/ 2>/dev/null || true ;;
        *ofac_csv*) cp "$SHARED"/data/lists/ofac_sdn/watchman_mini/sdn.csv "$corpus"/ 2>/dev/null || true ;;
        *csv*) cp "$SHARED"/data/lists/us_csl/*.csv "$SHARED"/data/lists/ofac_sdn/watchman_mini/*.csv "$corpus"/ 2>/dev/null || true ;;
        *names*) printf 'Xi Jinping' >"$corpus/a"; printf '\xe4\xb9\xa0\xe8\xbf\x91\xe5\xb9\xb3' >"$corpus/b"
                 printf 'OOO Romashka' >"$corpus/c"; printf 'Abd al-Rahman bin Ali' >"$corpus/d"
                 printf '\xe5\xbc\x97\xe6\x8b\x89\xc2\xb7\xe6\x96\xaf\xe7\x89\xb9' >"$corpus/e"   # Han parts, middle dot
                 printf '\xe1\x80\x99\xe1\x80\x84\xe1\x80\xba\xe1\x80\xb8\xe1\x80\xa1\xe1\x80\xb1\xe1\x80\xac\xe1\x80\x84\xe1\x80\xba' >"$corpus/f" ;;   # Burmese
        *query*) printf '"public security" OR bureau* -police lang:en' >"$corpus/a" ;;
        *extract_html*) cp "$SHARED"/corpus/0[1-3]*.html "$corpus"/ 2>/dev/null || true ;;
        *extract_text*) cp "$SHARED"/corpus/1[5-7]*.txt "$corpus"/ 2>/dev/null || true ;;
    esac
    echo "== $name ($SECONDS_EACH s)"
    if ! "$f" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len=65536 "$corpus" >"$BUILD/$name.log" 2>&1; then
        echo "$name found a problem; see $BUILD/$name.log" >&2
        tail -30 "$BUILD/$name.log" >&2
        status=1
    else
        grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "$BUILD/$name.log" | tail -1
    fi
done
exit $status
