/* The SQLite store. Every SQL statement of probity is in this file.
 *
 * Layout: a dataset has numbered versions; each version holds its entities, each one row
 * (id, schema, statements) where the statements, the entity's (prop, value) pairs, are one
 * packed value in canonical order (see pb__pack_statements). One row per entity rather than one
 * per value keeps a load to about a tenth of the B-tree insertions, and two versions of an
 * entity are equal exactly when their packed statements are. Entity-typed statements are
 * mirrored in `ref` (target -> source) so links can be found from either end, and name keys
 * in `name_key` for exact look-ups. A dataset's current version is switched inside the load
 * transaction, so readers see either the old version or the new one, never a mixture. */
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include "core/core.h"
#include "probity/model.h"
#include "probity/store.h"
#include "store/pack.h"
#include "store/store_internal.h"
#include "text/text.h"

struct schema_count {
    char *schema;
    long n;
};

struct probity_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *ins_entity, *ins_ref, *ins_name, *get_entity, *set_entity;
    struct pb_buf pack;                        /* packed statements of the entity being stored */
    const struct probity_prop **order;         /* its props in canonical order */
    size_t norder;
    int64_t load_vid;                          /* the version being loaded, and its statement count */
    long load_statements;
    struct pb_buf last_id;                     /* the entity stored last, and its row */
    int64_t last_n;
    struct schema_count *counts;               /* entities of load_vid by schema */
    size_t ncounts;
    struct pb_map types;   /* "schema\tprop" -> static type string ("" when unknown) */
};

static const char *const migrations[] = {
    /* 1 */
    "CREATE TABLE dataset(name TEXT PRIMARY KEY, current INTEGER);"
    "CREATE TABLE version(id INTEGER PRIMARY KEY, dataset TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  format TEXT, published TEXT, loaded_at TEXT, entities INTEGER DEFAULT 0,"
    "  records INTEGER DEFAULT 0, statements INTEGER DEFAULT 0, UNIQUE(dataset, seq));"
    "CREATE TABLE version_file(version INTEGER NOT NULL, path TEXT, sha256 TEXT, size INTEGER);"
    "CREATE INDEX version_file_v ON version_file(version);"
    "CREATE TABLE entity(version INTEGER NOT NULL, id TEXT NOT NULL, schema TEXT NOT NULL,"
    "  PRIMARY KEY(version, id)) WITHOUT ROWID;"
    "CREATE TABLE statement(version INTEGER NOT NULL, entity TEXT NOT NULL, prop TEXT NOT NULL,"
    "  value TEXT NOT NULL, PRIMARY KEY(version, entity, prop, value)) WITHOUT ROWID;"
    "CREATE TABLE ref(target TEXT NOT NULL, version INTEGER NOT NULL, source TEXT NOT NULL,"
    "  prop TEXT NOT NULL, PRIMARY KEY(target, version, source, prop)) WITHOUT ROWID;"
    "CREATE TABLE name_key(key TEXT NOT NULL, version INTEGER NOT NULL, entity TEXT NOT NULL,"
    "  PRIMARY KEY(key, version, entity)) WITHOUT ROWID;",
    /* 2: documents (src/store/docs.c; docs/internals/documents.md). The full-text table
     * chunk_fts is created by docs.c, which registers its tokenizer first. */
    "CREATE TABLE collection(name TEXT PRIMARY KEY, created_at TEXT) WITHOUT ROWID;"
    "CREATE TABLE document(n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, parent TEXT, supersedes TEXT,"
    "  version INTEGER NOT NULL DEFAULT 1, current INTEGER NOT NULL DEFAULT 1, collection TEXT NOT NULL,"
    "  path TEXT, title TEXT, url TEXT, type TEXT, mime TEXT, encoding TEXT, langs TEXT, published TEXT,"
    "  author TEXT, pages INTEGER, bytes INTEGER, chars INTEGER, status TEXT NOT NULL, reason TEXT,"
    "  ingested_at TEXT);"
    "CREATE INDEX document_parent ON document(parent) WHERE parent IS NOT NULL;"
    "CREATE INDEX document_supersedes ON document(supersedes) WHERE supersedes IS NOT NULL;"
    "CREATE TABLE member(collection TEXT NOT NULL, path TEXT NOT NULL, doc INTEGER NOT NULL,"
    "  PRIMARY KEY(collection, path)) WITHOUT ROWID;"
    "CREATE INDEX member_doc ON member(doc);"
    "CREATE TABLE chunk(id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  page INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, lang TEXT, text TEXT NOT NULL);"
    "CREATE UNIQUE INDEX chunk_doc ON chunk(doc, start);"
    "CREATE VIEW chunk_current AS SELECT c.id AS id, pb_text(c.text) AS text FROM chunk c"
    "  JOIN document d ON d.n = c.doc WHERE d.current = 1 AND d.status = 'ok';"
    "CREATE TABLE page(doc INTEGER NOT NULL, page INTEGER NOT NULL, start INTEGER NOT NULL,"
    "  end INTEGER NOT NULL, PRIMARY KEY(doc, page)) WITHOUT ROWID;"
    "CREATE TABLE doc_meta(doc INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);"
    "CREATE INDEX doc_meta_doc ON doc_meta(doc);"
    "CREATE TABLE ingest_issue(collection TEXT NOT NULL, path TEXT NOT NULL, reason TEXT, at TEXT,"
    "  PRIMARY KEY(collection, path)) WITHOUT ROWID;",
    /* 3: evidence (src/store/evidence.c; docs/internals/evidence.md) */
    "CREATE TABLE ev_entity(id TEXT PRIMARY KEY, schema TEXT NOT NULL, caption TEXT NOT NULL, key TEXT)"
    "  WITHOUT ROWID;"
    "CREATE INDEX ev_entity_key ON ev_entity(key);"
    "CREATE INDEX ev_entity_caption ON ev_entity(caption);"
    "CREATE TABLE ev_mention(doc TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
    "  entity TEXT NOT NULL, how TEXT, text TEXT, PRIMARY KEY(doc, start, end)) WITHOUT ROWID;"
    "CREATE INDEX ev_mention_entity ON ev_mention(entity);"
    "CREATE TABLE ev_link(id TEXT PRIMARY KEY, doc TEXT NOT NULL, type TEXT NOT NULL, schema TEXT,"
    "  subject TEXT NOT NULL, subject_caption TEXT, object TEXT NOT NULL, object_caption TEXT,"
    "  start INTEGER NOT NULL, end INTEGER NOT NULL, page INTEGER, quote TEXT NOT NULL, prefix TEXT,"
    "  suffix TEXT, cue TEXT, confidence REAL) WITHOUT ROWID;"
    "CREATE INDEX ev_link_doc ON ev_link(doc);"
    "CREATE INDEX ev_link_subject ON ev_link(subject);"
    "CREATE INDEX ev_link_object ON ev_link(object);"
    "CREATE TABLE ev_review(link TEXT PRIMARY KEY, status TEXT NOT NULL, note TEXT, at TEXT) WITHOUT ROWID;",
    /* 4: one row per entity, its statements packed (pb_pack, registered in open_db), in load
     * order with a unique (version, id) index; replaces the row-per-value statement table. */
    "CREATE TABLE entity4(n INTEGER PRIMARY KEY, version INTEGER NOT NULL, id TEXT NOT NULL,"
    "  schema TEXT NOT NULL, statements BLOB NOT NULL);"
    "INSERT INTO entity4(version, id, schema, statements)"
    "  SELECT e.version, e.id, e.schema, COALESCE((SELECT pb_pack(prop, value) FROM (SELECT prop, value"
    "    FROM statement s WHERE s.version = e.version AND s.entity = e.id ORDER BY prop, value)), x'')"
    "  FROM entity e ORDER BY e.version, e.id;"
    "DROP TABLE statement;"
    "DROP TABLE entity;"
    "ALTER TABLE entity4 RENAME TO entity;"
    "CREATE UNIQUE INDEX entity_key ON entity(version, id);"
    /* links and name keys: 64-bit hashes of the target id and of the key (pb_hash) and the
     * entity's row, so that these indexes stay small; look-ups check what they find */
    "CREATE TABLE ref4(target INTEGER NOT NULL, version INTEGER NOT NULL, source INTEGER NOT NULL,"
    "  PRIMARY KEY(target, version, source)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO ref4 SELECT pb_hash(r.target), r.version, e.n FROM ref r"
    "  JOIN entity e ON e.version = r.version AND e.id = r.source;"
    "DROP TABLE ref;"
    "ALTER TABLE ref4 RENAME TO ref;"
    "CREATE TABLE name_key4(key INTEGER NOT NULL, version INTEGER NOT NULL, entity INTEGER NOT NULL,"
    "  PRIMARY KEY(key, version, entity)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO name_key4 SELECT pb_hash(k.key), k.version, e.n FROM name_key k"
    "  JOIN entity e ON e.version = k.version AND e.id = k.entity;"
    "DROP TABLE name_key;"
    "ALTER TABLE name_key4 RENAME TO name_key;",
    /* 5: the text of chunks packed together in blocks (src/store/docs.c); a chunk's text
     * column may refer to one, which an older probity could not read. */
    "CREATE TABLE text_block(id INTEGER PRIMARY KEY, data NOT NULL);",
    /* 6: entities of a version counted by schema when the load ends, so that neither the end
     * of a load nor `probity lists` sorts a whole version to count it */
    "CREATE TABLE version_schema(version INTEGER NOT NULL, schema TEXT NOT NULL, n INTEGER NOT NULL,"
    "  PRIMARY KEY(version, schema)) WITHOUT ROWID;"
    "INSERT INTO version_schema SELECT version, schema, COUNT(*) FROM entity GROUP BY version, schema;",
};
#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

static int sqlerr(struct probity_store *st, struct probity_error *err, const char *what)
{
    return pb__err(err, PROBITY_ESTORE, st->path, 0, 0, "%s: %s", what, sqlite3_errmsg(st->db));
}

static int exec(struct probity_store *st, const char *sql, struct probity_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = pb__err(err, PROBITY_ESTORE, st->path, 0, 0, "%s", msg ? msg : "sqlite error");
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

static int prepare(struct probity_store *st, sqlite3_stmt **s, const char *sql, struct probity_error *err)
{
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "prepare");
    return 0;
}

/* ---- packed statements ----
 * An entity's statements are stored as one value: "prop NUL value NUL" repeated, sorted by
 * property and then value, bytewise (the order of SQLite's BINARY collation), without
 * duplicates. Values never contain NUL (they are C strings), so the packing is unambiguous,
 * and equal statement sets pack to equal bytes. */

static int cmp_statement(const void *a, const void *b)
{
    const struct probity_prop *x = *(const struct probity_prop *const *)a;
    const struct probity_prop *y = *(const struct probity_prop *const *)b;
    int c = strcmp(x->prop, y->prop);
    return c ? c : strcmp(x->value, y->value);
}

long pb__pack_statements(struct pb_buf *out, const struct probity_prop *p, size_t n,
                         const struct probity_prop ***scratch, size_t *cap)
{
    if (n > *cap) {
        const struct probity_prop **o = realloc(*scratch, n * sizeof(*o));
        if (!o)
            return -1;
        *scratch = o;
        *cap = n;
    }
    for (size_t i = 0; i < n; i++)
        (*scratch)[i] = &p[i];
    if (n > 1)
        qsort(*scratch, n, sizeof(**scratch), cmp_statement);
    pb_buf_reset(out);
    if (pb_buf_grow(out, 1))
        return -1;
    long count = 0;
    for (size_t i = 0; i < n; i++) {
        const struct probity_prop *q = (*scratch)[i];
        if (i && cmp_statement(&(*scratch)[i - 1], &(*scratch)[i]) == 0)
            continue;
        if (pb_buf_add(out, q->prop, strlen(q->prop) + 1) || pb_buf_add(out, q->value, strlen(q->value) + 1))
            return -1;
        count++;
    }
    return count;
}

/* The next statement of a packed value from *pos; 0 at the end (or at a malformed tail). */
static int next_statement(const char *blob, size_t len, size_t *pos, const char **prop, const char **value)
{
    const char *p, *v, *end;
    if (!blob || *pos >= len)
        return 0;
    p = blob + *pos;
    if (!(end = memchr(p, 0, len - *pos)))
        return 0;
    v = end + 1;
    if (v >= blob + len || !(end = memchr(v, 0, (size_t)(blob + len - v))))
        return 0;
    *prop = p;
    *value = v;
    *pos = (size_t)(end + 1 - blob);
    return 1;
}

/* Split a packed value into props pointing into it (the array grows as needed). */
static long unpack_statements(const char *blob, size_t len, struct probity_prop **props, size_t *cap)
{
    size_t pos = 0, n = 0;
    const char *prop, *value;
    while (next_statement(blob, len, &pos, &prop, &value)) {
        if (n == *cap) {
            size_t c = *cap ? *cap * 2 : 32;
            struct probity_prop *p = realloc(*props, c * sizeof(*p));
            if (!p)
                return -1;
            *props = p;
            *cap = c;
        }
        (*props)[n].prop = (char *)prop;
        (*props)[n++].value = (char *)value;
    }
    return (long)n;
}

/* SQL aggregate pb_pack(prop, value): the packed statements of its rows, in canonical order
 * whatever the order of the rows (used by the migration from row-per-value storage). */
static void sql_pack_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct pb_buf *b = sqlite3_aggregate_context(ctx, sizeof(*b));
    const char *p = (const char *)sqlite3_value_text(argv[0]), *v = (const char *)sqlite3_value_text(argv[1]);
    (void)argc;
    if (!b)
        return;
    if (p && v && (pb_buf_add(b, p, strlen(p) + 1) || pb_buf_add(b, v, strlen(v) + 1)))
        sqlite3_result_error_nomem(ctx);
}

static void sql_pack_final(sqlite3_context *ctx)
{
    struct pb_buf *b = sqlite3_aggregate_context(ctx, 0), out = PB_BUF_INIT;
    struct probity_prop *props = NULL;
    const struct probity_prop **scratch = NULL;
    size_t cap = 0, nscratch = 0;
    long n;
    if (!b || !b->s) {
        sqlite3_result_zeroblob(ctx, 0);
        return;
    }
    n = unpack_statements(b->s, b->len, &props, &cap);
    if (n >= 0 && pb__pack_statements(&out, props, (size_t)n, &scratch, &nscratch) >= 0)
        sqlite3_result_blob(ctx, out.s, (int)out.len, SQLITE_TRANSIENT);
    else
        sqlite3_result_error_nomem(ctx);
    free(scratch);
    free(props);
    pb_buf_release(&out);
    pb_buf_release(b);
}

/* SQL pb_first(statements, prop): the first value of prop in canonical order, or NULL. */
static void sql_first(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *blob = sqlite3_value_blob(argv[0]), *want = (const char *)sqlite3_value_text(argv[1]);
    size_t len = (size_t)sqlite3_value_bytes(argv[0]), pos = 0;
    const char *prop, *value;
    (void)argc;
    while (want && next_statement(blob, len, &pos, &prop, &value))
        if (strcmp(prop, want) == 0) {
            sqlite3_result_text(ctx, value, -1, SQLITE_TRANSIENT);
            return;
        }
    sqlite3_result_null(ctx);
}

/* SQL pb_count(statements): how many statements are packed in the value. */
static void sql_count(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *blob = sqlite3_value_blob(argv[0]);
    size_t len = (size_t)sqlite3_value_bytes(argv[0]), pos = 0;
    const char *prop, *value;
    sqlite3_int64 n = 0;
    (void)argc;
    while (next_statement(blob, len, &pos, &prop, &value))
        n++;
    sqlite3_result_int64(ctx, n);
}

int64_t pb__key_hash(const char *s)
{
    return (int64_t)pb_hash64(s, strlen(s));
}

static sqlite3_int64 key_hash(const char *s) { return (sqlite3_int64)pb__key_hash(s); }

/* SQL pb_hash(text): key_hash, for the migration. */
static void sql_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    (void)argc;
    if (t)
        sqlite3_result_int64(ctx, key_hash(t));
    else
        sqlite3_result_null(ctx);
}

static int register_functions(struct probity_store *st, struct probity_error *err)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    if (sqlite3_create_function(st->db, "pb_pack", 2, flags, NULL, NULL, sql_pack_step, sql_pack_final) ||
        sqlite3_create_function(st->db, "pb_first", 2, flags, NULL, sql_first, NULL, NULL) ||
        sqlite3_create_function(st->db, "pb_count", 1, flags, NULL, sql_count, NULL, NULL) ||
        sqlite3_create_function(st->db, "pb_hash", 1, flags, NULL, sql_hash, NULL, NULL))
        return sqlerr(st, err, "register functions");
    return 0;
}

static int user_version(struct probity_store *st, int *v, struct probity_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "read schema version");
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return sqlerr(st, err, "read schema version");
    }
    *v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return 0;
}

static int migrate(struct probity_store *st, struct probity_error *err)
{
    int v, rc;
    if ((rc = user_version(st, &v, err)))
        return rc;
    if (v > N_MIGRATIONS)
        return pb__err(err, PROBITY_ESCHEMA, st->path, 0, 0,
                       "store schema version %d is newer than this probity knows (%d); "
                       "use a newer probity", v, N_MIGRATIONS);
    if (v == N_MIGRATIONS)
        return 0;
    if ((rc = exec(st, "BEGIN IMMEDIATE", err)))
        return rc;
    if ((rc = user_version(st, &v, err))) /* another process may have migrated meanwhile */
        goto fail;
    for (; v < N_MIGRATIONS; v++) {
        char pragma[64];
        if ((rc = exec(st, migrations[v], err)))
            goto fail;
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", v + 1);
        if ((rc = exec(st, pragma, err)))
            goto fail;
    }
    return exec(st, "COMMIT", err);
fail:
    exec(st, "ROLLBACK", NULL);
    return rc;
}

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

/* Before SQLite's first use in the process: no memory statistics, which nothing reads
 * and which take a global lock on every allocation. */
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int open_db(struct probity_store **out, const char *path, int readonly, struct probity_error *err)
{
    struct probity_store *st = calloc(1, sizeof(*st));
    /* no mutex of the connection's own: a store is used by one thread at a time (store.h),
     * and ingestion makes a dozen calls into SQLite per file */
    int rc = 0, flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                        SQLITE_OPEN_NOMUTEX;
    *out = NULL;
    pthread_once(&sqlite_once, sqlite_setup);
    if (!st || !(st->path = pb_strdup(path))) {
        free(st);
        return pb__err(err, PROBITY_ENOMEM, path, 0, 0, "out of memory");
    }
    if (readonly) {
        struct stat sb;
        if (stat(path, &sb) != 0) {
            rc = pb__err(err, PROBITY_ENOTFOUND, path, 0, 0,
                         "no store here; load a list first (probity load FILE) or give --db");
            goto fail;
        }
    }
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        rc = pb__err(err, PROBITY_ESTORE, path, 0, 0, "cannot open store: %s",
                     st->db ? sqlite3_errmsg(st->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(st->db, 10000);
    if ((rc = register_functions(st, err)))
        goto fail;
    /* a file that is not SQLite at all shows up on the first read */
    if (readonly) {
        int v;
        if ((rc = user_version(st, &v, err)))
            goto fail;
        if (v > N_MIGRATIONS) {
            rc = pb__err(err, PROBITY_ESCHEMA, path, 0, 0,
                         "store schema version %d is newer than this probity knows (%d)", v, N_MIGRATIONS);
            goto fail;
        }
        if (v == 0) {
            rc = pb__err(err, PROBITY_ENOTFOUND, path, 0, 0, "store is empty; load a list first");
            goto fail;
        }
        if (v < N_MIGRATIONS) {
            /* written by an older probity: migrate it once (that needs write access), then read */
            sqlite3_close(st->db);
            st->db = NULL;
            if ((rc = open_db(out, path, 0, err)))
                goto fail;
            probity_store_close(st);
            return 0;
        }
    } else {
        /* page size only takes effect on a new file, before the first table */
        if ((rc = exec(st, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                           "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536", err)))
            goto fail;
        if ((rc = migrate(st, err)))
            goto fail;
    }
    *out = st;
    return 0;
fail:
    probity_store_close(st);
    return rc;
}

int probity_store_open(struct probity_store **out, const char *path, struct probity_error *err)
{
    return open_db(out, path, 0, err);
}

int probity_store_open_readonly(struct probity_store **out, const char *path, struct probity_error *err)
{
    return open_db(out, path, 1, err);
}

sqlite3 *pb__store_db(struct probity_store *st) { return st->db; }
const char *pb__store_path(struct probity_store *st) { return st->path; }

void probity_store_close(struct probity_store *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->ins_entity);
    sqlite3_finalize(st->ins_ref);
    sqlite3_finalize(st->ins_name);
    sqlite3_finalize(st->get_entity);
    sqlite3_finalize(st->set_entity);
    pb_buf_release(&st->pack);
    pb_buf_release(&st->last_id);
    for (size_t i = 0; i < st->ncounts; i++)
        free(st->counts[i].schema);
    free(st->counts);
    free(st->order);
    sqlite3_close(st->db);
    pb_map_release(&st->types, NULL);
    free(st->path);
    free(st);
}

/* ---- loading ---- */

int probity_store_begin(struct probity_store *st, struct probity_error *err)
{
    return exec(st, "BEGIN IMMEDIATE", err);
}

int probity_store_commit(struct probity_store *st, struct probity_error *err)
{
    return exec(st, "COMMIT", err);
}

void probity_store_rollback(struct probity_store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        exec(st, "ROLLBACK", NULL);
}

int probity_store_version_new(struct probity_store *st, const char *dataset, const char *format, int64_t *vid,
                              struct probity_error *err)
{
    sqlite3_stmt *s = NULL;
    char now[32];
    int rc = 0;
    pb_now_iso(now);
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO version(dataset, seq, format, loaded_at) VALUES(?1,"
                           " (SELECT COALESCE(MAX(seq), 0) + 1 FROM version WHERE dataset = ?1), ?2, ?3)",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "new version");
    sqlite3_bind_text(s, 1, dataset, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, format, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = sqlerr(st, err, "new version");
    else
        *vid = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    if (!rc) {
        sqlite3_stmt *d = NULL;
        if (sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO dataset(name, current) VALUES(?1, NULL)", -1, &d,
                               NULL) != SQLITE_OK)
            return sqlerr(st, err, "new dataset");
        sqlite3_bind_text(d, 1, dataset, -1, SQLITE_STATIC);
        if (sqlite3_step(d) != SQLITE_DONE)
            rc = sqlerr(st, err, "new dataset");
        sqlite3_finalize(d);
    }
    return rc;
}

static int run_simple(struct probity_store *st, const char *sql, int64_t vid, const char *a, const char *b,
                      int64_t c, struct probity_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "prepare");
    sqlite3_bind_int64(s, 1, vid);
    if (a)
        sqlite3_bind_text(s, 2, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(s, 3, b, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, c);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = sqlerr(st, err, "write");
    sqlite3_finalize(s);
    return rc;
}

int probity_store_version_file(struct probity_store *st, int64_t vid, const char *path, const char *sha256,
                               int64_t size, struct probity_error *err)
{
    return run_simple(st, "INSERT INTO version_file(version, path, sha256, size) VALUES(?1, ?2, ?3, ?4)", vid,
                      path, sha256, size, err);
}

int probity_store_version_published(struct probity_store *st, int64_t vid, const char *date,
                                    struct probity_error *err)
{
    return run_simple(st, "UPDATE version SET published = ?2 WHERE id = ?1", vid, date, NULL, 0, err);
}

static const char *cached_type(struct probity_store *st, const char *schema, const char *prop)
{
    char key[256];
    void **ref;
    const char *t;
    size_t ls = strlen(schema), lp = strlen(prop);
    if (ls + lp + 2 > sizeof(key))
        return (t = probity_prop_type(schema, prop)) ? t : "";
    memcpy(key, schema, ls);
    key[ls] = '\t';
    memcpy(key + ls + 1, prop, lp + 1);
    if ((ref = pb_map_ref(&st->types, key)))
        return *ref;
    t = probity_prop_type(schema, prop);
    pb_map_put(&st->types, key, (void *)(t ? t : ""));
    return t ? t : "";
}

/* Add delta to the count of a schema in *counts (a short list: FtM has a few dozen schemata). */
static int count_schema(struct schema_count **counts, size_t *n, const char *schema, long delta)
{
    struct schema_count *c;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*counts)[i].schema, schema) == 0) {
            (*counts)[i].n += delta;
            return 0;
        }
    if (!(c = realloc(*counts, (*n + 1) * sizeof(*c))))
        return PROBITY_ENOMEM;
    *counts = c;
    if (!(c[*n].schema = pb_strdup(schema)))
        return PROBITY_ENOMEM;
    c[(*n)++].n = delta;
    return 0;
}

static void reset_counts(struct probity_store *st)
{
    for (size_t i = 0; i < st->ncounts; i++)
        free(st->counts[i].schema);
    st->ncounts = 0;
    st->load_statements = 0;
}

/* Store p's statements as the packed value of (vid, p->id) when that entity is already in
 * the version: the union of both statement sets, and the more specific schema. */
static int merge_entity(struct probity_store *st, int64_t vid, const struct pb_packed *p, struct probity_error *err)
{
    sqlite3_stmt *s = st->get_entity;
    struct probity_prop *props = NULL;
    struct pb_buf both = PB_BUF_INIT, out = PB_BUF_INIT;
    const struct probity_prop **scratch = NULL;
    char *schema = NULL, *old_schema_copy = NULL;
    size_t cap = 0, nscratch = 0;
    long nold = 0, n, nall;
    int rc = 0;
    sqlite3_bind_int64(s, 1, vid);
    sqlite3_bind_text(s, 2, p->id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *old_schema = (const char *)sqlite3_column_text(s, 0);
        const char *common = probity_schema_common(old_schema, p->schema);
        const char *blob = sqlite3_column_blob(s, 1);
        size_t len = (size_t)sqlite3_column_bytes(s, 1), pos = 0;
        const char *prop, *value;
        schema = pb_strdup(common && strcmp(common, p->schema) == 0 ? p->schema : old_schema);
        old_schema_copy = pb_strdup(old_schema);
        while (next_statement(blob, len, &pos, &prop, &value))
            nold++;
        if (pb_buf_add(&both, blob ? blob : "", len) || pb_buf_add(&both, p->stmts ? p->stmts : "", p->len))
            rc = PROBITY_ENOMEM;
        st->last_n = sqlite3_column_int64(s, 2);
    }
    sqlite3_reset(s);
    if (rc || !schema || !old_schema_copy || (nall = unpack_statements(both.s, both.len, &props, &cap)) < 0 ||
        (n = pb__pack_statements(&out, props, (size_t)nall, &scratch, &nscratch)) < 0) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    s = st->set_entity;
    sqlite3_bind_int64(s, 1, vid);
    sqlite3_bind_text(s, 2, p->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, schema, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 4, out.s, (int)out.len, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = sqlerr(st, err, "store entity");
    sqlite3_reset(s);
    if (!rc)
        st->load_statements += n - nold;
    if (!rc && strcmp(schema, old_schema_copy) != 0 &&
        (count_schema(&st->counts, &st->ncounts, old_schema_copy, -1) ||
         count_schema(&st->counts, &st->ncounts, schema, 1)))
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
out:
    free(props);
    free(scratch);
    free(schema);
    free(old_schema_copy);
    pb_buf_release(&both);
    pb_buf_release(&out);
    return rc;
}

static int insert_keys(struct probity_store *st, sqlite3_stmt *s, int64_t vid, const int64_t *h, size_t n,
                       const char *what, struct probity_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc;
        sqlite3_bind_int64(s, 1, h[i]);
        sqlite3_bind_int64(s, 2, vid);
        sqlite3_bind_int64(s, 3, st->last_n);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return sqlerr(st, err, what);
    }
    return 0;
}

int pb__store_put_packed(struct probity_store *st, int64_t vid, const struct pb_packed *p, struct probity_error *err)
{
    sqlite3_stmt *s;
    int rc;
    if (!st->ins_entity &&
        ((rc = prepare(st, &st->ins_entity,
                       "INSERT OR IGNORE INTO entity(version, id, schema, statements) VALUES(?1,?2,?3,?4)", err)) ||
         (rc = prepare(st, &st->ins_ref, "INSERT OR IGNORE INTO ref(target, version, source) VALUES(?1,?2,?3)",
                       err)) ||
         (rc = prepare(st, &st->ins_name, "INSERT OR IGNORE INTO name_key(key, version, entity) VALUES(?1,?2,?3)",
                       err)) ||
         (rc = prepare(st, &st->get_entity,
                       "SELECT schema, statements, n FROM entity WHERE version = ?1 AND id = ?2", err)) ||
         (rc = prepare(st, &st->set_entity,
                       "UPDATE entity SET schema = ?3, statements = ?4 WHERE version = ?1 AND id = ?2", err))))
        return rc;
    if (vid != st->load_vid) {
        st->load_vid = vid;
        reset_counts(st);
    }
    s = st->ins_entity;
    sqlite3_bind_int64(s, 1, vid);
    sqlite3_bind_text(s, 2, p->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, p->schema, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 4, p->stmts ? p->stmts : "", (int)p->len, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return sqlerr(st, err, "store entity");
    pb_buf_reset(&st->last_id);
    if (pb_buf_adds(&st->last_id, p->id))
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    if (sqlite3_changes(st->db) > 0) {
        st->load_statements += p->count;
        st->last_n = sqlite3_last_insert_rowid(st->db);
        if (count_schema(&st->counts, &st->ncounts, p->schema, 1))
            return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    } else if ((rc = merge_entity(st, vid, p, err))) { /* seen before in this version */
        return rc;
    }
    if ((rc = insert_keys(st, st->ins_ref, vid, p->refs, p->nrefs, "store link", err)))
        return rc;
    return insert_keys(st, st->ins_name, vid, p->names, p->nnames, "store name", err);
}

int probity_store_put(struct probity_store *st, int64_t vid, const struct probity_entity *e,
                      struct probity_error *err)
{
    struct pb_packed p;
    int64_t *refs = NULL;
    int rc;
    memset(&p, 0, sizeof(p));
    p.id = e->id;
    p.schema = e->schema;
    if ((p.count = pb__pack_statements(&st->pack, e->props, e->nprops, &st->order, &st->norder)) < 0 ||
        (e->nprops && !(refs = malloc(e->nprops * sizeof(*refs)))))
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    p.stmts = st->pack.s;
    p.len = st->pack.len;
    for (size_t i = 0; i < e->nprops; i++)
        if (strcmp(cached_type(st, e->schema, e->props[i].prop), "entity") == 0)
            refs[p.nrefs++] = pb__key_hash(e->props[i].value);
    p.refs = refs;
    rc = pb__store_put_packed(st, vid, &p, err);
    free(refs);
    return rc;
}

int probity_store_put_name(struct probity_store *st, int64_t vid, const char *entity_id, const char *key,
                           struct probity_error *err)
{
    int rc;
    int64_t n = st->last_n;
    if (!st->ins_name &&
        (rc = prepare(st, &st->ins_name, "INSERT OR IGNORE INTO name_key(key, version, entity) VALUES(?1,?2,?3)",
                      err)))
        return rc;
    if (!st->last_id.s || strcmp(st->last_id.s, entity_id) != 0) { /* not the entity stored last */
        sqlite3_stmt *q;
        n = -1;
        if (sqlite3_prepare_v2(st->db, "SELECT n FROM entity WHERE version = ?1 AND id = ?2", -1, &q, NULL) !=
            SQLITE_OK)
            return sqlerr(st, err, "store name");
        sqlite3_bind_int64(q, 1, vid);
        sqlite3_bind_text(q, 2, entity_id, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW)
            n = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
        if (n < 0)
            return pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "name key for '%s', which is not stored", entity_id);
    }
    sqlite3_bind_int64(st->ins_name, 1, key_hash(key));
    sqlite3_bind_int64(st->ins_name, 2, vid);
    sqlite3_bind_int64(st->ins_name, 3, n);
    rc = sqlite3_step(st->ins_name);
    sqlite3_reset(st->ins_name);
    return rc == SQLITE_DONE ? 0 : sqlerr(st, err, "store name");
}

static void read_version(sqlite3_stmt *s, struct probity_version *v)
{
    const char *t;
    memset(v, 0, sizeof(*v));
    v->id = sqlite3_column_int64(s, 0);
    snprintf(v->dataset, sizeof(v->dataset), "%s", (t = (const char *)sqlite3_column_text(s, 1)) ? t : "");
    v->seq = sqlite3_column_int(s, 2);
    snprintf(v->format, sizeof(v->format), "%s", (t = (const char *)sqlite3_column_text(s, 3)) ? t : "");
    snprintf(v->published, sizeof(v->published), "%s", (t = (const char *)sqlite3_column_text(s, 4)) ? t : "");
    snprintf(v->loaded_at, sizeof(v->loaded_at), "%s", (t = (const char *)sqlite3_column_text(s, 5)) ? t : "");
    v->entities = (long)sqlite3_column_int64(s, 6);
    v->statements = (long)sqlite3_column_int64(s, 7);
    v->current = sqlite3_column_int(s, 8);
    v->records = (long)sqlite3_column_int64(s, 9);
}

#define VERSION_COLS                                                                                           \
    "v.id, v.dataset, v.seq, v.format, v.published, v.loaded_at, v.entities, v.statements,"                    \
    " (SELECT d.current = v.id FROM dataset d WHERE d.name = v.dataset), v.records"

static int version_by_id(struct probity_store *st, int64_t vid, struct probity_version *out,
                         struct probity_error *err)
{
    sqlite3_stmt *s;
    int rc = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT " VERSION_COLS " FROM version v WHERE v.id = ?1", -1, &s, NULL) !=
        SQLITE_OK)
        return sqlerr(st, err, "read version");
    sqlite3_bind_int64(s, 1, vid);
    if (sqlite3_step(s) == SQLITE_ROW)
        read_version(s, out);
    else
        rc = pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "no version %lld", (long long)vid);
    sqlite3_finalize(s);
    return rc;
}

/* Count a version's entities by schema by reading them (a version this handle did not load). */
static int scan_counts(struct probity_store *st, int64_t vid, struct schema_count **counts, size_t *n,
                       long *statements, struct probity_error *err)
{
    sqlite3_stmt *s;
    int rc = 0, step;
    if (sqlite3_prepare_v2(st->db, "SELECT schema, pb_count(statements) FROM entity WHERE version = ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return sqlerr(st, err, "count version");
    sqlite3_bind_int64(s, 1, vid);
    *statements = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        *statements += (long)sqlite3_column_int64(s, 1);
        if (count_schema(counts, n, (const char *)sqlite3_column_text(s, 0), 1)) {
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
    }
    if (!rc && step != SQLITE_DONE)
        rc = sqlerr(st, err, "count version");
    sqlite3_finalize(s);
    return rc;
}

int probity_store_version_finish(struct probity_store *st, int64_t vid, struct probity_version *info,
                                 struct probity_error *err)
{
    struct schema_count *counts = NULL;
    size_t ncounts = 0;
    long nr = 0, ns = 0, ne = 0;
    sqlite3_stmt *s = NULL;
    int rc = 0;
    if (vid == st->load_vid) {
        counts = st->counts;
        ncounts = st->ncounts;
        ns = st->load_statements;
    } else if ((rc = scan_counts(st, vid, &counts, &ncounts, &ns, err))) {
        goto out;
    }
    if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO version_schema(version, schema, n) VALUES(?1, ?2, ?3)",
                           -1, &s, NULL) != SQLITE_OK) {
        rc = sqlerr(st, err, "count version");
        goto out;
    }
    for (size_t i = 0; i < ncounts; i++) {
        if (counts[i].n <= 0)
            continue;
        nr += counts[i].n;
        if (probity_schema_is_target(counts[i].schema))
            ne += counts[i].n;
        sqlite3_bind_int64(s, 1, vid);
        sqlite3_bind_text(s, 2, counts[i].schema, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, counts[i].n);
        if (sqlite3_step(s) != SQLITE_DONE) {
            rc = sqlerr(st, err, "count version");
            goto out;
        }
        sqlite3_reset(s);
    }
    if ((rc = run_simple(st, "UPDATE version SET entities = ?4 WHERE id = ?1", vid, NULL, NULL, ne, err)) ||
        (rc = run_simple(st, "UPDATE version SET records = ?4 WHERE id = ?1", vid, NULL, NULL, nr, err)) ||
        (rc = run_simple(st, "UPDATE version SET statements = ?4 WHERE id = ?1", vid, NULL, NULL, ns, err)) ||
        (rc = run_simple(st,
                         "UPDATE dataset SET current = ?1 WHERE name = (SELECT dataset FROM version WHERE id = ?1)",
                         vid, NULL, NULL, 0, err)))
        goto out;
    rc = info ? version_by_id(st, vid, info, err) : 0;
out:
    sqlite3_finalize(s);
    if (counts != st->counts) {
        for (size_t i = 0; i < ncounts; i++)
            free(counts[i].schema);
        free(counts);
    }
    return rc;
}

int probity_store_version_drop(struct probity_store *st, int64_t vid, struct probity_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM entity WHERE version = ?1", "DELETE FROM version_schema WHERE version = ?1",
        "DELETE FROM ref WHERE version = ?1",
        "DELETE FROM name_key WHERE version = ?1", "DELETE FROM version_file WHERE version = ?1",
        "DELETE FROM version WHERE id = ?1",
        "DELETE FROM dataset WHERE current IS NULL AND name NOT IN (SELECT dataset FROM version)",
    };
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        int rc = run_simple(st, sql[i], vid, NULL, NULL, 0, err);
        if (rc)
            return rc;
    }
    return 0;
}

int probity_store_same_sources(struct probity_store *st, const char *dataset, const char *const *sha256, size_t n)
{
    sqlite3_stmt *s;
    size_t found = 0, rows = 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT f.sha256 FROM version_file f JOIN dataset d ON d.current = f.version"
                           " WHERE d.name = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, dataset, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(s, 0);
        rows++;
        for (size_t i = 0; i < n; i++)
            if (h && strcmp(h, sha256[i]) == 0) {
                found++;
                break;
            }
    }
    sqlite3_finalize(s);
    return rows > 0 && rows == n && found == n;
}

/* ---- queries ---- */

int probity_store_versions(struct probity_store *st, const char *dataset, probity_version_cb cb, void *ctx,
                           struct probity_error *err)
{
    sqlite3_stmt *s;
    int rc = 0, step;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT " VERSION_COLS " FROM version v WHERE ?1 IS NULL OR v.dataset = ?1"
                           " ORDER BY v.dataset, v.seq",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "list versions");
    if (dataset)
        sqlite3_bind_text(s, 1, dataset, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct probity_version v;
        read_version(s, &v);
        if ((rc = cb(ctx, &v)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = sqlerr(st, err, "list versions");
    sqlite3_finalize(s);
    return rc;
}

int probity_store_version_get(struct probity_store *st, const char *dataset, int seq, struct probity_version *out,
                              struct probity_error *err)
{
    sqlite3_stmt *s;
    int rc = 0;
    const char *sql = seq > 0 ? "SELECT " VERSION_COLS " FROM version v WHERE v.dataset = ?1 AND v.seq = ?2"
                              : "SELECT " VERSION_COLS " FROM version v JOIN dataset d ON d.current = v.id"
                                " WHERE d.name = ?1";
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "read version");
    sqlite3_bind_text(s, 1, dataset, -1, SQLITE_STATIC);
    if (seq > 0)
        sqlite3_bind_int(s, 2, seq);
    if (sqlite3_step(s) == SQLITE_ROW)
        read_version(s, out);
    else if (seq > 0)
        rc = pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "dataset '%s' has no version %d", dataset, seq);
    else
        rc = pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "no dataset '%s' (see probity lists)", dataset);
    sqlite3_finalize(s);
    return rc;
}

int probity_store_schema_counts(struct probity_store *st, int64_t vid, probity_count_cb cb, void *ctx,
                                struct probity_error *err)
{
    sqlite3_stmt *s;
    int rc = 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT schema, n FROM version_schema WHERE version = ?1 ORDER BY n DESC, schema",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "count schemata");
    sqlite3_bind_int64(s, 1, vid);
    while (sqlite3_step(s) == SQLITE_ROW)
        if ((rc = cb(ctx, (const char *)sqlite3_column_text(s, 0), (long)sqlite3_column_int64(s, 1))))
            break;
    sqlite3_finalize(s);
    return rc;
}

int probity_store_version_files(struct probity_store *st, int64_t vid, probity_file_cb cb, void *ctx,
                                struct probity_error *err)
{
    sqlite3_stmt *s;
    int rc = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT path, sha256, size FROM version_file WHERE version = ?1 ORDER BY rowid",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "list files");
    sqlite3_bind_int64(s, 1, vid);
    while (sqlite3_step(s) == SQLITE_ROW)
        if ((rc = cb(ctx, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
                     sqlite3_column_int64(s, 2))))
            break;
    sqlite3_finalize(s);
    return rc;
}

/* Fill `e` from a stored row: id, schema and packed statements. */
static int fill_entity(const char *id, const char *schema, const char *blob, size_t len, struct probity_entity *e,
                       struct probity_error *err)
{
    size_t pos = 0;
    const char *prop, *value;
    int rc = probity_entity_reset(e, id, schema);
    while (!rc && next_statement(blob, len, &pos, &prop, &value))
        rc = probity_entity_add(e, prop, value);
    return rc ? pb__err(err, rc, NULL, 0, 0, "read entity: %s", probity_strerror(rc)) : 0;
}

int probity_store_get(struct probity_store *st, const char *id, struct probity_entity *out, char *dataset,
                      size_t size, struct probity_error *err)
{
    sqlite3_stmt *s;
    int rc;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT e.statements, e.schema, d.name FROM dataset d JOIN entity e"
                           " ON e.version = d.current AND e.id = ?1 ORDER BY d.name LIMIT 1",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "find entity");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "no entity '%s' in the current lists", id);
    }
    if (dataset)
        snprintf(dataset, size, "%s", (const char *)sqlite3_column_text(s, 2));
    rc = fill_entity(id, (const char *)sqlite3_column_text(s, 1), sqlite3_column_blob(s, 0),
                     (size_t)sqlite3_column_bytes(s, 0), out, err);
    sqlite3_finalize(s);
    return rc;
}

/* Which rows found through a hash really match: the key or id the look-up was for. */
struct row_filter {
    int (*keep)(struct probity_store *st, const struct probity_entity *e, const char *want);
    const char *want;
};

/* Run a query yielding (statements, id, schema, dataset) rows and hand each full entity to cb
 * (only those the filter keeps, when there is one). */
static int each_entity(struct probity_store *st, sqlite3_stmt *s, const struct row_filter *f, probity_entity_cb cb,
                       void *ctx, struct probity_error *err)
{
    struct probity_entity e;
    int rc = 0, step;
    probity_entity_init(&e);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *blob = sqlite3_column_blob(s, 0);
        size_t len = (size_t)sqlite3_column_bytes(s, 0);
        if ((rc = fill_entity((const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2),
                              blob, len, &e, err)))
            break;
        if (f && !f->keep(st, &e, f->want))
            continue;
        if ((rc = cb(ctx, &e, (const char *)sqlite3_column_text(s, 3))))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = sqlerr(st, err, "read entities");
    probity_entity_release(&e);
    sqlite3_finalize(s);
    return rc;
}

/* The entity refers to `id` through an entity-typed property. */
static int refers_to(struct probity_store *st, const struct probity_entity *e, const char *id)
{
    for (size_t i = 0; i < e->nprops; i++)
        if (strcmp(e->props[i].value, id) == 0 && strcmp(cached_type(st, e->schema, e->props[i].prop), "entity") == 0)
            return 1;
    return 0;
}

/* One of the entity's names has the name key `key`. */
static int has_name_key(struct probity_store *st, const struct probity_entity *e, const char *key)
{
    (void)st;
    for (size_t i = 0; i < e->nprops; i++) {
        char *k;
        int same;
        if (!pb_is_name_prop(e->props[i].prop) || !(k = pb_name_key(e->props[i].value)))
            continue;
        same = strcmp(k, key) == 0;
        free(k);
        if (same)
            return 1;
    }
    return 0;
}

int probity_store_referrers(struct probity_store *st, const char *id, probity_entity_cb cb, void *ctx,
                            struct probity_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT e.statements, e.id, e.schema, d.name FROM dataset d"
                           " JOIN ref r ON r.version = d.current AND r.target = ?1"
                           " JOIN entity e ON e.n = r.source ORDER BY e.id, d.name",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "find links");
    sqlite3_bind_int64(s, 1, key_hash(id));
    struct row_filter f = {refers_to, id};
    return each_entity(st, s, &f, cb, ctx, err);
}

int probity_store_entities(struct probity_store *st, int64_t vid, probity_entity_cb cb, void *ctx,
                           struct probity_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT e.statements, e.id, e.schema, v.dataset FROM entity e JOIN version v ON v.id = e.version"
                           " WHERE (?1 > 0 AND e.version = ?1) OR (?1 = 0 AND e.version IN (SELECT current FROM dataset))"
                           " ORDER BY v.dataset, e.id",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "read entities");
    sqlite3_bind_int64(s, 1, vid);
    return each_entity(st, s, NULL, cb, ctx, err);
}

int probity_store_lookup_name(struct probity_store *st, const char *key, probity_entity_cb cb, void *ctx,
                              struct probity_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT e.statements, e.id, e.schema, d.name FROM dataset d"
                           " JOIN name_key n ON n.version = d.current AND n.key = ?1"
                           " JOIN entity e ON e.n = n.entity ORDER BY d.name, e.id",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "look up name");
    sqlite3_bind_int64(s, 1, key_hash(key));
    struct row_filter f = {has_name_key, key};
    return each_entity(st, s, &f, cb, ctx, err);
}

/* ---- diff ---- */

/* The caption of a stored entity: the longest value (in characters) of its schema's caption
 * property, the first in canonical order among equals. */
static const char *caption_of(const char *schema, const char *blob, size_t len, char *buf, size_t size)
{
    const char *want = probity_schema_caption_prop(schema), *prop, *value, *best = NULL;
    size_t pos = 0, best_chars = 0;
    if (!want)
        want = "name";
    while (next_statement(blob, len, &pos, &prop, &value)) {
        size_t chars = 0;
        if (strcmp(prop, want) != 0)
            continue;
        for (const unsigned char *c = (const unsigned char *)value; *c; c++)
            chars += (*c & 0xC0) != 0x80;
        if (!best || chars > best_chars) {
            best = value;
            best_chars = chars;
        }
    }
    snprintf(buf, size, "%s", best ? best : "");
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The properties whose statements differ between two packed values (both in canonical
 * order, so one merge finds them), plus "schema" when the schemata differ; sorted, distinct. */
static int changed_props(const char *sa, const char *a, size_t la, const char *sb, const char *b, size_t lb,
                         const char ***props, size_t *cap, size_t *n)
{
    size_t pa = 0, pb = 0;
    const char *propa = NULL, *vala = NULL, *propb = NULL, *valb = NULL;
    int ha = next_statement(a, la, &pa, &propa, &vala), hb = next_statement(b, lb, &pb, &propb, &valb);
    *n = 0;
    for (;;) {
        const char *diff = NULL;
        if (!ha && !hb)
            break;
        if (ha && hb) {
            int c = strcmp(propa, propb);
            if (!c)
                c = strcmp(vala, valb);
            if (!c) {
                ha = next_statement(a, la, &pa, &propa, &vala);
                hb = next_statement(b, lb, &pb, &propb, &valb);
                continue;
            }
            diff = c < 0 ? propa : propb;
            if (c < 0)
                ha = next_statement(a, la, &pa, &propa, &vala);
            else
                hb = next_statement(b, lb, &pb, &propb, &valb);
        } else if (ha) {
            diff = propa;
            ha = next_statement(a, la, &pa, &propa, &vala);
        } else {
            diff = propb;
            hb = next_statement(b, lb, &pb, &propb, &valb);
        }
        if (*n + 2 > *cap) {
            size_t c = *cap ? *cap * 2 : 16;
            const char **p = realloc(*props, c * sizeof(*p));
            if (!p)
                return PROBITY_ENOMEM;
            *props = p;
            *cap = c;
        }
        (*props)[(*n)++] = diff;
    }
    if (strcmp(sa, sb) != 0) {
        if (*n + 1 > *cap) {
            const char **p = realloc(*props, (*cap + 1) * sizeof(*p));
            if (!p)
                return PROBITY_ENOMEM;
            *props = p;
            *cap += 1;
        }
        (*props)[(*n)++] = "schema";
    }
    if (*n > 1)
        qsort(*props, *n, sizeof(**props), cmp_str);
    size_t o = 0;
    for (size_t i = 0; i < *n; i++)
        if (!o || strcmp((*props)[o - 1], (*props)[i]) != 0)
            (*props)[o++] = (*props)[i];
    *n = o;
    return 0;
}

/* One pass of the diff: a merge of the two versions' entities in id order, reporting the
 * entries of one kind, so that the output lists added, then removed, then changed. */
static int diff_pass(struct probity_store *st, int64_t from, int64_t to, enum probity_change kind,
                     probity_diff_cb cb, void *ctx, struct probity_error *err)
{
    static const char *const sql = "SELECT id, schema, statements FROM entity WHERE version = ?1 ORDER BY id";
    sqlite3_stmt *a = NULL, *b = NULL;
    const char **props = NULL;
    size_t cap = 0, np = 0;
    int rc = 0, sa, sb;
    char buf[512];
    if (sqlite3_prepare_v2(st->db, sql, -1, &a, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db, sql, -1, &b, NULL) != SQLITE_OK) {
        rc = sqlerr(st, err, "diff");
        goto out;
    }
    sqlite3_bind_int64(a, 1, from);
    sqlite3_bind_int64(b, 1, to);
    sa = sqlite3_step(a);
    sb = sqlite3_step(b);
    while (!rc && (sa == SQLITE_ROW || sb == SQLITE_ROW)) {
        struct probity_diff_entry d;
        int c = sa != SQLITE_ROW ? 1
                : sb != SQLITE_ROW ? -1
                                   : strcmp((const char *)sqlite3_column_text(a, 0),
                                            (const char *)sqlite3_column_text(b, 0));
        sqlite3_stmt *x = c < 0 ? a : b; /* the side the entry describes */
        memset(&d, 0, sizeof(d));
        d.change = c < 0 ? PROBITY_REMOVED : c > 0 ? PROBITY_ADDED : PROBITY_CHANGED;
        if (d.change == kind) {
            d.id = (const char *)sqlite3_column_text(x, 0);
            d.schema = (const char *)sqlite3_column_text(x, 1);
            if (kind == PROBITY_CHANGED) {
                const char *ba = sqlite3_column_blob(a, 2), *bb = sqlite3_column_blob(b, 2);
                size_t la = (size_t)sqlite3_column_bytes(a, 2), lb = (size_t)sqlite3_column_bytes(b, 2);
                const char *sch_a = (const char *)sqlite3_column_text(a, 1);
                if (la == lb && (!la || memcmp(ba, bb, la) == 0) && strcmp(sch_a, d.schema) == 0)
                    d.change = 0;
                else if (changed_props(sch_a, ba, la, d.schema, bb, lb, &props, &cap, &np)) {
                    rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                d.props = props;
                d.nprops = np;
            }
            if (d.change) {
                d.caption = caption_of(d.schema, sqlite3_column_blob(x, 2), (size_t)sqlite3_column_bytes(x, 2), buf,
                                       sizeof(buf));
                rc = cb(ctx, &d);
            }
        }
        if (c <= 0)
            sa = sqlite3_step(a);
        if (c >= 0)
            sb = sqlite3_step(b);
    }
    if (!rc && (sa != SQLITE_DONE || sb != SQLITE_DONE))
        rc = sqlerr(st, err, "diff");
out:
    free(props);
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    return rc;
}

int probity_store_diff(struct probity_store *st, int64_t from, int64_t to, probity_diff_cb cb, void *ctx,
                       struct probity_error *err)
{
    int rc = diff_pass(st, from, to, PROBITY_ADDED, cb, ctx, err);
    if (!rc)
        rc = diff_pass(st, from, to, PROBITY_REMOVED, cb, ctx, err);
    if (!rc)
        rc = diff_pass(st, from, to, PROBITY_CHANGED, cb, ctx, err);
    return rc;
}
