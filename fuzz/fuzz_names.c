/* libFuzzer target for the name normaliser: every input, copied and NUL-terminated, goes
 * through pb_name_forms with each flag value, and every token of every form through
 * pb_token_kind and pb_phonetic_key, so that the sanitizers see all of the output. The
 * forms must be non-empty strings of single-space-separated tokens. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "text/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int flags[] = {0, PB_NAME_PERSON, PB_NAME_ORG, PB_NAME_PERSON | PB_NAME_ORG};
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    (void)pb_name_script(s);
    for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
        struct pb_forms f;
        if (pb_name_forms(s, flags[k], &f) != 0)
            continue;
        if (!f.n)
            abort();
        for (size_t i = 0; i < f.n; i++) {
            char *form = f.v[i], *p = form, key[16];
            size_t n = strlen(form);
            if (!n || form[0] == ' ' || form[n - 1] == ' ' || strstr(form, "  "))
                abort();
            while (*p) {
                char tok[256];
                size_t l = strcspn(p, " ");
                if (l < sizeof(tok)) {
                    memcpy(tok, p, l);
                    tok[l] = 0;
                    (void)pb_token_kind(tok);
                    pb_phonetic_key(tok, key, sizeof(key));
                }
                p += l;
                while (*p == ' ')
                    p++;
            }
        }
        pb_forms_release(&f);
    }
    free(s);
    return 0;
}
