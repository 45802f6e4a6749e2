# Documents end to end on the real corpus: ingest, re-ingest, exact phrases from the gold
# file, Chinese (simplified and traditional), the query language and its errors, pages,
# a folder of bad files, and a consistent store at the end.
. "$(dirname "$0")/lib.sh"
need_shared
CORPUS=$SHARED/corpus

# the 23 documents (not the README, SOURCES, GOLD and script beside them)
set -- "$CORPUS"/[0-2][0-9]_*
expect_eq "corpus files" "$#" 23
expect_ok "ingest corpus" pb ingest "$@" --collection corpus --jobs 2 --report "$TMP/report.tsv" --json
expect_eq "every file ok" "$(grep -c '"status":"ok"' "$TMP/out")" 23
expect_grep "summary" '"summary":true,"files":23,"ok":23,' "$TMP/out"
expect_eq "report has only its header" "$(wc -l <"$TMP/report.tsv" | tr -d ' ')" 1
expect_ok "docs --json" pb docs --json
expect_eq "23 documents listed" "$(grep -c '"status":"ok"' "$TMP/out")" 23
expect_grep "pdf pages" '"path":"[^"]*13_fr_2020-17221_faa_proposed_rules.pdf",.*"pages":15,' "$TMP/out"

# the same bytes again: nothing to do
expect_ok "re-ingest" pb ingest "$@" --collection corpus --json
expect_grep "re-ingest unchanged" '"summary":true,"files":23,"ok":0,"versions":0,"unchanged":23,' "$TMP/out"

# every evidence quote of the gold file, as an exact phrase, finds its file (English and
# Chinese; quotes with double quotes inside are left out of the phrase syntax)
tail -n +2 "$CORPUS/GOLD.tsv" | cut -f1,5 | sort -u >"$TMP/gold"
n=0
while IFS="$(printf '\t')" read -r file quote; do
    case $quote in *'"'*) continue ;; esac
    n=$((n + 1))
    if pb search "\"$quote\"" --json --limit 100 >"$TMP/hits" 2>&1 && grep -q "/$file\"" "$TMP/hits"; then ok
    else bad "gold quote not found in $file: $quote"; fi
done <"$TMP/gold"
[ "$n" -gt 60 ] && ok || bad "only $n gold quotes tried"

# an exact English phrase: its file, its page, and the text at the returned offsets
expect_ok "phrase" pb search '"Shahed Aviation Industries Research Center (SAIRC), a firm subordinate to the IRGC ASF"' --json
expect_grep "phrase file" '01_treasury_jy1766_servomotor_network_prc_hk_iran.html","page":1,' "$TMP/out"
expect_eq "phrase hits one document" "$(wc -l <"$TMP/out" | tr -d ' ')" 1
# a phrase on page 15 of the Federal Register PDF
expect_ok "pdf phrase" pb search '"Pilatus Aircraft Ltd. Model PC-12/47E airplanes"' --json
expect_grep "pdf page" '13_fr_2020-17221_faa_proposed_rules.pdf","page":15,' "$TMP/out"
# exact means exact: the same words with other punctuation between them do not match
expect_ok "phrase with comma" pb search '"subordinate, to the IRGC"' --json
expect_eq "no match across punctuation" "$(wc -l <"$TMP/out" | tr -d ' ')" 0
expect_ok "words anywhere in a passage" pb search 'subordinate IRGC' --json
expect_grep "words match" '01_treasury_jy1766' "$TMP/out"

# Chinese: a word, its traditional form, a procurement body
expect_ok "zh simplified" pb search '公安局' --json
expect_grep "zh psb file" '19_shenzhen_longgang_psb_xueliang_single_source_zh.txt' "$TMP/out"
expect_ok "zh traditional" pb search '龍崗分局' --json
expect_grep "zh traditional finds simplified" '19_shenzhen_longgang_psb_xueliang_single_source_zh.txt' "$TMP/out"
expect_ok "zh huawei traditional" pb search '華為' --json
expect_grep "華為 finds 华为" '22_anhui_gov_china_speech_valley_plan_2018_zh.txt' "$TMP/out"
expect_ok "zh phrase" pb search '"不可靠实体清单"' --json
expect_grep "zh phrase file" '17_mofcom_uel_2023_no1_lockheed_raytheon_zh.txt' "$TMP/out"
expect_nogrep "zh phrase only zh files" '"langs":"en"' "$TMP/out"

# OR, NOT, prefix (checked against grep on the raw files)
expect_ok "or" pb search 'hikvision OR boeing' --json
expect_grep "or left" '07_fcc_covered_list_table.html' "$TMP/out"
expect_grep "or right" '13_fr_2020-17221_faa_proposed_rules.pdf' "$TMP/out"
expect_ok "not" pb search 'OFAC -Iran' --json
got=$(grep -o '"path":"[^"]*"' "$TMP/out" | sed 's|.*/||; s|"$||' | sort | tr '\n' ' ')
want=$(cd "$CORPUS" && grep -il ofac [0-2][0-9]_* | xargs grep -iL iran | sort | tr '\n' ' ')
expect_eq "NOT excludes documents that mention Iran anywhere" "$got" "$want"
expect_ok "NOT keyword" pb search 'OFAC NOT Iran' --json
expect_eq "NOT = -" "$(grep -o '"path":"[^"]*"' "$TMP/out" | sed 's|.*/||; s|"$||' | sort | tr '\n' ' ')" "$want"
expect_ok "prefix" pb search 'servomot*' --json
expect_grep "prefix hit" '01_treasury_jy1766' "$TMP/out"
expect_grep "prefix marks the word" '«servomotors?»' "$TMP/out"
expect_ok "group" pb search '(designated OR designating) Burma' --json
expect_grep "group hit" '06_treasury_jy2067_burma_mehl_supporters.html' "$TMP/out"

# filters
expect_ok "lang filter" pb search 'lang:zh 公司' --json
expect_nogrep "lang:zh only" '"langs":"en"' "$TMP/out"
expect_grep "lang:zh finds" '_zh.txt' "$TMP/out"
expect_ok "type filter" pb search 'type:pdf federal' --json
expect_eq "type:pdf only pdf" "$(grep -vc '"type":"pdf"' "$TMP/out")" 0
expect_grep "type:pdf finds" '13_fr_2020-17221' "$TMP/out"
expect_ok "option filter" pb search federal --type html --json
expect_nogrep "--type html" '"type":"(pdf|xml|text)"' "$TMP/out"
expect_ok "collection filter" pb search 'collection:nothere treasury' --json
expect_eq "unknown collection finds nothing" "$(wc -l <"$TMP/out" | tr -d ' ')" 0
expect_ok "collection option" pb search treasury --collection corpus --json
expect_grep "collection corpus finds" '"rank":1,' "$TMP/out"

# malformed queries: an error with the column, non-zero exit
expect_fail "unbalanced quote" pb search 'huawei "public security'
expect_grep "quote column" 'query:1:8: error: unterminated phrase' "$TMP/err"
expect_fail "unbalanced paren" pb search '(huawei OR zte'
expect_grep "paren column" 'query:1:1: error: missing' "$TMP/err"
expect_fail "stray paren" pb search 'huawei)'
expect_grep "stray column" 'query:1:7: error' "$TMP/err"
expect_fail "only operators" pb search 'OR AND'
expect_grep "operator column" 'query:1:1: error' "$TMP/err"
expect_fail "only NOT" pb search '-huawei'
expect_grep "only NOT message" 'nothing to search for' "$TMP/err"

# doc ID --page N: a page of the 15-page PDF (an 8-digit id prefix is enough)
id=$(pb docs --json | grep '13_fr_2020-17221' | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
short=$(printf '%s' "$id" | cut -c1-8)
expect_ok "doc page 3" pb doc "$short" --page 3 --raw
expect_grep "page 3 header" '^47700$' "$TMP/out"
expect_nogrep "page 3 only" '^47699$' "$TMP/out"
expect_ok "doc page 2" pb doc "$short" --page 2 --raw
expect_grep "page 2 header" '^47699$' "$TMP/out"
expect_fail "doc no such page" pb doc "$short" --page 16
expect_fail "doc short id" pb doc 1234567
expect_ok "doc meta" pb doc "$id" --meta
expect_grep "doc meta pages" '15 pages' "$TMP/out"
# the offsets of a hit select the hit in the raw text
expect_ok "hit offsets" pb search '"Pilatus Aircraft"' --json
start=$(sed -n '1s/.*"start":\([0-9]*\).*/\1/p' "$TMP/out")
end=$(sed -n '1s/.*"end":\([0-9]*\).*/\1/p' "$TMP/out")
pb doc "$id" --raw >"$TMP/raw"
expect_eq "quote at offsets" "$(python3 -c 'import sys; t=open(sys.argv[1],encoding="utf-8").read(); print(t[int(sys.argv[2]):int(sys.argv[3])])' "$TMP/raw" "$start" "$end")" "Pilatus Aircraft"

# a folder with bad files: each reported, the rest ingested
B=$TMP/bad
mkdir -p "$B/sub"
cp "$CORPUS/15_treasury_sm1055_xpsb_global_magnitsky_excerpt.txt" "$B/good.txt"
head -c 40000 "$CORPUS/13_fr_2020-17221_faa_proposed_rules.pdf" >"$B/truncated.pdf"
head -c 5000 "$PROBITY" >"$B/binary.txt"
: >"$B/empty.txt"
printf '<html><body><p>Unclosed <b>markup about <i>surveillance cameras</p><div>' >"$B/broken.html"
ln -s .. "$B/sub/loop"
expect_ok "ingest bad folder" pb ingest "$B" --collection bad --report "$TMP/bad.tsv"
expect_grep "truncated pdf reported" 'truncated.pdf	failed	' "$TMP/bad.tsv"
expect_grep "binary reported" 'binary.txt	skipped	' "$TMP/bad.tsv"
expect_grep "empty reported" 'empty.txt	skipped	empty' "$TMP/bad.tsv"
expect_grep "loop reported" 'loop	skipped	.*loop' "$TMP/bad.tsv"
expect_nogrep "good file not reported" 'good.txt|broken.html' "$TMP/bad.tsv"
expect_grep "summary counts" '6 files.*1 new.*1 duplicates.*1 failed, 3 skipped' "$TMP/out"
expect_ok "broken html searchable" pb search 'surveillance cameras' --collection bad --json
expect_grep "broken html hit" 'broken.html' "$TMP/out"
expect_ok "docs bad" pb docs --collection bad
expect_grep "docs lists failure" 'failed .*truncated.pdf' "$TMP/out"

# an e-mail: its attachment is a document of its own, attached to the message
M=$TMP/mail
mkdir -p "$M"
printf 'From: a@example.org\nTo: b@example.org\nSubject: Camera tender\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XX"\n\n--XX\nContent-Type: text/plain\n\nSee the attached bid for the camera network.\n--XX\nContent-Type: text/plain; name="bid.txt"\nContent-Disposition: attachment; filename="bid.txt"\n\nThe bidder offers forty thousand cameras.\n--XX--\n' >"$M/tender.eml"
expect_ok "ingest mail" pb ingest "$M" --collection mail --json
expect_grep "attachment stored" '"path":"[^"]*tender.eml#bid.txt".*"status":"ok".*"attachment":true' "$TMP/out"
expect_ok "search attachment" pb search '"forty thousand cameras"' --json
expect_grep "attachment hit" 'tender.eml#bid.txt' "$TMP/out"
child=$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' "$TMP/out" | head -1)
expect_ok "doc attachment" pb doc "$child" --meta
expect_grep "attached to the message" '^attached to +[0-9a-f]{64}' "$TMP/out"

# a changed file is a new version; the old text leaves the search
printf 'A first text about drones.\n' >"$B/good.txt"
expect_ok "new version" pb ingest "$B" --collection bad
expect_grep "version counted" '1 new versions' "$TMP/out"
expect_ok "new text found" pb search drones --json
expect_grep "new version hit" 'good.txt' "$TMP/out"
expect_ok "old text gone" pb search '"Xinjiang Public Security Bureau"' --collection bad --json
expect_eq "old version not searched" "$(wc -l <"$TMP/out" | tr -d ' ')" 0

# an interrupted run (killed hard) resumes: what was committed is kept, the rest is done
R=$TMP/resume
mkdir -p "$R"
awk -v dir="$R" 'BEGIN { for (i = 0; i < 6000; i++) { f = sprintf("%s/f%04d.txt", dir, i);
    printf "Resumable document %d about procurement number %d.\n", i, i * 7 > f; close(f) } }'
"$PROBITY" --db "$DB" ingest "$R" --collection resume --jobs 2 >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
# a second process at the same time is safe too (SQLite locks): here the first is gone
expect_ok "resume" pb ingest "$R" --collection resume --json
new=$(sed -n 's/.*"summary":true,"files":6000,"ok":\([0-9]*\),.*/\1/p' "$TMP/out")
unchanged=$(sed -n 's/.*"unchanged":\([0-9]*\),.*/\1/p' "$TMP/out")
expect_eq "resumed run covers every file" "$((new + unchanged))" 6000
expect_ok "resume docs" pb docs --collection resume --json
expect_eq "every file stored once" "$(grep -c '"status":"ok"' "$TMP/out")" 6000

# the store is consistent after all of it
expect_ok "check" pb docs --check
expect_grep "consistent" '^consistent: 0 problems' "$TMP/out"
finish
