# Screening from the command line on the bundled lists: single names (exact, misspelt,
# another script), explanations, refusals, bulk files with a malformed row, pairs, and the
# labelled benchmark.
. "$(dirname "$0")/lib.sh"
need_shared
L=$SRC/data/lists

expect_ok "load bundled lists" pb load "$L/us_ofac_sdn/sdn.csv" "$L/us_ofac_sdn/alt.csv" "$L/us_ofac_sdn/add.csv" \
    "$L/us_ofac_cons/cons_prim.csv" "$L/us_ofac_cons/cons_alt.csv" "$L/us_ofac_cons/cons_add.csv" \
    "$L/us_ofac_cons/cons_comments.csv" "$L/un_sc/consolidated.xml" "$L/us_bis_dpl/dpl.txt"

# several names in one run (the index is built once per run)
expect_ok "screen names" pb screen --json "Xinjiang Public Security Bureau" "HOSEIN SALIMI" "Hosein Salimy" \
    "Tuniyaz Erkin" "Путин Владимир" "IRGC"
expect_grep "exact organisation" '^\{"query":"Xinjiang Public Security Bureau","id":"ofac-29159",.*"score":1\.0000' "$TMP/out"
expect_grep "exact person" '^\{"query":"HOSEIN SALIMI","id":"un-110409",' "$TMP/out"
expect_grep "misspelt surname" '^\{"query":"Hosein Salimy","id":"un-110409",' "$TMP/out"
expect_grep "misspelt given name" '^\{"query":"Tuniyaz Erkin","id":"ofac-34119",' "$TMP/out"
expect_grep "Cyrillic query" '^\{"query":"Путин Владимир","id":"ofac-35096",' "$TMP/out"
expect_grep "acronym" '^\{"query":"IRGC","id":"ofac-10391",' "$TMP/out"
expect_grep "explanation in json" '"explanation":"[0-9.]+ name \+[0-9.]+: .*salimy~salimi 0\.[0-9]+' "$TMP/out"

expect_ok "screen explain" pb screen "Hosein Salimy" --schema Person --dataset un_sc_sanctions --explain
expect_grep "hit line" '^  [01]\.[0-9][0-9]  un-110409 +Person +HOSEIN SALIMI +\[un_sc_sanctions\]' "$TMP/out"
expect_grep "alignment line" 'salimy +~ salimi +similarity 0\.[0-9]+' "$TMP/out"
expect_grep "feature line" '^ +name +\+[01]\.[0-9]+ ' "$TMP/out"

# a person never matches an organisation
expect_ok "schema filter" pb screen "Xinjiang Public Security Bureau" --schema Person
expect_grep "no person hit" 'no hits at 0\.70' "$TMP/out"

# refusals with a reason
expect_fail "generic words only" pb screen "Trading Company Ltd"
expect_grep "generic message" 'generic words' "$TMP/err"
expect_fail "punctuation only" pb screen "!!! ---"
expect_fail "unknown schema" pb screen "Ali Hasan" --schema Dog
expect_grep "schema message" "unknown schema 'Dog'" "$TMP/err"
expect_fail "bad birth date" pb screen "Ali Hasan" --birth-date 1970-13
expect_fail "bad threshold" pb screen "Ali Hasan" --threshold 2

# evidence: an identical identifier finds the party whatever the name
expect_ok "identifier" pb screen "Somebody Else" --id "D08531177" --json
expect_grep "identifier hit" '"id":"un-110409",.*identifier D08531177 is listed' "$TMP/out"

# bulk: CSV with a malformed row (line 3), output in input order
printf 'id,name\n1,Hosein Salimy\n2,"Broken "quote" here\n3,Ali Akbar Tabatabaei\n4,Qwzx Vbnmq\n5,Trading Company\n' >"$TMP/in.csv"
expect_ok "bulk jsonl" pb screen --input "$TMP/in.csv" --format jsonl --output "$TMP/hits.jsonl" --threads 2
expect_grep "malformed row reported" 'in\.csv:3: row 2 skipped' "$TMP/err"
expect_grep "generic row reported" 'in\.csv:6: row 5 skipped: .*generic' "$TMP/err"
expect_grep "summary" '^5 rows, 2 with hits' "$TMP/err"
expect_grep "row 1 hit" '^\{"row":1,"key":"1","query":"Hosein Salimy","id":"un-110409",' "$TMP/hits.jsonl"
expect_grep "row 3 hit" '^\{"row":3,"key":"3","query":"Ali Akbar Tabatabaei","id":"un-110406",' "$TMP/hits.jsonl"
expect_nogrep "no hits for row 4" '"row":4' "$TMP/hits.jsonl"
expect_eq "rows in order" "$(sed -n 's/^{"row":\([0-9]*\),.*/\1/p' "$TMP/hits.jsonl" | uniq | tr '\n' ' ')" "1 3 "
expect_ok "bulk csv all rows" pb screen --input "$TMP/in.csv" --all-rows --limit 1 --output "$TMP/hits.csv"
expect_grep "csv header" '^row,key,query,id,caption,schema,datasets,name,score,explanation$' "$TMP/hits.csv"
expect_grep "csv row without hits" '^4,4,Qwzx Vbnmq,,,,,,,$' "$TMP/hits.csv"
expect_eq "csv lines" "$(wc -l <"$TMP/hits.csv" | tr -d ' ')" 6
# JSON lines input: flat objects and an FtM entity
printf '{"id":"a","name":"Hosein Salimy"}\n{"id":"b","schema":"Person","properties":{"name":["Ali Akbar Tabatabaei"],"birthDate":["1967"]}}\nnot json\n' >"$TMP/in.jsonl"
expect_ok "bulk from json lines" pb screen --input "$TMP/in.jsonl" --format jsonl --output "$TMP/hits2.jsonl"
expect_grep "json row" '^\{"row":1,"key":"a","query":"Hosein Salimy","id":"un-110409"' "$TMP/hits2.jsonl"
expect_grep "entity row with evidence" '^\{"row":2,"key":"b",.*"id":"un-110406",.*birth date 1967' "$TMP/hits2.jsonl"
expect_grep "bad json line" 'in\.jsonl:3: row 3 skipped' "$TMP/err"

# pairs
expect_ok "compare" pb compare "Vladimir Putin" "PUTIN, Vladimir Vladimirovich" --schema Person
expect_grep "compare verdict" '^(0\.[7-9][0-9]|1\.00)  match ' "$TMP/out"
expect_ok "compare numbers" pb compare "Unit 26165" "Unit 26166" --json
expect_grep "numbers differ" '"match":false,.*26165!=26166' "$TMP/out"
printf 'name1,name2,schema\nUnit 26165,Unit 26166,Organization\nSiemens AG,Siemens Aktiengesellschaft,Company\nOnly one\n' >"$TMP/pairs.csv"
expect_ok "compare file" pb compare --input "$TMP/pairs.csv" --format jsonl
expect_grep "pair 1" '^\{"row":1,.*"match":false' "$TMP/out"
expect_grep "pair 2" '^\{"row":2,.*"match":true' "$TMP/out"
expect_grep "short row reported" 'pairs\.csv:4: row 3 skipped' "$TMP/err"
printf '{"left":{"schema":"Person","properties":{"name":["Argo I"]}},"right":{"schema":"Vessel","properties":{"name":["ARGO I"]}}}\n' >"$TMP/ent.jsonl"
expect_ok "compare entities" pb compare --input "$TMP/ent.jsonl" --format jsonl
expect_grep "person is not a vessel" '"score":0\.0000,"match":false,.*Person cannot be a Vessel' "$TMP/out"

# quality on the labelled benchmark, beside the reference matcher
expect_ok "eval" pb eval
expect_grep "eval F1" '^F1 0\.[0-9]+ \(precision 0\.[0-9]+, recall 0\.[0-9]+\); reference F1 0\.[0-9]+' "$TMP/out"
expect_grep "eval by script" '^  script:cyrillic ' "$TMP/out"
expect_ok "eval json" pb eval --json
expect_grep "eval json" '^\{"cases":.*"overall":\{"name":"overall","cases":826,.*"f1":0\.[0-9]+' "$TMP/out"
finish
