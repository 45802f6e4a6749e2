# The foundation end to end on the real lists: counts, links, versions and diffs, bad input
# that leaves the store untouched, and the FtM round trip.
. "$(dirname "$0")/lib.sh"
need_shared

# OFAC SDN 2024-05-03: 14,965 listed entities
expect_ok "load sdn 2024" pb load "$LISTS/ofac_sdn/2024-05-03_full/sdn.csv"
expect_ok "lists --json" pb lists --json
expect_grep "sdn entity count" '"dataset":"us_ofac_sdn","version":1,.*"entities":14965,' "$TMP/out"

# the Xinjiang PSB and the persons linked to it by "Linked To:"
expect_ok "show xpsb" pb show ofac-29159 --json
expect_grep "xpsb name" '"name":\["XINJIANG PUBLIC SECURITY BUREAU"\]' "$TMP/out"
expect_grep "xpsb program" '"GLOMAG"' "$TMP/out"
linked=$(grep -c '"schema":"UnknownLink"' "$TMP/out")
want=$(grep -c 'Linked To: XINJIANG PUBLIC SECURITY BUREAU\.' "$LISTS/ofac_sdn/2024-05-03_full/sdn.csv")
expect_eq "links to xpsb" "$linked" "$want"
expect_ok "show a linked person" pb show ofac-34119 --json
expect_grep "linked person is linked" '"object":\["ofac-29159"\]' "$TMP/out"
expect_ok "lookup xpsb" pb lookup "Xinjiang Public-Security bureau"
expect_grep "lookup hit" 'HIT  ofac-29159' "$TMP/out"

# loading the same file again changes nothing
expect_ok "reload same" pb load "$LISTS/ofac_sdn/2024-05-03_full/sdn.csv"
expect_grep "reload unchanged" 'unchanged' "$TMP/out"

# versions and diff: 2021-08-18 then 2024-05-03
D=$TMP/diff.db
expect_ok "load 2021" "$PROBITY" --db "$D" load "$LISTS/ofac_sdn/2021-08-18_full/sdn.csv"
expect_ok "load 2024 as v2" "$PROBITY" --db "$D" load --json "$LISTS/ofac_sdn/2024-05-03_full/sdn.csv"
added=$(sed -n 's/.*"added":\([0-9]*\).*/\1/p' "$TMP/out")
removed=$(sed -n 's/.*"removed":\([0-9]*\).*/\1/p' "$TMP/out")
expect_ok "diff" "$PROBITY" --db "$D" diff us_ofac_sdn --json
expect_eq "diff added = load report" "$(grep -c '"change":"added"' "$TMP/out")" "$added"
expect_eq "diff removed = load report" "$(grep -c '"change":"removed"' "$TMP/out")" "$removed"
# every id only in the 2024 file is reported as added, and vice versa (checked against the raw files)
cut -d, -f1 "$LISTS/ofac_sdn/2021-08-18_full/sdn.csv" | tr -d '\r\032' | grep -E '^[0-9]+$' | sort >"$TMP/ids21"
cut -d, -f1 "$LISTS/ofac_sdn/2024-05-03_full/sdn.csv" | tr -d '\r\032' | grep -E '^[0-9]+$' | sort >"$TMP/ids24"
expect_eq "added from raw files" "$added" "$(comm -13 "$TMP/ids21" "$TMP/ids24" | wc -l | tr -d ' ')"
expect_eq "removed from raw files" "$removed" "$(comm -23 "$TMP/ids21" "$TMP/ids24" | wc -l | tr -d ' ')"
expect_ok "diff text" "$PROBITY" --db "$D" diff us_ofac_sdn --from 1 --to 2
expect_grep "diff summary" "^$added added, $removed removed, [0-9]+ changed" "$TMP/out"
expect_fail "diff unknown version" "$PROBITY" --db "$D" diff us_ofac_sdn --from 7

# UN 2026-02-27: 730 persons and 273 organisations
expect_ok "load un" pb load "$LISTS/un_sc/2026-02-27/consolidated.xml"
expect_ok "lists un" pb lists un_sc_sanctions --json
expect_grep "un persons" '"Person":730[,}]' "$TMP/out"
expect_grep "un organisations" '"Organization":273[,}]' "$TMP/out"
expect_grep "un published" '"published":"2026-02-27' "$TMP/out"

# bad input: one error line with file and line, non-zero exit, store unchanged
pb lists --json >"$TMP/before"
head -c 100000 "$LISTS/ofac_sdn/2021-08-18_full/sdn.csv" >"$TMP/sdn.csv"   # cut inside a quoted field
expect_fail "truncated sdn" pb load "$TMP/sdn.csv"
expect_grep "truncated error has a line" 'sdn.csv:[0-9]+(:[0-9]+)?: error: ' "$TMP/err"
printf '99999999,"BROKEN\n' >>"$TMP/sdn.csv"                                 # and glued to another record
expect_fail "glued records" pb load "$TMP/sdn.csv"
expect_grep "glued error has line and column" 'sdn.csv:[0-9]+:[0-9]+: error: .*closing quote' "$TMP/err"
head -c 50000 "$LISTS/un_sc/2026-02-27/consolidated.xml" >"$TMP/un.xml"
expect_fail "truncated xml" pb load "$TMP/un.xml"
expect_grep "xml error has a line" 'un.xml:[0-9]+(:[0-9]+)?: error: ' "$TMP/err"
printf '{"id": "x", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": "y", "schema": \n' >"$TMP/bad.ftm.json"
expect_fail "malformed json" pb load "$TMP/bad.ftm.json"
expect_grep "json error has line 2" 'bad.ftm.json:2(:[0-9]+)?: error: ' "$TMP/err"
: >"$TMP/empty.csv"
expect_fail "empty file" pb load "$TMP/empty.csv"
expect_grep "empty message" 'empty' "$TMP/err"
head -c 4096 "$PROBITY" >"$TMP/binary.csv"
expect_fail "binary file" pb load "$TMP/binary.csv"
expect_fail "wrong --format" pb load --format un-xml "$LISTS/ofac_sdn/2021-08-18_full/sdn.csv"
pb lists --json >"$TMP/after"
if cmp -s "$TMP/before" "$TMP/after"; then ok; else bad "store changed by failed loads"; diff "$TMP/before" "$TMP/after" >&2; fi

# FtM round trip: load -> export -> load gives the same statements
Z=$LISTS/opensanctions_ftm/yente_zala_entities.ftm.json
R1=$TMP/r1.db
R2=$TMP/r2.db
expect_ok "load zala" "$PROBITY" --db "$R1" load --dataset zala "$Z"
expect_ok "lists zala" "$PROBITY" --db "$R1" lists --json
expect_grep "zala records" '"records":91,' "$TMP/out"
expect_ok "export zala" "$PROBITY" --db "$R1" export --format ftm --dataset zala --output "$TMP/zala.json"
expect_eq "exported lines" "$(wc -l <"$TMP/zala.json" | tr -d ' ')" 91
expect_ok "reload export" "$PROBITY" --db "$R2" load --dataset zala "$TMP/zala.json"
"$PROBITY" --db "$R2" export --dataset zala --output "$TMP/zala2.json"
if cmp -s "$TMP/zala.json" "$TMP/zala2.json"; then ok; else bad "round trip differs"; fi
finish
