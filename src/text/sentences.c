/* Sentence breaks through ICU over the UTF-8 text itself (UText), so the boundaries ICU
 * reports are byte offsets into the caller's text and no UTF-16 copy is made. White space
 * at either end of a sentence is trimmed, so a sentence quoted as evidence starts and ends
 * on a character a reader can see. */
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <string.h>
#include "probity/error.h"
#include "text/sentences.h"

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim ASCII white space and U+00A0 / U+3000 at both ends of [*s, *e). */
static void trim(const char *t, size_t *s, size_t *e)
{
    for (;;) {
        if (*s < *e && is_space((unsigned char)t[*s]))
            (*s)++;
        else if (*s + 1 < *e && (unsigned char)t[*s] == 0xC2 && (unsigned char)t[*s + 1] == 0xA0)
            *s += 2;
        else if (*s + 2 < *e && (unsigned char)t[*s] == 0xE3 && (unsigned char)t[*s + 1] == 0x80 &&
                 (unsigned char)t[*s + 2] == 0x80)
            *s += 3;
        else
            break;
    }
    for (;;) {
        if (*e > *s && is_space((unsigned char)t[*e - 1]))
            (*e)--;
        else if (*e >= *s + 2 && (unsigned char)t[*e - 2] == 0xC2 && (unsigned char)t[*e - 1] == 0xA0)
            *e -= 2;
        else if (*e >= *s + 3 && (unsigned char)t[*e - 3] == 0xE3 && (unsigned char)t[*e - 2] == 0x80 &&
                 (unsigned char)t[*e - 1] == 0x80)
            *e -= 3;
        else
            break;
    }
}

/* Does the sentence [s, e) end with initials such as "U.S." or "E.O." (a letter, a full
 * stop, a letter, a full stop), which ICU takes for the end of a sentence? */
static int ends_with_initials(const char *t, size_t s, size_t e)
{
    return e >= s + 4 && t[e - 1] == '.' && ((t[e - 2] >= 'A' && t[e - 2] <= 'Z') || (t[e - 2] >= 'a' && t[e - 2] <= 'z')) &&
           t[e - 3] == '.' && ((t[e - 4] >= 'A' && t[e - 4] <= 'Z') || (t[e - 4] >= 'a' && t[e - 4] <= 'z'));
}

/* Does the sentence end with a company-form abbreviation ("Co.") and the next begin with
 * another ("Ltd.")? Then "Co. Ltd." is one name, not two sentences. */
static int split_legal_form(const char *t, size_t e, size_t s2, size_t e2)
{
    static const char *const before[] = {"Co.", "CO.", "Corp.", "CORP.", NULL};
    static const char *const after[] = {"Ltd", "LTD", "Limited", "LIMITED", "Inc", "INC", "LLC", NULL};
    int b = 0;
    for (size_t i = 0; before[i] && !b; i++) {
        size_t n = strlen(before[i]);
        b = e >= n && memcmp(t + e - n, before[i], n) == 0;
    }
    for (size_t i = 0; after[i] && b; i++) {
        size_t n = strlen(after[i]);
        if (e2 - s2 >= n && memcmp(t + s2, after[i], n) == 0)
            return 1;
    }
    return 0;
}

int pb_sentences(const char *text, size_t len, pb_sentence_fn fn, void *ctx)
{
    UErrorCode uerr = U_ZERO_ERROR;
    UText *ut = NULL;
    UBreakIterator *bi = NULL;
    int rc = 0;
    int32_t prev, cur;
    size_t ps = 0, pe = 0;   /* the sentence held back until the next one is seen */
    int has = 0;
    if (len == 0)
        return 0;
    ut = utext_openUTF8(NULL, text, (int64_t)len, &uerr);
    if (U_FAILURE(uerr)) {
        rc = PROBITY_EENCODING;
        goto out;
    }
    /* "ss=standard" keeps abbreviations such as "U.S." and "Inc." inside their sentence */
    bi = ubrk_open(UBRK_SENTENCE, "en@ss=standard", NULL, 0, &uerr);
    if (U_FAILURE(uerr)) {
        rc = PROBITY_ENOMEM;
        goto out;
    }
    ubrk_setUText(bi, ut, &uerr);
    if (U_FAILURE(uerr)) {
        rc = PROBITY_EENCODING;
        goto out;
    }
    prev = ubrk_first(bi);
    while ((cur = ubrk_next(bi)) != UBRK_DONE) {
        size_t s = (size_t)prev, e = (size_t)cur;
        prev = cur;
        trim(text, &s, &e);
        if (s >= e)
            continue;
        /* a break before a digit, a lower-case letter or "(" on the same line, or after
         * initials ("the U.S. Department"), follows an abbreviation ICU does not know
         * ("E.O. 13382", "No. 7"): keep going */
        if (has && text[s] != '\n' && !memchr(text + pe, '\n', s - pe) &&
            ((text[s] >= '0' && text[s] <= '9') || (text[s] >= 'a' && text[s] <= 'z') || text[s] == '(' ||
             text[s] == ',' || text[s] == ';' || ends_with_initials(text, ps, pe) ||
             split_legal_form(text, pe, s, e))) {
            pe = e;
            continue;
        }
        if (has && (rc = fn(ctx, ps, pe)))
            goto out;
        ps = s;
        pe = e;
        has = 1;
    }
    if (has && (rc = fn(ctx, ps, pe)))
        goto out;
out:
    if (bi)
        ubrk_close(bi);
    if (ut)
        utext_close(ut);
    return rc;
}
