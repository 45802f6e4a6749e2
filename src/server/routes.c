/* The handlers behind the route table, except /screen (screen.c): probes, datasets,
 * yente-compatible /match, name search with facets, entities with their adjacent
 * entities, and OpenRefine reconciliation. Each takes a reference on the current index
 * for its whole run and a store connection from the pool when it needs entity details. */
#include <stdlib.h>
#include <string.h>
#include "probity/model.h"
#include "server/server_int.h"

#ifndef PROBITY_VERSION
#define PROBITY_VERSION "0.0.0"
#endif

#define DEFAULT_MATCH_LIMIT 5
#define DEFAULT_SEARCH_LIMIT 10
#define DEFAULT_RECON_LIMIT 5
#define SEARCH_POOL 100      /* hits a search looks at for its facets */
#define MAX_RESOLVE 100      /* linked entities resolved for one /entities answer */

/* The schemata a query may name (defaultTypes of the reconciliation manifest). */
static const char *const matchable[] = {"Person", "Organization", "Company", "LegalEntity", "PublicBody",
                                        "Vessel", "Airplane", NULL};

/* Algorithm names a yente client may send; all are answered by probity's matcher. */
static const char *const algorithms[] = {"probity", "best", "default", "logic-v1", "logic-v2", "name-based",
                                         "name-qualified", "regression-v1", "regression-v2", NULL};

/* ---- JSON of entities and hits ---- */

static const char *caption_of(const struct probity_entity *e)
{
    const char *cp = probity_schema_caption_prop(e->schema);
    const char *v = cp ? probity_entity_first(e, cp) : NULL;
    if (!v)
        v = probity_entity_first(e, "name");
    return v ? v : e->id;
}

static json_t *props_json(const struct probity_entity *e)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < e->nprops; i++) {
        json_t *arr = json_object_get(o, e->props[i].prop);
        if (!arr) {
            arr = json_array();
            if (json_object_set_new(o, e->props[i].prop, arr))
                continue;
        }
        json_array_append_new(arr, json_string(e->props[i].value));
    }
    return o;
}

/* "a,b" -> ["a", "b"] */
static json_t *csv_json(const char *csv)
{
    json_t *a = json_array();
    const char *p = csv;
    while (a && p && *p) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n)
            json_array_append_new(a, json_stringn(p, n));
        p = c ? c + 1 : NULL;
    }
    return a;
}

static json_t *entity_json(const struct probity_entity *e, json_t *datasets)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:[], s:b}", "id", e->id, "caption", caption_of(e), "schema",
                     e->schema, "properties", props_json(e), "datasets", datasets ? datasets : json_array(),
                     "referents", "target", probity_schema_is_target(e->schema));
}

/* The JSON text of a hit's entity without its closing brace: from the state's cache
 * (borrowed; valid while the state is held), else built from the store (or, when the entity
 * left the store since the index was built, from the index alone) and cached. When the
 * cache is full the text goes to *owned for the caller to free. */
static const char *entity_text(struct pb_req *r, struct pb_state *st, struct probity_store **store,
                               const struct probity_hit *h, char **owned)
{
    struct probity_entity e;
    struct probity_error err;
    char *text, *have;
    size_t n;
    json_t *j = NULL;
    *owned = NULL;
    pthread_rwlock_rdlock(&st->cache_lock);
    text = pb_map_get(&st->cache, h->id);
    pthread_rwlock_unlock(&st->cache_lock);
    if (text)
        return text;
    probity_entity_init(&e);
    if (!*store)
        *store = pb__pool_get(&r->srv->pool, &err);
    if (*store && probity_store_get(*store, h->id, &e, NULL, 0, &err) == 0)
        j = entity_json(&e, csv_json(h->datasets));
    else
        j = json_pack("{s:s, s:s, s:s, s:{}, s:o, s:[], s:b}", "id", h->id, "caption", h->caption, "schema", h->schema,
                      "properties", "datasets", csv_json(h->datasets), "referents", "target", 1);
    probity_entity_release(&e);
    text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text || !(n = strlen(text)))
        return NULL;
    text[n - 1] = 0; /* the caller appends the score and closes the object */
    pthread_rwlock_wrlock(&st->cache_lock);
    if ((have = pb_map_get(&st->cache, h->id))) {
        pthread_rwlock_unlock(&st->cache_lock);
        free(text);
        return have;
    }
    if (st->cache_bytes + n < PB_CACHE_MAX_BYTES && pb_map_put(&st->cache, h->id, text) == 0) {
        st->cache_bytes += n + strlen(h->id) + 32;
        pthread_rwlock_unlock(&st->cache_lock);
        return text;
    }
    pthread_rwlock_unlock(&st->cache_lock);
    *owned = text;
    return text;
}

/* Append a scored result as /match gives it: the entity with score, match, yente's
 * "features" (name -> contribution) and the explanation. Non-zero when memory ran out. */
static int hit_text(struct pb_buf *b, const char *entity, const struct probity_hit *h, double threshold)
{
    char text[2048];
    int bad = 0;
    size_t k, k2;
    bad |= pb_buf_adds(b, entity);
    bad |= pb_buf_adds(b, ",\"score\":");
    pb__buf_real(b, h->score);
    bad |= pb_buf_adds(b, h->score >= threshold ? ",\"match\":true,\"features\":{" : ",\"match\":false,\"features\":{");
    for (k = 0; k < h->nfeatures; k++) {
        double sum = 0;
        for (k2 = 0; k2 < k && strcmp(h->features[k2].name, h->features[k].name) != 0; k2++)
            ;
        if (k2 < k)
            continue; /* already summed */
        for (k2 = k; k2 < h->nfeatures; k2++)
            if (strcmp(h->features[k2].name, h->features[k].name) == 0)
                sum += h->features[k2].contribution;
        if (k)
            bad |= pb_buf_addc(b, ',');
        pb__buf_json_str(b, h->features[k].name);
        bad |= pb_buf_addc(b, ':');
        pb__buf_real(b, sum);
    }
    probity_hit_explain(h, text, sizeof(text));
    bad |= pb_buf_adds(b, "},\"explanation\":{\"summary\":");
    pb__buf_json_str(b, text);
    bad |= pb_buf_adds(b, ",\"matched_name\":");
    pb__buf_json_str(b, h->matched);
    bad |= pb_buf_adds(b, ",\"tokens\":[");
    for (k = 0; k < h->nalign; k++) {
        bad |= pb_buf_adds(b, k ? ",{\"query\":" : "{\"query\":");
        pb__buf_json_str(b, h->align[k].query);
        bad |= pb_buf_adds(b, ",\"name\":");
        pb__buf_json_str(b, h->align[k].name);
        bad |= pb_buf_adds(b, ",\"similarity\":");
        pb__buf_real(b, h->align[k].similarity);
        bad |= pb_buf_adds(b, ",\"weight\":");
        pb__buf_real(b, h->align[k].weight);
        bad |= pb_buf_addc(b, '}');
    }
    bad |= pb_buf_adds(b, "],\"features\":[");
    for (k = 0; k < h->nfeatures; k++) {
        bad |= pb_buf_adds(b, k ? ",{\"name\":" : "{\"name\":");
        pb__buf_json_str(b, h->features[k].name);
        bad |= pb_buf_adds(b, ",\"contribution\":");
        pb__buf_real(b, h->features[k].contribution);
        bad |= pb_buf_adds(b, ",\"detail\":");
        pb__buf_json_str(b, h->features[k].detail);
        bad |= pb_buf_addc(b, '}');
    }
    bad |= pb_buf_adds(b, "]}}");
    return bad;
}

/* ---- screening several names of one query ---- */

static int hit_cmp(const void *a, const void *b)
{
    const struct probity_hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->id, y->id);
}

void pb__hits_release(struct pb_hits *m)
{
    free(m->h);
    memset(m, 0, sizeof(*m));
}

int pb__screen_query(const struct probity_index *ix, const struct pb_api_query *q, const char *dataset,
                     double cutoff, int limit, struct pb_hits *m, struct probity_error *err)
{
    struct probity_error first;
    int ok = 0, rc = 0;
    memset(m, 0, sizeof(*m));
    probity_error_clear(&first);
    for (size_t i = 0; i < q->nnames; i++) {
        struct probity_query pq;
        struct probity_result res;
        struct probity_error e;
        memset(&pq, 0, sizeof(pq));
        pq.name = q->names[i];
        pq.schema = q->schema;
        pq.countries = (const char *const *)q->countries;
        pq.ncountries = q->ncountries;
        pq.birth_date = q->birth_date;
        pq.ids = (const char *const *)q->ids;
        pq.nids = q->nids;
        if (dataset) {
            pq.datasets = &dataset;
            pq.ndatasets = 1;
        }
        pq.threshold = cutoff;
        pq.limit = limit + 1;
        probity_error_clear(&e);
        if ((rc = probity_screen(ix, &pq, &res, &e))) {
            if (rc == PROBITY_ENOMEM) {
                *err = e;
                pb__hits_release(m);
                return rc;
            }
            if (!first.code) {
                first = e;
                first.code = rc;
            }
            continue;
        }
        ok = 1;
        if (res.n > (size_t)limit)
            m->truncated = 1;
        for (size_t k = 0; k < res.n; k++) {
            size_t j;
            for (j = 0; j < m->n; j++)
                if (strcmp(m->h[j].id, res.hits[k].id) == 0)
                    break;
            if (j < m->n) {
                if (res.hits[k].score > m->h[j].score)
                    m->h[j] = res.hits[k];
                continue;
            }
            if (m->n == m->cap) {
                size_t cap = m->cap ? 2 * m->cap : 8;
                struct probity_hit *nh = realloc(m->h, cap * sizeof(*nh));
                if (!nh) {
                    probity_result_release(&res);
                    pb__hits_release(m);
                    return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
                }
                m->h = nh;
                m->cap = cap;
            }
            m->h[m->n++] = res.hits[k];
        }
        probity_result_release(&res);
    }
    if (!ok) {
        *err = first;
        return first.code ? first.code : PROBITY_EINVAL;
    }
    if (m->n > 1)
        qsort(m->h, m->n, sizeof(*m->h), hit_cmp);
    if (m->n > (size_t)limit) {
        m->n = (size_t)limit;
        m->truncated = 1;
    }
    return 0;
}

/* ---- shared parameter handling ---- */

struct params {
    double threshold, cutoff;
    long limit;
};

static int read_params(struct pb_req *r, struct pb_reply *out, long def_limit, double def_cutoff, struct params *p)
{
    const char *v;
    p->threshold = PROBITY_DEFAULT_THRESHOLD;
    p->limit = def_limit;
    if ((v = pb__arg(r, "threshold")) && pb__param_double(v, 0, 1, &p->threshold)) {
        pb__reply_error(out, 400, "threshold must be a number from 0 to 1, not '%.40s'", v);
        return -1;
    }
    p->cutoff = def_cutoff > 0 ? def_cutoff : p->threshold;
    if ((v = pb__arg(r, "cutoff")) && pb__param_double(v, 0, 1, &p->cutoff)) {
        pb__reply_error(out, 400, "cutoff must be a number from 0 to 1, not '%.40s'", v);
        return -1;
    }
    if (p->cutoff > p->threshold)
        p->cutoff = p->threshold;
    if (p->cutoff < PB_MIN_CUTOFF)
        p->cutoff = PB_MIN_CUTOFF;
    if ((v = pb__arg(r, "limit")) && pb__param_int(v, 1, r->srv->o.max_limit, &p->limit)) {
        pb__reply_error(out, 400, "limit must be an integer from 1 to %d, not '%.40s'", r->srv->o.max_limit, v);
        return -1;
    }
    if ((v = pb__arg(r, "algorithm"))) {
        int known = 0;
        for (const char *const *a = algorithms; *a; a++)
            known |= strcmp(*a, v) == 0;
        if (!known) {
            pb__reply_error(out, 400, "unknown algorithm '%.40s' (this server answers with 'probity'; yente's names "
                                      "are accepted as aliases)", v);
            return -1;
        }
    }
    return 0;
}

/* The dataset of a path ("default" and "all" = every dataset): 0, or a 404 reply. */
static int read_dataset(struct pb_req *r, struct pb_reply *out, const struct pb_state *st, const char **dataset)
{
    const char *d = r->param;
    *dataset = NULL;
    if (!d || !*d || strcmp(d, "default") == 0 || strcmp(d, "all") == 0)
        return 0;
    if (!pb__state_has_dataset(st, d)) {
        struct pb_buf known = PB_BUF_INIT;
        for (size_t i = 0; i < st->nversions; i++)
            pb_buf_addf(&known, "%s%s", i ? ", " : "", st->versions[i].dataset);
        pb__reply_error(out, 404, "no dataset '%.100s' (known: default, %s)", d, pb_buf_str(&known));
        pb_buf_release(&known);
        return -1;
    }
    *dataset = d;
    return 0;
}

static struct pb_state *need_state(struct pb_req *r, struct pb_reply *out)
{
    struct pb_state *st = pb__state_acquire(r->srv);
    if (!st)
        pb__reply_error(out, 503, "the index is not ready yet; see /readyz");
    return st;
}

static struct probity_store *need_store(struct pb_req *r, struct pb_reply *out)
{
    struct probity_error err;
    struct probity_store *st = pb__pool_get(&r->srv->pool, &err);
    if (!st)
        pb__reply_error(out, 500, "the store cannot be opened: %s", err.msg);
    return st;
}

/* The "matcher" member of /match answers, minus its closing brace (it never changes). */
static const char matcher_text[] =
    "{\"name\":\"probity\",\"version\":\"" PROBITY_VERSION "\",\"features\":{"
    "\"name\":{\"description\":\"similarity of the best aligned name tokens, weighted by their rarity in the lists\"},"
    "\"birth_date\":{\"description\":\"birth date agreement (year, month, day), negative when it conflicts\"},"
    "\"country\":{\"description\":\"a country of the query among the entity's countries, negative when none agrees\"},"
    "\"identifier\":{\"description\":\"an identifier of the query listed for the entity\"}}";

/* ---- probes and catalogue ---- */

void pb__h_root(struct pb_req *r, struct pb_reply *out)
{
    (void)r;
    out->json = json_pack("{s:s, s:s, s:[s,s,s,s,s,s,s,s,s,s,s]}", "name", "probity", "version", PROBITY_VERSION,
                          "endpoints", "GET /healthz", "GET /readyz", "GET /datasets", "POST /match/{dataset}",
                          "GET /search/{dataset}", "GET /entities/{id}", "GET /reconcile", "POST /reconcile",
                          "POST /screen", "POST /admin/reload", "GET /");
}

void pb__h_healthz(struct pb_req *r, struct pb_reply *out)
{
    out->json = json_pack("{s:s, s:I}", "status", "ok", "uptime_s", (json_int_t)(time(NULL) - r->srv->started));
}

struct stale_ctx {
    const struct pb_state *st;
    int stale;
};

static int check_stale(void *ctx, const struct probity_version *v)
{
    struct stale_ctx *c = ctx;
    int found = 0;
    if (!v->current)
        return 0;
    for (size_t i = 0; i < c->st->nversions; i++)
        if (strcmp(c->st->versions[i].dataset, v->dataset) == 0)
            found = c->st->versions[i].id == v->id;
    if (!found)
        c->stale = 1;
    return 0;
}

void pb__h_readyz(struct pb_req *r, struct pb_reply *out)
{
    struct probity_server *s = r->srv;
    struct pb_state *st = pb__state_acquire(s);
    struct probity_store *store;
    struct probity_error err;
    struct stale_ctx sc;
    char last_error[512];
    int running;
    json_t *ds;
    pthread_mutex_lock(&s->rl_lock);
    snprintf(last_error, sizeof(last_error), "%s", s->last_error);
    running = s->rl_running || s->rl_pending;
    pthread_mutex_unlock(&s->rl_lock);
    if (!st) {
        out->status = 503;
        out->json = json_pack("{s:s, s:i, s:b}", "status", last_error[0] ? "failed" : "loading", "status_code", 503,
                              "reloading", running);
        if (last_error[0])
            json_object_set_new(out->json, "detail", json_string(last_error));
        return;
    }
    ds = json_array();
    for (size_t i = 0; i < st->nversions; i++)
        json_array_append_new(ds, json_pack("{s:s, s:i, s:s, s:I}", "name", st->versions[i].dataset, "version",
                                            st->versions[i].seq, "published", st->versions[i].published,
                                            "entities", (json_int_t)st->versions[i].entities));
    sc.st = st;
    sc.stale = 0;
    if ((store = pb__pool_get(&s->pool, &err))) {
        probity_store_versions(store, NULL, check_stale, &sc, &err);
        pb__pool_put(&s->pool, store);
    }
    out->json = json_pack("{s:s, s:{s:I, s:s, s:f, s:I, s:I}, s:o, s:b, s:b}", "status", "ready", "index",
                          "generation", (json_int_t)st->generation, "built_at", st->built_at, "build_ms",
                          (double)(long)(st->build_ms * 10) / 10, "entities",
                          (json_int_t)probity_index_entities(st->ix), "names", (json_int_t)probity_index_names(st->ix),
                          "datasets", ds, "stale", sc.stale, "reloading", running);
    if (last_error[0])
        json_object_set_new(out->json, "last_error", json_string(last_error));
    pb__state_release(st);
}

struct ds_ctx {
    json_t *list;
    const struct pb_state *st;
};

static int add_version(void *ctx, const struct probity_version *v)
{
    struct ds_ctx *c = ctx;
    json_t *last = json_array_size(c->list) ? json_array_get(c->list, json_array_size(c->list) - 1) : NULL;
    json_t *ver;
    int indexed = 0;
    for (size_t i = 0; i < c->st->nversions; i++)
        indexed |= c->st->versions[i].id == v->id;
    ver = json_pack("{s:i, s:b, s:b, s:s, s:s, s:s, s:I, s:I, s:I}", "version", v->seq, "current", v->current,
                    "indexed", indexed, "format", v->format, "published", v->published, "loaded_at", v->loaded_at,
                    "entities", (json_int_t)v->entities, "records", (json_int_t)v->records, "statements",
                    (json_int_t)v->statements);
    if (!last || strcmp(json_string_value(json_object_get(last, "name")), v->dataset) != 0) {
        last = json_pack("{s:s, s:n, s:[]}", "name", v->dataset, "current", "versions");
        json_array_append_new(c->list, last);
    }
    if (v->current)
        json_object_set(last, "current", ver);
    json_array_append_new(json_object_get(last, "versions"), ver);
    return 0;
}

void pb__h_datasets(struct pb_req *r, struct pb_reply *out)
{
    struct pb_state *st = need_state(r, out);
    struct probity_store *store = st ? need_store(r, out) : NULL;
    struct probity_error err;
    struct ds_ctx c;
    if (!store)
        goto out;
    c.list = json_array();
    c.st = st;
    if (probity_store_versions(store, NULL, add_version, &c, &err)) {
        json_decref(c.list);
        pb__reply_error(out, 500, "cannot read the datasets: %s", err.msg);
        goto out;
    }
    out->json = json_pack("{s:o, s:{s:I, s:s}}", "datasets", c.list, "index", "generation",
                          (json_int_t)st->generation, "built_at", st->built_at);
out:
    pb__pool_put(&r->srv->pool, store);
    pb__state_release(st);
}

/* ---- /match ---- */

/* Append a JSON value dumped by jansson. */
static int add_json(struct pb_buf *b, json_t *j)
{
    char *t = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    int rc = t ? pb_buf_adds(b, t) : PROBITY_ENOMEM;
    free(t);
    return rc;
}

/* The /match answer is written as text: the entities come from the cache already
 * serialised, and a JSON tree per request would cost more than the matching. */
void pb__h_match(struct pb_req *r, struct pb_reply *out)
{
    struct pb_state *st = need_state(r, out);
    struct probity_store *store = NULL;
    struct pb_api_batch b = {NULL, 0};
    struct pb_buf t = PB_BUF_INIT;
    struct probity_error err;
    struct params p;
    const char *dataset, *algorithm;
    int bad = 0;
    if (!st)
        return;
    if (read_dataset(r, out, st, &dataset) || read_params(r, out, DEFAULT_MATCH_LIMIT, 0, &p))
        goto out;
    probity_error_clear(&err);
    if (pb__parse_match(r->body.s, r->body.len, &r->srv->lim, &b, &err)) {
        pb__reply_error(out, err.code == PROBITY_ENOMEM ? 503 : 400, "%s", err.msg);
        goto out;
    }
    r->queries = (long)b.n;
    bad |= pb_buf_adds(&t, "{\"responses\":{");
    for (size_t i = 0; i < b.n; i++) {
        struct pb_api_query *q = &b.q[i];
        struct pb_hits m;
        if (i)
            bad |= pb_buf_addc(&t, ',');
        pb__buf_json_str(&t, q->key);
        probity_error_clear(&err);
        if (pb__screen_query(st->ix, q, dataset, p.cutoff, (int)p.limit, &m, &err)) {
            bad |= pb_buf_addf(&t, ":{\"status\":%d,\"detail\":", err.code == PROBITY_ENOMEM ? 503 : 400);
            pb__buf_json_str(&t, err.msg[0] ? err.msg : probity_strerror(err.code));
            bad |= pb_buf_adds(&t, ",\"results\":[],\"total\":{\"value\":0,\"relation\":\"eq\"},\"query\":");
        } else {
            bad |= pb_buf_adds(&t, ":{\"status\":200,\"results\":[");
            for (size_t k = 0; k < m.n; k++) {
                char *owned;
                const char *ent = entity_text(r, st, &store, &m.h[k], &owned);
                if (!ent) {
                    bad = 1;
                    break;
                }
                if (k)
                    bad |= pb_buf_addc(&t, ',');
                bad |= hit_text(&t, ent, &m.h[k], p.threshold);
                free(owned);
            }
            bad |= pb_buf_addf(&t, "],\"total\":{\"value\":%zu,\"relation\":\"%s\"},\"query\":", m.n,
                               m.truncated ? "gte" : "eq");
            pb__hits_release(&m);
        }
        bad |= add_json(&t, q->echo);
        bad |= pb_buf_addc(&t, '}');
    }
    bad |= pb_buf_adds(&t, "},\"matcher\":");
    bad |= pb_buf_adds(&t, matcher_text);
    if ((algorithm = pb__arg(r, "algorithm"))) {
        bad |= pb_buf_adds(&t, ",\"requested\":");
        pb__buf_json_str(&t, algorithm); /* checked against the known names */
    }
    bad |= pb_buf_addc(&t, '}');
    bad |= pb_buf_addf(&t, ",\"limit\":%ld,\"request_id\":", p.limit);
    pb__buf_json_str(&t, r->id);
    bad |= pb_buf_addc(&t, '}');
    if (bad || !t.s) {
        pb__reply_error(out, 503, "out of memory");
        goto out;
    }
    out->text = t.s;
    out->text_len = t.len;
    t.s = NULL;
out:
    pb_buf_release(&t);
    pb__batch_release(&b);
    pb__pool_put(&r->srv->pool, store);
    pb__state_release(st);
}

/* ---- /search ---- */

struct facet {
    struct pb_map counts;
};

static void facet_add(struct pb_map *m, const char *key)
{
    void **slot = pb_map_ref(m, key);
    if (slot)
        *slot = (void *)((intptr_t)*slot + 1);
    else
        pb_map_put(m, key, (void *)(intptr_t)1);
}

struct fv {
    const char *key;
    intptr_t n;
};

static void facet_collect(void *ctx, const char *key, void *value)
{
    struct pb_buf *b = ctx;
    struct fv v = {key, (intptr_t)value};
    pb_buf_add(b, (const char *)&v, sizeof(v));
}

static int fv_cmp(const void *a, const void *b)
{
    const struct fv *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->key, y->key);
}

static json_t *facet_json(const struct pb_map *m, const char *label)
{
    struct pb_buf b = PB_BUF_INIT;
    json_t *values = json_array();
    size_t n;
    pb_map_each(m, facet_collect, &b);
    n = b.len / sizeof(struct fv);
    if (n) {
        struct fv *v = (struct fv *)b.s;
        qsort(v, n, sizeof(*v), fv_cmp);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(values, json_pack("{s:s, s:s, s:I}", "name", v[i].key, "label", v[i].key, "count",
                                                    (json_int_t)v[i].n));
    }
    pb_buf_release(&b);
    return json_pack("{s:s, s:o}", "label", label, "values", values);
}

static int is_country_prop(const struct probity_entity *e, size_t i)
{
    const char *t = probity_prop_type(e->schema, e->props[i].prop);
    return t && strcmp(t, "country") == 0;
}

static int has_country(const struct probity_entity *e, char **countries, size_t n)
{
    for (size_t i = 0; i < e->nprops; i++)
        if (is_country_prop(e, i))
            for (size_t k = 0; k < n; k++)
                if (pb_streq_ci(e->props[i].value, countries[k]))
                    return 1;
    return 0;
}

void pb__h_search(struct pb_req *r, struct pb_reply *out)
{
    struct pb_state *st = need_state(r, out);
    struct probity_store *store = NULL;
    struct pb_map fschema = PB_MAP_INIT, fctry = PB_MAP_INIT, fds = PB_MAP_INIT;
    struct pb_api_query q;
    struct pb_hits m = {NULL, 0, 0, 0};
    struct probity_error err;
    struct params p;
    const char *dataset, *text, *schema, *v;
    char **countries = NULL, *name;
    size_t ncountries = 0;
    long offset = 0, total = 0;
    json_t *results;
    memset(&q, 0, sizeof(q));
    if (!st)
        return;
    if (read_dataset(r, out, st, &dataset) || read_params(r, out, DEFAULT_SEARCH_LIMIT, 0.5, &p))
        goto out;
    text = pb__arg(r, "q");
    if (!text || !*text) {
        pb__reply_error(out, 400, "q is required: the name to search for");
        goto out;
    }
    if (strlen(text) > r->srv->o.max_name) {
        pb__reply_error(out, 400, "q is longer than %zu bytes", r->srv->o.max_name);
        goto out;
    }
    if ((v = pb__arg(r, "offset")) && pb__param_int(v, 0, 1000, &offset)) {
        pb__reply_error(out, 400, "offset must be an integer from 0 to 1000");
        goto out;
    }
    schema = pb__arg(r, "schema");
    if (schema && (!probity_schema_exists(schema) || !probity_schema_is_target(schema))) {
        pb__reply_error(out, 400, "unknown schema '%.60s' (Person, Organization, Company, LegalEntity, PublicBody, "
                                  "Vessel, Airplane)", schema);
        goto out;
    }
    ncountries = pb__args(r, "countries", &countries);
    name = (char *)text;
    q.names = &name;
    q.nnames = 1;
    q.schema = (char *)schema;
    r->queries = 1;
    probity_error_clear(&err);
    if (pb__screen_query(st->ix, &q, dataset, p.cutoff, (int)(offset + p.limit > SEARCH_POOL ? offset + p.limit
                                                                                          : SEARCH_POOL), &m, &err)) {
        pb__reply_error(out, err.code == PROBITY_ENOMEM ? 503 : 400, "%s", err.msg);
        goto out;
    }
    if (!(store = need_store(r, out)))
        goto out;
    results = json_array();
    for (size_t i = 0; i < m.n; i++) {
        struct probity_entity e;
        json_t *j;
        probity_entity_init(&e);
        if (probity_store_get(store, m.h[i].id, &e, NULL, 0, &err) != 0 ||
            (ncountries && !has_country(&e, countries, ncountries))) {
            probity_entity_release(&e);
            continue;
        }
        facet_add(&fschema, e.schema);
        for (size_t k = 0; k < e.nprops; k++)
            if (is_country_prop(&e, k)) {
                char low[16];
                size_t n = strlen(e.props[k].value);
                if (n >= sizeof(low))
                    continue;
                for (size_t c = 0; c <= n; c++)
                    low[c] = (char)(e.props[k].value[c] >= 'A' && e.props[k].value[c] <= 'Z'
                                        ? e.props[k].value[c] + 32 : e.props[k].value[c]);
                /* count an entity once per country, whichever properties name it */
                int seen = 0;
                for (size_t k2 = 0; k2 < k; k2++)
                    seen |= is_country_prop(&e, k2) && pb_streq_ci(e.props[k2].value, e.props[k].value);
                if (!seen)
                    facet_add(&fctry, low);
            }
        {
            json_t *dsl = csv_json(m.h[i].datasets), *d;
            size_t di;
            json_array_foreach(dsl, di, d) facet_add(&fds, json_string_value(d));
            if (total >= offset && total < offset + p.limit) {
                j = entity_json(&e, dsl);
                json_object_set_new(j, "score", json_real(pb__round4(m.h[i].score)));
                json_object_set_new(j, "match", json_boolean(m.h[i].score >= p.threshold));
                json_object_set_new(j, "matched_name", json_string(m.h[i].matched));
                json_array_append_new(results, j);
            } else {
                json_decref(dsl);
            }
        }
        total++;
        probity_entity_release(&e);
    }
    out->json = json_pack("{s:o, s:{s:o, s:o, s:o}, s:{s:I, s:s}, s:I, s:I}", "results", results, "facets", "schema",
                          facet_json(&fschema, "Types"), "countries", facet_json(&fctry, "Countries"), "datasets",
                          facet_json(&fds, "Data sources"), "total", "value", (json_int_t)total, "relation",
                          m.truncated ? "gte" : "eq", "limit", (json_int_t)p.limit, "offset", (json_int_t)offset);
out:
    for (size_t i = 0; i < ncountries; i++)
        free(countries[i]);
    free(countries);
    pb_map_release(&fschema, NULL);
    pb_map_release(&fctry, NULL);
    pb_map_release(&fds, NULL);
    pb__hits_release(&m);
    pb__pool_put(&r->srv->pool, store);
    pb__state_release(st);
}

/* ---- /entities/{id} ---- */

struct adj_ctx {
    const char *id;
    json_t *adjacent;
    struct pb_map refs;     /* ids named by entity-typed properties, to resolve */
};

static void note_refs(struct adj_ctx *c, const struct probity_entity *e)
{
    for (size_t i = 0; i < e->nprops; i++) {
        const char *t = probity_prop_type(e->schema, e->props[i].prop);
        if (t && strcmp(t, "entity") == 0 && strcmp(e->props[i].value, c->id) != 0 &&
            c->refs.len < MAX_RESOLVE && !pb_map_get(&c->refs, e->props[i].value))
            pb_map_put(&c->refs, e->props[i].value, (void *)1);
    }
}

static int add_adjacent(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct adj_ctx *c = ctx;
    json_t *j = entity_json(e, json_pack("[s]", dataset)), *via = json_array();
    for (size_t i = 0; i < e->nprops; i++) {
        const char *t = probity_prop_type(e->schema, e->props[i].prop);
        if (t && strcmp(t, "entity") == 0 && strcmp(e->props[i].value, c->id) == 0)
            json_array_append_new(via, json_string(e->props[i].prop));
    }
    json_object_set_new(j, "via", via);
    json_array_append_new(c->adjacent, j);
    note_refs(c, e);
    return 0;
}

struct resolve_ctx {
    struct probity_store *st;
    json_t *out;
};

static void resolve_one(void *ctx, const char *key, void *value)
{
    struct resolve_ctx *c = ctx;
    struct probity_entity e;
    struct probity_error err;
    char ds[128];
    (void)value;
    probity_entity_init(&e);
    if (probity_store_get(c->st, key, &e, ds, sizeof(ds), &err) == 0)
        json_object_set_new(c->out, key, json_pack("{s:s, s:s, s:[s]}", "caption", caption_of(&e), "schema", e.schema,
                                                   "datasets", ds));
    probity_entity_release(&e);
}

void pb__h_entity(struct pb_req *r, struct pb_reply *out)
{
    struct probity_store *store = need_store(r, out);
    struct probity_entity e;
    struct probity_error err;
    struct adj_ctx c;
    struct resolve_ctx rc;
    char ds[128];
    int code;
    probity_entity_init(&e);
    memset(&c, 0, sizeof(c));
    if (!store)
        return;
    if ((code = probity_store_get(store, r->param, &e, ds, sizeof(ds), &err))) {
        if (code == PROBITY_ENOTFOUND)
            pb__reply_error(out, 404, "no entity '%.200s' in the current lists", r->param);
        else
            pb__reply_error(out, 500, "cannot read entity: %s", err.msg);
        goto out;
    }
    c.id = e.id;
    c.adjacent = json_array();
    note_refs(&c, &e);
    if (probity_store_referrers(store, e.id, add_adjacent, &c, &err)) {
        json_decref(c.adjacent);
        pb__reply_error(out, 500, "cannot read the links: %s", err.msg);
        goto out;
    }
    rc.st = store;
    rc.out = json_object();
    pb_map_each(&c.refs, resolve_one, &rc);
    out->json = entity_json(&e, json_pack("[s]", ds));
    json_object_set_new(out->json, "adjacent", c.adjacent);
    json_object_set_new(out->json, "resolved", rc.out);
out:
    pb_map_release(&c.refs, NULL);
    probity_entity_release(&e);
    pb__pool_put(&r->srv->pool, store);
}

/* ---- OpenRefine reconciliation ---- */

/* Base URL for links in the manifest: the Host the client used when it looks sane. */
static void base_url(struct pb_req *r, char *buf, size_t size)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    int ok = h && *h && strlen(h) < 200;
    for (const char *p = h; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
             *p == '-' || *p == ':' || *p == '[' || *p == ']';
    snprintf(buf, size, "http://%s", ok ? h : r->srv->host);
}

static void reconcile_batch(struct pb_req *r, struct pb_reply *out, struct pb_state *st, const char *dataset,
                            const char *json, size_t len)
{
    struct pb_api_batch b = {NULL, 0};
    struct probity_error err;
    struct params p;
    probity_error_clear(&err);
    if (read_params(r, out, DEFAULT_RECON_LIMIT, 0.5, &p))
        return;
    if (pb__parse_reconcile(json, len, &r->srv->lim, &b, &err)) {
        pb__reply_error(out, err.code == PROBITY_ENOMEM ? 503 : 400, "%s", err.msg);
        return;
    }
    r->queries = (long)b.n;
    out->json = json_object();
    out->no_request_id = 1; /* every key of the answer is a query key */
    for (size_t i = 0; i < b.n; i++) {
        struct pb_hits m;
        json_t *result = json_array(), *entry;
        int limit = b.q[i].limit > 0 ? b.q[i].limit : (int)p.limit;
        probity_error_clear(&err);
        entry = json_pack("{s:o}", "result", result);
        if (pb__screen_query(st->ix, &b.q[i], dataset, p.cutoff, limit, &m, &err) == 0) {
            for (size_t k = 0; k < m.n; k++) {
                const struct probity_hit *h = &m.h[k];
                json_array_append_new(result, json_pack("{s:s, s:s, s:[{s:s, s:s}], s:f, s:b, s:s}", "id", h->id,
                                                        "name", h->caption, "type", "id", h->schema, "name",
                                                        h->schema, "score", pb__round4(h->score), "match",
                                                        h->score >= p.threshold, "description", h->datasets));
            }
            pb__hits_release(&m);
        } else {
            json_object_set_new(entry, "error", json_string(err.msg));
        }
        json_object_set_new(out->json, b.q[i].key, entry);
    }
    pb__batch_release(&b);
}

static void manifest(struct pb_req *r, struct pb_reply *out, const char *dataset)
{
    char base[256], buf[400];
    json_t *types = json_array();
    for (const char *const *s = matchable; *s; s++)
        if (probity_schema_exists(*s))
            json_array_append_new(types, json_pack("{s:s, s:s}", "id", *s, "name", *s));
    base_url(r, base, sizeof(base));
    snprintf(buf, sizeof(buf), "probity (%s)", dataset ? dataset : "all lists");
    out->json = json_pack("{s:[s], s:s, s:s, s:s, s:o, s:{s:s}, s:i}", "versions", "0.2", "name", buf,
                          "identifierSpace", "https://probity.invalid/entities/", "schemaSpace",
                          "https://followthemoney.tech/explorer/schemata/", "defaultTypes", types, "view", "url",
                          "", "batchSize", 10);
    snprintf(buf, sizeof(buf), "%s/entities/{{id}}", base);
    json_object_set_new(json_object_get(out->json, "view"), "url", json_string(buf));
    snprintf(buf, sizeof(buf), "%s/entities/", base);
    json_object_set_new(out->json, "identifierSpace", json_string(buf));
}

void pb__h_reconcile_get(struct pb_req *r, struct pb_reply *out)
{
    struct pb_state *st = need_state(r, out);
    const char *dataset, *queries;
    if (!st)
        return;
    if (read_dataset(r, out, st, &dataset))
        goto out;
    if ((queries = pb__arg(r, "queries")))
        reconcile_batch(r, out, st, dataset, queries, strlen(queries));
    else if (pb__arg(r, "extend"))
        pb__reply_error(out, 400, "data extension is not supported");
    else
        manifest(r, out, dataset);
out:
    pb__state_release(st);
}

void pb__h_reconcile_post(struct pb_req *r, struct pb_reply *out)
{
    struct pb_state *st = need_state(r, out);
    const char *dataset, *ct;
    struct probity_error err;
    char *queries = NULL;
    int rc;
    if (!st)
        return;
    if (read_dataset(r, out, st, &dataset))
        goto out;
    ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (ct && pb_startswith_ci(ct, "application/json")) {
        reconcile_batch(r, out, st, dataset, r->body.s, r->body.len);
        goto out;
    }
    probity_error_clear(&err);
    rc = pb__form_value(pb_buf_str(&r->body), r->body.len, "queries", &queries, &err);
    if (rc == PROBITY_ENOTFOUND) {
        char *ext = NULL;
        if (pb__form_value(pb_buf_str(&r->body), r->body.len, "extend", &ext, &err) == 0)
            pb__reply_error(out, 400, "data extension is not supported");
        else
            pb__reply_error(out, 400, "the form has no 'queries' field (W3C reconciliation batch)");
        free(ext);
    } else if (rc) {
        pb__reply_error(out, rc == PROBITY_ENOMEM ? 503 : 400, "%s", err.msg);
    } else {
        reconcile_batch(r, out, st, dataset, queries, strlen(queries));
    }
out:
    free(queries);
    pb__state_release(st);
}

/* ---- administration ---- */

void pb__h_reload(struct pb_req *r, struct pb_reply *out)
{
    struct pb_state *st = pb__state_acquire(r->srv);
    uint64_t gen = st ? st->generation : 0;
    pb__state_release(st);
    probity_server_reload(r->srv);
    out->status = 202;
    out->json = json_pack("{s:s, s:I}", "status", "reloading", "generation", (json_int_t)gen);
}
