/* The HTTP API: `probity serve`. A libmicrohttpd server over the store and an in-memory
 * screening index, with yente-compatible /match, name search with facets, entities with
 * their links, OpenRefine reconciliation, streamed NDJSON bulk screening, and reloads
 * without downtime. The request and response shapes are documented in docs/api.md. */
#ifndef PROBITY_SERVER_H
#define PROBITY_SERVER_H
#include <stddef.h>
#include "probity/error.h"

struct probity_server;

struct probity_server_options {
    const char *db;             /* the store (required); opened read-only */
    const char *bind;           /* numeric IPv4/IPv6 address or "localhost" (default 127.0.0.1) */
    int port;                   /* default 8000; 0 picks a free port (see probity_server_port) */
    int threads;                /* worker threads; 0 = one per core */
    const char *api_key;        /* NULL or "": no key; else required on every route but the probes */
    int insecure_public;        /* allow a non-loopback bind without an API key */
    size_t max_body;            /* bytes of a JSON or form body (default 1 MiB) */
    size_t max_screen_body;     /* bytes of a /screen NDJSON body, spooled to disk (default 256 MiB) */
    size_t max_header;          /* bytes of a request head: line, headers (default 16 KiB) */
    size_t max_name;            /* bytes of one name or property value (default 1024) */
    int max_batch;              /* queries in one /match or /reconcile request (default 100) */
    int max_limit;              /* results per query (default 100) */
    int timeout;                /* seconds a connection may stay idle (default 30) */
    int max_connections;        /* open connections at once (default 1024) */
    int log_fd;                 /* access and event log, one JSON line each; -1 = none */
};

/* Fill the defaults (db is left NULL, log_fd = 2). */
void probity_server_options_init(struct probity_server_options *o);

/* Check the options, open the store and start listening; the first index is built in the
 * background (GET /readyz answers 503 until it is ready). *out belongs to the caller
 * (probity_server_stop). Errors: PROBITY_EINVAL (options, a refused public bind),
 * PROBITY_ENOTFOUND (no store), PROBITY_EIO (cannot listen, with the reason). */
int probity_server_start(const struct probity_server_options *o, struct probity_server **out,
                         struct probity_error *err);

/* The port actually listened on. */
int probity_server_port(const struct probity_server *s);

/* Ask for a new index to be built from the store in the background and swapped in; requests
 * in flight finish on the old index. Several requests while one build runs make one more
 * build. Safe from any thread (not from a signal handler). */
void probity_server_reload(struct probity_server *s);

/* Block until the first index is built (or its build failed); 0 when an index is ready. */
int probity_server_wait_ready(struct probity_server *s, struct probity_error *err);

/* Stop accepting connections, let requests in flight finish (up to `grace` seconds), stop and
 * free everything. */
void probity_server_stop(struct probity_server *s, int grace);

#endif
