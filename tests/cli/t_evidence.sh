# Evidence end to end on the real corpus: ingest the 23 documents, load the bundled lists,
# extract, check links read off the documents, check that every quote is the document's
# text at its offsets, that a review survives re-extraction, the dossier in three formats,
# GraphML, and the quality figures against the gold file.
. "$(dirname "$0")/lib.sh"
need_shared
CORPUS=$SHARED/corpus
L=$SRC/data/lists

set -- "$CORPUS"/[0-2][0-9]_*
expect_ok "ingest corpus" pb ingest "$@" --collection corpus
expect_ok "load lists" pb load "$L/us_ofac_sdn/sdn.csv" "$L/us_ofac_sdn/alt.csv" "$L/us_ofac_sdn/add.csv" \
    "$L/us_ofac_cons/cons_prim.csv" "$L/us_ofac_cons/cons_alt.csv" "$L/us_ofac_cons/cons_add.csv" \
    "$L/us_ofac_cons/cons_comments.csv" "$L/un_sc/consolidated.xml" "$L/us_bis_dpl/dpl.txt"
expect_ok "extract" pb extract --json
expect_grep "extract summary" '"documents":23,' "$TMP/out"
expect_ok "links --json" pb links --json
cp "$TMP/out" "$TMP/links.json"

# links read off the documents (subject, type, object as the text names them)
has_link() { # DESC SUBJECT-REGEX TYPE OBJECT-REGEX
    if grep -E "\"type\":\"$3\"" "$TMP/links.json" | grep -iE "\"subject\":\{[^}]*\"caption\":\"$2" |
        grep -iqE "\"object\":\{[^}]*\"caption\":\"$4"; then ok; else bad "$1"; fi
}
has_link "Himark supplies PESC" "Hongkong Himark" supplies "Pishgam Electronic"
has_link "DTSRC owned by MODAFL" "Defense Technology and Science" owned_by "Ministry of Defense and Armed"
has_link "Department 53 subordinate to the DPRK ministry" "Department 53 of The Ministry" subsidiary_of "(DPRK )?Ministry of National Defen"
has_link "Osong front company of Department 53" "Korea Osong" subsidiary_of "Department 53"
has_link "Five Star Line owned by MEHL" "Myanma Five Star" owned_by "Myanma Economic Holdings"
has_link "OCSE award to Washington State" "Washington State Department" contract_award "Office of Child Support"
has_link "FCC designates Huawei" "Huawei Technologies" designated_by "Federal Communications Commission"
has_link "MOFCOM lists Lockheed Martin" "洛克希德·马丁公司" designated_by "不可靠实体清单工作机制"
has_link "MFA countermeasures on Raytheon" "雷神导弹系统公司" designated_by "中华人民共和国外交部"
has_link "MIIT and Anhui sign" "工业和信息化部" partnership "安徽省政府"
# links stated by layout: a restrictive list's table cells and items, a subentities heading,
# form fields, a letterhead
has_link "Covered List table cell" "ZTE Corporation" designated_by "Covered List"
has_link "Restricted List item" "CIMEX" designated_by "Cuba Restricted List"
has_link "Subentities heading" "FINCIMEX" subsidiary_of "CIMEX"
has_link "Source of supply field" "Alphapointe" supplies "Defense Commissary Agency"
has_link "letterhead" "Information Innovation Office" subsidiary_of "Defense Advanced Research Projects Agency"
expect_eq "no link in the FAA rule" "$(grep -c '13_fr_2020-17221' "$TMP/links.json")" 0
expect_eq "no link in the FERC notice" "$(grep -c '21_fr_2016-08688' "$TMP/links.json")" 0
expect_grep "JSON fields" '"id":"lnk-[0-9a-f]{16}","type":"[a-z_]+","schema":"[A-Za-z]+","subject":\{"id":"[^"]+","caption":"[^"]+"\},"object":\{"id":"[^"]+","caption":"[^"]+"\},"quote":"' "$TMP/links.json"
expect_grep "JSON document and offsets" '"document":\{"id":"[0-9a-f]{64}","path":"[^"]+","title":.*"page":[0-9]+,"start":[0-9]+,"end":[0-9]+,.*"confidence":0\.[0-9]+,"status":"pending"' "$TMP/links.json"

# every quote is the document's text between its offsets (code points)
if command -v python3 >/dev/null; then
    cut -d'"' -f1- "$TMP/links.json" | python3 -c '
import json, subprocess, sys
probity, db = sys.argv[1], sys.argv[2]
cache, bad, n = {}, 0, 0
for line in sys.stdin:
    l = json.loads(line)
    d = l["document"]["id"]
    if d not in cache:
        cache[d] = subprocess.run([probity, "--db", db, "doc", d, "--raw"], capture_output=True).stdout.decode("utf-8")
    n += 1
    if cache[d][l["start"]:l["end"]] != l["quote"] or not cache[d][:l["start"]].endswith(l["prefix"]) \
            or not cache[d][l["end"]:].startswith(l["suffix"]):
        bad += 1
        print("quote not at its offsets:", l["id"], file=sys.stderr)
print(n, bad)' "$PROBITY" "$DB" >"$TMP/q" 2>>"$TMP/qerr"
    read -r nq nbad <"$TMP/q"
    expect_eq "quotes exact ($nq links)" "$nbad" 0
    [ "$nq" -ge 40 ] && ok || bad "at least 40 links, got $nq"
fi

# filters, CSV, entity by name
expect_ok "links --type" pb links --type owned_by --json
expect_nogrep "only owned_by" '"type":"(supplies|designated_by)"' "$TMP/out"
expect_ok "links --csv" pb links --csv
expect_grep "csv header" '^id,type,subject,subject_caption,object,object_caption,document,path,page,start,end,confidence,status,cue,quote$' "$TMP/out"
expect_ok "links of one entity by name" pb links "Washington State Department of Social and Health Services"
expect_grep "that entity's link" 'contract_award' "$TMP/out"
expect_fail "unknown entity" pb links "No Such Organisation Anywhere"

# review, and the review survives re-extraction
link=$(grep '"type":"owned_by"' "$TMP/links.json" | head -1 | sed 's/^{"id":"\([^"]*\)".*/\1/')
expect_ok "review accept" pb review "$link" accept --note "read in the release"
expect_fail "review unknown link" pb review lnk-0000000000000000 accept
expect_fail "review bad verdict" pb review "$link" perhaps
expect_ok "extract again" pb extract
expect_ok "accepted links" pb links --status accepted --json
expect_grep "review kept" "\"id\":\"$link\".*\"status\":\"accepted\",\"note\":\"read in the release\"" "$TMP/out"

# dossier in three formats, GraphML
expect_ok "dossier html" pb dossier "Department 53 of The Ministry of The People’s Armed Forces" --out "$TMP/d.html"
expect_grep "html is self-contained with a graph" '<svg xmlns' "$TMP/d.html"
expect_nogrep "no network" '(src|href)="https?:' "$TMP/d.html"
expect_grep "html cites the quote" 'front company Korea Osong Shipping Co' "$TMP/d.html"
expect_ok "dossier md" pb dossier "Department 53 of The Ministry of The People’s Armed Forces" --format md
expect_grep "md groups by counterparty" '^### ' "$TMP/out"
expect_ok "dossier json" pb dossier "Department 53 of The Ministry of The People’s Armed Forces" --format json
expect_grep "json links" '"links":\[\{"id":"lnk-' "$TMP/out"
expect_ok "export graphml" pb export --format graphml --output "$TMP/g.graphml"
expect_grep "graphml edges" '<edge id="e0" source=' "$TMP/g.graphml"
expect_ok "export ftm" pb export --format ftm --output "$TMP/all.ftm"
expect_grep "ftm documents" '^\{"id":"doc-[0-9a-f]{64}","schema":"Document","properties":\{"title":\[' "$TMP/all.ftm"
expect_grep "ftm mentions" '"schema":"Mention","properties":\{"document":\["doc-[0-9a-f]{64}"\],"name":' "$TMP/all.ftm"
expect_grep "ftm links with their quote" '"schema":"Ownership","properties":\{"owner":\[.*"summary":\[.*"recordId":\["[0-9a-f]{64}#[0-9]+-[0-9]+"\]' "$TMP/all.ftm"
expect_grep "ftm designation by a list layout" '"schema":"Sanction","properties":\{"entity":\["[^"]+"\],"authority":\["Covered List"\],"summary":\["Telecommunications equipment produced by Huawei' "$TMP/all.ftm"

# quality against the gold file (figures in the closing report; here a floor)
expect_ok "eval-links" pb eval-links --gold "$CORPUS/GOLD.tsv" --json
expect_grep "eval overall line" '^all  all ' "$TMP/out"
finish
