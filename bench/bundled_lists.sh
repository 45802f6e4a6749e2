# Sourced by the benchmark scripts: load_bundled PROBITY DB ROOT loads the bundled lists
# (data/lists/, the nine files `make demo` loads, as bench/bench_bundled.h lists them) into a
# fresh store DB.
load_bundled() {
    _L=$3/data/lists
    rm -f "$2" "$2-wal" "$2-shm"
    "$1" --db "$2" --quiet load "$_L/us_ofac_sdn/sdn.csv" "$_L/us_ofac_sdn/alt.csv" "$_L/us_ofac_sdn/add.csv" \
        "$_L/us_ofac_cons/cons_prim.csv" "$_L/us_ofac_cons/cons_alt.csv" "$_L/us_ofac_cons/cons_add.csv" \
        "$_L/us_ofac_cons/cons_comments.csv" "$_L/un_sc/consolidated.xml" "$_L/us_bis_dpl/dpl.txt"
}
