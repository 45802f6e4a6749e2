#!/bin/sh
# The demo: load the bundled lists into ./probity.db and look up a few real names.
# Loading is idempotent: a second run finds the same files and keeps the current versions.
set -eu
PROBITY=${1:-build/probity}
DB=${PROBITY_DB:-probity.db}
cd "$(dirname "$0")/.."
echo "== loading the bundled lists into $DB"
"$PROBITY" --db "$DB" load data/lists/us_ofac_sdn/sdn.csv data/lists/us_ofac_sdn/alt.csv \
    data/lists/us_ofac_sdn/add.csv data/lists/us_ofac_cons/cons_prim.csv data/lists/us_ofac_cons/cons_alt.csv \
    data/lists/us_ofac_cons/cons_add.csv data/lists/us_ofac_cons/cons_comments.csv \
    data/lists/un_sc/consolidated.xml data/lists/us_bis_dpl/dpl.txt 2>demo-warnings.log || {
    cat demo-warnings.log >&2
    exit 1
}
echo "   ($(grep -c warning demo-warnings.log || true) warnings in demo-warnings.log)"
echo
echo "== what is loaded"
"$PROBITY" --db "$DB" lists
echo
echo "== a first screening (exact, normalised names; the fuzzy engine is 'probity screen')"
"$PROBITY" --db "$DB" lookup "Xinjiang Public Security Bureau" "Banco Nacional de Cuba" \
    "Korea Mining Development Trading Corporation" "Tuniyaz, Erken" "Acme Widgets Ltd"
echo
echo "== fuzzy, multilingual screening with explanations"
"$PROBITY" --db "$DB" screen "Xinjang Public Security Bureau" --limit 3 --explain
for q in "김정은" "Сергей Аксёнов" "Banko Nacional de Kuba" "Hikvision"; do
    "$PROBITY" --db "$DB" --quiet screen "$q" --limit 2
done
echo
echo "== one entity with its links"
"$PROBITY" --db "$DB" show ofac-29159 | head -40
