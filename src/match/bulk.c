/* Bulk screening and pair comparison from files. Input is streamed in batches: the main
 * thread reads a batch of rows (CSV with a header, or JSON lines of flat objects or FtM
 * entities), it and the worker threads screen its rows against the shared, read-only index
 * and format each row's output, and the main thread writes the batch in input order before
 * reading the next. The workers live for the whole run: a thread keeps its name normaliser
 * (ICU transliterators take milliseconds to open) and its screening caches from batch to
 * batch. Memory is bounded by the batch, never by the file. A malformed row is reported
 * with its line number and skipped; it never stops the run. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "core/core.h"
#include "core/csv.h"
#include "match/bulk.h"
#include "match/match_int.h"
#include "probity/model.h"
#include "text/text.h"

#define BATCH 2048
#define MAX_ROW_NAMES 8
#define MAX_ROW_VALUES 8

/* ---- output helpers ---- */

static int buf_json_str(struct pb_buf *b, const char *s)
{
    int rc = pb_buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; !rc && *p; p++) {
        switch (*p) {
        case '"': rc = pb_buf_adds(b, "\\\""); break;
        case '\\': rc = pb_buf_adds(b, "\\\\"); break;
        case '\n': rc = pb_buf_adds(b, "\\n"); break;
        case '\r': rc = pb_buf_adds(b, "\\r"); break;
        case '\t': rc = pb_buf_adds(b, "\\t"); break;
        default:
            rc = *p < 0x20 ? pb_buf_addf(b, "\\u%04x", *p) : pb_buf_addc(b, (char)*p);
        }
    }
    return rc ? rc : pb_buf_addc(b, '"');
}

static int buf_csv_field(struct pb_buf *b, const char *s)
{
    int rc = 0;
    if (!strpbrk(s, ",\"\n\r"))
        return pb_buf_adds(b, s);
    rc = pb_buf_addc(b, '"');
    for (; !rc && *s; s++)
        rc = *s == '"' ? pb_buf_adds(b, "\"\"") : pb_buf_addc(b, *s);
    return rc ? rc : pb_buf_addc(b, '"');
}

static int buf_json_datasets(struct pb_buf *b, const char *ds)
{
    int rc = pb_buf_addc(b, '[');
    const char *p = ds;
    int first = 1;
    while (!rc && *p) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        char one[256];
        if (n >= sizeof(one))
            n = sizeof(one) - 1;
        memcpy(one, p, n);
        one[n] = 0;
        if (!first)
            rc = pb_buf_addc(b, ',');
        if (!rc)
            rc = buf_json_str(b, one);
        first = 0;
        p += n + (c != NULL);
    }
    return rc ? rc : pb_buf_addc(b, ']');
}

/* ---- rows ---- */

struct row {
    long row, line;
    struct pb_buf data;             /* strings of the row, NUL-separated */
    size_t name[MAX_ROW_NAMES];     /* offsets into data */
    int nnames;
    size_t key, schema;             /* offsets, or SIZE_MAX */
    size_t ctry[MAX_ROW_VALUES], ids[MAX_ROW_VALUES], birth;
    int nctry, nids;
    int skip;                       /* malformed or not screened: message in err */
    char err[512];
    struct pb_buf out;
    long hits;
};

static int row_str(struct row *r, const char *s, size_t *off)
{
    *off = r->data.len;
    return pb_buf_add(&r->data, s, strlen(s) + 1);
}

static void row_reset(struct row *r)
{
    pb_buf_reset(&r->data);
    pb_buf_reset(&r->out);
    r->nnames = r->nctry = r->nids = r->skip = 0;
    r->key = r->schema = r->birth = SIZE_MAX;
    r->err[0] = 0;
    r->hits = 0;
}

static const char *rs(const struct row *r, size_t off)
{
    return off == SIZE_MAX ? NULL : r->data.s + off;
}

/* ---- input: CSV or JSON lines ---- */

struct reader {
    int jsonl;
    struct pb_csv *csv;
    struct pb_input *in;
    char delim;
    int cname, ckey, cschema, cctry, cbirth, cid;
    size_t nheader;
    long rows;
    const struct pb_bulk_opts *o;
    const char *name_key, *key_key;   /* JSON keys */
};

static int find_col(char **h, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (pb_streq_ci(pb_trim(h[i]), want))
            return (int)i;
    return -1;
}

static int looks_jsonl(const char *path, char *delim)
{
    FILE *fp = fopen(path, "rb");
    char line[4096];
    size_t comma = 0, semi = 0, tab = 0;
    const char *ext = strrchr(path, '.');
    int json = ext && (strcmp(ext, ".jsonl") == 0 || strcmp(ext, ".json") == 0 || strcmp(ext, ".ndjson") == 0);
    *delim = ',';
    if (!fp)
        return json;
    if (fgets(line, sizeof(line), fp)) {
        const char *p = line;
        if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
            p += 3;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '{')
            json = 1;
        for (; *p; p++) {
            comma += *p == ',';
            semi += *p == ';';
            tab += *p == '\t';
        }
    }
    fclose(fp);
    if (tab > comma && tab >= semi)
        *delim = '\t';
    else if (semi > comma)
        *delim = ';';
    return json;
}

static int reader_open(struct reader *rd, const struct pb_bulk_opts *o, const char *name_col, const char *key_col,
                       struct probity_error *err)
{
    char **f;
    size_t n;
    int rc;
    static const char *const name_defaults[] = {"name", "full_name", "fullname", "caption", "query",
                                                "entity_name", "business_name", "company_name", "name1", "left"};
    memset(rd, 0, sizeof(*rd));
    rd->o = o;
    rd->cname = rd->ckey = rd->cschema = rd->cctry = rd->cbirth = rd->cid = -1;
    rd->jsonl = looks_jsonl(o->input, &rd->delim);
    if (rd->jsonl) {
        rd->name_key = name_col;
        rd->key_key = key_col;
        return pb_input_open(&rd->in, o->input, o->encoding, err);
    }
    if ((rc = pb_csv_open(&rd->csv, o->input, rd->delim, o->encoding, err)))
        return rc;
    if ((rc = pb_csv_next(rd->csv, &f, &n, err)) <= 0)
        return rc < 0 ? rc : pb__err(err, PROBITY_EEMPTY, o->input, 0, 0, "the input is empty");
    rd->nheader = n;
    if (name_col) {
        if ((rd->cname = find_col(f, n, name_col)) < 0)
            return pb__err(err, PROBITY_EINVAL, o->input, 1, 0, "no column '%s' in the header", name_col);
    } else {
        for (size_t i = 0; i < sizeof(name_defaults) / sizeof(name_defaults[0]) && rd->cname < 0; i++)
            rd->cname = find_col(f, n, name_defaults[i]);
        if (rd->cname < 0) {
            if (n == 1)
                rd->cname = 0;
            else
                return pb__err(err, PROBITY_EINVAL, o->input, 1, 0,
                               "no name column found in the header; name it with --name-column");
        }
    }
    if (key_col && (rd->ckey = find_col(f, n, key_col)) < 0)
        return pb__err(err, PROBITY_EINVAL, o->input, 1, 0, "no column '%s' in the header", key_col);
    if (!key_col)
        rd->ckey = find_col(f, n, "id");
#define OPT_COL(field, opt)                                                                            \
    if (o->opt && (rd->field = find_col(f, n, o->opt)) < 0)                                            \
        return pb__err(err, PROBITY_EINVAL, o->input, 1, 0, "no column '%s' in the header", o->opt);
    OPT_COL(cschema, schema_column)
    OPT_COL(cctry, country_column)
    OPT_COL(cbirth, birth_date_column)
    OPT_COL(cid, id_column)
#undef OPT_COL
    return 0;
}

static void reader_close(struct reader *rd)
{
    pb_csv_close(rd->csv);
    pb_input_close(rd->in);
}

static long long reader_offset(const struct reader *rd)
{
    return rd->jsonl ? pb_input_offset(rd->in) : pb_csv_offset(rd->csv);
}

static int add_values(struct row *r, json_t *v, size_t *offs, int *n, int max)
{
    if (json_is_string(v))
        return *n < max ? row_str(r, json_string_value(v), &offs[(*n)++]) : 0;
    if (json_is_array(v))
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *x = json_array_get(v, i);
            if (json_is_string(x) && *n < max) {
                int rc = row_str(r, json_string_value(x), &offs[(*n)++]);
                if (rc)
                    return rc;
            }
        }
    return 0;
}

static int add_value(struct row *r, json_t *v, size_t *off)
{
    int n = 0;
    size_t o[1];
    int rc = add_values(r, v, o, &n, 1);
    if (!rc && n)
        *off = o[0];
    return rc;
}

/* A JSON line: an FtM entity ({"schema", "properties"}) or a flat object. */
static int row_from_json(struct reader *rd, const char *line, struct row *r)
{
    json_error_t je;
    json_t *o = json_loads(line, 0, &je), *props;
    int rc = 0;
    if (!o || !json_is_object(o)) {
        snprintf(r->err, sizeof(r->err), "not a JSON object%s%s", o ? "" : ": ", o ? "" : je.text);
        r->skip = 1;
        json_decref(o);
        return 0;
    }
    props = json_object_get(o, "properties");
    if (json_is_object(props)) {
        const char *schema = json_string_value(json_object_get(o, "schema"));
        static const char *const names[] = {"name", "alias", "previousName", "weakAlias"};
        const char *k;
        json_t *v;
        if (schema && (rc = row_str(r, schema, &r->schema)))
            goto out;
        if (json_is_string(json_object_get(o, "id")) && (rc = add_value(r, json_object_get(o, "id"), &r->key)))
            goto out;
        for (size_t i = 0; i < 4 && !rc; i++)
            rc = add_values(r, json_object_get(props, names[i]), r->name, &r->nnames, MAX_ROW_NAMES);
        if (!rc && !r->nnames) {
            /* persons given by their parts */
            const char *first = NULL, *last = NULL;
            json_t *a = json_object_get(props, "firstName"), *b = json_object_get(props, "lastName");
            char buf[1024];
            if (json_is_array(a) && json_array_size(a))
                first = json_string_value(json_array_get(a, 0));
            if (json_is_array(b) && json_array_size(b))
                last = json_string_value(json_array_get(b, 0));
            if (first || last) {
                snprintf(buf, sizeof(buf), "%s %s", first ? first : "", last ? last : "");
                rc = row_str(r, pb_trim(buf), &r->name[r->nnames++]);
            }
        }
        if (!rc)
            rc = add_value(r, json_object_get(props, "birthDate"), &r->birth);
        json_object_foreach(props, k, v)
        {
            const char *type;
            if (rc)
                break;
            if (strcmp(k, "country") == 0 || strcmp(k, "nationality") == 0 || strcmp(k, "citizenship") == 0 ||
                strcmp(k, "jurisdiction") == 0)
                rc = add_values(r, v, r->ctry, &r->nctry, MAX_ROW_VALUES);
            else if (schema && (type = probity_prop_type(schema, k)) && strcmp(type, "identifier") == 0 &&
                     strcmp(k, "programId") != 0)
                rc = add_values(r, v, r->ids, &r->nids, MAX_ROW_VALUES);
        }
    } else {
        static const char *const defaults[] = {"name", "full_name", "caption", "query"};
        const struct pb_bulk_opts *bo = rd->o;
        if (rd->name_key)
            rc = add_values(r, json_object_get(o, rd->name_key), r->name, &r->nnames, MAX_ROW_NAMES);
        for (size_t i = 0; !rd->name_key && !rc && !r->nnames && i < 4; i++)
            rc = add_values(r, json_object_get(o, defaults[i]), r->name, &r->nnames, MAX_ROW_NAMES);
        if (!rc)
            rc = add_value(r, json_object_get(o, rd->key_key ? rd->key_key : "id"), &r->key);
        if (!rc && bo->schema_column)
            rc = add_value(r, json_object_get(o, bo->schema_column), &r->schema);
        if (!rc && bo->country_column)
            rc = add_values(r, json_object_get(o, bo->country_column), r->ctry, &r->nctry, MAX_ROW_VALUES);
        if (!rc && bo->birth_date_column)
            rc = add_value(r, json_object_get(o, bo->birth_date_column), &r->birth);
        if (!rc && bo->id_column)
            rc = add_values(r, json_object_get(o, bo->id_column), r->ids, &r->nids, MAX_ROW_VALUES);
    }
    if (!rc && !r->nnames) {
        snprintf(r->err, sizeof(r->err), "no name in this object");
        r->skip = 1;
    }
out:
    json_decref(o);
    return rc;
}

/* Next row into r: 1 with a row (possibly marked skip), 0 at the end, or a fatal error. */
static int reader_next(struct reader *rd, struct row *r, struct probity_error *err)
{
    struct probity_error e2;
    int rc;
    row_reset(r);
    probity_error_clear(&e2);
    if (rd->jsonl) {
        const char *line;
        size_t len;
        do {
            rc = pb_input_line(rd->in, &line, &len, &e2);
            if (rc == PROBITY_EENCODING) {
                r->row = ++rd->rows;
                r->line = pb_input_lineno(rd->in);
                r->skip = 1;
                pb__copy(r->err, sizeof(r->err), e2.msg);
                return 1;
            }
            if (rc <= 0) {
                if (rc < 0)
                    *err = e2;
                return rc;
            }
            while (len && (*line == ' ' || *line == '\t'))
                line++, len--;
        } while (!len);
        r->row = ++rd->rows;
        r->line = pb_input_lineno(rd->in);
        return row_from_json(rd, line, r) ? PROBITY_ENOMEM : 1;
    } else {
        char **f;
        size_t n;
        rc = pb_csv_next(rd->csv, &f, &n, &e2);
        if (rc == 0)
            return 0;
        r->row = ++rd->rows;
        r->line = rc > 0 ? pb_csv_lineno(rd->csv) : e2.line;
        if (rc < 0) {
            if (rc != PROBITY_EPARSE && rc != PROBITY_EENCODING) {
                *err = e2;
                return rc;
            }
            r->skip = 1;
            pb__copy(r->err, sizeof(r->err), e2.msg);
            return 1;
        }
        if (n != rd->nheader) {
            r->skip = 1;
            snprintf(r->err, sizeof(r->err), "%zu fields where the header has %zu", n, rd->nheader);
            return 1;
        }
#define TAKE(col, dst)                                                                                 \
    if (col >= 0 && *pb_trim(f[col]) && row_str(r, f[col], &dst))                                      \
        return PROBITY_ENOMEM;
        if (*pb_trim(f[rd->cname])) {
            if (row_str(r, f[rd->cname], &r->name[0]))
                return PROBITY_ENOMEM;
            r->nnames = 1;
        }
        TAKE(rd->ckey, r->key)
        TAKE(rd->cschema, r->schema)
        TAKE(rd->cbirth, r->birth)
        if (rd->cctry >= 0 && *pb_trim(f[rd->cctry])) {
            if (row_str(r, f[rd->cctry], &r->ctry[0]))
                return PROBITY_ENOMEM;
            r->nctry = 1;
        }
        if (rd->cid >= 0 && *pb_trim(f[rd->cid])) {
            if (row_str(r, f[rd->cid], &r->ids[0]))
                return PROBITY_ENOMEM;
            r->nids = 1;
        }
#undef TAKE
        if (!r->nnames) {
            r->skip = 1;
            snprintf(r->err, sizeof(r->err), "empty name");
        }
        return 1;
    }
}

/* ---- screening a row ---- */

struct merged {
    struct probity_hit hit;
    int q;        /* which of the row's names found it */
    int rank;     /* its place in that name's results (ties keep the engine's order) */
};

static int format_hit(struct pb_buf *b, const struct pb_bulk_opts *o, const struct row *r, const char *query,
                      const struct probity_hit *h)
{
    char expl[2048];
    const char *key = rs(r, r->key);
    int rc;
    probity_hit_explain(h, expl, sizeof(expl));
    if (strcmp(o->format, "jsonl") == 0) {
        rc = pb_buf_addf(b, "{\"row\":%ld", r->row);
        if (!rc && key)
            rc = pb_buf_adds(b, ",\"key\":") || buf_json_str(b, key);
        if (!rc)
            rc = pb_buf_adds(b, ",\"query\":") || buf_json_str(b, query) || pb_buf_adds(b, ",\"id\":") ||
                 buf_json_str(b, h->id) || pb_buf_adds(b, ",\"caption\":") || buf_json_str(b, h->caption) ||
                 pb_buf_adds(b, ",\"schema\":") || buf_json_str(b, h->schema) || pb_buf_adds(b, ",\"datasets\":") ||
                 buf_json_datasets(b, h->datasets) || pb_buf_adds(b, ",\"name\":") || buf_json_str(b, h->matched) ||
                 pb_buf_addf(b, ",\"score\":%.4f,\"explanation\":", h->score) || buf_json_str(b, expl) ||
                 pb_buf_adds(b, "}\n");
        return rc ? PROBITY_ENOMEM : 0;
    }
    rc = pb_buf_addf(b, "%ld,", r->row) || buf_csv_field(b, key ? key : "") || pb_buf_addc(b, ',') ||
         buf_csv_field(b, query) || pb_buf_addc(b, ',') || buf_csv_field(b, h->id) || pb_buf_addc(b, ',') ||
         buf_csv_field(b, h->caption) || pb_buf_addc(b, ',') || buf_csv_field(b, h->schema) ||
         pb_buf_addc(b, ',') || buf_csv_field(b, h->datasets) || pb_buf_addc(b, ',') ||
         buf_csv_field(b, h->matched) || pb_buf_addf(b, ",%.4f,", h->score) || buf_csv_field(b, expl) ||
         pb_buf_addc(b, '\n');
    return rc ? PROBITY_ENOMEM : 0;
}

static int format_empty(struct pb_buf *b, const struct pb_bulk_opts *o, const struct row *r)
{
    const char *key = rs(r, r->key), *query = r->nnames ? rs(r, r->name[0]) : "";
    int rc;
    if (strcmp(o->format, "jsonl") == 0) {
        rc = pb_buf_addf(b, "{\"row\":%ld", r->row);
        if (!rc && key)
            rc = pb_buf_adds(b, ",\"key\":") || buf_json_str(b, key);
        if (!rc)
            rc = pb_buf_adds(b, ",\"query\":") || buf_json_str(b, query ? query : "");
        if (!rc && r->skip)
            rc = pb_buf_adds(b, ",\"error\":") || buf_json_str(b, r->err);
        if (!rc)
            rc = pb_buf_adds(b, ",\"hits\":0}\n");
        return rc ? PROBITY_ENOMEM : 0;
    }
    rc = pb_buf_addf(b, "%ld,", r->row) || buf_csv_field(b, key ? key : "") || pb_buf_addc(b, ',') ||
         buf_csv_field(b, query ? query : "") || pb_buf_adds(b, ",,,,,,,") ||
         buf_csv_field(b, r->skip ? r->err : "") || pb_buf_addc(b, '\n');
    return rc ? PROBITY_ENOMEM : 0;
}

static int merged_cmp(const void *a, const void *b)
{
    const struct merged *x = a, *y = b;
    if (x->hit.score != y->hit.score)
        return x->hit.score > y->hit.score ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    return strcmp(x->hit.id, y->hit.id);
}

static void screen_row(const struct probity_index *ix, const struct pb_bulk_opts *o, struct row *r)
{
    struct probity_query q = o->base;
    const char *ctry[MAX_ROW_VALUES], *ids[MAX_ROW_VALUES];
    struct merged *m = NULL;
    size_t nm = 0, cap = 0;
    int limit = o->base.limit > 0 ? o->base.limit : 10;
    if (r->skip)
        goto done;
    if (rs(r, r->schema))
        q.schema = rs(r, r->schema);
    if (rs(r, r->birth))
        q.birth_date = rs(r, r->birth);
    if (r->nctry) {
        for (int i = 0; i < r->nctry; i++)
            ctry[i] = rs(r, r->ctry[i]);
        q.countries = ctry;
        q.ncountries = (size_t)r->nctry;
    }
    if (r->nids) {
        for (int i = 0; i < r->nids; i++)
            ids[i] = rs(r, r->ids[i]);
        q.ids = ids;
        q.nids = (size_t)r->nids;
    }
    for (int k = 0; k < r->nnames; k++) {
        struct probity_result res;
        struct probity_error e;
        probity_error_clear(&e);
        q.name = rs(r, r->name[k]);
        if (probity_screen(ix, &q, &res, &e)) {
            if (r->nnames == 1 || e.code == PROBITY_ENOMEM) {
                r->skip = 1;
                pb__copy(r->err, sizeof(r->err), e.msg);
            }
            continue;
        }
        for (size_t h = 0; h < res.n; h++) {
            size_t j;
            for (j = 0; j < nm && strcmp(m[j].hit.id, res.hits[h].id) != 0; j++)
                ;
            if (j < nm) {
                if (res.hits[h].score > m[j].hit.score) {
                    m[j].hit = res.hits[h];
                    m[j].q = k;
                    m[j].rank = (int)h;
                }
                continue;
            }
            if (nm == cap) {
                size_t nc = cap ? cap * 2 : 16;
                struct merged *v = realloc(m, nc * sizeof(*v));
                if (!v) {
                    r->skip = 1;
                    snprintf(r->err, sizeof(r->err), "out of memory");
                    probity_result_release(&res);
                    goto done;
                }
                m = v;
                cap = nc;
            }
            m[nm].hit = res.hits[h];
            m[nm].rank = (int)h;
            m[nm++].q = k;
        }
        probity_result_release(&res);
    }
    if (nm)
        qsort(m, nm, sizeof(*m), merged_cmp);
    if (nm > (size_t)limit)
        nm = (size_t)limit;
    for (size_t j = 0; j < nm && !r->skip; j++)
        if (format_hit(&r->out, o, r, rs(r, r->name[m[j].q]), &m[j].hit)) {
            r->skip = 1;
            snprintf(r->err, sizeof(r->err), "out of memory");
        }
    r->hits = r->skip ? 0 : (long)nm;
done:
    if ((r->skip || !r->hits) && o->all_rows) {
        pb_buf_reset(&r->out);
        format_empty(&r->out, o, r);
    }
    free(m);
}

/* ---- threads ---- */

struct batch {
    const struct probity_index *ix;
    const struct pb_bulk_opts *o;
    struct row *rows;
    size_t n;
    size_t next;
    pthread_mutex_t lock;
    pthread_cond_t go, done;   /* a new batch (gen changed) or the end; every helper finished */
    unsigned gen;
    int busy, quit;            /* helpers still screening the batch; stop */
};

/* Screen rows of the current batch, eight at a time, until none are left. */
static void screen_batch(struct batch *b)
{
    for (;;) {
        size_t i;
        pthread_mutex_lock(&b->lock);
        i = b->next;
        b->next += 8;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->n)
            break;
        for (size_t k = i; k < i + 8 && k < b->n; k++)
            screen_row(b->ix, b->o, &b->rows[k]);
    }
}

/* A helper thread: screens every batch it is given until told to stop. */
static void *worker(void *arg)
{
    struct batch *b = arg;
    unsigned seen = 0;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        while (b->gen == seen && !b->quit)
            pthread_cond_wait(&b->go, &b->lock);
        if (b->quit) {
            pthread_mutex_unlock(&b->lock);
            break;
        }
        seen = b->gen;
        pthread_mutex_unlock(&b->lock);
        screen_batch(b);
        pthread_mutex_lock(&b->lock);
        if (--b->busy == 0)
            pthread_cond_signal(&b->done);
        pthread_mutex_unlock(&b->lock);
    }
    return NULL;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void progress(FILE *fp, long rows, long hits, double t0, long long off, long long size, int last)
{
    double el = now() - t0, rate = el > 0 ? (double)rows / el : 0;
    fprintf(fp, "\r%ld rows  %.0f rows/s  %ld hits", rows, rate, hits);
    if (size > 0 && off > 0 && !last) {
        double eta = el * ((double)size / (double)off - 1.0);
        fprintf(fp, "  %3.0f%%  ETA %d:%02d", 100.0 * (double)off / (double)size, (int)(eta / 60), (int)eta % 60);
    }
    fprintf(fp, "   %s", last ? "\n" : "");
    fflush(fp);
}

int pb_bulk_screen(const struct probity_index *ix, const struct pb_bulk_opts *opts, FILE *out, FILE *warn,
                   struct pb_bulk_stats *stats, struct probity_error *err)
{
    struct reader rd;
    struct pb_bulk_opts o = *opts;
    struct batch b;
    struct row *rows = NULL;
    int nt = opts->threads, rc = 0, done = 0, created = 0;
    long long fsize = 0;
    double t0 = now(), last = 0;
    struct stat sb;
    pthread_t th[256];
    memset(stats, 0, sizeof(*stats));
    memset(&b, 0, sizeof(b));
    if (!o.format)
        o.format = "csv";
    if (nt <= 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        nt = c < 1 ? 1 : c > 64 ? 64 : (int)c;
    }
    if (stat(o.input, &sb) == 0)
        fsize = (long long)sb.st_size;
    if ((rc = reader_open(&rd, &o, o.name_column, o.key_column, err)))
        goto out;
    if (!(rows = calloc(BATCH, sizeof(*rows)))) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    if (strcmp(o.format, "csv") == 0)
        fputs("row,key,query,id,caption,schema,datasets,name,score,explanation\n", out);
    pthread_mutex_init(&b.lock, NULL);
    pthread_cond_init(&b.go, NULL);
    pthread_cond_init(&b.done, NULL);
    b.ix = ix;
    b.o = &o;
    b.rows = rows;
    for (int t = 1; t < nt && created < (int)(sizeof(th) / sizeof(th[0])); t++)
        if (pthread_create(&th[created], NULL, worker, &b) == 0)
            created++;
    while (!done) {
        size_t n = 0;
        while (n < BATCH) {
            rc = reader_next(&rd, &rows[n], err);
            if (rc < 0)
                goto out;
            if (rc == 0) {
                done = 1;
                break;
            }
            n++;
        }
        rc = 0;
        pthread_mutex_lock(&b.lock);
        b.n = n;
        b.next = 0;
        b.busy = created;
        b.gen++;
        pthread_cond_broadcast(&b.go);
        pthread_mutex_unlock(&b.lock);
        screen_batch(&b);
        pthread_mutex_lock(&b.lock);
        while (b.busy > 0)
            pthread_cond_wait(&b.done, &b.lock);
        pthread_mutex_unlock(&b.lock);
        for (size_t k = 0; k < n; k++) {
            struct row *r = &rows[k];
            stats->rows++;
            if (r->skip) {
                stats->skipped++;
                if (warn)
                    fprintf(warn, "%s%s:%ld: row %ld skipped: %s\n", o.progress ? "\r" : "", o.input, r->line,
                            r->row, r->err);
            }
            stats->hits += r->hits;
            stats->rows_with_hits += r->hits > 0;
            if (r->out.len && fwrite(r->out.s, 1, r->out.len, out) != r->out.len) {
                rc = pb__err(err, PROBITY_EIO, NULL, 0, 0, "cannot write the output");
                goto out;
            }
        }
        if (o.progress && warn && (now() - last > 0.25 || done)) {
            last = now();
            progress(warn, stats->rows, stats->hits, t0, reader_offset(&rd), fsize, done);
        }
    }
    if (fflush(out))
        rc = pb__err(err, PROBITY_EIO, NULL, 0, 0, "cannot write the output");
out:
    if (b.rows) {
        pthread_mutex_lock(&b.lock);
        b.quit = 1;
        pthread_cond_broadcast(&b.go);
        pthread_mutex_unlock(&b.lock);
        for (int t = 0; t < created; t++)
            pthread_join(th[t], NULL);
        pthread_cond_destroy(&b.go);
        pthread_cond_destroy(&b.done);
        pthread_mutex_destroy(&b.lock);
    }
    stats->seconds = now() - t0;
    if (rows)
        for (size_t k = 0; k < BATCH; k++) {
            pb_buf_release(&rows[k].data);
            pb_buf_release(&rows[k].out);
        }
    free(rows);
    reader_close(&rd);
    return rc;
}

/* ---- pairs ---- */

struct ent_side {
    const char *schema;
    const char *names[16];
    size_t nnames;
    uint32_t dates[8];
    size_t ndates;
    char ctry[8][8];
    size_t nctry;
    char ids[8][64];
    size_t nids;
};

static void side_from_json(json_t *o, struct ent_side *s)
{
    json_t *props = json_object_get(o, "properties"), *v;
    static const char *const names[] = {"name", "alias", "previousName", "weakAlias"};
    const char *k;
    memset(s, 0, sizeof(*s));
    s->schema = json_string_value(json_object_get(o, "schema"));
    if (!json_is_object(props))
        return;
    for (size_t i = 0; i < 4; i++) {
        v = json_object_get(props, names[i]);
        for (size_t j = 0; json_is_array(v) && j < json_array_size(v) && s->nnames < 16; j++)
            if (json_is_string(json_array_get(v, j)))
                s->names[s->nnames++] = json_string_value(json_array_get(v, j));
    }
    json_object_foreach(props, k, v)
    {
        const char *type = s->schema ? probity_prop_type(s->schema, k) : NULL;
        for (size_t j = 0; json_is_array(v) && j < json_array_size(v); j++) {
            const char *x = json_string_value(json_array_get(v, j));
            if (!x)
                continue;
            if (strcmp(k, "birthDate") == 0 && s->ndates < 8) {
                uint32_t d = pb__date_pack(x);
                if (d)
                    s->dates[s->ndates++] = d;
            } else if ((strcmp(k, "country") == 0 || strcmp(k, "nationality") == 0 ||
                        strcmp(k, "citizenship") == 0 || strcmp(k, "jurisdiction") == 0) &&
                       s->nctry < 8 && strlen(x) < 8) {
                size_t n;
                for (n = 0; x[n]; n++)
                    s->ctry[s->nctry][n] = (char)(x[n] >= 'A' && x[n] <= 'Z' ? x[n] + 32 : x[n]);
                s->ctry[s->nctry++][n] = 0;
            } else if (type && strcmp(type, "identifier") == 0 && strcmp(k, "programId") != 0 && s->nids < 8) {
                pb__ident_norm(x, s->ids[s->nids], sizeof(s->ids[0]));
                if (strlen(s->ids[s->nids]) >= 4)
                    s->nids++;
            }
        }
    }
}

static void add_feature(struct probity_hit *h, const char *name, double c, const char *detail, double *total)
{
    *total += c;
    if (h->nfeatures < sizeof(h->features) / sizeof(h->features[0])) {
        struct probity_feature *f = &h->features[h->nfeatures++];
        pb__copy(f->name, sizeof(f->name), name);
        f->contribution = c;
        pb__copy(f->detail, sizeof(f->detail), detail);
    }
}

int pb_compare_entities(const struct probity_index *ix, const char *left_json, const char *right_json,
                        double *score, struct probity_hit *hit, char *left_name, size_t size,
                        struct probity_error *err)
{
    json_error_t je;
    json_t *a = json_loads(left_json, 0, &je), *b = NULL;
    struct ent_side l, r;
    const char *schema;
    double best = -1, total;
    int rc = 0;
    *score = 0;
    memset(hit, 0, sizeof(*hit));
    if (!a || !json_is_object(a) || !(b = json_loads(right_json, 0, &je)) || !json_is_object(b)) {
        rc = pb__err(err, PROBITY_EPARSE, NULL, 0, 0, "an entity is not a JSON object");
        goto out;
    }
    side_from_json(a, &l);
    side_from_json(b, &r);
    if (size)
        pb__copy(left_name, size, l.nnames ? l.names[0] : "");
    if (!l.nnames || !r.nnames) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "an entity has no name");
        goto out;
    }
    if (l.schema && r.schema && (!probity_schema_exists(l.schema) || !probity_schema_exists(r.schema))) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "unknown schema '%s'",
                     probity_schema_exists(l.schema) ? r.schema : l.schema);
        goto out;
    }
    if (l.schema && r.schema && !pb__schema_compatible(l.schema, r.schema)) {
        char d[160];
        snprintf(d, sizeof(d), "a %s cannot be a %s", l.schema, r.schema);
        total = 0;
        add_feature(hit, "schema", 0.0, d, &total);
        pb__copy(hit->caption, sizeof(hit->caption), r.names[0]);
        pb__copy(hit->matched, sizeof(hit->matched), r.names[0]);
        goto out;
    }
    schema = l.schema && r.schema ? probity_schema_common(l.schema, r.schema) : NULL;
    if (!schema)
        schema = l.schema ? l.schema : r.schema;
    for (size_t i = 0; i < l.nnames; i++)
        for (size_t j = 0; j < r.nnames; j++) {
            struct probity_hit h;
            double s;
            struct probity_error e;
            if (probity_compare_names(ix, l.names[i], r.names[j], schema, &s, &h, &e))
                continue;
            if (s > best) {
                best = s;
                *hit = h;
                if (size)
                    pb__copy(left_name, size, l.names[i]);
            }
        }
    if (best < 0) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "no name of the two entities can be compared");
        goto out;
    }
    total = best;
    if (l.ndates && r.ndates) {
        int lvl = 0;
        char d[160];
        for (size_t i = 0; i < l.ndates; i++)
            for (size_t j = 0; j < r.ndates; j++) {
                uint32_t x = l.dates[i], y = r.dates[j];
                int v = 0;
                if (x / 10000 == y / 10000) {
                    v = 1;
                    if (x / 100 % 100 && x / 100 == y / 100)
                        v = 2 + (x % 100 && x == y);
                }
                if (v > lvl)
                    lvl = v;
            }
        snprintf(d, sizeof(d), lvl ? "birth dates agree to the %s" : "birth years differ",
                 lvl == 3 ? "day" : lvl == 2 ? "month" : "year");
        add_feature(hit, "birth_date", lvl == 3 ? PB_DATE_EXACT : lvl == 2 ? PB_DATE_MONTH : lvl ? PB_DATE_YEAR
                                                                                                  : PB_DATE_CONFLICT,
                    d, &total);
    }
    if (l.nctry && r.nctry) {
        int agree = 0;
        for (size_t i = 0; i < l.nctry; i++)
            for (size_t j = 0; j < r.nctry; j++)
                agree |= strcmp(l.ctry[i], r.ctry[j]) == 0;
        add_feature(hit, "country", agree ? PB_CTRY_MATCH : PB_CTRY_MISMATCH,
                    agree ? "a country agrees" : "the countries differ", &total);
    }
    for (size_t i = 0; i < l.nids; i++) {
        int found = 0;
        for (size_t j = 0; j < r.nids && !found; j++)
            found = strcmp(l.ids[i], r.ids[j]) == 0;
        if (found) {
            char d[160];
            snprintf(d, sizeof(d), "identifier %s on both", l.ids[i]);
            add_feature(hit, "identifier", PB_IDENT_MATCH, d, &total);
            break;
        }
    }
    *score = total > 1 ? 1 : total < 0 ? 0 : total;
    hit->score = *score;
    if (schema)
        pb__copy(hit->schema, sizeof(hit->schema), schema);
out:
    json_decref(a);
    json_decref(b);
    return rc;
}

int pb_compare_pairs(const struct probity_index *ix, const struct pb_pairs_opts *opts, FILE *out, FILE *warn,
                     struct pb_bulk_stats *stats, struct probity_error *err)
{
    char delim;
    int jsonl = looks_jsonl(opts->input, &delim), rc = 0;
    const char *fmt = opts->format ? opts->format : "csv";
    double thr = opts->threshold > 0 ? opts->threshold : PROBITY_DEFAULT_THRESHOLD;
    struct pb_csv *csv = NULL;
    struct pb_input *in = NULL;
    struct pb_buf b = PB_BUF_INIT;
    int cl = -1, cr = -1, cs = -1;
    size_t nheader = 0;
    double t0 = now();
    memset(stats, 0, sizeof(*stats));
    if (jsonl) {
        if ((rc = pb_input_open(&in, opts->input, opts->encoding, err)))
            goto out;
    } else {
        char **f;
        size_t n;
        static const char *const lefts[] = {"name1", "left", "a", "name_a", "query"};
        static const char *const rights[] = {"name2", "right", "b", "name_b", "candidate"};
        if ((rc = pb_csv_open(&csv, opts->input, delim, opts->encoding, err)))
            goto out;
        if ((rc = pb_csv_next(csv, &f, &n, err)) <= 0) {
            rc = rc < 0 ? rc : pb__err(err, PROBITY_EEMPTY, opts->input, 0, 0, "the input is empty");
            goto out;
        }
        rc = 0;
        nheader = n;
        cl = opts->left ? find_col(f, n, opts->left) : -1;
        cr = opts->right ? find_col(f, n, opts->right) : -1;
        for (size_t i = 0; !opts->left && cl < 0 && i < 5; i++)
            cl = find_col(f, n, lefts[i]);
        for (size_t i = 0; !opts->right && cr < 0 && i < 5; i++)
            cr = find_col(f, n, rights[i]);
        if (cl < 0 || cr < 0) {
            rc = pb__err(err, PROBITY_EINVAL, opts->input, 1, 0,
                         "no columns with the two names (name them with --left and --right)");
            goto out;
        }
        cs = opts->schema_column ? find_col(f, n, opts->schema_column) : find_col(f, n, "schema");
        if (opts->schema_column && cs < 0) {
            rc = pb__err(err, PROBITY_EINVAL, opts->input, 1, 0, "no column '%s' in the header", opts->schema_column);
            goto out;
        }
    }
    if (strcmp(fmt, "csv") == 0)
        fputs("row,left,right,schema,score,match,explanation\n", out);
    for (;;) {
        struct probity_hit hit;
        struct probity_error e;
        double score = 0;
        long line, row;
        const char *left = "", *right = "", *schema = opts->schema;
        int r2;
        char expl[2048], lbuf[512];
        probity_error_clear(&e);
        memset(&hit, 0, sizeof(hit));
        if (jsonl) {
            const char *ln;
            size_t len;
            json_error_t je;
            json_t *o;
            r2 = pb_input_line(in, &ln, &len, &e);
            if (r2 == 0)
                break;
            row = ++stats->rows;
            line = pb_input_lineno(in);
            if (r2 < 0) {
                if (r2 != PROBITY_EENCODING) {
                    *err = e;
                    rc = r2;
                    goto out;
                }
                goto skip;
            }
            if (!len) {
                stats->rows--;
                continue;
            }
            o = json_loads(ln, 0, &je);
            if (!o || !json_is_object(json_object_get(o, "left")) || !json_is_object(json_object_get(o, "right"))) {
                snprintf(e.msg, sizeof(e.msg), "%s", o ? "needs {\"left\": entity, \"right\": entity}" : je.text);
                json_decref(o);
                goto skip;
            }
            {
                char *ls = json_dumps(json_object_get(o, "left"), 0), *rs2 = json_dumps(json_object_get(o, "right"), 0);
                r2 = ls && rs2 ? pb_compare_entities(ix, ls, rs2, &score, &hit, lbuf, sizeof(lbuf), &e) : PROBITY_ENOMEM;
                free(ls);
                free(rs2);
            }
            json_decref(o);
            if (r2)
                goto skip;
            left = lbuf;
            right = hit.matched[0] ? hit.matched : hit.caption;
        } else {
            char **f;
            size_t n;
            r2 = pb_csv_next(csv, &f, &n, &e);
            if (r2 == 0)
                break;
            row = ++stats->rows;
            line = r2 > 0 ? pb_csv_lineno(csv) : e.line;
            if (r2 < 0) {
                if (r2 != PROBITY_EPARSE && r2 != PROBITY_EENCODING) {
                    *err = e;
                    rc = r2;
                    goto out;
                }
                goto skip;
            }
            if (n != nheader) {
                snprintf(e.msg, sizeof(e.msg), "%zu fields where the header has %zu", n, nheader);
                goto skip;
            }
            left = f[cl];
            right = f[cr];
            if (cs >= 0 && *f[cs])
                schema = f[cs];
            if (probity_compare_names(ix, left, right, schema, &score, &hit, &e))
                goto skip;
        }
        probity_hit_explain(&hit, expl, sizeof(expl));
        pb_buf_reset(&b);
        if (strcmp(fmt, "jsonl") == 0) {
            rc = pb_buf_addf(&b, "{\"row\":%ld,\"left\":", row) || buf_json_str(&b, left) ||
                 pb_buf_adds(&b, ",\"right\":") || buf_json_str(&b, right) || pb_buf_adds(&b, ",\"schema\":") ||
                 buf_json_str(&b, schema ? schema : (hit.schema[0] ? hit.schema : "any")) ||
                 pb_buf_addf(&b, ",\"score\":%.4f,\"match\":%s,\"explanation\":", score,
                             score >= thr - 1e-9 ? "true" : "false") ||
                 buf_json_str(&b, expl) || pb_buf_adds(&b, "}\n");
        } else {
            rc = pb_buf_addf(&b, "%ld,", row) || buf_csv_field(&b, left) || pb_buf_addc(&b, ',') ||
                 buf_csv_field(&b, right) || pb_buf_addc(&b, ',') ||
                 buf_csv_field(&b, schema ? schema : (hit.schema[0] ? hit.schema : "any")) ||
                 pb_buf_addf(&b, ",%.4f,%s,", score, score >= thr - 1e-9 ? "true" : "false") ||
                 buf_csv_field(&b, expl) || pb_buf_addc(&b, '\n');
        }
        if (rc) {
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        stats->hits += score >= thr - 1e-9;
        if (fwrite(b.s, 1, b.len, out) != b.len) {
            rc = pb__err(err, PROBITY_EIO, NULL, 0, 0, "cannot write the output");
            goto out;
        }
        continue;
    skip:
        stats->skipped++;
        if (warn)
            fprintf(warn, "%s:%ld: row %ld skipped: %s\n", opts->input, line, row, e.msg);
    }
out:
    stats->seconds = now() - t0;
    pb_buf_release(&b);
    pb_csv_close(csv);
    pb_input_close(in);
    return rc;
}
