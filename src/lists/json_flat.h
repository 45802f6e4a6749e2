/* JSON documents for the loaders that read JSON a line at a time (FtM). simdjson parses
 * each document; it is handed to C as a flat array of nodes in document order, each
 * node knowing where its subtree ends, so C code walks it without recursion into C++.
 * Strings (keys too) point into the parser's buffers and are NUL-terminated; they stay
 * valid until the next parse with the same parser. */
#ifndef PB_JSON_FLAT_H
#define PB_JSON_FLAT_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum pb_jtype { PB_JNULL, PB_JTRUE, PB_JFALSE, PB_JINT, PB_JUINT, PB_JREAL, PB_JSTRING, PB_JARRAY, PB_JOBJECT };

struct pb_jnode {
    const char *key;   /* member name when the parent is an object, else NULL */
    const char *str;   /* the text of a string, else NULL */
    size_t len;        /* length of a string; number of members or elements of a container */
    uint32_t end;      /* index one past the last node of this node's subtree */
    uint8_t type;      /* enum pb_jtype */
    union {
        int64_t i;
        uint64_t u;
        double d;
    } num;
};

struct pb_json;

/* A parser (reused from document to document), or NULL when out of memory. */
struct pb_json *pb_json_new(void);
void pb_json_free(struct pb_json *j);

/* Parse one JSON document of n bytes. Returns 0 with the nodes (node 0 is the root), or -1
 * with *why set to a static reason (invalid JSON, a string holding U+0000, too deep...). */
int pb_json_parse(struct pb_json *j, const char *s, size_t n, const struct pb_jnode **nodes, size_t *count,
                  const char **why);

/* The member `key` of the object at index `obj` (the last one when a key repeats, as most
 * JSON readers do), or -1. */
long pb_json_get(const struct pb_jnode *nodes, size_t obj, const char *key);

#ifdef __cplusplus
}
#endif
#endif
