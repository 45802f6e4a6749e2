/* The SQLite store. Every SQL statement of probity is in this file.
 *
 * Layout: a dataset has numbered versions; each version holds its entities (id, schema)
 * and their statements (entity, prop, value). Entity-typed statements are mirrored in
 * `ref` (target -> source) so links can be found from either end, and name keys in
 * `name_key` for exact look-ups. A dataset's current version is switched inside the load
 * transaction, so readers see either the old version or the new one, never a mixture. */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include "core/core.h"
#include "probity/model.h"
#include "probity/store.h"
#include "store/store_internal.h"

/* Statements are inserted up to this many rows per SQL statement: the per-statement
 * overhead of the VM is then paid once per batch rather than once per value. */
#define STMT_BATCH 8

struct probity_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *ins_entity, *ins_stmt, *ins_ref, *ins_name, *get_schema, *set_schema;
    sqlite3_stmt *ins_multi[STMT_BATCH + 1];   /* INSERT of k statement rows at once, k = 2..8 */
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

static int open_db(struct probity_store **out, const char *path, int readonly, struct probity_error *err)
{
    struct probity_store *st = calloc(1, sizeof(*st));
    int rc = 0, flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    *out = NULL;
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
        if (v < N_MIGRATIONS) {
            rc = pb__err(err, PROBITY_ENOTFOUND, path, 0, 0, "store is empty or from an older probity; "
                                                             "load a list first");
            goto fail;
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
    sqlite3_finalize(st->ins_stmt);
    for (int k = 0; k <= STMT_BATCH; k++)
        sqlite3_finalize(st->ins_multi[k]);
    sqlite3_finalize(st->ins_ref);
    sqlite3_finalize(st->ins_name);
    sqlite3_finalize(st->get_schema);
    sqlite3_finalize(st->set_schema);
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

static int insert_statements(struct probity_store *st, int64_t vid, const char *id, const struct probity_prop *p,
                             size_t k, struct probity_error *err)
{
    sqlite3_stmt **s = k == 1 ? &st->ins_stmt : &st->ins_multi[k];
    int rc;
    if (!*s) {
        struct pb_buf sql = PB_BUF_INIT;
        pb_buf_adds(&sql, "INSERT OR IGNORE INTO statement(version, entity, prop, value) VALUES");
        for (size_t i = 0; i < k; i++)
            pb_buf_addf(&sql, "%s(?1,?2,?%zu,?%zu)", i ? "," : "", 3 + 2 * i, 4 + 2 * i);
        rc = sql.s ? prepare(st, s, sql.s, err) : pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        pb_buf_release(&sql);
        if (rc)
            return rc;
    }
    sqlite3_bind_int64(*s, 1, vid);
    sqlite3_bind_text(*s, 2, id, -1, SQLITE_STATIC);
    for (size_t i = 0; i < k; i++) {
        sqlite3_bind_text(*s, (int)(3 + 2 * i), p[i].prop, -1, SQLITE_STATIC);
        sqlite3_bind_text(*s, (int)(4 + 2 * i), p[i].value, -1, SQLITE_STATIC);
    }
    rc = sqlite3_step(*s);
    sqlite3_reset(*s);
    return rc == SQLITE_DONE ? 0 : sqlerr(st, err, "store statement");
}

int probity_store_put(struct probity_store *st, int64_t vid, const struct probity_entity *e,
                      struct probity_error *err)
{
    int rc;
    if (!st->ins_entity &&
        ((rc = prepare(st, &st->ins_entity, "INSERT OR IGNORE INTO entity(version, id, schema) VALUES(?1,?2,?3)",
                       err)) ||
         (rc = prepare(st, &st->ins_stmt,
                       "INSERT OR IGNORE INTO statement(version, entity, prop, value) VALUES(?1,?2,?3,?4)", err)) ||
         (rc = prepare(st, &st->ins_ref,
                       "INSERT OR IGNORE INTO ref(target, version, source, prop) VALUES(?1,?2,?3,?4)", err)) ||
         (rc = prepare(st, &st->get_schema, "SELECT schema FROM entity WHERE version = ?1 AND id = ?2", err)) ||
         (rc = prepare(st, &st->set_schema, "UPDATE entity SET schema = ?3 WHERE version = ?1 AND id = ?2", err))))
        return rc;
    sqlite3_stmt *s = st->ins_entity;
    sqlite3_bind_int64(s, 1, vid);
    sqlite3_bind_text(s, 2, e->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, e->schema, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return sqlerr(st, err, "store entity");
    if (sqlite3_changes(st->db) == 0) {
        /* seen before in this version: keep the more specific of the two schemata */
        const char *common = NULL;
        s = st->get_schema;
        sqlite3_bind_int64(s, 1, vid);
        sqlite3_bind_text(s, 2, e->id, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW)
            common = probity_schema_common((const char *)sqlite3_column_text(s, 0), e->schema);
        sqlite3_reset(s);
        if (common && strcmp(common, e->schema) == 0) {
            s = st->set_schema;
            sqlite3_bind_int64(s, 1, vid);
            sqlite3_bind_text(s, 2, e->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 3, e->schema, -1, SQLITE_STATIC);
            rc = sqlite3_step(s);
            sqlite3_reset(s);
            if (rc != SQLITE_DONE)
                return sqlerr(st, err, "store entity");
        }
    }
    for (size_t i = 0; i < e->nprops;) {
        size_t k = e->nprops - i < STMT_BATCH ? e->nprops - i : STMT_BATCH;
        if ((rc = insert_statements(st, vid, e->id, e->props + i, k, err)))
            return rc;
        i += k;
    }
    for (size_t i = 0; i < e->nprops; i++) {
        const struct probity_prop *p = &e->props[i];
        if (strcmp(cached_type(st, e->schema, p->prop), "entity") == 0) {
            s = st->ins_ref;
            sqlite3_bind_text(s, 1, p->value, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, vid);
            sqlite3_bind_text(s, 3, e->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 4, p->prop, -1, SQLITE_STATIC);
            rc = sqlite3_step(s);
            sqlite3_reset(s);
            if (rc != SQLITE_DONE)
                return sqlerr(st, err, "store link");
        }
    }
    return 0;
}

int probity_store_put_name(struct probity_store *st, int64_t vid, const char *entity_id, const char *key,
                           struct probity_error *err)
{
    int rc;
    if (!st->ins_name &&
        (rc = prepare(st, &st->ins_name, "INSERT OR IGNORE INTO name_key(key, version, entity) VALUES(?1,?2,?3)",
                      err)))
        return rc;
    sqlite3_bind_text(st->ins_name, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st->ins_name, 2, vid);
    sqlite3_bind_text(st->ins_name, 3, entity_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st->ins_name);
    sqlite3_reset(st->ins_name);
    return rc == SQLITE_DONE ? 0 : sqlerr(st, err, "store name");
}

static long count_of(struct probity_store *st, const char *sql, int64_t vid)
{
    sqlite3_stmt *s;
    long n = -1;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, vid);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
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

int probity_store_version_finish(struct probity_store *st, int64_t vid, struct probity_version *info,
                                 struct probity_error *err)
{
    long nr = count_of(st, "SELECT COUNT(*) FROM entity WHERE version = ?1", vid);
    long ns = count_of(st, "SELECT COUNT(*) FROM statement WHERE version = ?1", vid);
    long ne = 0;
    int rc;
    sqlite3_stmt *s;
    if (nr < 0 || ns < 0)
        return sqlerr(st, err, "count version");
    if (sqlite3_prepare_v2(st->db, "SELECT schema, COUNT(*) FROM entity WHERE version = ?1 GROUP BY schema", -1, &s,
                           NULL) != SQLITE_OK)
        return sqlerr(st, err, "count version");
    sqlite3_bind_int64(s, 1, vid);
    while (sqlite3_step(s) == SQLITE_ROW)
        if (probity_schema_is_target((const char *)sqlite3_column_text(s, 0)))
            ne += (long)sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    if ((rc = run_simple(st, "UPDATE version SET entities = ?4 WHERE id = ?1", vid, NULL, NULL, ne, err)) ||
        (rc = run_simple(st, "UPDATE version SET records = ?4 WHERE id = ?1", vid, NULL, NULL, nr, err)) ||
        (rc = run_simple(st, "UPDATE version SET statements = ?4 WHERE id = ?1", vid, NULL, NULL, ns, err)))
        return rc;
    if ((rc = run_simple(st,
                         "UPDATE dataset SET current = ?1 WHERE name = (SELECT dataset FROM version WHERE id = ?1)",
                         vid, NULL, NULL, 0, err)))
        return rc;
    return info ? version_by_id(st, vid, info, err) : 0;
}

int probity_store_version_drop(struct probity_store *st, int64_t vid, struct probity_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM statement WHERE version = ?1", "DELETE FROM entity WHERE version = ?1",
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
                           "SELECT schema, COUNT(*) FROM entity WHERE version = ?1 GROUP BY schema"
                           " ORDER BY COUNT(*) DESC, schema",
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

/* Fill `e` with the statements of (vid, id). `q` is a prepared statement to reuse, or NULL
 * to prepare one for this call (walks over many entities pass their own). */
static int read_entity_with(struct probity_store *st, sqlite3_stmt *q, int64_t vid, const char *id,
                            const char *schema, struct probity_entity *e, struct probity_error *err)
{
    sqlite3_stmt *s = q;
    int rc = probity_entity_reset(e, id, schema), step;
    if (rc)
        return pb__err(err, rc, NULL, 0, 0, "out of memory");
    if (!s && sqlite3_prepare_v2(st->db,
                                 "SELECT prop, value FROM statement WHERE version = ?1 AND entity = ?2"
                                 " ORDER BY prop, value",
                                 -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "read entity");
    sqlite3_bind_int64(s, 1, vid);
    sqlite3_bind_text(s, 2, id, -1, SQLITE_TRANSIENT);
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if ((rc = probity_entity_add(e, (const char *)sqlite3_column_text(s, 0),
                                     (const char *)sqlite3_column_text(s, 1)))) {
            rc = pb__err(err, rc, NULL, 0, 0, "read entity: %s", probity_strerror(rc));
            break;
        }
    if (!rc && step != SQLITE_DONE)
        rc = sqlerr(st, err, "read entity");
    if (q)
        sqlite3_reset(s);
    else
        sqlite3_finalize(s);
    return rc;
}

static int read_entity(struct probity_store *st, int64_t vid, const char *id, const char *schema,
                       struct probity_entity *e, struct probity_error *err)
{
    return read_entity_with(st, NULL, vid, id, schema, e, err);
}

int probity_store_get(struct probity_store *st, const char *id, struct probity_entity *out, char *dataset,
                      size_t size, struct probity_error *err)
{
    sqlite3_stmt *s;
    int rc;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT e.version, e.schema, d.name FROM dataset d JOIN entity e"
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
    rc = read_entity(st, sqlite3_column_int64(s, 0), id, (const char *)sqlite3_column_text(s, 1), out, err);
    sqlite3_finalize(s);
    return rc;
}

/* Run a query yielding (version, id, schema, dataset) rows and hand each full entity to cb. */
static int each_entity(struct probity_store *st, sqlite3_stmt *s, probity_entity_cb cb, void *ctx,
                       struct probity_error *err)
{
    struct probity_entity e;
    sqlite3_stmt *q = NULL;
    int rc = 0, step;
    probity_entity_init(&e);
    if (sqlite3_prepare_v2(st->db,
                           "SELECT prop, value FROM statement WHERE version = ?1 AND entity = ?2"
                           " ORDER BY prop, value",
                           -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return sqlerr(st, err, "read entities");
    }
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if ((rc = read_entity_with(st, q, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                                   (const char *)sqlite3_column_text(s, 2), &e, err)))
            break;
        if ((rc = cb(ctx, &e, (const char *)sqlite3_column_text(s, 3))))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = sqlerr(st, err, "read entities");
    probity_entity_release(&e);
    sqlite3_finalize(q);
    sqlite3_finalize(s);
    return rc;
}

int probity_store_referrers(struct probity_store *st, const char *id, probity_entity_cb cb, void *ctx,
                            struct probity_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT DISTINCT e.version, e.id, e.schema, d.name FROM dataset d"
                           " JOIN ref r ON r.version = d.current AND r.target = ?1"
                           " JOIN entity e ON e.version = r.version AND e.id = r.source ORDER BY e.id",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "find links");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    return each_entity(st, s, cb, ctx, err);
}

int probity_store_entities(struct probity_store *st, int64_t vid, probity_entity_cb cb, void *ctx,
                           struct probity_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT e.version, e.id, e.schema, v.dataset FROM entity e JOIN version v ON v.id = e.version"
                           " WHERE (?1 > 0 AND e.version = ?1) OR (?1 = 0 AND e.version IN (SELECT current FROM dataset))"
                           " ORDER BY v.dataset, e.id",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "read entities");
    sqlite3_bind_int64(s, 1, vid);
    return each_entity(st, s, cb, ctx, err);
}

int probity_store_lookup_name(struct probity_store *st, const char *key, probity_entity_cb cb, void *ctx,
                              struct probity_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT e.version, e.id, e.schema, d.name FROM dataset d"
                           " JOIN name_key n ON n.version = d.current AND n.key = ?1"
                           " JOIN entity e ON e.version = n.version AND e.id = n.entity ORDER BY d.name, e.id",
                           -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "look up name");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    return each_entity(st, s, cb, ctx, err);
}

/* ---- diff ---- */

static const char *caption_of(struct probity_store *st, int64_t vid, const char *id, const char *schema,
                              char *buf, size_t size)
{
    sqlite3_stmt *s;
    const char *prop = probity_schema_caption_prop(schema);
    buf[0] = 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT value FROM statement WHERE version = ?1 AND entity = ?2 AND prop = ?3"
                           " ORDER BY length(value) DESC LIMIT 1",
                           -1, &s, NULL) != SQLITE_OK)
        return buf;
    sqlite3_bind_int64(s, 1, vid);
    sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, prop ? prop : "name", -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return buf;
}

int probity_store_diff(struct probity_store *st, int64_t from, int64_t to, probity_diff_cb cb, void *ctx,
                       struct probity_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = 0;
    char cap[512];
    struct probity_diff_entry d;
    /* added and removed: ids present on one side only */
    static const char *const side_sql =
        "SELECT a.id, a.schema FROM entity a WHERE a.version = ?1"
        " AND NOT EXISTS (SELECT 1 FROM entity b WHERE b.version = ?2 AND b.id = a.id) ORDER BY a.id";
    for (int pass = 0; pass < 2 && !rc; pass++) {
        int64_t x = pass == 0 ? to : from, y = pass == 0 ? from : to;
        if (sqlite3_prepare_v2(st->db, side_sql, -1, &s, NULL) != SQLITE_OK)
            return sqlerr(st, err, "diff");
        sqlite3_bind_int64(s, 1, x);
        sqlite3_bind_int64(s, 2, y);
        while (!rc && sqlite3_step(s) == SQLITE_ROW) {
            memset(&d, 0, sizeof(d));
            d.change = pass == 0 ? PROBITY_ADDED : PROBITY_REMOVED;
            d.id = (const char *)sqlite3_column_text(s, 0);
            d.schema = (const char *)sqlite3_column_text(s, 1);
            d.caption = caption_of(st, x, d.id, d.schema, cap, sizeof(cap));
            rc = cb(ctx, &d);
        }
        sqlite3_finalize(s);
    }
    if (rc)
        return rc;
    /* changed: statements that differ, for ids on both sides, grouped by entity */
    if (sqlite3_prepare_v2(
            st->db,
            "WITH x AS (SELECT entity, prop, value FROM statement WHERE version = ?1"
            "           EXCEPT SELECT entity, prop, value FROM statement WHERE version = ?2),"
            "     y AS (SELECT entity, prop, value FROM statement WHERE version = ?2"
            "           EXCEPT SELECT entity, prop, value FROM statement WHERE version = ?1),"
            "     s AS (SELECT a.id AS entity, 'schema' AS prop FROM entity a JOIN entity b"
            "           ON b.version = ?2 AND b.id = a.id WHERE a.version = ?1 AND a.schema <> b.schema)"
            " SELECT DISTINCT c.entity, c.prop, e.schema FROM (SELECT entity, prop FROM x UNION"
            "   SELECT entity, prop FROM y UNION SELECT entity, prop FROM s) c"
            " JOIN entity e ON e.version = ?2 AND e.id = c.entity"
            " WHERE EXISTS (SELECT 1 FROM entity o WHERE o.version = ?1 AND o.id = c.entity)"
            " ORDER BY c.entity, c.prop",
            -1, &s, NULL) != SQLITE_OK)
        return sqlerr(st, err, "diff");
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    {
        char *cur = NULL, *schema = NULL;
        char **props = NULL;
        size_t np = 0, cap_p = 0;
        int step;
        for (;;) {
            step = sqlite3_step(s);
            const char *id = step == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
            if (cur && (!id || strcmp(id, cur) != 0)) {
                memset(&d, 0, sizeof(d));
                d.change = PROBITY_CHANGED;
                d.id = cur;
                d.schema = schema;
                d.caption = caption_of(st, to, cur, schema, cap, sizeof(cap));
                d.props = (const char *const *)props;
                d.nprops = np;
                rc = cb(ctx, &d);
                for (size_t i = 0; i < np; i++)
                    free(props[i]);
                np = 0;
                free(cur);
                free(schema);
                cur = schema = NULL;
                if (rc)
                    break;
            }
            if (!id)
                break;
            if (!cur) {
                cur = pb_strdup(id);
                schema = pb_strdup((const char *)sqlite3_column_text(s, 2));
            }
            if (np == cap_p) {
                cap_p = cap_p ? cap_p * 2 : 8;
                char **p = realloc(props, cap_p * sizeof(*p));
                if (!p) {
                    rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                props = p;
            }
            props[np++] = pb_strdup((const char *)sqlite3_column_text(s, 1));
        }
        if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
            rc = sqlerr(st, err, "diff");
        for (size_t i = 0; i < np; i++)
            free(props[i]);
        free(props);
        free(cur);
        free(schema);
    }
    sqlite3_finalize(s);
    return rc;
}
