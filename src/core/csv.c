/* Streaming CSV: records are assembled from input lines, so a quoted field may span
 * lines. Field storage is one buffer per reader, reused for every record. */
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "core/csv.h"
#include "text/text.h"

struct pb_csv {
    struct pb_input *in;
    char delim;
    struct pb_buf rec;        /* field bytes, each NUL-terminated */
    size_t *offs;             /* field start offsets into rec */
    char **fields;
    size_t nf, cap;
    long lineno;
};

int pb_csv_open(struct pb_csv **out, const char *path, char delim, const char *encoding,
                struct probity_error *err)
{
    struct pb_csv *c = calloc(1, sizeof(*c));
    int rc;
    *out = NULL;
    if (!c)
        return pb__err(err, PROBITY_ENOMEM, path, 0, 0, "out of memory");
    c->delim = delim;
    if ((rc = pb_input_open(&c->in, path, encoding, err))) {
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

static int push_field(struct pb_csv *c, size_t start)
{
    if (c->nf == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        size_t *o = realloc(c->offs, cap * sizeof(*o));
        if (!o)
            return PROBITY_ENOMEM;
        c->offs = o;
        char **f = realloc(c->fields, cap * sizeof(*f));
        if (!f)
            return PROBITY_ENOMEM;
        c->fields = f;
        c->cap = cap;
    }
    c->offs[c->nf++] = start;
    return pb_buf_addc(&c->rec, 0);
}

int pb_csv_next(struct pb_csv *c, char ***fields, size_t *nfields, struct probity_error *err)
{
    const char *line;
    size_t len;
    int rc;
    do {
        rc = pb_input_line(c->in, &line, &len, err);
        if (rc <= 0)
            return rc;
    } while (len == 0);
    c->lineno = pb_input_lineno(c->in);
    pb_buf_reset(&c->rec);
    c->nf = 0;
    size_t start = 0, i = 0;
    int quoted = 0;
    long qline = 0, qcol = 0;
    for (;;) {
        if (i >= len) {
            if (quoted) { /* the field goes on on the next line */
                rc = pb_input_line(c->in, &line, &len, err);
                if (rc < 0)
                    return rc;
                if (rc == 0)
                    return pb__err(err, PROBITY_EPARSE, pb_input_path(c->in), qline, qcol,
                                   "quoted field never closed (file truncated?)");
                if (pb_buf_addc(&c->rec, '\n'))
                    return PROBITY_ENOMEM;
                i = 0;
                continue;
            }
            if ((rc = push_field(c, start)))
                return rc;
            break;
        }
        char ch = line[i];
        if (quoted) {
            if (ch == '"') {
                if (i + 1 < len && line[i + 1] == '"') {
                    if (pb_buf_addc(&c->rec, '"'))
                        return PROBITY_ENOMEM;
                    i += 2;
                    continue;
                }
                quoted = 0;
                i++;
                /* after a closing quote only blanks may come before the delimiter or the end
                 * of the line: anything else means broken quoting, e.g. a cut record */
                while (i < len && line[i] == ' ')
                    i++;
                if (i < len && line[i] != c->delim)
                    return pb__err(err, PROBITY_EPARSE, pb_input_path(c->in), pb_input_lineno(c->in), (long)i + 1,
                                   "unexpected text after a closing quote");
                continue;
            }
            if (pb_buf_addc(&c->rec, ch))
                return PROBITY_ENOMEM;
            i++;
            continue;
        }
        if (ch == c->delim) {
            if ((rc = push_field(c, start)))
                return rc;
            start = c->rec.len;
            i++;
            continue;
        }
        if (ch == '"') {
            /* a quote opens a quoted section when it starts the field (after blanks) */
            int at_start = 1;
            for (size_t k = start; k < c->rec.len; k++)
                if (c->rec.s[k] != ' ')
                    at_start = 0;
            if (at_start) {
                c->rec.len = start; /* drop blanks before the quote */
                quoted = 1;
                qline = pb_input_lineno(c->in);
                qcol = (long)i + 1;
                i++;
                continue;
            }
        }
        if (pb_buf_addc(&c->rec, ch))
            return PROBITY_ENOMEM;
        i++;
    }
    for (size_t k = 0; k < c->nf; k++)
        c->fields[k] = c->rec.s + c->offs[k];
    *fields = c->fields;
    *nfields = c->nf;
    return 1;
}

long pb_csv_lineno(const struct pb_csv *c) { return c->lineno; }
long long pb_csv_offset(const struct pb_csv *c) { return pb_input_offset(c->in); }

void pb_csv_close(struct pb_csv *c)
{
    if (!c)
        return;
    pb_input_close(c->in);
    pb_buf_release(&c->rec);
    free(c->offs);
    free(c->fields);
    free(c);
}
