# Shared by the command-line tests: a temporary store, checks that count, and the shared data.
# Each test sources this file, calls its checks, and ends with `finish`.
set -u
: "${PROBITY:?PROBITY must name the probity binary}"
SRC=${PROBITY_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
SHARED=${PROBITY_SHARED:-$SRC/../shared}
LISTS=$SHARED/data/lists
TMP=$(mktemp -d /tmp/probity-cli.XXXXXX)
DB=$TMP/probity.db
PASS=0
FAIL=0
trap 'rm -rf "$TMP"' EXIT

need_shared() {
    if [ ! -f "$LISTS/SOURCES.md" ]; then
        echo "shared data not found at $SHARED (put shared/ beside the repository or set PROBITY_SHARED)" >&2
        exit 1
    fi
}

pb() { "$PROBITY" --db "$DB" "$@"; }

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }

# expect_ok DESC CMD...: the command exits 0
expect_ok() { d=$1; shift; if "$@" >"$TMP/out" 2>"$TMP/err"; then ok; else bad "$d (exit $?)"; cat "$TMP/err" >&2; fi; }
# expect_fail DESC CMD...: the command exits non-zero
expect_fail() { d=$1; shift; if "$@" >"$TMP/out" 2>"$TMP/err"; then bad "$d (exit 0)"; else ok; fi; }
# expect_grep DESC PATTERN FILE: the file has a line matching the extended regex
expect_grep() { if grep -Eq -- "$2" "$3"; then ok; else bad "$1: /$2/ not in $3"; head -5 "$3" >&2; fi; }
expect_nogrep() { if grep -Eq -- "$2" "$3"; then bad "$1: /$2/ found in $3"; else ok; fi; }
# expect_eq DESC GOT WANT
expect_eq() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }

finish() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
}
