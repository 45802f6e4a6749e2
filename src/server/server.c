/* The HTTP server: libmicrohttpd with a pool of epoll threads, the static route table,
 * request contexts with their ids, body collection under limits, replies as JSON with the
 * request id, API-key checks, and the structured access log (one JSON line per request,
 * written with a single write(2) so lines from several threads never interleave). The
 * listening socket is opened here rather than by libmicrohttpd so that a refused bind says
 * why, and port 0 can report the port it got. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <unistd.h>
#include "server/server_int.h"

#ifndef PROBITY_VERSION
#define PROBITY_VERSION "0.0.0"
#endif

#define MIB (1024u * 1024u)

static const struct pb_route routes[] = {
    {"GET", "/", "root", pb__h_root, 0},
    {"GET", "/healthz", "healthz", pb__h_healthz, 0},
    {"GET", "/readyz", "readyz", pb__h_readyz, 0},
    {"GET", "/datasets", "datasets", pb__h_datasets, PB_AUTH},
    {"POST", "/match/", "match", pb__h_match, PB_AUTH | PB_BODY},
    {"GET", "/search/", "search", pb__h_search, PB_AUTH},
    {"GET", "/entities/", "entities", pb__h_entity, PB_AUTH | PB_REST},
    {"GET", "/reconcile", "reconcile", pb__h_reconcile_get, PB_AUTH},
    {"GET", "/reconcile/", "reconcile", pb__h_reconcile_get, PB_AUTH},
    {"POST", "/reconcile", "reconcile", pb__h_reconcile_post, PB_AUTH | PB_BODY},
    {"POST", "/reconcile/", "reconcile", pb__h_reconcile_post, PB_AUTH | PB_BODY},
    {"POST", "/screen", "screen", pb__h_screen, PB_AUTH | PB_BODY | PB_SPOOL},
    {"POST", "/admin/reload", "reload", pb__h_reload, PB_AUTH | PB_ADMIN},
    {NULL, NULL, NULL, NULL, 0},
};

void probity_server_options_init(struct probity_server_options *o)
{
    memset(o, 0, sizeof(*o));
    o->bind = "127.0.0.1";
    o->port = 8000;
    o->max_body = MIB;
    o->max_screen_body = 256 * (size_t)MIB;
    o->max_header = 16 * 1024;
    o->max_name = 1024;
    o->max_batch = 100;
    o->max_limit = 100;
    o->timeout = 30;
    o->max_connections = 1024;
    o->log_fd = 2;
}

double pb__round4(double x)
{
    return round(x * 1e4) / 1e4;
}

void pb__buf_json_str(struct pb_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *run = p;
    pb_buf_addc(b, '"');
    for (; *p; p++) {
        const char *esc = NULL;
        char u[7];
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        pb_buf_add(b, (const char *)run, (size_t)(p - run));
        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            u[0] = '\\', u[1] = 'u', u[2] = '0', u[3] = '0', u[4] = hex[*p >> 4], u[5] = hex[*p & 15], u[6] = 0;
            esc = u;
        }
        pb_buf_adds(b, esc);
        run = p + 1;
    }
    pb_buf_add(b, (const char *)run, (size_t)(p - run));
    pb_buf_addc(b, '"');
}

void pb__buf_real(struct pb_buf *b, double x)
{
    /* by hand: printf's float formatting showed up in profiles of /match */
    char tmp[48], *p = tmp + sizeof(tmp);
    long long v;
    int frac, neg, digits = 4;
    if (!isfinite(x) || fabs(x) > 1e12)
        x = 0;
    v = llround(x * 1e4);
    neg = v < 0;
    if (neg)
        v = -v;
    frac = (int)(v % 10000);
    v /= 10000;
    *--p = 0;
    if (!frac) {
        *--p = '0';
    } else {
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        while (digits--) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
    }
    *--p = '.';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg)
        *--p = '-';
    pb_buf_adds(b, p);
}

static void write_all(int fd, const char *text, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
}

/* ---- logging ---- */

static void iso_now_ms(char out[40])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
             tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100, (int)(ts.tv_nsec / 1000000) % 1000);
}

void pb__log_line(struct probity_server *s, json_t *line)
{
    char *text;
    size_t n;
    if (s->o.log_fd < 0 || !line)
        return;
    if (!(text = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(10))))
        return;
    n = strlen(text);
    text[n] = '\n'; /* json_dumps leaves room: the NUL becomes the newline */
    write_all(s->o.log_fd, text, n + 1);
    free(text);
}

void pb__log_event(struct probity_server *s, const char *event, const char *fmt, ...)
{
    char ts[40], extra[600];
    struct pb_buf line = PB_BUF_INIT;
    va_list ap;
    json_t *j;
    json_error_t je;
    if (s->o.log_fd < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(extra, sizeof(extra), fmt, ap);
    va_end(ap);
    iso_now_ms(ts);
    /* events are few: build the line as text and let jansson check it */
    if (!pb_buf_addf(&line, "{\"ts\":\"%s\",\"event\":\"%s\"%s%s}", ts, event, extra[0] ? "," : "", extra) &&
        (j = json_loads(pb_buf_str(&line), 0, &je))) {
        pb__log_line(s, j);
        json_decref(j);
    }
    pb_buf_release(&line);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    struct probity_server *s = cls;
    char msg[400], ts[40];
    json_t *j;
    size_t n;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = 0;
    if (!pb_utf8_valid(msg, n, NULL))
        return;
    iso_now_ms(ts);
    j = json_pack("{s:s, s:s, s:s}", "ts", ts, "event", "http", "message", msg);
    pb__log_line(s, j);
    json_decref(j);
}

/* ---- replies ---- */

void pb__reply_error(struct pb_reply *out, int status, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* a message may quote what the client sent: bytes that are not UTF-8 become '?' */
    for (size_t n = strlen(msg), bad; !pb_utf8_valid(msg, n, &bad);)
        msg[bad] = '?';
    if (out->json)
        json_decref(out->json);
    out->status = status;
    out->json = json_pack("{s:s, s:i}", "detail", msg, "status", status);
}

static enum MHD_Result send_reply(struct pb_req *r, struct pb_reply *rep)
{
    struct MHD_Response *resp = rep->raw;
    enum MHD_Result ret;
    if (!resp && rep->text) {
        resp = MHD_create_response_from_buffer(rep->text_len, rep->text, MHD_RESPMEM_MUST_FREE);
        if (!resp) {
            free(rep->text);
            return MHD_NO;
        }
        rep->text = NULL;
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    } else if (!resp) {
        char *text;
        json_t *detail;
        if (!rep->json)
            pb__reply_error(rep, 500, "out of memory");
        if (json_is_object(rep->json)) {
            if ((detail = json_object_get(rep->json, "detail")) && json_is_string(detail) && rep->status >= 400)
                snprintf(r->err, sizeof(r->err), "%s", json_string_value(detail));
            if (!rep->no_request_id)
                json_object_set_new(rep->json, "request_id", json_string(r->id));
        }
        text = rep->json ? json_dumps(rep->json, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
        if (!text) {
            static const char oom_body[] = "{\"detail\":\"out of memory\",\"status\":500}";
            resp = MHD_create_response_from_buffer(sizeof(oom_body) - 1, (void *)oom_body, MHD_RESPMEM_PERSISTENT);
            rep->status = 500;
        } else {
            resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        }
        if (!resp) {
            free(text);
            return MHD_NO;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    }
    MHD_add_response_header(resp, "X-Request-Id", r->id);
    if (rep->status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    if (rep->allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rep->allow);
    r->status = rep->status;
    r->answered = 1;
    ret = MHD_queue_response(r->conn, (unsigned)rep->status, resp);
    MHD_destroy_response(resp);
    if (rep->json)
        json_decref(rep->json);
    rep->json = NULL;
    return ret;
}

static enum MHD_Result reply_now(struct pb_req *r, int status, const char *allow, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static enum MHD_Result reply_now(struct pb_req *r, int status, const char *allow, const char *fmt, ...)
{
    struct pb_reply rep;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    memset(&rep, 0, sizeof(rep));
    pb__reply_error(&rep, status, "%s", msg);
    rep.allow = allow;
    return send_reply(r, &rep);
}

/* ---- request helpers ---- */

const char *pb__arg(struct pb_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

struct args_ctx {
    const char *key;
    char **v;
    size_t n;
    int oom;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct args_ctx *c = cls;
    const char *p;
    (void)kind;
    if (strcmp(key, c->key) != 0 || !value)
        return MHD_YES;
    for (p = value; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n && c->n < 64) {
            char **nv = realloc(c->v, (c->n + 1) * sizeof(char *));
            if (!nv || !(nv[c->n] = pb_strndup(p, n))) {
                if (nv)
                    c->v = nv;
                c->oom = 1;
                return MHD_NO;
            }
            c->v = nv;
            c->n++;
        }
        p += n + (comma ? 1 : 0);
    }
    return MHD_YES;
}

size_t pb__args(struct pb_req *r, const char *key, char ***out)
{
    struct args_ctx c = {key, NULL, 0, 0};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &c);
    *out = c.v;
    return c.n;
}

void pb__req_release(struct pb_req *r)
{
    if (!r || atomic_fetch_sub(&r->refs, 1) != 1)
        return;
    pb_buf_release(&r->body);
    if (r->spool)
        fclose(r->spool);
    free(r->path);
    free(r);
}

/* A client's X-Request-Id is kept when it is short and plain; otherwise one is made. */
static void request_id(struct probity_server *s, struct MHD_Connection *c, char out[72])
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
    if (h) {
        size_t n = strlen(h), i;
        for (i = 0; i < n; i++) {
            char ch = h[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                  ch == '_' || ch == '.' || ch == ':'))
                break;
        }
        if (n && n <= 64 && i == n) {
            memcpy(out, h, n + 1);
            return;
        }
    }
    snprintf(out, 72, "%s-%08lx", s->id_prefix, (unsigned long)atomic_fetch_add(&s->next_id, 1));
}

static int route_match(const struct pb_route *rt, const char *path, const char **param)
{
    size_t n = strlen(rt->path);
    *param = NULL;
    if (rt->path[n - 1] != '/' || n == 1)
        return strcmp(rt->path, path) == 0;
    if (strncmp(rt->path, path, n) != 0 || !path[n])
        return 0;
    if (!(rt->flags & PB_REST) && strchr(path + n, '/'))
        return 0;
    *param = path + n;
    return 1;
}

/* Constant-time comparison, so the key cannot be guessed a byte at a time from timings. */
static int key_equal(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char d = (unsigned char)(na != nb);
    for (size_t i = 0; i < nb; i++)
        d |= (unsigned char)(a[i < na ? i : 0] ^ b[i]);
    return d == 0;
}

static int authorised(struct pb_req *r)
{
    const char *key = r->srv->api_key, *h, *q;
    if (!key)
        return 1;
    h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (h) {
        if (pb_startswith_ci(h, "Bearer "))
            h += 7;
        else if (pb_startswith_ci(h, "ApiKey "))
            h += 7;
        while (*h == ' ')
            h++;
        if (key_equal(h, key))
            return 1;
    }
    /* OpenRefine cannot send headers to a reconciliation service: a query parameter will do */
    q = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "api_key");
    return q && key_equal(q, key);
}

static FILE *spool_open(void)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    int fd;
    FILE *fp;
    snprintf(path, sizeof(path), "%s/probity-screen.XXXXXX", dir && *dir ? dir : "/tmp");
    if ((fd = mkstemp(path)) < 0)
        return NULL;
    unlink(path);
    if (!(fp = fdopen(fd, "w+")))
        close(fd);
    return fp;
}

/* First call for a request: context, route, key and declared size. Returns MHD_YES to go
 * on reading the body; a reply may already be queued (r->answered). */
static enum MHD_Result begin(struct probity_server *s, struct MHD_Connection *c, const char *url,
                             const char *method, struct pb_req *r)
{
    const struct pb_route *rt, *any = NULL;
    const char *param = NULL, *len;
    char allow[64] = "";
    int head = strcmp(method, "HEAD") == 0;
    for (rt = routes; rt->method; rt++) {
        const char *p;
        if (!route_match(rt, url, &p))
            continue;
        any = rt;
        if (strcmp(rt->method, method) == 0 || (head && strcmp(rt->method, "GET") == 0)) {
            r->route = rt;
            param = p;
            break;
        }
        if (!strstr(allow, rt->method))
            snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow), "%s%s", allow[0] ? ", " : "", rt->method);
    }
    if (!r->route) {
        if (any)
            return reply_now(r, 405, allow, "%s is not allowed on %s (allowed: %s)", method, url, allow);
        return reply_now(r, 404, NULL, "no such endpoint: %s %s", method, url);
    }
    r->param = param;
    if ((r->route->flags & PB_ADMIN) && !s->api_key)
        return reply_now(r, 403, NULL,
                         "administration needs an API key: start the server with --api-key-file (or send SIGHUP)");
    if ((r->route->flags & PB_AUTH) && !authorised(r))
        return reply_now(r, 401, NULL, "missing or wrong API key (Authorization: Bearer KEY)");
    len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (len && (r->route->flags & PB_BODY)) {
        size_t max = (r->route->flags & PB_SPOOL) ? s->o.max_screen_body : s->o.max_body;
        char *end;
        unsigned long long n = strtoull(len, &end, 10);
        if (*end || n > max)
            return reply_now(r, 413, NULL, "the body is larger than %zu bytes", max);
    }
    if ((r->route->flags & PB_SPOOL) && !(r->spool = spool_open()))
        return reply_now(r, 503, NULL, "cannot open a temporary file for the request body");
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    struct probity_server *s = cls;
    struct pb_req *r = *con_cls;
    (void)version;
    if (!r) {
        if (!(r = calloc(1, sizeof(*r))))
            return MHD_NO;
        atomic_init(&r->refs, 1);
        r->srv = s;
        r->conn = c;
        r->status = 0;
        clock_gettime(CLOCK_MONOTONIC, &r->t0);
        request_id(s, c, r->id);
        snprintf(r->method, sizeof(r->method), "%s", method);
        r->path = pb_strdup(url);
        *con_cls = r;
        atomic_fetch_add(&s->active, 1);
        if (!r->path)
            return MHD_NO;
        /* answers are queued on a later call: libmicrohttpd closes the connection after an
         * answer queued in this first one, which is wanted only for refusals */
        return begin(s, c, url, method, r);
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->answered || !r->route || !(r->route->flags & PB_BODY))
            return MHD_YES; /* a body nobody asked for is read and dropped */
        r->body_len += n;
        if (r->too_big) {
            /* libmicrohttpd cannot answer in the middle of a body: drop it and answer at its
             * end, unless the client goes on far past the limit */
            return r->body_len > (r->route->flags & PB_SPOOL ? s->o.max_screen_body : s->o.max_body) + 64 * MIB
                       ? MHD_NO
                       : MHD_YES;
        }
        if (r->body_len > ((r->route->flags & PB_SPOOL) ? s->o.max_screen_body : s->o.max_body)) {
            r->too_big = 1;
            pb_buf_release(&r->body);
            return MHD_YES;
        }
        if (r->spool ? fwrite(upload, 1, n, r->spool) != n : pb_buf_add(&r->body, upload, n) != 0)
            r->too_big = 2; /* answered at the end of the body, like an oversized one */
        return MHD_YES;
    }
    if (r->answered)
        return MHD_YES;
    if (r->too_big == 2)
        return reply_now(r, 503, NULL, "cannot hold the request body");
    if (r->too_big)
        return reply_now(r, 413, NULL, "the body is larger than %zu bytes",
                         (r->route->flags & PB_SPOOL) ? s->o.max_screen_body : s->o.max_body);
    {
        struct pb_reply rep;
        memset(&rep, 0, sizeof(rep));
        rep.status = 200;
        r->route->fn(r, &rep);
        return send_reply(r, &rep);
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    struct probity_server *s = cls;
    struct pb_req *r = *con_cls;
    struct timespec t;
    char ts[40];
    (void)c;
    if (!r)
        return;
    *con_cls = NULL;
    if (s->o.log_fd >= 0) {
        /* written by hand, not through a JSON tree: one line per request adds up */
        struct pb_buf b = PB_BUF_INIT;
        long us;
        clock_gettime(CLOCK_MONOTONIC, &t);
        us = (long)(t.tv_sec - r->t0.tv_sec) * 1000000 + (t.tv_nsec - r->t0.tv_nsec) / 1000;
        iso_now_ms(ts);
        pb_buf_grow(&b, 256);
        pb_buf_addf(&b, "{\"ts\":\"%s\",\"id\":", ts);
        pb__buf_json_str(&b, r->id);
        pb_buf_adds(&b, ",\"method\":");
        pb__buf_json_str(&b, pb_utf8_valid(r->method, strlen(r->method), NULL) ? r->method : "?");
        if (r->path && pb_utf8_valid(r->path, strlen(r->path), NULL)) {
            pb_buf_adds(&b, ",\"path\":");
            pb__buf_json_str(&b, r->path);
        }
        pb_buf_adds(&b, ",\"route\":");
        if (r->route)
            pb__buf_json_str(&b, r->route->name);
        else
            pb_buf_adds(&b, "null");
        pb_buf_addf(&b, ",\"status\":%d,\"ms\":%ld.%03ld,\"queries\":%ld,\"bytes_in\":%zu", r->status,
                    us / 1000, us % 1000, r->queries, r->body_len);
        if (r->err[0] && pb_utf8_valid(r->err, strlen(r->err), NULL)) {
            pb_buf_adds(&b, ",\"error\":");
            pb__buf_json_str(&b, r->err);
        }
        if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
            pb_buf_addf(&b, ",\"aborted\":\"%s\"",
                        toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED   ? "timeout"
                        : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT    ? "client"
                        : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? "shutdown"
                                                                        : "error");
        if (!pb_buf_adds(&b, "}\n"))
            write_all(s->o.log_fd, b.s, b.len);
        pb_buf_release(&b);
    }
    atomic_fetch_sub(&s->active, 1);
    pb__req_release(r);
}

/* ---- start and stop ---- */

static int is_loopback(const struct sockaddr_storage *sa)
{
    if (sa->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->ss_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    return 0;
}

static int parse_bind(const char *bind, int port, struct sockaddr_storage *sa, socklen_t *len,
                      struct probity_error *err)
{
    memset(sa, 0, sizeof(*sa));
    if (strcmp(bind, "localhost") == 0)
        bind = "127.0.0.1";
    if (inet_pton(AF_INET, bind, &((struct sockaddr_in *)sa)->sin_addr) == 1) {
        ((struct sockaddr_in *)sa)->sin_family = AF_INET;
        ((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
        *len = sizeof(struct sockaddr_in);
        return 0;
    }
    if (inet_pton(AF_INET6, bind, &((struct sockaddr_in6 *)sa)->sin6_addr) == 1) {
        ((struct sockaddr_in6 *)sa)->sin6_family = AF_INET6;
        ((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
        *len = sizeof(struct sockaddr_in6);
        return 0;
    }
    return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "--bind takes a numeric IPv4 or IPv6 address (or localhost), not '%s'",
                   bind);
}

static int listen_socket(const struct sockaddr_storage *sa, socklen_t len, int *port, struct probity_error *err)
{
    int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
    struct sockaddr_storage got;
    socklen_t glen = sizeof(got);
    if (fd < 0)
        return pb__err(err, PROBITY_EIO, NULL, 0, 0, "cannot create a socket: %s", strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (sa->ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
    if (bind(fd, (const struct sockaddr *)sa, len) != 0) {
        int e = errno;
        close(fd);
        return pb__err(err, PROBITY_EIO, NULL, 0, 0, "cannot listen on port %d: %s", *port, strerror(e));
    }
    if (listen(fd, 1024) != 0 || getsockname(fd, (struct sockaddr *)&got, &glen) != 0) {
        int e = errno;
        close(fd);
        return pb__err(err, PROBITY_EIO, NULL, 0, 0, "cannot listen: %s", strerror(e));
    }
    *port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
                                            : ((struct sockaddr_in *)&got)->sin_port);
    return fd;
}

static void server_free(struct probity_server *s)
{
    if (!s)
        return;
    pb__reloader_stop(s);
    pb__state_release(atomic_exchange(&s->current, NULL));
    pb__pool_release(&s->pool);
    pthread_mutex_destroy(&s->pool.lock);
    pthread_mutex_destroy(&s->rl_lock);
    pthread_cond_destroy(&s->rl_cond);
    free(s->db);
    free(s->bind);
    free(s->api_key);
    free(s);
}

int probity_server_start(const struct probity_server_options *o, struct probity_server **out,
                         struct probity_error *err)
{
    struct probity_server *s = NULL;
    struct sockaddr_storage sa;
    struct probity_store *probe = NULL;
    socklen_t salen = 0;
    unsigned char rnd[4] = {0, 0, 0, 0};
    unsigned int flags;
    int rc, fd = -1, threads;
    long ncpu;
    *out = NULL;
    if (!o->db || !*o->db)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "no store given");
    if (o->port < 0 || o->port > 65535)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "--port takes 0 to 65535");
    if (o->max_body < 64 || o->max_screen_body < 64 || o->max_header < 1024 || o->max_name < 16 ||
        o->max_batch < 1 || o->max_limit < 1 || o->timeout < 1 || o->max_connections < 1)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "a limit is too small");
    if ((rc = parse_bind(o->bind ? o->bind : "127.0.0.1", o->port, &sa, &salen, err)))
        return rc;
    if (!is_loopback(&sa) && !(o->api_key && *o->api_key) && !o->insecure_public)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                       "refusing to listen on %s without an API key: give --api-key-file FILE "
                       "(or --insecure-public to expose the API to the network unprotected)",
                       o->bind);
    /* fail now, not on the first request, when the store is missing */
    if ((rc = probity_store_open_readonly(&probe, o->db, err)))
        return rc;
    if (!(s = calloc(1, sizeof(*s)))) {
        probity_store_close(probe);
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    }
    s->o = *o;
    pthread_mutex_init(&s->pool.lock, NULL);
    pthread_mutex_init(&s->rl_lock, NULL);
    pthread_cond_init(&s->rl_cond, NULL);
    s->db = pb_strdup(o->db);
    s->bind = pb_strdup(o->bind ? o->bind : "127.0.0.1");
    s->api_key = o->api_key && *o->api_key ? pb_strdup(o->api_key) : NULL;
    s->pool.path = s->db;
    s->pool.free[s->pool.nfree++] = probe;
    s->lim.max_batch = (size_t)o->max_batch;
    s->lim.max_name = o->max_name;
    s->lim.max_values = 32;
    s->lim.max_limit = o->max_limit;
    s->o.db = s->db;
    s->o.bind = s->bind;
    s->o.api_key = s->api_key;
    s->started = time(NULL);
    if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
        uint32_t x = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
        memcpy(rnd, &x, 4);
    }
    snprintf(s->id_prefix, sizeof(s->id_prefix), "%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
    if (!s->db || !s->bind || (o->api_key && *o->api_key && !s->api_key)) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    s->port = o->port;
    if ((fd = listen_socket(&sa, salen, &s->port, err)) < 0) {
        rc = fd;
        fd = -1;
        goto fail;
    }
    if (sa.ss_family == AF_INET6)
        snprintf(s->host, sizeof(s->host), "[%s]:%d", s->bind, s->port);
    else
        snprintf(s->host, sizeof(s->host), "%s:%d", strcmp(s->bind, "localhost") ? s->bind : "127.0.0.1", s->port);
    if ((rc = pb__reloader_start(s, err)))
        goto fail;
    probity_server_reload(s);

    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    threads = o->threads > 0 ? o->threads : (ncpu > 0 ? (int)ncpu : 1);
    if (threads > 64)
        threads = 64;
    flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    if (sa.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    {
        struct MHD_OptionItem opts[] = {
            {MHD_OPTION_LISTEN_SOCKET, fd, NULL},
            {MHD_OPTION_CONNECTION_TIMEOUT, o->timeout, NULL},
            {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)o->max_header, NULL},
            {MHD_OPTION_CONNECTION_LIMIT, o->max_connections, NULL},
            {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL},
            {MHD_OPTION_END, 0, NULL},
        };
        s->mhd = MHD_start_daemon(flags, (uint16_t)s->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
                                  mhd_logger, s, MHD_OPTION_ARRAY, opts, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
                                  s, MHD_OPTION_END);
    }
    if (!s->mhd) {
        rc = pb__err(err, PROBITY_EIO, NULL, 0, 0, "the HTTP server did not start on %s", s->host);
        goto fail;
    }
    pb__log_event(s, "listening", "\"url\":\"http://%s/\",\"threads\":%d,\"api_key\":%s", s->host, threads,
                  s->api_key ? "true" : "false");
    *out = s;
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    server_free(s);
    return rc;
}

int probity_server_port(const struct probity_server *s)
{
    return s->port;
}

void probity_server_stop(struct probity_server *s, int grace)
{
    struct timespec t0, t;
    if (!s)
        return;
    if (s->mhd) {
        MHD_socket fd = MHD_quiesce_daemon(s->mhd);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        /* requests in flight finish; idle keep-alive connections are closed by the stop */
        for (;;) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if (!atomic_load(&s->active) || t.tv_sec - t0.tv_sec >= grace)
                break;
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        }
        MHD_stop_daemon(s->mhd);
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
        s->mhd = NULL;
    }
    pb__log_event(s, "stopped", "\"requests_unfinished\":%ld", (long)atomic_load(&s->active));
    server_free(s);
}
