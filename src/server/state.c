/* The index a server answers from, and how a reload replaces it without stopping anything.
 * The current state sits behind an atomic pointer; a request takes a reference on it for its
 * whole life, so a swap never pulls an index from under a request in flight. Taking a
 * reference is two atomic steps (load the pointer, count the reference), and a state freed
 * between them would be a use after free: readers therefore announce themselves in a
 * counter for those few instructions, and the reloader, after swapping the pointer, waits
 * for that counter to be seen at zero once before it drops the old state's reference. From
 * then on nobody can reach the old state but the requests that already hold it, and the
 * last of them frees it. Builds run on one background thread, never on a request thread.
 * The store pool gives each request its own read-only SQLite connection. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "server/server_int.h"

struct pb_state *pb__state_acquire(struct probity_server *s)
{
    struct pb_state *st;
    atomic_fetch_add(&s->acquiring, 1);
    st = atomic_load(&s->current);
    if (st)
        atomic_fetch_add(&st->refs, 1);
    atomic_fetch_sub(&s->acquiring, 1);
    return st;
}

void pb__state_release(struct pb_state *st)
{
    if (!st || atomic_fetch_sub(&st->refs, 1) != 1)
        return;
    probity_index_free(st->ix);
    free(st->versions);
    pb_map_release(&st->cache, free);
    pthread_rwlock_destroy(&st->cache_lock);
    free(st);
#ifdef __GLIBC__
    /* an index is many small blocks; hand the pages back so RSS stays flat across reloads */
    malloc_trim(0);
#endif
}

int pb__state_has_dataset(const struct pb_state *st, const char *dataset)
{
    for (size_t i = 0; i < st->nversions; i++)
        if (strcmp(st->versions[i].dataset, dataset) == 0)
            return 1;
    return 0;
}

/* Publish `st` as the current state and drop the server's reference on the old one. */
static void state_swap(struct probity_server *s, struct pb_state *st)
{
    struct pb_state *old = atomic_exchange(&s->current, st);
    while (atomic_load(&s->acquiring) != 0)
        sched_yield();
    pb__state_release(old);
}

struct vcollect {
    struct probity_version *v;
    size_t n, cap;
};

static int collect_current(void *ctx, const struct probity_version *v)
{
    struct vcollect *c = ctx;
    if (!v->current)
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        struct probity_version *nv = realloc(c->v, cap * sizeof(*nv));
        if (!nv)
            return PROBITY_ENOMEM;
        c->v = nv;
        c->cap = cap;
    }
    c->v[c->n++] = *v;
    return 0;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Build a new state from the store; 0 or an error code with err filled. */
static int build_state(struct probity_server *s, struct pb_state **out, struct probity_error *err)
{
    struct probity_store *st = NULL;
    struct pb_state *ns = NULL;
    struct vcollect vc = {NULL, 0, 0};
    struct timespec t0;
    int rc;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *out = NULL;
    if ((rc = probity_store_open_readonly(&st, s->db, err)))
        goto out;
    if (!(ns = calloc(1, sizeof(*ns)))) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    /* versions first: a load committing during the build then shows up as a newer version
     * in /readyz ("stale") rather than going unnoticed */
    if ((rc = probity_store_versions(st, NULL, collect_current, &vc, err))) {
        if (rc == PROBITY_ENOMEM)
            pb__err(err, rc, NULL, 0, 0, "out of memory");
        goto out;
    }
    if ((rc = probity_index_build(st, NULL, 0, &ns->ix, err)))
        goto out;
    atomic_init(&ns->refs, 1);
    pthread_rwlock_init(&ns->cache_lock, NULL);
    ns->versions = vc.v;
    ns->nversions = vc.n;
    vc.v = NULL;
    pb_now_iso(ns->built_at);
    ns->build_ms = ms_since(&t0);
    *out = ns;
    ns = NULL;
out:
    if (ns) {
        probity_index_free(ns->ix);
        free(ns);
    }
    free(vc.v);
    probity_store_close(st);
    return rc;
}

static void *reloader_main(void *arg)
{
    struct probity_server *s = arg;
    for (;;) {
        struct pb_state *ns;
        struct probity_error err;
        int rc;
        pthread_mutex_lock(&s->rl_lock);
        while (!s->rl_pending && !s->rl_stop)
            pthread_cond_wait(&s->rl_cond, &s->rl_lock);
        if (s->rl_stop) {
            pthread_mutex_unlock(&s->rl_lock);
            break;
        }
        s->rl_pending = 0;
        s->rl_running = 1;
        pthread_mutex_unlock(&s->rl_lock);

        probity_error_clear(&err);
        rc = build_state(s, &ns, &err);
        pthread_mutex_lock(&s->rl_lock);
        if (rc == 0) {
            ns->generation = ++s->generation;
            s->last_error[0] = 0;
        } else {
            snprintf(s->last_error, sizeof(s->last_error), "%s", err.msg[0] ? err.msg : probity_strerror(rc));
        }
        pthread_mutex_unlock(&s->rl_lock);
        if (rc == 0) {
            size_t ents = probity_index_entities(ns->ix), names = probity_index_names(ns->ix);
            unsigned long long gen = (unsigned long long)ns->generation;
            double ms = ns->build_ms;
            state_swap(s, ns); /* ns may be gone once a later swap happens; use the copies */
            pb__log_event(s, "index_ready", "\"generation\":%llu,\"build_ms\":%.1f,\"entities\":%zu,\"names\":%zu",
                          gen, ms, ents, names);
        } else {
            json_t *line = json_object();
            char ts[32];
            pb_now_iso(ts);
            json_object_set_new(line, "ts", json_string(ts));
            json_object_set_new(line, "event", json_string("index_failed"));
            json_object_set_new(line, "error", json_string(s->last_error));
            pb__log_line(s, line);
            json_decref(line);
        }
        pthread_mutex_lock(&s->rl_lock);
        s->rl_running = 0;
        s->rl_builds_done++;
        pthread_cond_broadcast(&s->rl_cond);
        pthread_mutex_unlock(&s->rl_lock);
    }
    return NULL;
}

int pb__reloader_start(struct probity_server *s, struct probity_error *err)
{
    if (pthread_create(&s->reloader, NULL, reloader_main, s) != 0)
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "cannot start the reload thread");
    s->reloader_started = 1;
    return 0;
}

void pb__reloader_stop(struct probity_server *s)
{
    if (!s->reloader_started)
        return;
    pthread_mutex_lock(&s->rl_lock);
    s->rl_stop = 1;
    pthread_cond_broadcast(&s->rl_cond);
    pthread_mutex_unlock(&s->rl_lock);
    pthread_join(s->reloader, NULL);
    s->reloader_started = 0;
}

void probity_server_reload(struct probity_server *s)
{
    pthread_mutex_lock(&s->rl_lock);
    s->rl_pending = 1;
    pthread_cond_broadcast(&s->rl_cond);
    pthread_mutex_unlock(&s->rl_lock);
}

int probity_server_wait_ready(struct probity_server *s, struct probity_error *err)
{
    int rc = 0;
    pthread_mutex_lock(&s->rl_lock);
    while (!s->rl_builds_done && !s->rl_stop)
        pthread_cond_wait(&s->rl_cond, &s->rl_lock);
    if (!atomic_load(&s->current))
        rc = pb__err(err, PROBITY_ESTORE, NULL, 0, 0, "the index could not be built: %s",
                     s->last_error[0] ? s->last_error : "stopped");
    pthread_mutex_unlock(&s->rl_lock);
    return rc;
}

struct probity_store *pb__pool_get(struct pb_store_pool *p, struct probity_error *err)
{
    struct probity_store *st = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->nfree)
        st = p->free[--p->nfree];
    pthread_mutex_unlock(&p->lock);
    if (!st && probity_store_open_readonly(&st, p->path, err))
        st = NULL;
    return st;
}

void pb__pool_put(struct pb_store_pool *p, struct probity_store *st)
{
    if (!st)
        return;
    pthread_mutex_lock(&p->lock);
    if (p->nfree < (int)(sizeof(p->free) / sizeof(p->free[0]))) {
        p->free[p->nfree++] = st;
        st = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    probity_store_close(st);
}

void pb__pool_release(struct pb_store_pool *p)
{
    while (p->nfree)
        probity_store_close(p->free[--p->nfree]);
}
