/* libFuzzer target for the HTTP API's request parsing: /match bodies, reconciliation
 * batches (raw, and decoded from an url-encoded form the way POST /reconcile reads them),
 * /screen NDJSON lines and query-string numbers. The first byte picks the parser; the rest
 * is its input. Beyond "no crash", it checks what the handlers rely on: a parsed query has
 * at least one name, every string is valid UTF-8 within the limits, and a refusal always
 * leaves an empty batch and a message. Small limits make the limit paths reachable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "server/request.h"

static const struct pb_api_limits lim = {8, 64, 4, 20};

static void check_list(char **v, size_t n, size_t max)
{
    for (size_t i = 0; i < n; i++)
        if (!v[i] || strlen(v[i]) > max || !pb_utf8_valid(v[i], strlen(v[i]), NULL))
            abort();
}

static void check_query(const struct pb_api_query *q)
{
    if (!q->nnames || q->nnames > lim.max_values + 1)
        abort();
    /* a name composed from parts may be longer than one value, never longer than five */
    check_list(q->names, q->nnames, 5 * lim.max_name + 4);
    check_list(q->countries, q->ncountries, lim.max_name);
    check_list(q->ids, q->nids, lim.max_name);
    if (q->birth_date && strlen(q->birth_date) > lim.max_name)
        abort();
    if (q->limit < 0 || q->limit > lim.max_limit)
        abort();
}

static void check_batch(int rc, const struct pb_api_batch *b, const struct probity_error *err)
{
    if (rc) {
        if (b->n || b->q || !err->msg[0])
            abort();
        return;
    }
    if (!b->n || b->n > lim.max_batch)
        abort();
    for (size_t i = 0; i < b->n; i++) {
        if (!b->q[i].key)
            abort();
        check_query(&b->q[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pb_api_batch b;
    struct pb_api_query q;
    struct probity_error err;
    const char *in = (const char *)data + 1;
    size_t n = size ? size - 1 : 0;
    char *text, *form = NULL;
    double d;
    long l;
    int rc;
    if (!size)
        return 0;
    probity_error_clear(&err);
    switch (data[0] % 5) {
    case 0:
        rc = pb__parse_match(in, n, &lim, &b, &err);
        check_batch(rc, &b, &err);
        pb__batch_release(&b);
        break;
    case 1:
        rc = pb__parse_reconcile(in, n, &lim, &b, &err);
        check_batch(rc, &b, &err);
        pb__batch_release(&b);
        break;
    case 2:
        rc = pb__parse_screen_line(in, n, &lim, &q, &err);
        if (rc == 0)
            check_query(&q);
        else if (q.nnames || !err.msg[0])
            abort();
        pb__query_release(&q);
        break;
    case 3:
        rc = pb__form_value(in, n, "queries", &form, &err);
        if (rc == 0) {
            if (!form || !pb_utf8_valid(form, strlen(form), NULL))
                abort();
            rc = pb__parse_reconcile(form, strlen(form), &lim, &b, &err);
            check_batch(rc, &b, &err);
            pb__batch_release(&b);
        } else if (form) {
            abort();
        }
        free(form);
        break;
    default:
        if (!(text = pb_strndup(in, n)))
            return 0;
        if (pb__param_double(text, 0, 1, &d) == 0 && !(d >= 0 && d <= 1))
            abort();
        if (pb__param_int(text, 1, 100, &l) == 0 && (l < 1 || l > 100))
            abort();
        free(text);
    }
    return 0;
}
