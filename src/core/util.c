/* Small building blocks: growable strings, an open-addressing string map, UTF-8
 * validation, time and hashing. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include "core/core.h"

/* ---- pb_buf ---- */
int pb_buf_grow(struct pb_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1, cap;
    char *s;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    s = realloc(b->s, cap);
    if (!s)
        return PROBITY_ENOMEM;
    b->s = s;
    b->cap = cap;
    return 0;
}

int pb_buf_add(struct pb_buf *b, const char *s, size_t n)
{
    if (pb_buf_grow(b, n))
        return PROBITY_ENOMEM;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
    return 0;
}

int pb_buf_adds(struct pb_buf *b, const char *s) { return pb_buf_add(b, s, strlen(s)); }
int pb_buf_addc(struct pb_buf *b, char c) { return pb_buf_add(b, &c, 1); }

int pb_buf_addf(struct pb_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || pb_buf_grow(b, (size_t)n))
        return PROBITY_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void pb_buf_reset(struct pb_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = 0;
}

void pb_buf_release(struct pb_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* ---- pb_map ---- */
struct pb_map_slot {
    char *key;
    uint64_t hash;
    void *value;
};

uint64_t pb_hash64(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static struct pb_map_slot *map_find(const struct pb_map *m, const char *key, uint64_t h)
{
    size_t mask = m->cap - 1, i = (size_t)h & mask;
    for (;;) {
        struct pb_map_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
        i = (i + 1) & mask;
    }
}

static int map_resize(struct pb_map *m, size_t cap)
{
    struct pb_map_slot *old = m->slots;
    size_t oldcap = m->cap;
    m->slots = calloc(cap, sizeof(*m->slots));
    if (!m->slots) {
        m->slots = old;
        return PROBITY_ENOMEM;
    }
    m->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            *map_find(m, old[i].key, old[i].hash) = old[i];
    free(old);
    return 0;
}

int pb_map_put(struct pb_map *m, const char *key, void *value)
{
    uint64_t h = pb_hash64(key, strlen(key));
    struct pb_map_slot *s;
    if ((m->len + 1) * 4 >= m->cap * 3 && map_resize(m, m->cap ? m->cap * 2 : 16))
        return PROBITY_ENOMEM;
    s = map_find(m, key, h);
    if (!s->key) {
        if (!(s->key = pb_strdup(key)))
            return PROBITY_ENOMEM;
        s->hash = h;
        m->len++;
    }
    s->value = value;
    return 0;
}

void **pb_map_ref(const struct pb_map *m, const char *key)
{
    struct pb_map_slot *s;
    if (!m->cap)
        return NULL;
    s = map_find(m, key, pb_hash64(key, strlen(key)));
    return s->key ? &s->value : NULL;
}

void *pb_map_get(const struct pb_map *m, const char *key)
{
    void **v = pb_map_ref(m, key);
    return v ? *v : NULL;
}

void pb_map_each(const struct pb_map *m, void (*fn)(void *ctx, const char *key, void *value), void *ctx)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            fn(ctx, m->slots[i].key, m->slots[i].value);
}

void pb_map_release(struct pb_map *m, void (*free_value)(void *))
{
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key) {
            free(m->slots[i].key);
            if (free_value)
                free_value(m->slots[i].value);
        }
    }
    free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}

/* ---- strings ---- */
char *pb_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *pb_strdup(const char *s) { return pb_strndup(s, strlen(s)); }

int pb_utf8_valid(const char *str, size_t n, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            i += pb_ascii_prefix(str + i, n - i);
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; }
        else goto fail;
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                goto fail;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            goto fail;
        i += k + 1;
    }
    return 1;
fail:
    if (bad)
        *bad = i;
    return 0;
}

char *pb_trim(char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    while (n > i && isspace((unsigned char)s[n - 1]))
        n--;
    memmove(s, s + i, n - i);
    s[n - i] = 0;
    return s;
}

int pb_streq_ci(const char *a, const char *b)
{
    while (*a && *b && tolower((unsigned char)*a) == tolower((unsigned char)*b))
        a++, b++;
    return *a == 0 && *b == 0;
}

int pb_startswith_ci(const char *s, const char *prefix)
{
    while (*prefix) {
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return 0;
        s++, prefix++;
    }
    return 1;
}

int pb_parse_long(const char *s, long *out)
{
    char *end;
    long v;
    if (!s || !*s)
        return PROBITY_EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end)
        return PROBITY_EINVAL;
    *out = v;
    return 0;
}

/* ---- time and hashing ---- */
void pb_now_iso(char out[32])
{
    /* formatted once per second and thread: ingestion stamps every document */
    static _Thread_local time_t last = (time_t)-1;
    static _Thread_local char text[32];
    time_t t = time(NULL);
    if (t != last) {
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
        last = t;
    }
    memcpy(out, text, sizeof(text));
}

void pb_sha256_hex(const unsigned char md[32], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = 0;
}

int pb_sha256_file(const char *path, char hex[65], int64_t *size, struct probity_error *err)
{
    unsigned char buf[1 << 16], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int64_t total = 0;
    size_t n;
    int rc = 0;
    FILE *fp = fopen(path, "rb");
    EVP_MD_CTX *ctx;
    if (!fp)
        return pb__err(err, PROBITY_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        rc = pb__err(err, PROBITY_ENOMEM, path, 0, 0, "cannot start sha256");
        goto out;
    }
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
        EVP_DigestUpdate(ctx, buf, n);
        total += (int64_t)n;
    }
    if (ferror(fp)) {
        rc = pb__err(err, PROBITY_EIO, path, 0, 0, "read error: %s", strerror(errno));
        goto out;
    }
    if (!EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen < 32) {
        rc = pb__err(err, PROBITY_ENOMEM, path, 0, 0, "cannot finish sha256");
        goto out;
    }
    pb_sha256_hex(md, hex);
    if (size)
        *size = total;
out:
    EVP_MD_CTX_free(ctx);
    fclose(fp);
    return rc;
}

size_t pb_uvarint_put(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    do {
        p[n++] = (unsigned char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

int pb_uvarint_get(const unsigned char *p, size_t n, size_t *at, uint64_t *v)
{
    int shift = 0;
    *v = 0;
    while (*at < n && shift < 64) {
        unsigned char c = p[(*at)++];
        *v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            return 0;
        shift += 7;
    }
    return -1;
}

void pb_wordset_add(struct pb_wordset *s, const char *w, size_t n, uint32_t bits)
{
    uint64_t key = pb_word_key8(w, n);
    size_t i;
    for (i = pb__wordset_slot(key); s->key[i] && s->key[i] != key; i = (i + 1) % PB_WORDSET_SLOTS)
        ;
    s->key[i] = key;
    s->bits[i] |= bits;
    if (n > s->max_len)
        s->max_len = n;
}
