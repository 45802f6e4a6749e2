/* Finding a compiled-in lexicon by name. */
#include <string.h>
#include "core/lexicon.h"

const char *pb_lexicon(const char *name, size_t *len)
{
    for (const struct pb_lexicon_blob *b = pb__lexicons; b->name; b++)
        if (strcmp(b->name, name) == 0) {
            if (len)
                *len = (size_t)(b->end - b->start);
            return b->start;
        }
    return NULL;
}
