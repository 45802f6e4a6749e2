# The HTTP API end to end: start `probity serve` on a free loopback port over the bundled
# lists, call every endpoint with curl (good requests, malformed and oversized ones, wrong
# types, unknown schema and dataset, a missing key, a slow client), load a new list version
# and reload twice (POST /admin/reload, SIGHUP) while two loops of requests run, stream an
# NDJSON job, then stop the server with SIGTERM and check it exits cleanly. Deterministic
# answers are compared with the recorded examples in tests/data/api/ (the request id is set
# by the client, so it is deterministic too); after a deliberate change to the matcher or
# the answer shapes, run with PROBITY_RECORD=1 to record them again, and review the diff.
. "$(dirname "$0")/lib.sh"
need_shared
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
L=$SRC/data/lists
API=$SRC/tests/data/api
KEY=probity-test-key-0123456789
printf '%s\n' "$KEY" >"$TMP/key"
AUTH="Authorization: Bearer $KEY"
SPID=
PORT=

stop_server() {
    if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
        kill -TERM "$SPID" 2>/dev/null
        wait "$SPID" 2>/dev/null
    fi
    SPID=
}
trap 'touch "$TMP/stop_loop"; stop_server; rm -rf "$TMP"' EXIT

# Start the server on a random free port (another one when the port is taken) and wait
# until /readyz says the index is built.
start_server() {
    for try in 1 2 3 4 5 6 7 8 9 10; do
        PORT=$((20000 + (RANDOM * 32768 + RANDOM + $$) % 40000))
        # not through pb(): $! must be the server itself, for the signals
        "$PROBITY" --db "$DB" serve --port "$PORT" --threads 2 --api-key-file "$TMP/key" --log "$TMP/access.log" --max-body 8K \
            --max-batch 5 --max-name 256 --max-header 8K --timeout 2 2>"$TMP/serve.err" &
        SPID=$!
        for i in $(seq 1 600); do
            kill -0 "$SPID" 2>/dev/null || break
            if curl -s "http://127.0.0.1:$PORT/readyz" 2>/dev/null | grep -q '"status":"ready"'; then
                U=http://127.0.0.1:$PORT
                return 0
            fi
            sleep 0.1
        done
        wait "$SPID" 2>/dev/null
        SPID=
        grep -q 'cannot listen' "$TMP/serve.err" || { cat "$TMP/serve.err" >&2; return 1; }
    done
    return 1
}

# req NAME METHOD PATH [curl args]: body in $TMP/NAME.body, headers in NAME.hdr, status in NAME.code;
# the request id is t-NAME
req() {
    n=$1 m=$2 p=$3
    shift 3
    curl -s -X "$m" -H "$AUTH" -H "X-Request-Id: t-$n" -D "$TMP/$n.hdr" -o "$TMP/$n.body" -w '%{http_code}' \
        "$@" "$U$p" >"$TMP/$n.code" 2>/dev/null
}
status() { cat "$TMP/$1.code"; }
# expect_status DESC NAME CODE
expect_status() { expect_eq "$1" "$(status "$2")" "$3"; }
# expect_same DESC GOT_FILE RECORDED_NAME: byte-identical to tests/data/api/RECORDED_NAME
expect_same() {
    if [ "${PROBITY_RECORD:-}" = 1 ]; then
        mkdir -p "$API" && cp "$2" "$API/$3" && ok
    elif cmp -s "$2" "$API/$3"; then
        ok
    else
        bad "$1: differs from tests/data/api/$3"
        diff "$API/$3" "$2" 2>&1 | head -c 1500 >&2
        echo >&2
    fi
}
gen() { curl -s "$U/readyz" | sed -n 's/.*"generation":\([0-9]*\).*/\1/p'; }
wait_gen() {
    for i in $(seq 1 600); do
        [ "$(gen)" = "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

expect_ok "load bundled lists" pb load "$L/us_ofac_sdn/sdn.csv" "$L/us_ofac_sdn/alt.csv" "$L/us_ofac_sdn/add.csv" \
    "$L/us_ofac_cons/cons_prim.csv" "$L/us_ofac_cons/cons_alt.csv" "$L/us_ofac_cons/cons_add.csv" \
    "$L/us_ofac_cons/cons_comments.csv" "$L/un_sc/consolidated.xml" "$L/us_bis_dpl/dpl.txt"

# refusals before listening
expect_fail "public bind without a key" pb serve --bind 0.0.0.0 --port 1 --log none
expect_grep "public bind message" 'refusing to listen on 0\.0\.0\.0 without an API key' "$TMP/err"
expect_fail "no store" "$PROBITY" --db "$TMP/none.db" serve --port 0 --log none
expect_fail "bad option value" pb serve --max-body lots

if ! start_server; then
    bad "the server did not start"
    finish
    exit 1
fi
ok

# ---- probes and catalogue ----
req healthz GET /healthz
expect_status "healthz" healthz 200
expect_grep "healthz body" '^\{"status":"ok","uptime_s":[0-9]+,"request_id":"t-healthz"\}$' "$TMP/healthz.body"
expect_grep "request id header" '^X-Request-Id: t-healthz' "$TMP/healthz.hdr"
curl -s -I "$U/healthz" -o /dev/null -w '%{http_code}' >"$TMP/head.code"
expect_eq "HEAD healthz" "$(cat "$TMP/head.code")" 200
req readyz GET /readyz
expect_grep "readyz" '"status":"ready","index":\{"generation":1,.*"entities":16924,.*"names":[0-9]+\}' "$TMP/readyz.body"
expect_grep "readyz versions" '\{"name":"us_ofac_sdn","version":1,' "$TMP/readyz.body"
expect_grep "readyz not stale" '"stale":false' "$TMP/readyz.body"
req datasets GET /datasets
expect_status "datasets" datasets 200
expect_grep "datasets list" '"name":"un_sc_sanctions","current":\{"version":1,"current":true,"indexed":true,"format":"un-xml",' "$TMP/datasets.body"
req root GET /
expect_grep "root lists endpoints" '"POST /match/\{dataset\}"' "$TMP/root.body"
curl -s -D "$TMP/generated.hdr" -o /dev/null -H "X-Request-Id: bad id with spaces" "$U/healthz"
expect_grep "generated id" '^X-Request-Id: [0-9a-f]{8}-[0-9a-f]{8}' "$TMP/generated.hdr"

# ---- keys ----
curl -s -o "$TMP/nokey.body" -w '%{http_code}' -X POST -d @"$API/match_request.json" "$U/match/default" >"$TMP/nokey.code"
expect_status "no key" nokey 401
expect_grep "no key message" '"detail":"missing or wrong API key' "$TMP/nokey.body"
curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong-key-0123456789" "$U/datasets" >"$TMP/wrongkey.code"
expect_status "wrong key" wrongkey 401
curl -s -o /dev/null -w '%{http_code}' "$U/datasets?api_key=$KEY" >"$TMP/qkey.code"
expect_status "key as a parameter" qkey 200
curl -s -o /dev/null -w '%{http_code}' "$U/healthz" >"$TMP/probe.code"
expect_status "probes need no key" probe 200

# ---- /match ----
req match POST '/match/default?limit=3' --data-binary @"$API/match_request.json" -H 'Content-Type: application/json'
expect_status "match" match 200
expect_same "match answer" "$TMP/match.body" match_response.json
expect_grep "match: person found" '"q1":\{"status":200,"results":\[\{"id":"(ofac-10584|un-110409)"' "$TMP/match.body"
expect_grep "match: generic name refused per query" '"q3":\{"status":400,"detail":"[^"]*generic' "$TMP/match.body"
req match_ds POST /match/un_sc_sanctions --data-binary @"$API/match_request.json"
expect_grep "match one dataset" '"q1":\{"status":200,"results":\[\{"id":"un-110409"' "$TMP/match_ds.body"
expect_nogrep "match one dataset only" '"datasets":\["us_ofac_sdn"\]' "$TMP/match_ds.body"
req match_thr POST '/match/default?threshold=0.95&algorithm=logic-v2' --data-binary @"$API/match_request.json"
expect_grep "threshold and algorithm alias" '"requested":"logic-v2"' "$TMP/match_thr.body"
expect_grep "match flag follows threshold" '"q1":\{"status":200,"results":\[\]' "$TMP/match_thr.body"

# bad requests: each a JSON error with a message, never a crash
req m_nodata POST /match/nosuch --data-binary @"$API/match_request.json"
expect_status "unknown dataset" m_nodata 404
expect_grep "unknown dataset message" '"detail":"no dataset .nosuch. \(known: default, un_sc_sanctions' "$TMP/m_nodata.body"
req m_malformed POST /match/default --data-binary '{"queries": {"q1": {"schema": "Person",'
expect_status "malformed json" m_malformed 400
expect_grep "malformed message" '"detail":"malformed JSON at line 1, column [0-9]+: ' "$TMP/m_malformed.body"
req m_empty POST /match/default
expect_status "empty body" m_empty 400
req m_array POST /match/default --data-binary '{"queries": []}'
expect_status "queries of the wrong type" m_array 400
expect_grep "queries type message" '"queries\\" must be an object' "$TMP/m_array.body"
req m_type POST /match/default --data-binary '{"queries":{"a":{"schema":"Person","properties":{"name":[1.5]}}}}'
expect_status "value of the wrong type" m_type 400
expect_grep "value type message" 'queries\.a\.properties\.name\[0\] must be a string' "$TMP/m_type.body"
req m_schema POST /match/default --data-binary '{"queries":{"a":{"schema":"Dog","properties":{"name":"Rex"}}}}'
expect_status "unknown schema" m_schema 400
expect_grep "unknown schema message" "queries\\.a: unknown schema 'Dog'" "$TMP/m_schema.body"
req m_prop POST /match/default --data-binary '{"queries":{"a":{"schema":"Person","properties":{"name":"X","imoNumber":"1"}}}}'
expect_status "property not of the schema" m_prop 400
req m_noname POST /match/default --data-binary '{"queries":{"a":{"schema":"Person","properties":{"birthDate":"1960"}}}}'
expect_grep "no name" 'queries\.a has no name' "$TMP/m_noname.body"
req m_utf8 POST /match/default --data-binary "$(printf '{"queries":{"a":{"schema":"Person","properties":{"name":"\xff\xfe"}}}}')"
expect_status "invalid UTF-8" m_utf8 400
req m_dup POST /match/default --data-binary '{"queries":{"a":{"schema":"Person","properties":{"name":"X"}},"a":{}}}'
expect_status "duplicate keys" m_dup 400
printf '{"queries":{' >"$TMP/batch.json"
for i in 1 2 3 4 5 6; do printf '"q%d":{"schema":"Person","properties":{"name":"Ali Hasan"}}%s' "$i" "$([ $i -lt 6 ] && echo ,)" >>"$TMP/batch.json"; done
printf '}}' >>"$TMP/batch.json"
req m_batch POST /match/default --data-binary @"$TMP/batch.json"
expect_status "batch limit" m_batch 400
expect_grep "batch limit message" 'too many queries in one batch: 6 \(at most 5\)' "$TMP/m_batch.body"
req m_long POST /match/default --data-binary "{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":\"$(printf 'a%.0s' $(seq 1 300))\"}}}}"
expect_status "name length limit" m_long 400
expect_grep "name length message" 'a value is 300 bytes long; at most 256' "$TMP/m_long.body"
req m_limit POST '/match/default?limit=abc' --data-binary @"$API/match_request.json"
expect_status "limit of the wrong type" m_limit 400
req m_thr POST '/match/default?threshold=2' --data-binary @"$API/match_request.json"
expect_status "threshold out of range" m_thr 400
req m_algo POST '/match/default?algorithm=magic' --data-binary @"$API/match_request.json"
expect_status "unknown algorithm" m_algo 400
head -c 20000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
req m_big POST /match/default --data-binary @"$TMP/big.json"
expect_status "oversized body (declared)" m_big 413
expect_grep "oversized message" '"detail":"the body is larger than 8192 bytes"' "$TMP/m_big.body"
req m_bigchunked POST /match/default -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/big.json"
expect_status "oversized body (chunked)" m_bigchunked 413
printf '%.0s[' $(seq 1 3000) >"$TMP/deep.json"
req m_deep POST /match/default --data-binary @"$TMP/deep.json"
expect_status "deeply nested JSON" m_deep 400
req m_hdr GET /healthz -H "X-Big: $(head -c 12000 /dev/zero | tr '\0' a)"
case "$(status m_hdr)" in 4[0-9][0-9]) ok ;; *) bad "oversized header: got $(status m_hdr)" ;; esac
req m_method DELETE /match/default
expect_status "wrong method" m_method 405
expect_grep "allow header" '^Allow: POST' "$TMP/m_method.hdr"
req m_route GET /nowhere
expect_status "unknown route" m_route 404
expect_grep "unknown route is JSON" '^\{"detail":"no such endpoint: GET /nowhere","status":404,"request_id":"t-m_route"\}$' "$TMP/m_route.body"

# a slow client is cut off after --timeout, and the server goes on
if exec 3<>"/dev/tcp/127.0.0.1/$PORT"; then
    printf 'POST /match/default HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{' "$KEY" >&3
    sleep 3
    if timeout 2 cat <&3 >"$TMP/slow.out"; then ok; else bad "slow client not disconnected"; fi
    exec 3<&-
fi
req after_slow GET /healthz
expect_status "serving after a slow client" after_slow 200

# ---- /search, /entities ----
req search GET '/search/default?q=Salimi&limit=2'
expect_status "search" search 200
expect_same "search answer" "$TMP/search.body" search_response.json
expect_grep "search facets" '"facets":\{"schema":\{"label":"Types","values":\[\{"name":"Person","label":"Person","count":[0-9]+\}' "$TMP/search.body"
req search_c GET '/search/default?q=Salimi&countries=ir&schema=Person'
expect_grep "country filter" '"countries":\{"label":"Countries","values":\[\{"name":"ir",' "$TMP/search_c.body"
req search_noq GET /search/default
expect_status "search without q" search_noq 400
req search_schema GET '/search/default?q=x&schema=Dog'
expect_status "search unknown schema" search_schema 400
req entity GET /entities/ofac-10584
expect_status "entity" entity 200
expect_same "entity answer" "$TMP/entity.body" entity_response.json
expect_grep "adjacent sanction" '"id":"ofac-10584-sanction","caption":"[^"]*","schema":"Sanction",.*"via":\["entity"\]' "$TMP/entity.body"
expect_grep "resolved address" '"resolved":\{"ofac-10584-addr-50121":\{"caption":' "$TMP/entity.body"
req entity_none GET /entities/no-such-entity
expect_status "unknown entity" entity_none 404

# ---- OpenRefine reconciliation ----
req manifest GET /reconcile
expect_status "manifest" manifest 200
sed "s/127\.0\.0\.1:$PORT/127.0.0.1:PORT/g" "$TMP/manifest.body" >"$TMP/manifest.norm"
expect_same "manifest" "$TMP/manifest.norm" reconcile_manifest.json
req recon POST /reconcile --data-urlencode queries@"$API/reconcile_queries.json"
expect_status "reconcile batch" recon 200
expect_same "reconcile answer" "$TMP/recon.body" reconcile_response.json
req recon_json POST /reconcile/default -H 'Content-Type: application/json' --data-binary @"$API/reconcile_queries.json"
expect_same "reconcile JSON body" "$TMP/recon_json.body" reconcile_response.json
req recon_get GET /reconcile -G --data-urlencode queries@"$API/reconcile_queries.json"
expect_same "reconcile as GET" "$TMP/recon_get.body" reconcile_response.json
req recon_bad POST /reconcile --data-urlencode 'queries={"q0": {"query": 5}}'
expect_status "reconcile wrong type" recon_bad 400
req recon_none POST /reconcile -d 'foo=bar'
expect_status "reconcile without queries" recon_none 400
req recon_esc POST /reconcile -d 'queries=%zz'
expect_status "reconcile bad escape" recon_esc 400

# ---- /screen: NDJSON in, NDJSON out ----
req screen POST /screen --data-binary @"$API/screen_request.ndjson" -H 'Content-Type: application/x-ndjson'
expect_status "screen" screen 200
sed 's/"seconds":[0-9.e+-]*,//' "$TMP/screen.body" >"$TMP/screen.norm"
expect_same "screen answer" "$TMP/screen.norm" screen_response.ndjson
expect_grep "screen is chunked" '^Transfer-Encoding: chunked' "$TMP/screen.hdr"
: >"$TMP/bulk.ndjson"
for i in $(seq 1 400); do
    printf '{"id":"%d-1","name":"Hosein Salimy"}\n{"id":"%d-2","name":"Xinjiang Public Security Bureau"}\n{"id":"%d-3","name":"Qwzx Vbnmq"}\n{"id":"%d-4","name":"Trading Company"}\n{"id":"%d-5","schema":"Person","properties":{"name":["Tuniyaz Erkin"]}}\n' \
        "$i" "$i" "$i" "$i" "$i" >>"$TMP/bulk.ndjson"
done
req bulk POST '/screen?limit=1' --data-binary @"$TMP/bulk.ndjson"
expect_status "bulk screen" bulk 200
expect_eq "bulk lines" "$(wc -l <"$TMP/bulk.body" | tr -d ' ')" 2001
expect_grep "bulk summary" '^\{"summary":\{"lines":2000,"queries":2000,"errors":400,"with_hits":1200,"hits":1200,' "$TMP/bulk.body"
req screen_ds POST '/screen?dataset=nosuch' --data-binary @"$API/screen_request.ndjson"
expect_status "screen unknown dataset" screen_ds 404

# ---- a new list version, and reloads under load ----
printf 'id,name,country\nx1,Zyxwvut Qrstuv Holdings,ru\n' >"$TMP/extra.csv"
expect_ok "load while serving" pb load --dataset test_extra --format csv --schema Company "$TMP/extra.csv"
req stale GET /readyz
expect_grep "readyz sees a newer version" '"stale":true' "$TMP/stale.body"
req extra_before POST /match/test_extra --data-binary '{"queries":{"a":{"schema":"Company","properties":{"name":"Zyxwvut Qrstuv"}}}}'
expect_status "new dataset not yet indexed" extra_before 404

printf '{"queries":{"q":{"schema":"Person","properties":{"name":["Hosein Salimy"]}}}}' >"$TMP/one.json"
rm -f "$TMP/stop_loop"
load_loop() {
    n=0 f=0
    while [ ! -f "$TMP/stop_loop" ]; do
        code=$(curl -s -o "$TMP/loop$1.body" -w '%{http_code}' -H "$AUTH" --data-binary @"$TMP/one.json" "$U/match/default")
        n=$((n + 1))
        if [ "$code" != 200 ] || ! grep -q '"id":"un-110409"' "$TMP/loop$1.body"; then f=$((f + 1)); fi
    done
    echo "$n $f" >"$TMP/loop$1.result"
}
load_loop 1 &
L1=$!
load_loop 2 &
L2=$!
sleep 0.5
req reload POST /admin/reload
expect_status "reload accepted" reload 202
expect_grep "reload answer" '^\{"status":"reloading","generation":1,"request_id":"t-reload"\}$' "$TMP/reload.body"
if wait_gen 2; then ok; else bad "no generation 2 after POST /admin/reload"; fi
kill -HUP "$SPID"
if wait_gen 3; then ok; else bad "no generation 3 after SIGHUP"; fi
sleep 0.3
touch "$TMP/stop_loop"
wait "$L1" "$L2"
read -r n1 f1 <"$TMP/loop1.result"
read -r n2 f2 <"$TMP/loop2.result"
expect_eq "no request failed during reloads" "$((f1 + f2))" 0
if [ $((n1 + n2)) -ge 20 ]; then ok; else bad "too few requests during the reloads: $((n1 + n2))"; fi
req extra_after POST /match/test_extra --data-binary '{"queries":{"a":{"schema":"Company","properties":{"name":"Zyxwvut Qrstuv"}}}}'
expect_grep "new dataset after reload" '"results":\[\{"id":"extra-x1"' "$TMP/extra_after.body"
req fresh GET /readyz
expect_grep "fresh after reload" '"stale":false' "$TMP/fresh.body"
curl -s -o /dev/null -w '%{http_code}' -X POST "$U/admin/reload" >"$TMP/reload_nokey.code"
expect_status "reload needs the key" reload_nokey 401

# ---- stop ----
kill -TERM "$SPID"
wait "$SPID"
expect_eq "clean exit on SIGTERM" "$?" 0
SPID=
expect_grep "stopped event" '"event":"stopped"' "$TMP/access.log"
expect_grep "reload events" '"event":"index_ready","generation":3,' "$TMP/access.log"
expect_grep "access log line" '^\{"ts":"[0-9T:.Z-]+","id":"t-match","method":"POST","path":"/match/default","route":"match","status":200,"ms":[0-9.]+,"queries":3,' "$TMP/access.log"
expect_grep "timeout logged" '"aborted":"timeout"' "$TMP/access.log"
expect_nogrep "no names in the log" 'Salim' "$TMP/access.log"
finish
