/* Error codes and the error record every fallible call may fill.
 * Functions return 0 on success or one of the negative PROBITY_E* codes;
 * parsers also fill a struct probity_error with the file, line, column and reason. */
#ifndef PROBITY_ERROR_H
#define PROBITY_ERROR_H
#include <stdio.h>

enum {
    PROBITY_OK = 0,
    PROBITY_ENOMEM = -1,    /* out of memory */
    PROBITY_EIO = -2,       /* file could not be opened, read or written */
    PROBITY_EPARSE = -3,    /* malformed input (position in the error record) */
    PROBITY_EFORMAT = -4,   /* unknown or wrong format */
    PROBITY_ENOTFOUND = -5, /* no such entity, dataset or version */
    PROBITY_EINVAL = -6,    /* invalid argument */
    PROBITY_ESTORE = -7,    /* the store failed (SQLite error) */
    PROBITY_ESCHEMA = -8,   /* store schema newer than this binary, or unknown FtM schema */
    PROBITY_EENCODING = -9, /* text that is not valid in its encoding */
    PROBITY_EEMPTY = -10,   /* input holds no records */
};

struct probity_error {
    int code;
    char file[512];
    long line;      /* 1-based, 0 when not applicable */
    long column;    /* 1-based, 0 when not applicable */
    char msg[512];
};

/* A short static description of an error code. */
const char *probity_strerror(int code);

/* Clear an error record. */
void probity_error_clear(struct probity_error *err);

/* Write "file:line:column: error: message" (parts that are unknown are left out) and a newline. */
void probity_error_print(FILE *fp, const struct probity_error *err);

#endif
