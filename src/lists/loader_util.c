/* Small helpers shared by the list loaders. */
#include <ctype.h>
#include "core/csv.h"
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

int pb__csv_open_header(struct pb_csv **out, const char *path, char delim, const char *encoding,
                        const char *const *names, int n, int *col, size_t *nheader, const char *what,
                        struct probity_error *err)
{
    char **f;
    size_t nf;
    int r, rc;
    *out = NULL;
    if ((rc = pb_csv_open(out, path, delim, encoding, err)))
        return rc;
    if ((r = pb_csv_next(*out, &f, &nf, err)) <= 0) {
        rc = r < 0 ? r : pb__err(err, PROBITY_EEMPTY, path, 0, 0, "empty file: no %s header", what);
        pb_csv_close(*out);
        *out = NULL;
        return rc;
    }
    for (int k = 0; k < n; k++) {
        col[k] = -1;
        for (size_t i = 0; i < nf; i++)
            if (pb_streq_ci(pb_trim(f[i]), names[k])) {
                col[k] = (int)i;
                break;
            }
    }
    *nheader = nf;
    return 0;
}

int pb__csv_row(struct pb_csv *csv, size_t nheader, char ***f, long *line, const char *path,
                struct probity_error *err)
{
    size_t nf;
    int r = pb_csv_next(csv, f, &nf, err);
    if (r <= 0)
        return r;
    *line = pb_csv_lineno(csv);
    if (nf != nheader)
        return pb__err(err, PROBITY_EPARSE, path, *line, 0, "row has %zu fields, the header has %zu", nf, nheader);
    return 1;
}

int pb__entity_add_at(struct probity_entity *e, const char *prop, const char *value, const char *path, long line,
                      struct probity_error *err)
{
    int rc = probity_entity_add(e, prop, value);
    if (rc == PROBITY_EENCODING)
        return pb__err(err, rc, path, line, 0, "invalid UTF-8 in %s", prop);
    if (rc)
        return pb__err(err, PROBITY_ENOMEM, path, line, 0, "out of memory");
    return 0;
}
