/* The normalised key of a name for exact look-ups: compatibility-normalised, case folded,
 * without diacritics or punctuation. "Banco Nacional de Cuba", "BANCO NACIONAL DE CUBA."
 * and "Bánco  Nacional-de Cuba" share one key. Scripts are kept; transliteration belongs
 * to the screening engine. */
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include "core/core.h"
#include "text/text.h"

char *pb_name_key(const char *name)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkd = unorm2_getNFKDInstance(&st);
    int32_t n16 = 0, nd, nf;
    UChar *u = NULL, *d = NULL, *f = NULL, *r = NULL;
    char *out = NULL;
    if (U_FAILURE(st))
        return NULL;
    u_strFromUTF8(NULL, 0, &n16, name, -1, &st);
    st = U_ZERO_ERROR;
    u = malloc(sizeof(UChar) * ((size_t)n16 + 1));
    if (!u)
        goto out;
    u_strFromUTF8(u, n16 + 1, NULL, name, -1, &st);
    if (U_FAILURE(st))
        goto out;
    /* fold case first: folding may produce characters that decompose */
    f = malloc(sizeof(UChar) * ((size_t)n16 * 3 + 1));
    if (!f)
        goto out;
    nf = u_strFoldCase(f, n16 * 3 + 1, u, n16, U_FOLD_CASE_DEFAULT, &st);
    if (U_FAILURE(st))
        goto out;
    nd = unorm2_normalize(nfkd, f, nf, NULL, 0, &st);
    st = U_ZERO_ERROR;
    d = malloc(sizeof(UChar) * ((size_t)nd + 1));
    if (!d)
        goto out;
    nd = unorm2_normalize(nfkd, f, nf, d, nd + 1, &st);
    if (U_FAILURE(st))
        goto out;
    /* keep letters and digits, drop marks, turn everything else into one space */
    r = malloc(sizeof(UChar) * ((size_t)nd * 2 + 2));
    if (!r)
        goto out;
    {
        int32_t i = 0, o = 0;
        int space = 0;
        while (i < nd) {
            UChar32 c;
            U16_NEXT(d, i, nd, c);
            int8_t t = u_charType(c);
            if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK)
                continue;
            if (u_isalnum(c)) {
                if (space && o)
                    r[o++] = ' ';
                space = 0;
                if (c > 0xFFFF) {
                    r[o++] = U16_LEAD(c);
                    r[o++] = U16_TRAIL(c);
                } else {
                    r[o++] = (UChar)c;
                }
            } else if (c != '\'' && c != 0x2019) { /* O'Brien = OBrien */
                space = 1;
            }
        }
        int32_t n8 = 0;
        st = U_ZERO_ERROR;
        u_strToUTF8(NULL, 0, &n8, r, o, &st);
        st = U_ZERO_ERROR;
        out = malloc((size_t)n8 + 1);
        if (!out)
            goto out;
        u_strToUTF8(out, n8 + 1, NULL, r, o, &st);
        if (U_FAILURE(st)) {
            free(out);
            out = NULL;
        }
    }
out:
    free(u);
    free(d);
    free(f);
    free(r);
    return out;
}
