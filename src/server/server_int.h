/* What the files of src/server/ share: the server, the index state that reloads swap, one
 * request's context, the reply a handler fills, and the handlers of the route table. */
#ifndef PB_SERVER_INT_H
#define PB_SERVER_INT_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <jansson.h>
#include <microhttpd.h>
#include "core/core.h"
#include "probity/match.h"
#include "probity/server.h"
#include "probity/store.h"
#include "server/request.h"

/* One built index and the list versions it was built from. Immutable once published;
 * freed when the last request using it lets go (refs counts the server's own reference
 * while it is current, plus one per request holding it). */
struct pb_state {
    atomic_long refs;
    struct probity_index *ix;
    struct probity_version *versions;   /* current versions at build time, by dataset */
    size_t nversions;
    uint64_t generation;                /* 1 for the first index, +1 per reload */
    char built_at[32];
    double build_ms;
    /* entities of hits as JSON text (without the closing brace), filled on first use so that
     * the hot path of /match reads no SQL and builds no JSON tree; capped in bytes */
    pthread_rwlock_t cache_lock;
    struct pb_map cache;
    size_t cache_bytes;
};

#define PB_CACHE_MAX_BYTES (64u * 1024u * 1024u)
/* The lowest cut-off a request may ask for: lower ones cost milliseconds per name and
 * return mostly noise. */
#define PB_MIN_CUTOFF 0.3

/* Read-only store connections, one per request at a time (a connection's prepared
 * statements are not shared between threads). */
struct pb_store_pool {
    pthread_mutex_t lock;
    struct probity_store *free[64];
    int nfree;
    const char *path;
};

struct probity_server {
    struct probity_server_options o;
    char *db, *bind, *api_key;          /* owned copies */
    struct MHD_Daemon *mhd;
    int port;
    char host[80];                      /* "127.0.0.1:8000", for URLs in responses */
    struct pb_store_pool pool;
    struct pb_api_limits lim;

    /* the current index: an atomic pointer; `acquiring` counts readers between loading the
     * pointer and taking their reference, so a swap knows when the old state is safe to drop */
    _Atomic(struct pb_state *) current;
    atomic_long acquiring;

    /* the reloader thread */
    pthread_t reloader;
    int reloader_started;
    pthread_mutex_t rl_lock;
    pthread_cond_t rl_cond;
    int rl_pending, rl_stop, rl_builds_done, rl_running;
    uint64_t generation;
    char last_error[512];

    atomic_long active;                 /* requests in flight */
    atomic_ulong next_id;
    char id_prefix[12];
    time_t started;
};

/* What a handler answers: a JSON document (request_id is added to objects unless
 * no_request_id is set), or a ready MHD response (raw) such as a stream. */
struct pb_reply {
    int status;
    json_t *json;
    char *text;                         /* or a JSON body already written (malloc'd) */
    size_t text_len;
    struct MHD_Response *raw;
    int no_request_id;
    const char *allow;                  /* Allow header for 405 */
};

struct pb_route;

struct pb_req {
    atomic_int refs;                    /* the connection's and a stream's */
    struct probity_server *srv;
    struct MHD_Connection *conn;
    const struct pb_route *route;
    const char *param;                  /* the path after the route's prefix, or NULL */
    char id[72];
    char method[12];
    char *path;
    struct timespec t0;
    struct pb_buf body;
    FILE *spool;                        /* /screen bodies go to a temporary file */
    size_t body_len;
    int too_big, answered;
    int status;
    long queries;
    char err[200];                      /* the error message, for the access log */
};

typedef void (*pb_handler)(struct pb_req *r, struct pb_reply *out);

enum { PB_AUTH = 1, PB_BODY = 2, PB_SPOOL = 4, PB_REST = 8, PB_ADMIN = 16 };

struct pb_route {
    const char *method;
    const char *path;                   /* exact, or a prefix ending in '/' taking one segment */
    const char *name;                   /* for the access log */
    pb_handler fn;
    int flags;
};

/* ---- state.c ---- */
struct pb_state *pb__state_acquire(struct probity_server *s);
void pb__state_release(struct pb_state *st);
int pb__reloader_start(struct probity_server *s, struct probity_error *err);
void pb__reloader_stop(struct probity_server *s);
struct probity_store *pb__pool_get(struct pb_store_pool *p, struct probity_error *err);
void pb__pool_put(struct pb_store_pool *p, struct probity_store *st);
void pb__pool_release(struct pb_store_pool *p);
/* Non-zero if `dataset` has a version in the state. */
int pb__state_has_dataset(const struct pb_state *st, const char *dataset);

/* ---- server.c ---- */
/* Fill out with a JSON error {"detail", "status"}. */
void pb__reply_error(struct pb_reply *out, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A query-string argument, or NULL. */
const char *pb__arg(struct pb_req *r, const char *key);
/* Every value of a repeated query-string argument, comma-separated values split; the
 * strings are copies in *out (free each and the array). */
size_t pb__args(struct pb_req *r, const char *key, char ***out);
/* Write one JSON line to the log (a no-op without a log). */
void pb__log_line(struct probity_server *s, json_t *line);
void pb__log_event(struct probity_server *s, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void pb__req_release(struct pb_req *r);
double pb__round4(double x);
/* Append s as a JSON string literal (s is valid UTF-8). */
void pb__buf_json_str(struct pb_buf *b, const char *s);
/* Append x rounded to 4 decimals as a JSON number ("0.8494", "1.0"). */
void pb__buf_real(struct pb_buf *b, double x);

/* ---- routes.c ---- */
/* The hits of one query, best first. */
struct pb_hits {
    struct probity_hit *h;
    size_t n, cap;
    int truncated;      /* more hits scored above the cut-off than were kept */
};
/* Screen every name of q (each entity keeps its best score), best first, at most `limit`,
 * from `cutoff` up, in `dataset` only when not NULL. A name the matcher refuses is skipped
 * when another name of the query could be screened; else its error is returned. */
int pb__screen_query(const struct probity_index *ix, const struct pb_api_query *q, const char *dataset,
                     double cutoff, int limit, struct pb_hits *m, struct probity_error *err);
void pb__hits_release(struct pb_hits *m);

/* ---- handlers (routes.c, screen.c) ---- */
void pb__h_root(struct pb_req *r, struct pb_reply *out);
void pb__h_healthz(struct pb_req *r, struct pb_reply *out);
void pb__h_readyz(struct pb_req *r, struct pb_reply *out);
void pb__h_datasets(struct pb_req *r, struct pb_reply *out);
void pb__h_match(struct pb_req *r, struct pb_reply *out);
void pb__h_search(struct pb_req *r, struct pb_reply *out);
void pb__h_entity(struct pb_req *r, struct pb_reply *out);
void pb__h_reconcile_get(struct pb_req *r, struct pb_reply *out);
void pb__h_reconcile_post(struct pb_req *r, struct pb_reply *out);
void pb__h_screen(struct pb_req *r, struct pb_reply *out);
void pb__h_reload(struct pb_req *r, struct pb_reply *out);

#endif
