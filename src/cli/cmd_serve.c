/* probity serve: run the HTTP API over the store. The signals that steer the server are
 * blocked before any thread starts and taken here with sigwait, so that nothing runs in a
 * signal handler: SIGHUP rebuilds the index in the background, SIGTERM and SIGINT let the
 * requests in flight finish and stop. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "probity/server.h"

/* "1048576", "512K", "1M", "2G" */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    if (*end == 'k' || *end == 'K')
        v <<= 10, end++;
    else if (*end == 'm' || *end == 'M')
        v <<= 20, end++;
    else if (*end == 'g' || *end == 'G')
        v <<= 30, end++;
    if (*end == 'i' || *end == 'B')
        end++;
    if (*end == 'B')
        end++;
    if (*end)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;
    if (!s)
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* The key is the file's first line, trimmed; the file should be readable by its owner only. */
static char *read_key(const char *path)
{
    char line[512];
    FILE *fp = fopen(path, "r");
    size_t n;
    if (!fp) {
        fprintf(stderr, "probity serve: cannot read the API key file %s: %s\n", path, strerror(errno));
        return NULL;
    }
    if (!fgets(line, sizeof(line), fp))
        line[0] = 0;
    fclose(fp);
    n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
        line[--n] = 0;
    if (n < 8) {
        fprintf(stderr, "probity serve: the API key in %s is empty or shorter than 8 characters\n", path);
        return NULL;
    }
    return strdup(line);
}

int cmd_serve(struct cli *g, int argc, char **argv)
{
    struct probity_server_options o;
    struct probity_server *srv = NULL;
    struct probity_error err;
    const char *key_file = NULL, *log = NULL;
    char *key = NULL;
    sigset_t set;
    int rc = 0, log_fd = -1;
    probity_server_options_init(&o);
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (strcmp(a, "--insecure-public") == 0) {
            o.insecure_public = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "probity serve: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (strcmp(a, "--bind") == 0)
            o.bind = v;
        else if (strcmp(a, "--port") == 0)
            bad = parse_int(v, 0, 65535, &o.port);
        else if (strcmp(a, "--threads") == 0)
            bad = parse_int(v, 1, 64, &o.threads);
        else if (strcmp(a, "--api-key-file") == 0)
            key_file = v;
        else if (strcmp(a, "--log") == 0)
            log = v;
        else if (strcmp(a, "--max-body") == 0)
            bad = parse_size(v, &o.max_body);
        else if (strcmp(a, "--max-screen-body") == 0)
            bad = parse_size(v, &o.max_screen_body);
        else if (strcmp(a, "--max-header") == 0)
            bad = parse_size(v, &o.max_header);
        else if (strcmp(a, "--max-name") == 0)
            bad = parse_size(v, &o.max_name);
        else if (strcmp(a, "--max-batch") == 0)
            bad = parse_int(v, 1, 100000, &o.max_batch);
        else if (strcmp(a, "--max-limit") == 0)
            bad = parse_int(v, 1, 10000, &o.max_limit);
        else if (strcmp(a, "--timeout") == 0)
            bad = parse_int(v, 1, 86400, &o.timeout);
        else if (strcmp(a, "--max-connections") == 0)
            bad = parse_int(v, 1, 100000, &o.max_connections);
        else {
            fprintf(stderr, "probity serve: unknown option '%s'\n", a);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "probity serve: bad value '%s' for %s\n", v, a);
            return 2;
        }
    }
    o.db = g->db;
    if (key_file && !(key = read_key(key_file)))
        return 1;
    o.api_key = key;
    if (log && strcmp(log, "none") == 0) {
        o.log_fd = -1;
    } else if (log && strcmp(log, "-") != 0) {
        if ((log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) < 0) {
            fprintf(stderr, "probity serve: cannot open the log %s: %s\n", log, strerror(errno));
            free(key);
            return 1;
        }
        o.log_fd = log_fd;
    }
    /* block before the server's threads exist, so that they inherit the mask */
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (probity_server_start(&o, &srv, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (!g->quiet && o.log_fd != 2)
        fprintf(stderr, "probity: serving http://%s:%d/ (SIGHUP reloads, SIGTERM stops)\n",
                o.bind ? o.bind : "127.0.0.1", probity_server_port(srv));
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            probity_server_reload(srv);
            continue;
        }
        break;
    }
    probity_server_stop(srv, 10);
out:
    if (log_fd >= 0)
        close(log_fd);
    free(key);
    return rc;
}
