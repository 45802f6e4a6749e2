/* Placeholder name forms: the normalised key as the only form. Being replaced by the full
 * multilingual implementation. */
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "text/names.h"
#include "text/text.h"

int pb_name_forms(const char *name, int flags, struct pb_forms *out)
{
    char *k;
    (void)flags;
    memset(out, 0, sizeof(*out));
    if (!pb_utf8_valid(name, strlen(name), NULL))
        return PROBITY_EENCODING;
    if (!(k = pb_name_key(name)))
        return PROBITY_ENOMEM;
    if (!*k) {
        free(k);
        return PROBITY_EINVAL;
    }
    out->v = malloc(sizeof(char *));
    out->orig = calloc(1, 1);
    if (!out->v || !out->orig) {
        free(k);
        pb_forms_release(out);
        return PROBITY_ENOMEM;
    }
    out->v[0] = k;
    out->n = 1;
    out->script = PB_SCRIPT_LATIN;
    return 0;
}

void pb_forms_release(struct pb_forms *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i]);
    free(f->v);
    free(f->orig);
    memset(f, 0, sizeof(*f));
}

enum pb_tok_kind pb_token_kind(const char *tok)
{
    (void)tok;
    return PB_TOK_WORD;
}

enum pb_script pb_name_script(const char *name)
{
    (void)name;
    return PB_SCRIPT_LATIN;
}

const char *pb_script_name(enum pb_script s)
{
    (void)s;
    return "latin";
}

void pb_phonetic_key(const char *tok, char *out, size_t size)
{
    (void)tok;
    if (size)
        out[0] = 0;
}
