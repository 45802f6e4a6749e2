/* Encodings of documents. Guessing follows what browsers and mail readers do: a byte order
 * mark wins, NUL bytes mean UTF-16 or a binary file, text that is valid UTF-8 is UTF-8 (real
 * text in a legacy encoding almost never is), and only then ICU's statistical detector,
 * whose candidates are tried in turn until one decodes the sample without an error: a
 * guess that cannot even decode the bytes is not a guess worth keeping. Conversion never
 * fails on bad bytes: they become U+FFFD and are counted, so a document with a few broken
 * bytes is still read and its text is always valid UTF-8. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include "text/charset.h"

#define SAMPLE_MAX 65536

/* ---- UTF-8 ---- */

/* Length (1-4) of the valid UTF-8 sequence at s[0..n), 0 when it is invalid, -1 when s
 * holds a valid but unfinished start of a sequence. */
static int seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    int k;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        k = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    for (int j = 1; j < k; j++) {
        unsigned b;
        if ((size_t)j >= n)
            return -1;
        b = s[j];
        if (j == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
            return 0;
    }
    return k;
}

size_t pb_utf8_cut(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = n;
    /* back up to the lead byte of the last sequence (at most 3 continuation bytes) */
    while (i > 0 && n - i < 3 && (s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return n;
    i--;
    if (s[i] < 0x80)
        return n;
    return seq_len(s + i, n - i) == -1 ? i : n;
}

/* Validate s[0..n); with `partial`, an unfinished sequence at the end is accepted. */
static int utf8_ok(const unsigned char *s, size_t n, int partial)
{
    size_t i = 0;
    while (i < n) {
        int k;
        if (s[i] < 0x80) {
            uint64_t w;
            /* most text is ASCII: eight bytes at a time while no high bit is set */
            for (i++; i + 8 <= n; i += 8) {
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ull)
                    break;
            }
            continue;
        }
        k = seq_len(s + i, n - i);
        if (k == -1)
            return partial;
        if (k == 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

long pb_utf8_repair(const char *str, size_t n, struct pb_buf *out)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;
    long bad = 0;
    while (i < n) {
        int k;
        if (s[i] < 0x80) {
            i += pb_ascii_prefix(str + i, n - i);
            continue;
        }
        k = seq_len(s + i, n - i);
        if (k > 0) {
            i += (size_t)k;
            continue;
        }
        if (pb_buf_add(out, str + run, i - run) || pb_buf_add(out, "\xEF\xBF\xBD", 3))
            return PROBITY_ENOMEM;
        bad++;
        run = ++i;
    }
    if (pb_buf_add(out, str + run, n - run))
        return PROBITY_ENOMEM;
    return bad;
}

/* ---- names ---- */

static const struct alias {
    const char *label, *name;
} aliases[] = {
    {"utf8", "UTF-8"},          {"utf-8", "UTF-8"},        {"unicode-1-1-utf-8", "UTF-8"},
    {"gb2312", "GB18030"},      {"gbk", "GB18030"},        {"cp936", "GB18030"},
    {"x-gbk", "GB18030"},       {"gb_2312-80", "GB18030"}, {"csgb2312", "GB18030"},
    {"chinese", "GB18030"},     {"euc-cn", "GB18030"},     {"gb18030", "GB18030"},
    {"iso-8859-1", "windows-1252"}, {"iso8859-1", "windows-1252"}, {"latin1", "windows-1252"},
    {"l1", "windows-1252"},     {"ascii", "windows-1252"}, {"us-ascii", "windows-1252"},
    {"cp1252", "windows-1252"}, {"windows-1252", "windows-1252"}, {"iso-8859-9", "windows-1254"},
    {"latin5", "windows-1254"}, {"big5", "Big5"},          {"cn-big5", "Big5"},
    {"x-x-big5", "Big5"},       {"cp950", "Big5"},         {"shift_jis", "Shift_JIS"},
    {"sjis", "Shift_JIS"},      {"x-sjis", "Shift_JIS"},   {"ms_kanji", "Shift_JIS"},
    {"windows-31j", "Shift_JIS"}, {"cp932", "Shift_JIS"},  {"utf-16", "UTF-16"},
    {"utf-16le", "UTF-16LE"},   {"utf-16be", "UTF-16BE"},
};

const char *pb_charset_canon(const char *label, char out[32])
{
    char low[32];
    size_t n = 0;
    UErrorCode st = U_ZERO_ERROR;
    if (!label)
        return NULL;
    while (*label && isspace((unsigned char)*label))
        label++;
    while (label[n] && !isspace((unsigned char)label[n]) && n < sizeof(low) - 1) {
        low[n] = (char)tolower((unsigned char)label[n]);
        n++;
    }
    low[n] = 0;
    if (!n)
        return NULL;
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(low, aliases[i].label) == 0) {
            snprintf(out, 32, "%s", aliases[i].name);
            return out;
        }
    if (ucnv_countAliases(low, &st) == 0 || U_FAILURE(st))
        return NULL;
    snprintf(out, 32, "%.*s", (int)n, label);
    return out;
}

/* ---- guessing ---- */

/* Share (0..1) of plausible text characters when s is read as UTF-16 (big-endian when
 * `be`): letters of the common scripts, punctuation and line breaks count, controls, NULs,
 * lone surrogates and private use do not. Binary data scores low in both byte orders. */
static double utf16_plausible(const unsigned char *s, size_t n, int be)
{
    size_t good = 0, total = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned u = be ? (unsigned)s[i] << 8 | s[i + 1] : (unsigned)s[i + 1] << 8 | s[i];
        total++;
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            unsigned v = be ? (unsigned)s[i + 2] << 8 | s[i + 3] : (unsigned)s[i + 3] << 8 | s[i + 2];
            if (v >= 0xDC00 && v <= 0xDFFF) {
                good++, total++;
                i += 2;
            }
            continue;
        }
        if (u == 9 || u == 10 || u == 13 || (u >= 0x20 && u < 0x7F) || (u >= 0xA0 && u < 0x250) ||
            (u >= 0x370 && u < 0x530) || (u >= 0x590 && u < 0x700) || (u >= 0x900 && u < 0xE00) ||
            (u >= 0x2000 && u < 0x2070) || (u >= 0x3000 && u < 0x3100) || (u >= 0x3400 && u < 0x4DC0) ||
            (u >= 0x4E00 && u < 0xA000) || (u >= 0xAC00 && u < 0xD7B0) || (u >= 0xFF00 && u < 0xFFF0))
            good++;
    }
    return total ? (double)good / (double)total : 0.0;
}

/* Non-zero when the sample decodes in `name` without an error (an unfinished sequence at
 * the end of an incomplete sample is fine). */
static int decodes(const char *name, const unsigned char *s, size_t n, int complete)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(name, &st);
    const char *src = (const char *)s, *end = (const char *)s + n;
    UChar tmp[4096];
    int ok = 1;
    if (U_FAILURE(st))
        return 0;
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    for (;;) {
        UChar *t = tmp;
        st = U_ZERO_ERROR;
        ucnv_toUnicode(cv, &t, tmp + 4096, &src, end, NULL, (UBool)complete, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR)
            continue;
        if (U_FAILURE(st))
            ok = 0;
        break;
    }
    ucnv_close(cv);
    return ok;
}

int pb_charset_guess(const void *data, size_t n, int complete, int markup, char out[32], size_t *bom)
{
    const unsigned char *s = data;
    size_t m = n < SAMPLE_MAX ? n : SAMPLE_MAX, nul = 0;
    UCharsetDetector *det = NULL;
    UErrorCode st = U_ZERO_ERROR;
    int rc = 0, esc = 0;
    if (m < n)
        complete = 0;
    *bom = 0;
    snprintf(out, 32, "UTF-8");
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        *bom = 3;
        return 0;
    }
    if (n >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0) {
        *bom = 4;
        snprintf(out, 32, "UTF-32LE");
        return 0;
    }
    if (n >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF) {
        *bom = 4;
        snprintf(out, 32, "UTF-32BE");
        return 0;
    }
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        *bom = 2;
        snprintf(out, 32, s[0] == 0xFF ? "UTF-16LE" : "UTF-16BE");
        return 0;
    }
    nul = memchr(s, 0, m) != NULL;
    esc = memchr(s, 0x1B, m) != NULL;
    if (nul) {
        double le = utf16_plausible(s, m, 0), be = utf16_plausible(s, m, 1);
        if (le >= 0.9 && le >= be)
            snprintf(out, 32, "UTF-16LE");
        else if (be >= 0.9)
            snprintf(out, 32, "UTF-16BE");
        else
            return PROBITY_EFORMAT;
        return 0;
    }
    if (utf8_ok(s, m, !complete) && !esc)
        return 0;
    /* legacy encodings (and 7-bit ISO-2022, the one case where valid ASCII is not UTF-8) */
    det = ucsdet_open(&st);
    if (U_FAILURE(st))
        goto out;
    ucsdet_enableInputFilter(det, (UBool)(markup != 0));
    ucsdet_setText(det, (const char *)s, (int32_t)m, &st);
    {
        int32_t nm = 0;
        const UCharsetMatch **mm = ucsdet_detectAll(det, &nm, &st);
        int ascii = utf8_ok(s, m, !complete);
        if (U_FAILURE(st))
            nm = 0;
        for (int32_t i = 0; i < nm; i++) {
            const char *name = ucsdet_getName(mm[i], &st);
            char canon[32];
            if (U_FAILURE(st) || !name)
                break;
            if (ascii && strncmp(name, "ISO-2022", 8) != 0)
                continue;
            if (strncmp(name, "UTF-", 4) == 0 || strncmp(name, "IBM42", 5) == 0)
                continue;
            if (!pb_charset_canon(name, canon))
                continue;
            if (decodes(canon, s, m, complete)) {
                snprintf(out, 32, "%s", canon);
                goto out;
            }
        }
        if (!ascii)
            snprintf(out, 32, "windows-1252");
    }
out:
    if (det)
        ucsdet_close(det);
    return rc;
}

/* ---- conversion ---- */

struct pb_conv {
    UConverter *src, *utf8;     /* both NULL for UTF-8 input */
    UChar pivot[1024], *psrc, *ptgt;
    char tail[4];               /* UTF-8 input: unfinished sequence from the last chunk */
    size_t ntail, errors;
    char name[32];
};

static void count_cb(const void *ctx, UConverterToUnicodeArgs *args, const char *units, int32_t len,
                     UConverterCallbackReason reason, UErrorCode *st)
{
    struct pb_conv *c = (struct pb_conv *)ctx;
    if (reason <= UCNV_IRREGULAR)
        c->errors += len > 0 ? (size_t)len : 1;
    UCNV_TO_U_CALLBACK_SUBSTITUTE(NULL, args, units, len, reason, st);
}

int pb_conv_open(struct pb_conv **out, const char *encoding, struct probity_error *err)
{
    struct pb_conv *c = calloc(1, sizeof(*c));
    UErrorCode st = U_ZERO_ERROR;
    char canon[32];
    *out = NULL;
    if (!c)
        return PROBITY_ENOMEM;
    if (!encoding || !pb_charset_canon(encoding, canon)) {
        free(c);
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "unknown encoding '%s'", encoding ? encoding : "");
    }
    snprintf(c->name, sizeof(c->name), "%s", canon);
    if (strcmp(canon, "UTF-8") != 0) {
        c->src = ucnv_open(canon, &st);
        if (U_SUCCESS(st))
            ucnv_setToUCallBack(c->src, count_cb, c, NULL, NULL, &st);
        if (U_SUCCESS(st))
            c->utf8 = ucnv_open("UTF-8", &st);
        if (U_FAILURE(st)) {
            pb_conv_close(c);
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "cannot convert from '%s': %s", encoding,
                           u_errorName(st));
        }
        c->psrc = c->ptgt = c->pivot;
    }
    *out = c;
    return 0;
}

static int run_utf8(struct pb_conv *c, const char *in, size_t n, int flush, struct pb_buf *out)
{
    struct pb_buf joined = PB_BUF_INIT;
    size_t keep;
    long bad;
    int rc = 0;
    if (c->ntail) { /* a sequence was cut at the end of the previous chunk */
        if (pb_buf_add(&joined, c->tail, c->ntail) || pb_buf_add(&joined, in, n)) {
            rc = PROBITY_ENOMEM;
            goto out;
        }
        in = joined.s, n = joined.len;
        c->ntail = 0;
    }
    keep = flush ? n : pb_utf8_cut(in, n);
    if ((bad = pb_utf8_repair(in, keep, out)) < 0) {
        rc = PROBITY_ENOMEM;
        goto out;
    }
    c->errors += (size_t)bad;
    memcpy(c->tail, in + keep, n - keep);
    c->ntail = n - keep;
out:
    pb_buf_release(&joined);
    return rc;
}

int pb_conv_run(struct pb_conv *c, const void *in, size_t n, int flush, struct pb_buf *out)
{
    const char *src = in, *end = (const char *)in + n;
    if (!c->src)
        return run_utf8(c, in, n, flush, out);
    for (;;) {
        UErrorCode st = U_ZERO_ERROR;
        size_t room = (size_t)(end - src) * 3 + 256;
        char *t, *t0;
        if (pb_buf_grow(out, room))
            return PROBITY_ENOMEM;
        t0 = t = out->s + out->len;
        ucnv_convertEx(c->utf8, c->src, &t, t0 + room, &src, end, c->pivot, &c->psrc, &c->ptgt,
                       c->pivot + 1024, 0, (UBool)(flush != 0), &st);
        out->len += (size_t)(t - t0);
        out->s[out->len] = 0;
        if (st == U_BUFFER_OVERFLOW_ERROR)
            continue;
        if (U_FAILURE(st)) {
            /* cannot happen with the substituting callback; drop the rest rather than loop */
            c->errors += (size_t)(end - src);
        }
        return 0;
    }
}

size_t pb_conv_errors(const struct pb_conv *c) { return c->errors; }
const char *pb_conv_name(const struct pb_conv *c) { return c->name; }

void pb_conv_close(struct pb_conv *c)
{
    if (!c)
        return;
    if (c->src)
        ucnv_close(c->src);
    if (c->utf8)
        ucnv_close(c->utf8);
    free(c);
}
