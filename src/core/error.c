/* The error table and the error record. One place knows every code's meaning so that
 * messages stay consistent across commands (libuv's uv_strerror). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/core.h"

const char *probity_strerror(int code)
{
    switch (code) {
    case PROBITY_OK: return "success";
    case PROBITY_ENOMEM: return "out of memory";
    case PROBITY_EIO: return "input/output error";
    case PROBITY_EPARSE: return "malformed input";
    case PROBITY_EFORMAT: return "unknown or wrong format";
    case PROBITY_ENOTFOUND: return "not found";
    case PROBITY_EINVAL: return "invalid argument";
    case PROBITY_ESTORE: return "store error";
    case PROBITY_ESCHEMA: return "schema error";
    case PROBITY_EENCODING: return "invalid text encoding";
    case PROBITY_EEMPTY: return "no records";
    }
    return "unknown error";
}

void probity_error_clear(struct probity_error *err)
{
    if (err)
        memset(err, 0, sizeof(*err));
}

int pb__err(struct probity_error *err, int code, const char *file, long line, long col, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    err->column = col;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void probity_error_print(FILE *fp, const struct probity_error *err)
{
    if (err->file[0]) {
        fputs(err->file, fp);
        if (err->line > 0) {
            fprintf(fp, ":%ld", err->line);
            if (err->column > 0)
                fprintf(fp, ":%ld", err->column);
        }
        fputs(": ", fp);
    }
    fprintf(fp, "error: %s\n", err->msg[0] ? err->msg : probity_strerror(err->code));
}
