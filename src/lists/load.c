/* The load driver: detect each file's format, group files into datasets, and run each
 * format's loader inside one store transaction. Loaders only see a sink; this file turns
 * what they emit into store rows, and decides, per dataset, whether a new version is
 * needed at all (same source hashes = nothing to do). */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/core.h"
#include "lists/loader.h"
#include "store/pack.h"
#include "probity/model.h"
#include "text/text.h"

static const char *const formats[] = {"ofac-csv", "ofac-xml", "un-xml", "csl", "dpl",
                                      "ftm", "targets-csv", "csv", NULL};

const char *const *probity_formats(void) { return formats; }

static int (*loader_for(const char *format))(const struct pb_load_args *)
{
    static int (*const fns[])(const struct pb_load_args *) = {
        pb__load_ofac_csv, pb__load_ofac_xml, pb__load_un_xml, pb__load_csl,
        pb__load_dpl,      pb__load_ftm,      pb__load_targets, pb__load_csv};
    for (int i = 0; formats[i]; i++)
        if (strcmp(formats[i], format) == 0)
            return fns[i];
    return NULL;
}

/* A dataset name from a file name: "consolidated.xml" -> "consolidated"; a generic stem
 * ("entities", "sanctions", "consolidated") takes its folder's name in front. */
static const char *stem_name(const char *path)
{
    static char buf[128];
    const char *base = strrchr(path, '/');
    char stem[96], dir[64] = "";
    size_t n = 0;
    base = base ? base + 1 : path;
    for (const char *p = base; *p && *p != '.' && n + 1 < sizeof(stem); p++)
        stem[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    stem[n] = 0;
    if (!strcmp(stem, "entities") || !strcmp(stem, "sanctions") || !strcmp(stem, "targets") ||
        !strcmp(stem, "data") || !strcmp(stem, "list") || !n) {
        const char *end = base > path ? base - 1 : path, *start = end;
        while (start > path && start[-1] != '/')
            start--;
        size_t k = 0;
        for (const char *p = start; p < end && k + 1 < sizeof(dir); p++)
            dir[k++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
        dir[k] = 0;
    }
    snprintf(buf, sizeof(buf), "%.60s%s%.60s", dir, dir[0] && n ? "_" : "", n ? stem : "");
    return buf[0] ? buf : "list";
}

int probity_detect(const char *path, const char **format, const char **dataset, struct probity_error *err)
{
    char head[4097], *p, *nl;
    size_t n;
    struct stat sb;
    FILE *fp;
    *format = *dataset = NULL;
    if (stat(path, &sb) != 0)
        return pb__err(err, PROBITY_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return pb__err(err, PROBITY_EINVAL, path, 0, 0, "is a directory; give the list files inside it");
    if (!(fp = fopen(path, "rb")))
        return pb__err(err, PROBITY_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    n = fread(head, 1, sizeof(head) - 1, fp);
    fclose(fp);
    head[n] = 0;
    p = head;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (n == 0 || !*p)
        return pb__err(err, PROBITY_EEMPTY, path, 0, 0, "empty file");
    if (n >= 2 && (memcmp(head, "\xFF\xFE", 2) == 0 || memcmp(head, "\xFE\xFF", 2) == 0))
        return pb__err(err, PROBITY_EFORMAT, path, 0, 0,
                       "UTF-16 text: convert to UTF-8 or give --format and --encoding");
    if (memchr(head, 0, n))
        return pb__err(err, PROBITY_EFORMAT, path, 0, 0, "binary file, not a list this probity can read");
    if (*p == '<') {
        if (strstr(p, "<sdnList"))
            *format = "ofac-xml", *dataset = strstr(path, "cons") ? "us_ofac_cons" : "us_ofac_sdn";
        else if (strstr(p, "<CONSOLIDATED_LIST"))
            *format = "un-xml", *dataset = "un_sc_sanctions";
        else
            return pb__err(err, PROBITY_EFORMAT, path, 1, 0,
                           "XML of a kind probity does not know (expected an OFAC sdnList or a UN "
                           "CONSOLIDATED_LIST)");
        return 0;
    }
    if (*p == '{' || *p == '[') { /* '[': a JSON array, which the FtM loader explains */
        *format = "ftm";
        *dataset = stem_name(path);
        return 0;
    }
    if ((nl = strpbrk(p, "\r\n")))
        *nl = 0;
    if (strstr(p, "Street_Address") && strchr(p, '\t'))
        *format = "dpl", *dataset = "us_bis_denied";
    else if (strstr(p, "source") && strstr(p, "entity_number") && strstr(p, "alt_names"))
        *format = "csl", *dataset = "us_trade_csl";
    else if ((pb_startswith_ci(p, "\"id\",\"schema\",\"name\"") || pb_startswith_ci(p, "id,schema,name,")) &&
             strstr(p, "aliases"))
        *format = "targets-csv", *dataset = stem_name(path);
    else if (isdigit((unsigned char)*p)) {
        const char *q = p;
        while (isdigit((unsigned char)*q))
            q++;
        if (*q != ',')
            return pb__err(err, PROBITY_EFORMAT, path, 1, 0, "unrecognised format; give --format");
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        *format = "ofac-csv";
        *dataset = pb_startswith_ci(base, "cons_") ? "us_ofac_cons" : "us_ofac_sdn";
    } else {
        *format = "csv";
        *dataset = stem_name(path);
    }
    return 0;
}

/* ---- the sink that writes into the store ---- */

/* ---- the pipeline between a loader and the store ----
 * A loader runs in a thread of its own and its sink checks each entity against the model
 * and turns it into the store's form (store/pack.h) in a batch; the calling thread, which
 * alone touches SQLite, stores the batches. Parsing and storing then overlap on two cores.
 * At most QUEUE_BATCHES batches of about BATCH_BYTES exist at once, so memory stays bounded
 * whatever the file size. A record in a batch: id NUL schema NUL, u32 statement count,
 * u32 length and the packed statements, u32 count and the link-target hashes (i64), u32
 * count and the name-key hashes (i64). */

#define BATCH_BYTES (1u << 20)
#define QUEUE_BATCHES 4

struct batch {
    char *buf;
    size_t len, cap;
};

struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct batch *full[QUEUE_BATCHES], *empty[QUEUE_BATCHES];
    size_t nfull, nempty, head; /* full[] is a ring from head */
    int closed;                 /* the producer is done */
    atomic_int abort;           /* the consumer failed: the producer should stop */
};

static int batch_add(struct batch *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : BATCH_BYTES + 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *q = realloc(b->buf, cap);
        if (!q)
            return -1;
        b->buf = q;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, p, n);
    b->len += n;
    return 0;
}

static int batch_addz(struct batch *b, const char *s) { return batch_add(b, s, strlen(s) + 1); }

static int batch_addu(struct batch *b, uint32_t v) { return batch_add(b, &v, sizeof(v)); }

/* Producer: hand over the full batch *b and put an empty one in its place. Non-zero when the
 * consumer gave up (the batch then stays with the producer) or memory ran out (*b NULL). */
static int pipe_push(struct pipe *p, struct batch **b)
{
    struct batch *e = NULL;
    int stop;
    pthread_mutex_lock(&p->mu);
    while (p->nfull == QUEUE_BATCHES && !atomic_load(&p->abort))
        pthread_cond_wait(&p->cv, &p->mu);
    if (!(stop = atomic_load(&p->abort))) {
        p->full[(p->head + p->nfull++) % QUEUE_BATCHES] = *b;
        if (p->nempty)
            e = p->empty[--p->nempty];
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    if (stop)
        return PROBITY_ESTORE;
    if (!e && !(e = calloc(1, sizeof(*e)))) {
        *b = NULL;
        return PROBITY_ENOMEM;
    }
    e->len = 0;
    *b = e;
    return 0;
}

/* Consumer: the next full batch, or NULL once the producer is done and all are taken. */
static struct batch *pipe_take(struct pipe *p)
{
    struct batch *b = NULL;
    pthread_mutex_lock(&p->mu);
    while (!p->nfull && !p->closed)
        pthread_cond_wait(&p->cv, &p->mu);
    if (p->nfull) {
        b = p->full[p->head];
        p->head = (p->head + 1) % QUEUE_BATCHES;
        p->nfull--;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return b;
}

static void pipe_give_back(struct pipe *p, struct batch *b)
{
    pthread_mutex_lock(&p->mu);
    if (p->nempty < QUEUE_BATCHES) {
        p->empty[p->nempty++] = b;
        b = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    if (b) {
        free(b->buf);
        free(b);
    }
}

struct sink_ctx {
    struct probity_store *st;
    int64_t vid;
    FILE *warn;
    long warnings;
    char published[40];
    struct pb_map known;   /* "schema\tprop" pairs already checked against the model */
    struct pipe *pipe;
    struct batch *cur;     /* the batch the producer is filling */
    struct pb_buf pack;    /* the producer's scratch for packing statements */
    const struct probity_prop **scratch;
    size_t nscratch;
    int64_t *refs;         /* the producer's scratch for link-target hashes */
    size_t nrefs_cap;
};

/* The FtM type of the property on the schema, or NULL when the schema has no such
 * property; answers are cached per load. */
static const char *prop_type(struct sink_ctx *c, const char *schema, const char *prop)
{
    char key[256];
    void **ref;
    const char *t;
    size_t ls = strlen(schema), lp = strlen(prop);
    if (ls + lp + 2 > sizeof(key))
        return probity_prop_type(schema, prop);
    memcpy(key, schema, ls);
    key[ls] = '\t';
    memcpy(key + ls + 1, prop, lp + 1);
    if ((ref = pb_map_ref(&c->known, key)))
        return *ref;
    t = probity_prop_type(schema, prop);
    pb_map_put(&c->known, key, (void *)t);
    return t;
}

/* Producer side of the sink: check the entity against the model and put it into the batch
 * in the store's form (pack.h): statements packed, hashes of link targets and name keys. */
static int sink_emit(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err)
{
    struct sink_ctx *c = s->ctx;
    struct batch *b = c->cur;
    uint32_t nrefs = 0, nkeys = 0;
    size_t at;
    long count;
    int rc = 0;
    if (!e->id || !*e->id)
        return pb__err(err, PROBITY_EPARSE, NULL, 0, 0, "entity without an id");
    if (!probity_schema_exists(e->schema))
        return pb__err(err, PROBITY_ESCHEMA, NULL, 0, 0, "entity %s: unknown FtM schema '%s'", e->id, e->schema);
    for (size_t i = 0; i < e->nprops; i++) {
        const char *type = prop_type(c, e->schema, e->props[i].prop);
        if (!type)
            return pb__err(err, PROBITY_ESCHEMA, NULL, 0, 0, "entity %s: FtM schema %s has no property '%s'",
                           e->id, e->schema, e->props[i].prop);
        if (strcmp(type, "entity") != 0)
            continue;
        if (nrefs == c->nrefs_cap) {
            size_t cap = c->nrefs_cap ? c->nrefs_cap * 2 : 16;
            int64_t *r = realloc(c->refs, cap * sizeof(*r));
            if (!r)
                goto nomem;
            c->refs = r;
            c->nrefs_cap = cap;
        }
        c->refs[nrefs++] = pb__key_hash(e->props[i].value);
    }
    if ((count = pb__pack_statements(&c->pack, e->props, e->nprops, &c->scratch, &c->nscratch)) < 0 ||
        batch_addz(b, e->id) || batch_addz(b, e->schema) || batch_addu(b, (uint32_t)count) ||
        batch_addu(b, (uint32_t)c->pack.len) || batch_add(b, c->pack.s, c->pack.len))
        goto nomem;
    if (batch_addu(b, nrefs) || (nrefs && batch_add(b, c->refs, nrefs * sizeof(*c->refs))))
        goto nomem;
    at = b->len;
    if (batch_addu(b, 0))
        goto nomem;
    for (size_t i = 0; i < e->nprops; i++) {
        char *key;
        int64_t h;
        if (!pb_is_name_prop(e->props[i].prop))
            continue;
        if (!(key = pb_name_key(e->props[i].value)))
            goto nomem;
        if (*key) {
            h = pb__key_hash(key);
            rc = batch_add(b, &h, sizeof(h));
            nkeys++;
        }
        free(key);
        if (rc)
            goto nomem;
    }
    memcpy(b->buf + at, &nkeys, sizeof(nkeys));
    if (b->len >= BATCH_BYTES && (rc = pipe_push(c->pipe, &c->cur)))
        return rc == PROBITY_ENOMEM ? pb__err(err, rc, NULL, 0, 0, "out of memory")
                                    : pb__err(err, rc, NULL, 0, 0, "stopped: the store failed");
    return 0;
nomem:
    return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
}

static uint32_t read_u32(const char **p)
{
    uint32_t v;
    memcpy(&v, *p, sizeof(v));
    *p += sizeof(v);
    return v;
}

static const char *read_z(const char **p)
{
    const char *s = *p;
    *p += strlen(s) + 1;
    return s;
}

/* n hashes from the batch into the aligned array *h (grown as needed). */
static int read_hashes(const char **p, uint32_t n, int64_t **h, size_t *cap)
{
    if (n > *cap) {
        int64_t *q = realloc(*h, n * sizeof(*q));
        if (!q)
            return -1;
        *h = q;
        *cap = n;
    }
    if (n)
        memcpy(*h, *p, n * sizeof(**h));
    *p += n * sizeof(**h);
    return 0;
}

/* Consumer: store every record of a batch. */
static int store_batch(struct sink_ctx *c, const struct batch *b, struct probity_error *err)
{
    const char *p = b->buf, *end = b->buf + b->len;
    int64_t *refs = NULL, *names = NULL;
    size_t crefs = 0, cnames = 0;
    int rc = 0;
    while (!rc && p < end) {
        struct pb_packed k;
        uint32_t n;
        k.id = read_z(&p);
        k.schema = read_z(&p);
        k.count = (long)read_u32(&p);
        k.len = read_u32(&p);
        k.stmts = p;
        p += k.len;
        n = read_u32(&p);
        if (read_hashes(&p, n, &refs, &crefs))
            goto nomem;
        k.refs = refs;
        k.nrefs = n;
        n = read_u32(&p);
        if (read_hashes(&p, n, &names, &cnames))
            goto nomem;
        k.names = names;
        k.nnames = n;
        rc = pb__store_put_packed(c->st, c->vid, &k, err);
    }
    free(refs);
    free(names);
    return rc;
nomem:
    free(refs);
    free(names);
    return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
}

static void sink_published(struct pb_sink *s, const char *date);
static void sink_warn(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

struct producer {
    int (*load)(const struct pb_load_args *);
    struct pb_load_args args;
    struct sink_ctx *c;
    struct probity_error err;
    int rc;
};

static void *produce(void *arg)
{
    struct producer *pr = arg;
    struct sink_ctx *c = pr->c;
    pr->rc = pr->load(&pr->args);
    if (!pr->rc && c->cur && c->cur->len)
        pr->rc = pipe_push(c->pipe, &c->cur) ? pb__err(&pr->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory") : 0;
    pthread_mutex_lock(&c->pipe->mu);
    c->pipe->closed = 1;
    pthread_cond_broadcast(&c->pipe->cv);
    pthread_mutex_unlock(&c->pipe->mu);
    return NULL;
}

/* Run one loader on its files, its output stored as it comes. */
static int run_loader(struct sink_ctx *c, int (*load)(const struct pb_load_args *), const char *const *paths,
                      size_t np, const struct probity_load_opts *opts, struct probity_error *err)
{
    struct pb_sink sink = {sink_emit, sink_published, sink_warn, c};
    struct pipe pipe;
    struct producer pr;
    struct batch *b;
    pthread_t th;
    int rc = 0;
    memset(&pipe, 0, sizeof(pipe));
    memset(&pr, 0, sizeof(pr));
    pthread_mutex_init(&pipe.mu, NULL);
    pthread_cond_init(&pipe.cv, NULL);
    atomic_init(&pipe.abort, 0);
    c->pipe = &pipe;
    if (!(c->cur = calloc(1, sizeof(*c->cur)))) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    pr.load = load;
    pr.args = (struct pb_load_args){paths, np, opts, &sink, &pr.err};
    pr.c = c;
    if (pthread_create(&th, NULL, produce, &pr) != 0) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "cannot start a thread");
        goto out;
    }
    while ((b = pipe_take(&pipe))) {
        if (!rc && (rc = store_batch(c, b, err))) {
            /* stop the producer; what it still sends is dropped */
            pthread_mutex_lock(&pipe.mu);
            atomic_store(&pipe.abort, 1);
            pthread_cond_broadcast(&pipe.cv);
            pthread_mutex_unlock(&pipe.mu);
        }
        pipe_give_back(&pipe, b);
    }
    pthread_join(th, NULL);
    if (!rc && pr.rc) {
        *err = pr.err;
        rc = pr.rc;
    }
out:
    if (c->cur) {
        free(c->cur->buf);
        free(c->cur);
        c->cur = NULL;
    }
    for (size_t i = 0; i < pipe.nempty; i++) {
        free(pipe.empty[i]->buf);
        free(pipe.empty[i]);
    }
    for (size_t i = 0; i < pipe.nfull; i++) {
        struct batch *f = pipe.full[(pipe.head + i) % QUEUE_BATCHES];
        free(f->buf);
        free(f);
    }
    pthread_cond_destroy(&pipe.cv);
    pthread_mutex_destroy(&pipe.mu);
    c->pipe = NULL;
    return rc;
}

static void sink_published(struct pb_sink *s, const char *date)
{
    struct sink_ctx *c = s->ctx;
    char iso[11];
    if (!date || !*date)
        return;
    if (pb_date_iso(date, iso) == 0 && strlen(date) <= 10)
        snprintf(c->published, sizeof(c->published), "%s", iso);
    else
        snprintf(c->published, sizeof(c->published), "%s", date);
}

#define MAX_SHOWN_WARNINGS 20

static void sink_warn(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
{
    struct sink_ctx *c = s->ctx;
    va_list ap;
    if (c->warn && c->warnings < MAX_SHOWN_WARNINGS) {
        if (file)
            fprintf(c->warn, line > 0 ? "%s:%ld: " : "%s: ", file, line);
        fputs("warning: ", c->warn);
        va_start(ap, fmt);
        vfprintf(c->warn, fmt, ap);
        va_end(ap);
        fputc('\n', c->warn);
    }
    c->warnings++;
}

/* ---- the driver ---- */

struct job {
    const char *path, *format, *dataset;
    char sha[65];
    int64_t size;
    int done;
};

static int count_change(void *ctx, const struct probity_diff_entry *d)
{
    struct probity_load_result *r = ctx;
    if (!probity_schema_is_target(d->schema))
        return 0;
    if (d->change == PROBITY_ADDED)
        r->added++;
    else if (d->change == PROBITY_REMOVED)
        r->removed++;
    else
        r->changed++;
    return 0;
}

void probity_load_report_release(struct probity_load_report *r)
{
    free(r->results);
    r->results = NULL;
    r->n = 0;
}

static int load_dataset(struct probity_store *st, struct job *jobs, size_t njobs, const char *dataset,
                        const struct probity_load_opts *opts, FILE *warn, struct probity_load_result *res,
                        struct probity_error *err)
{
    struct sink_ctx sc = {st, 0, warn, 0, "", PB_MAP_INIT, NULL, NULL, PB_BUF_INIT, NULL, 0, NULL, 0};
    struct probity_version prev;
    const char **shas = NULL, **paths = NULL;
    size_t nmine = 0;
    int rc = 0, have_prev;
    memset(res, 0, sizeof(*res));
    shas = calloc(njobs, sizeof(*shas));
    paths = calloc(njobs, sizeof(*paths));
    if (!shas || !paths) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < njobs; i++)
        if (!jobs[i].done && strcmp(jobs[i].dataset, dataset) == 0)
            shas[nmine++] = jobs[i].sha;
    have_prev = probity_store_version_get(st, dataset, 0, &prev, NULL) == 0;
    if (have_prev && !opts->force && probity_store_same_sources(st, dataset, shas, nmine)) {
        res->version = prev;
        res->unchanged = 1;
        for (size_t i = 0; i < njobs; i++)
            if (strcmp(jobs[i].dataset, dataset) == 0)
                jobs[i].done = 1;
        goto out;
    }
    {
        /* the version's format: every format among its files, joined with '+' */
        char fmt[64] = "";
        for (size_t i = 0; i < njobs; i++) {
            if (jobs[i].done || strcmp(jobs[i].dataset, dataset) != 0 || strstr(fmt, jobs[i].format))
                continue;
            size_t l = strlen(fmt);
            snprintf(fmt + l, sizeof(fmt) - l, "%s%s", l ? "+" : "", jobs[i].format);
        }
        if ((rc = probity_store_version_new(st, dataset, fmt, &sc.vid, err)))
            goto out;
    }
    /* run each format's loader on its files, in the order the files were given */
    for (size_t i = 0; i < njobs; i++) {
        if (jobs[i].done || strcmp(jobs[i].dataset, dataset) != 0)
            continue;
        size_t np = 0;
        const char *format = jobs[i].format;
        for (size_t k = i; k < njobs; k++) {
            if (!jobs[k].done && strcmp(jobs[k].dataset, dataset) == 0 && strcmp(jobs[k].format, format) == 0) {
                paths[np++] = jobs[k].path;
                jobs[k].done = 1;
                if ((rc = probity_store_version_file(st, sc.vid, jobs[k].path, jobs[k].sha, jobs[k].size, err)))
                    goto out;
            }
        }
        if ((rc = run_loader(&sc, loader_for(format), paths, np, opts, err)))
            goto out;
    }
    if (sc.published[0] && (rc = probity_store_version_published(st, sc.vid, sc.published, err)))
        goto out;
    if ((rc = probity_store_version_finish(st, sc.vid, &res->version, err)))
        goto out;
    if (res->version.records == 0) {
        rc = pb__err(err, PROBITY_EEMPTY, paths[0], 0, 0, "no records found");
        goto out;
    }
    res->warnings = sc.warnings;
    if (warn && sc.warnings > MAX_SHOWN_WARNINGS)
        fprintf(warn, "warning: %ld more warnings for %s not shown\n", sc.warnings - MAX_SHOWN_WARNINGS, dataset);
    if (have_prev && (rc = probity_store_diff(st, prev.id, sc.vid, count_change, res, err)))
        goto out;
    if (!have_prev)
        res->added = res->version.entities;
out:
    pb_map_release(&sc.known, NULL);
    pb_buf_release(&sc.pack);
    free(sc.scratch);
    free(sc.refs);
    free(shas);
    free(paths);
    return rc;
}

int probity_load(struct probity_store *st, const char *const *paths, size_t npaths,
                 const struct probity_load_opts *opts, FILE *warn, struct probity_load_report *report,
                 struct probity_error *err)
{
    struct job *jobs = calloc(npaths ? npaths : 1, sizeof(*jobs));
    struct probity_load_opts defaults;
    int rc = 0, began = 0;
    memset(report, 0, sizeof(*report));
    if (!opts) {
        memset(&defaults, 0, sizeof(defaults));
        opts = &defaults;
    }
    if (!jobs)
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    if (npaths == 0) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "no files to load");
        goto out;
    }
    if (opts->format && !loader_for(opts->format)) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                     "unknown format '%s' (one of: ofac-csv, ofac-xml, un-xml, csl, dpl, ftm, targets-csv, csv)",
                     opts->format);
        goto out;
    }
    for (size_t i = 0; i < npaths; i++) {
        const char *fmt, *ds;
        jobs[i].path = paths[i];
        if ((rc = probity_detect(paths[i], &fmt, &ds, err))) {
            /* a forced format may still read what detection does not know, but never an
             * unreadable, empty or binary file */
            if (!opts->format || rc == PROBITY_EIO || rc == PROBITY_EEMPTY || rc == PROBITY_EINVAL ||
                strstr(err->msg, "binary"))
                goto out;
            rc = 0;
            ds = stem_name(paths[i]);
        }
        jobs[i].format = opts->format ? opts->format : fmt;
        jobs[i].dataset = opts->dataset ? opts->dataset : pb_strdup(ds);
        if (!jobs[i].dataset) {
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        if ((rc = pb_sha256_file(paths[i], jobs[i].sha, &jobs[i].size, err)))
            goto out;
    }
    if ((rc = probity_store_begin(st, err)))
        goto out;
    began = 1;
    for (size_t i = 0; i < npaths; i++) {
        struct probity_load_result *r;
        if (jobs[i].done)
            continue;
        r = realloc(report->results, (report->n + 1) * sizeof(*r));
        if (!r) {
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        report->results = r;
        if ((rc = load_dataset(st, jobs, npaths, jobs[i].dataset, opts, warn, &r[report->n], err)))
            goto out;
        report->n++;
    }
    rc = probity_store_commit(st, err);
out:
    if (rc && began)
        probity_store_rollback(st);
    if (rc)
        probity_load_report_release(report);
    for (size_t i = 0; i < npaths; i++)
        if (!opts->dataset)
            free((char *)jobs[i].dataset);
    free(jobs);
    return rc;
}
