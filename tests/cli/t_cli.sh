# The command line itself: help, version, unknown commands, a missing store.
. "$(dirname "$0")/lib.sh"

expect_ok "version" "$PROBITY" --version
expect_grep "version text" '^probity [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/out"
expect_ok "help" "$PROBITY" help
expect_grep "help lists load" '^  load ' "$TMP/out"
for c in load lists show diff export lookup; do
    expect_ok "$c --help" "$PROBITY" "$c" --help
    expect_grep "$c usage" "^usage: probity $c" "$TMP/out"
    expect_ok "help $c" "$PROBITY" help "$c"
done
expect_fail "unknown command" "$PROBITY" frobnicate
expect_grep "unknown command message" "not a probity command" "$TMP/err"
expect_fail "unknown global option" "$PROBITY" --frob lists
expect_fail "lists without a store" pb lists
expect_grep "missing store message" "no store here" "$TMP/err"
[ ! -e "$DB" ] && ok || bad "a read-only command created the store"
expect_fail "load of a missing file" pb load "$TMP/nope.csv"
expect_grep "missing file message" "nope.csv: error: cannot open" "$TMP/err"
expect_fail "load with unknown format" pb load --format nope "$SRC/data/lists/us_bis_dpl/dpl.txt"
expect_grep "unknown format message" "unknown format 'nope'" "$TMP/err"
PROBITY_DB=$TMP/env.db "$PROBITY" load "$SRC/data/lists/us_bis_dpl/dpl.txt" >/dev/null 2>&1
[ -f "$TMP/env.db" ] && ok || bad "PROBITY_DB not honoured"
finish
