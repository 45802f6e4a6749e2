/* Small helpers shared by the list loaders. */
#include <ctype.h>
#include "lists/loader.h"

int pb__id_fold(struct pb_buf *b, const char *s)
{
    int space = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || ch >= 0x80) {
            if (space && b->len && pb_buf_addc(b, ' '))
                return -1;
            space = 0;
            if (pb_buf_addc(b, (char)tolower(ch)))
                return -1;
        } else {
            space = 1;
        }
    }
    return 0;
}
