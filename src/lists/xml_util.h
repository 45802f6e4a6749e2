/* Shared plumbing of the XML list loaders (OFAC sdnList, UN consolidated list): a streaming
 * libxml2 reader that turns parser errors into probity errors with line and column, record
 * expansion one element at a time, text access that never expands user-defined entities,
 * and helpers that add cleaned values (dates, countries) to entities and hand them to the
 * sink. Only the XML loaders include this header; libxml2 stays behind it and them. */
#ifndef PB_XML_UTIL_H
#define PB_XML_UTIL_H
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include "core/core.h"
#include "lists/loader.h"

struct pb_xml {
    xmlTextReaderPtr r;
    const char *path;
    struct pb_sink *sink;
    struct probity_error *err;
    int rc;                 /* first error of the file (0 while all is well) */
    /* libxml2 before 2.12 reports some errors (encoding, I/O) outside the reader: while a
     * file is open they come here instead of going to stderr; the previous handler is put back */
    xmlStructuredErrorFunc saved_handler;
    void *saved_ctx;
    int handler_set;
    /* the first error the parser reported, kept until the reader call that failed returns */
    int perr, pcode;
    long pline, pcol;
    char pmsg[320];
    /* strings built for the current record (text split over several nodes), freed together */
    char **scratch;
    size_t nscratch, capscratch;
};

/* Open `path` for streaming: no network, no DTD loading, no entity substitution.
 * Returns 0, or PROBITY_EIO / PROBITY_ENOMEM with x->err filled. Always call pb__xml_close. */
int pb__xml_open(struct pb_xml *x, const char *path, struct pb_sink *sink, struct probity_error *err);
void pb__xml_close(struct pb_xml *x);

/* Advance to the next node (pb__xml_read) or past the current node's subtree (pb__xml_skip).
 * Return 1 on a node, 0 at the end of the document, or a negative code with the parser's
 * line, column and reason in x->err (a truncated file is an error, never a quiet end). */
int pb__xml_read(struct pb_xml *x);
int pb__xml_skip(struct pb_xml *x);

/* The current element with its whole subtree in memory (borrowed until the next read or
 * skip, which frees it), or NULL with x->rc and x->err set. */
xmlNodePtr pb__xml_expand(struct pb_xml *x);

/* Local name of the current node / of a node ("" when none), ignoring namespaces. */
const char *pb__xml_name(struct pb_xml *x);
const char *pb__xml_node_name(const xmlNode *n);

/* First element child of `parent` with this local name, or NULL. */
xmlNodePtr pb__xml_child(const xmlNode *parent, const char *name);
/* The next element sibling after `n` (NULL to start from parent's first child) with this
 * local name (any element when name is NULL), or NULL. */
xmlNodePtr pb__xml_next_elem(const xmlNode *parent, const xmlNode *n, const char *name);

/* Text directly inside an element (text and CDATA children; references to user-defined
 * entities are not expanded), or NULL when it is absent or only white space. Borrowed
 * until pb__xml_record_done. */
const char *pb__xml_text(struct pb_xml *x, const xmlNode *elem);
/* Text of the first child element with this local name, as above. */
const char *pb__xml_child_text(struct pb_xml *x, const xmlNode *parent, const char *name);
/* Free the strings pb__xml_text built for the record. */
void pb__xml_record_done(struct pb_xml *x);

/* 1-based source line of a node (0 when unknown), and of the reader's current node. */
long pb__xml_line(const xmlNode *n);
long pb__xml_cur_line(struct pb_xml *x);

/* Add a value when it is not NULL and the property exists on the entity's schema; otherwise
 * nothing. Errors (out of memory, bad UTF-8) go to x->rc / x->err, after which every helper
 * does nothing: callers test x->rc once per record. Return non-zero if the value was added
 * or was empty, 0 if the schema has no such property (so callers can fall back). */
int pb__xml_add(struct pb_xml *x, struct probity_entity *e, const char *prop, const char *value);
/* A date as ISO 8601 via pb_date_iso, or the raw text when it is not a date we understand. */
int pb__xml_add_date(struct pb_xml *x, struct probity_entity *e, const char *prop, const char *value);
/* A country as its ISO code via pb__country_code, or the raw text when unknown. */
int pb__xml_add_country(struct pb_xml *x, struct probity_entity *e, const char *prop, const char *value);
/* Append `s` without its surrounding white space to b, after `sep` when b is not empty;
 * nothing when s is NULL or blank. Out of memory goes to x->rc. */
void pb__xml_join(struct pb_xml *x, struct pb_buf *b, const char *sep, const char *s);
/* Borrowed text of b, or NULL when it is empty. */
static inline const char *pb__xml_buf(const struct pb_buf *b) { return b->len ? b->s : NULL; }
/* Start a fresh entity with this id and schema. */
void pb__xml_reset(struct pb_xml *x, struct probity_entity *e, const char *id, const char *schema);
/* Hand an entity to the sink; a sink error is kept with this file and the record's line. */
void pb__xml_emit(struct pb_xml *x, const struct probity_entity *e, long line);
/* Record an error about the file's content (not its syntax) at a line. Returns code. */
int pb__xml_fail(struct pb_xml *x, int code, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
