/* POST /screen: bulk screening over HTTP. The NDJSON body is spooled to an unlinked
 * temporary file as it arrives (memory stays flat whatever its size), then the answer is
 * streamed with chunked encoding: one output line per input line, produced only when
 * libmicrohttpd asks for more bytes, so a slow reader slows the screening rather than
 * filling memory. The request keeps its index reference until the last line is sent, so
 * a reload in the middle of a job does not change the answers of that job. */
#include <stdlib.h>
#include <string.h>
#include "server/server_int.h"

#define MAX_LINE (64 * 1024)
#define DEFAULT_SCREEN_LIMIT 5

struct stream {
    struct pb_req *r;          /* holds a reference on the request */
    struct pb_state *st;       /* holds a reference on the index */
    FILE *in;
    struct pb_buf out, line;
    size_t off;
    long lineno, queries, errors, with_hits, hits;
    double threshold, cutoff;
    int limit, done;
    char *dataset;
    struct timespec t0;
};

/* 1 and the line in b (at most max bytes kept; *too_long when more), or 0 at the end. */
static int read_line(FILE *fp, struct pb_buf *b, size_t max, int *too_long)
{
    int c, any = 0;
    pb_buf_reset(b);
    *too_long = 0;
    while ((c = getc(fp)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (b->len < max) {
            if (pb_buf_addc(b, (char)c))
                *too_long = 1;
        } else {
            *too_long = 1;
        }
    }
    if (b->len && b->s[b->len - 1] == '\r')
        b->s[--b->len] = 0;
    return any;
}

static int blank(const struct pb_buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->s[i] != ' ' && b->s[i] != '\t')
            return 0;
    return 1;
}

static void emit(struct stream *s, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    if (text) {
        pb_buf_adds(&s->out, text);
        pb_buf_addc(&s->out, '\n');
        free(text);
    }
    json_decref(j);
}

static json_t *hit_line(const struct probity_hit *h, double threshold)
{
    char text[2048];
    json_t *feats = json_object(), *ds = json_array();
    const char *p = h->datasets;
    probity_hit_explain(h, text, sizeof(text));
    for (size_t k = 0; k < h->nfeatures; k++) {
        json_t *prev = json_object_get(feats, h->features[k].name);
        double v = h->features[k].contribution + (prev ? json_real_value(prev) : 0);
        json_object_set_new(feats, h->features[k].name, json_real(pb__round4(v)));
    }
    while (p && *p) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n)
            json_array_append_new(ds, json_stringn(p, n));
        p = c ? c + 1 : NULL;
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:f, s:b, s:o, s:s}", "id", h->id, "caption", h->caption, "schema",
                     h->schema, "datasets", ds, "name", h->matched, "score", pb__round4(h->score), "match",
                     h->score >= threshold, "features", feats, "explanation", text);
}

/* Screen one query of the stream into `results`. */
static int screen_one(struct stream *s, const struct pb_api_query *q, json_t *results, int *truncated,
                      struct probity_error *err)
{
    struct pb_hits m;
    int rc = pb__screen_query(s->st->ix, q, s->dataset, s->cutoff, s->limit, &m, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < m.n; i++)
        json_array_append_new(results, hit_line(&m.h[i], s->threshold));
    *truncated = m.truncated;
    pb__hits_release(&m);
    return 0;
}

/* Produce the output of the next non-blank input line, or the summary at the end. */
static void step(struct stream *s)
{
    struct pb_api_query q;
    struct probity_error err;
    int too_long;
    json_t *line;
    for (;;) {
        if (!read_line(s->in, &s->line, MAX_LINE, &too_long)) {
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            emit(s, json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:s}}", "summary", "lines",
                              (json_int_t)s->lineno, "queries", (json_int_t)s->queries, "errors",
                              (json_int_t)s->errors, "with_hits", (json_int_t)s->with_hits, "hits",
                              (json_int_t)s->hits, "seconds",
                              (double)(long)(((double)(t.tv_sec - s->t0.tv_sec) +
                                              (double)(t.tv_nsec - s->t0.tv_nsec) / 1e9) * 1000) / 1000,
                              "index_generation", (json_int_t)s->st->generation, "request_id", s->r->id));
            s->done = 1;
            return;
        }
        s->lineno++;
        if (!too_long && blank(&s->line))
            continue;
        break;
    }
    s->queries++;
    s->r->queries = s->queries;
    probity_error_clear(&err);
    if (too_long) {
        s->errors++;
        emit(s, json_pack("{s:I, s:n, s:i, s:s}", "line", (json_int_t)s->lineno, "key", "status", 400, "detail",
                          "the line is longer than 65536 bytes"));
        return;
    }
    if (pb__parse_screen_line(s->line.s, s->line.len, &s->r->srv->lim, &q, &err)) {
        s->errors++;
        emit(s, json_pack("{s:I, s:n, s:i, s:s}", "line", (json_int_t)s->lineno, "key", "status", 400, "detail",
                          err.msg));
        return;
    }
    line = json_pack("{s:I, s:o, s:i, s:s}", "line", (json_int_t)s->lineno, "key",
                     q.key ? json_string(q.key) : json_null(), "status", 200, "query", q.names[0]);
    {
        json_t *results = json_array();
        int truncated;
        if (screen_one(s, &q, results, &truncated, &err)) {
            json_decref(results);
            s->errors++;
            json_object_set_new(line, "status", json_integer(400));
            json_object_set_new(line, "detail", json_string(err.msg));
        } else {
            size_t n = json_array_size(results);
            s->hits += (long)n;
            s->with_hits += n > 0;
            json_object_set_new(line, "results", results);
            json_object_set_new(line, "total", json_pack("{s:I, s:s}", "value", (json_int_t)n, "relation",
                                                         truncated ? "gte" : "eq"));
        }
    }
    emit(s, line);
    pb__query_release(&q);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *s = cls;
    size_t n;
    (void)pos;
    if (s->off >= s->out.len) {
        int lines = 0;
        if (s->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        pb_buf_reset(&s->out);
        s->off = 0;
        /* a few lines per call, so that chunks are not tiny, yet the first ones go out at once */
        while (!s->done && (s->out.len == 0 || (s->out.len < max / 2 && lines < 32))) {
            step(s);
            lines++;
        }
        if (s->off >= s->out.len)
            return MHD_CONTENT_READER_END_OF_STREAM;
    }
    n = s->out.len - s->off;
    if (n > max)
        n = max;
    memcpy(buf, s->out.s + s->off, n);
    s->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *s = cls;
    if (s->in)
        fclose(s->in);
    pb_buf_release(&s->out);
    pb_buf_release(&s->line);
    pb__state_release(s->st);
    free(s->dataset);
    pb__req_release(s->r);
    free(s);
}

void pb__h_screen(struct pb_req *r, struct pb_reply *out)
{
    struct pb_state *st = pb__state_acquire(r->srv);
    struct stream *s = NULL;
    const char *v, *ds;
    double threshold = PROBITY_DEFAULT_THRESHOLD, cutoff;
    long limit = DEFAULT_SCREEN_LIMIT;
    struct MHD_Response *resp;
    if (!st) {
        pb__reply_error(out, 503, "the index is not ready yet; see /readyz");
        return;
    }
    if ((v = pb__arg(r, "threshold")) && pb__param_double(v, 0, 1, &threshold)) {
        pb__reply_error(out, 400, "threshold must be a number from 0 to 1");
        goto fail;
    }
    cutoff = threshold;
    if ((v = pb__arg(r, "cutoff")) && pb__param_double(v, 0, 1, &cutoff)) {
        pb__reply_error(out, 400, "cutoff must be a number from 0 to 1");
        goto fail;
    }
    if (cutoff > threshold)
        cutoff = threshold;
    if (cutoff < PB_MIN_CUTOFF)
        cutoff = PB_MIN_CUTOFF;
    if ((v = pb__arg(r, "limit")) && pb__param_int(v, 1, r->srv->o.max_limit, &limit)) {
        pb__reply_error(out, 400, "limit must be an integer from 1 to %d", r->srv->o.max_limit);
        goto fail;
    }
    ds = pb__arg(r, "dataset");
    if (ds && (strcmp(ds, "default") == 0 || strcmp(ds, "all") == 0))
        ds = NULL;
    if (ds && !pb__state_has_dataset(st, ds)) {
        pb__reply_error(out, 404, "no dataset '%.100s'", ds);
        goto fail;
    }
    if (!(s = calloc(1, sizeof(*s))) || (ds && !(s->dataset = pb_strdup(ds)))) {
        pb__reply_error(out, 503, "out of memory");
        goto fail;
    }
    if (fflush(r->spool) != 0 || fseek(r->spool, 0, SEEK_SET) != 0) {
        pb__reply_error(out, 503, "cannot read back the request body");
        goto fail;
    }
    s->in = r->spool;
    r->spool = NULL;
    s->st = st;
    s->r = r;
    s->threshold = threshold;
    s->cutoff = cutoff;
    s->limit = (int)limit;
    clock_gettime(CLOCK_MONOTONIC, &s->t0);
    atomic_fetch_add(&r->refs, 1);
    resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, stream_read, s, stream_free);
    if (!resp) {
        stream_free(s); /* drops the references taken above */
        pb__reply_error(out, 503, "cannot start the response");
        return;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-ndjson; charset=utf-8");
    out->status = 200;
    out->raw = resp;
    return;
fail:
    if (s)
        free(s->dataset);
    free(s);
    pb__state_release(st);
}
