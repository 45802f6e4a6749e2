/* The evidence tables (migration 3 in store.c): ev_entity holds the organisations found in
 * documents that are on no list, ev_mention where each entity is mentioned, ev_link the
 * links with their quote, and ev_review the judgements of people. Reviews are keyed by the
 * link id, itself a hash of document, offsets, type and ends, so a re-extraction that
 * finds the same link finds its review again, and a review never disappears with it. */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "core/core.h"
#include "store/evstore.h"
#include "store/store_internal.h"

enum { S_ENT, S_MEN, S_LNK, S_CLR_M, S_CLR_L, S_N };

static const char *const wsql[S_N] = {
    [S_ENT] = "INSERT OR IGNORE INTO ev_entity(id, schema, caption, key) VALUES (?1, ?2, ?3, ?4)",
    [S_MEN] = "INSERT OR IGNORE INTO ev_mention(doc, start, end, entity, how, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_LNK] = "INSERT INTO ev_link(id, doc, type, schema, subject, subject_caption, object, object_caption,"
              " start, end, page, quote, prefix, suffix, cue, confidence)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
              " ON CONFLICT(id) DO UPDATE SET confidence = max(confidence, excluded.confidence)",
    [S_CLR_M] = "DELETE FROM ev_mention WHERE doc = ?1",
    [S_CLR_L] = "DELETE FROM ev_link WHERE doc = ?1",
};

struct pb_evw {
    struct probity_store *st;
    sqlite3 *db;
    sqlite3_stmt *s[S_N];
};

static int dberr(sqlite3 *db, struct probity_error *err, const char *what)
{
    return pb__err(err, PROBITY_ESTORE, NULL, 0, 0, "%s: %s", what, sqlite3_errmsg(db));
}

static int run(sqlite3 *db, const char *sql, struct probity_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = pb__err(err, PROBITY_ESTORE, NULL, 0, 0, "%s", msg ? msg : "sqlite error");
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

int pb__evw_open(struct probity_store *st, struct pb_evw **out, struct probity_error *err)
{
    struct pb_evw *w = calloc(1, sizeof(*w));
    int rc;
    if (!w)
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    w->st = st;
    w->db = pb__store_db(st);
    for (int i = 0; i < S_N; i++) {
        if (sqlite3_prepare_v3(w->db, wsql[i], -1, SQLITE_PREPARE_PERSISTENT, &w->s[i], NULL) != SQLITE_OK) {
            rc = dberr(w->db, err, "prepare");
            goto fail;
        }
    }
    if ((rc = run(w->db, "BEGIN IMMEDIATE", err)))
        goto fail;
    *out = w;
    return 0;
fail:
    for (int i = 0; i < S_N; i++)
        sqlite3_finalize(w->s[i]);
    free(w);
    return rc;
}

int pb__evw_close(struct pb_evw *w, int commit, struct probity_error *err)
{
    int rc = 0;
    if (!w)
        return 0;
    for (int i = 0; i < S_N; i++)
        sqlite3_finalize(w->s[i]);
    if (commit)
        rc = run(w->db, "COMMIT", err);
    if (!commit || rc)
        run(w->db, "ROLLBACK", NULL);
    free(w);
    return rc;
}

static int step(sqlite3 *db, sqlite3_stmt *s, struct probity_error *err)
{
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : dberr(db, err, "write evidence");
}

int pb__evw_clear(struct pb_evw *w, const char *doc, struct probity_error *err)
{
    int rc;
    sqlite3_bind_text(w->s[S_CLR_M], 1, doc, -1, SQLITE_STATIC);
    if ((rc = step(w->db, w->s[S_CLR_M], err)))
        return rc;
    sqlite3_bind_text(w->s[S_CLR_L], 1, doc, -1, SQLITE_STATIC);
    return step(w->db, w->s[S_CLR_L], err);
}

int pb__evw_prune(struct pb_evw *w, struct probity_error *err)
{
    int rc = run(w->db, "DELETE FROM ev_link WHERE doc NOT IN (SELECT id FROM document WHERE current = 1)", err);
    if (rc)
        return rc;
    return run(w->db, "DELETE FROM ev_mention WHERE doc NOT IN (SELECT id FROM document WHERE current = 1)", err);
}

int pb__evw_entity(struct pb_evw *w, const char *id, const char *schema, const char *caption, const char *key,
                   struct probity_error *err)
{
    sqlite3_stmt *s = w->s[S_ENT];
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, schema, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, caption, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, key, -1, SQLITE_STATIC);
    return step(w->db, s, err);
}

int pb__evw_mention(struct pb_evw *w, const char *doc, int64_t start, int64_t end, const char *entity,
                    const char *how, const char *text, struct probity_error *err)
{
    sqlite3_stmt *s = w->s[S_MEN];
    sqlite3_bind_text(s, 6, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 1, doc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, start);
    sqlite3_bind_int64(s, 3, end);
    sqlite3_bind_text(s, 4, entity, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, how, -1, SQLITE_STATIC);
    return step(w->db, s, err);
}

int pb__evw_link(struct pb_evw *w, const struct probity_link *l, struct probity_error *err)
{
    sqlite3_stmt *s = w->s[S_LNK];
    sqlite3_bind_text(s, 1, l->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, l->doc, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, l->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, l->schema, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, l->subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, l->subject_caption, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, l->object, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, l->object_caption, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 9, l->start);
    sqlite3_bind_int64(s, 10, l->end);
    sqlite3_bind_int(s, 11, l->page);
    sqlite3_bind_text(s, 12, l->quote, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 13, l->prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 14, l->suffix, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 15, l->cue, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 16, l->confidence);
    return step(w->db, s, err);
}

static const char *col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

int pb__ev_links(struct probity_store *st, const struct probity_link_filter *f, probity_link_cb cb, void *ctx,
                 struct probity_error *err)
{
    static const char sql[] =
        "SELECT l.id, l.type, l.schema, l.subject, l.subject_caption, l.object, l.object_caption, l.quote,"
        " l.prefix, l.suffix, l.cue, l.doc, d.path, d.title, l.page, l.start, l.end, l.confidence,"
        " coalesce(r.status, 'pending'), r.note"
        " FROM ev_link l LEFT JOIN ev_review r ON r.link = l.id LEFT JOIN document d ON d.id = l.doc"
        " WHERE (?1 IS NULL OR l.subject = ?1 OR l.object = ?1)"
        "   AND (?2 IS NULL OR l.type = ?2)"
        "   AND (?3 IS NULL OR coalesce(r.status, 'pending') = ?3)"
        " ORDER BY d.path, l.start, l.type, l.subject, l.object";
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    int rc = 0, r;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "read links");
    if (f) {
        sqlite3_bind_text(s, 1, f->entity, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, f->type, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, f->status, -1, SQLITE_STATIC);
    }
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct probity_link l;
        memset(&l, 0, sizeof(l));
        l.id = col(s, 0);
        l.type = col(s, 1);
        l.schema = col(s, 2);
        l.subject = col(s, 3);
        l.subject_caption = col(s, 4);
        l.object = col(s, 5);
        l.object_caption = col(s, 6);
        l.quote = col(s, 7);
        l.prefix = col(s, 8);
        l.suffix = col(s, 9);
        l.cue = col(s, 10);
        l.doc = col(s, 11);
        l.doc_path = col(s, 12);
        l.doc_title = col(s, 13);
        l.page = sqlite3_column_int(s, 14);
        l.start = sqlite3_column_int64(s, 15);
        l.end = sqlite3_column_int64(s, 16);
        l.confidence = sqlite3_column_double(s, 17);
        l.status = col(s, 18);
        l.note = col(s, 19);
        if ((rc = cb(ctx, &l)))
            break;
    }
    if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
        rc = dberr(db, err, "read links");
    sqlite3_finalize(s);
    return rc;
}

int pb__ev_review(struct probity_store *st, const char *link, const char *status, const char *note,
                  struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    char at[32];
    int rc = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM ev_link WHERE id = ?1 UNION ALL SELECT 1 FROM ev_review WHERE link = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "review");
    sqlite3_bind_text(s, 1, link, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "no link %s (see probity links)", link);
    }
    sqlite3_finalize(s);
    pb_now_iso(at);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO ev_review(link, status, note, at) VALUES (?1, ?2, ?3, ?4)"
                           " ON CONFLICT(link) DO UPDATE SET status = excluded.status,"
                           " note = coalesce(excluded.note, note), at = excluded.at",
                           -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "review");
    sqlite3_bind_text(s, 1, link, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, note, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, at, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = dberr(db, err, "review");
    sqlite3_finalize(s);
    return rc;
}

static int copy_row(sqlite3_stmt *s, char *a, size_t asize, char *b, size_t bsize)
{
    if (sqlite3_step(s) != SQLITE_ROW)
        return PROBITY_ENOTFOUND;
    if (a)
        snprintf(a, asize, "%s", col(s, 0) ? col(s, 0) : "");
    if (b)
        snprintf(b, bsize, "%s", col(s, 1) ? col(s, 1) : "");
    return 0;
}

int pb__ev_entity(struct probity_store *st, const char *id, char *caption, size_t csize, char *schema,
                  size_t ssize, struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    int rc;
    if (sqlite3_prepare_v2(db, "SELECT caption, schema FROM ev_entity WHERE id = ?1", -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "read entity");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    rc = copy_row(s, caption, csize, schema, ssize);
    sqlite3_finalize(s);
    if (rc != PROBITY_ENOTFOUND)
        return rc;
    if (sqlite3_prepare_v2(db,
                           "SELECT pb_first(e.statements, 'name'), e.schema FROM entity e"
                           " JOIN dataset ds ON ds.current = e.version WHERE e.id = ?1 LIMIT 1",
                           -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "read entity");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    rc = copy_row(s, caption, csize, schema, ssize);
    sqlite3_finalize(s);
    if (rc == PROBITY_ENOTFOUND)
        return pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "no entity %s", id);
    return rc;
}

int pb__ev_find(struct probity_store *st, const char *caption, char *id, size_t size, struct probity_error *err)
{
    static const char *const sql[] = {
        "SELECT id FROM ev_entity WHERE caption = ?1 ORDER BY id LIMIT 1",
        "SELECT subject FROM ev_link WHERE subject_caption = ?1 UNION ALL"
        " SELECT object FROM ev_link WHERE object_caption = ?1 LIMIT 1",
    };
    sqlite3 *db = pb__store_db(st);
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        sqlite3_stmt *s = NULL;
        int rc;
        if (sqlite3_prepare_v2(db, sql[i], -1, &s, NULL) != SQLITE_OK)
            return dberr(db, err, "find entity");
        sqlite3_bind_text(s, 1, caption, -1, SQLITE_STATIC);
        rc = copy_row(s, id, size, NULL, 0);
        sqlite3_finalize(s);
        if (rc == 0)
            return 0;
    }
    return pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "no entity named %s in the evidence", caption);
}

int pb__ev_mentions(struct probity_store *st, const char *id, long *docs, long *mentions, struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT count(DISTINCT doc), count(*) FROM ev_mention WHERE entity = ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return dberr(db, err, "count mentions");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    *docs = *mentions = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *docs = sqlite3_column_int(s, 0);
        *mentions = sqlite3_column_int(s, 1);
    }
    sqlite3_finalize(s);
    return 0;
}

int pb__ev_names(struct probity_store *st, const char *doc, const char *entity,
                 int (*cb)(void *ctx, const char *name), void *ctx, struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT text FROM ev_mention WHERE doc = ?1 AND entity = ?2 AND text IS NOT NULL",
                           -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "read mentions");
    sqlite3_bind_text(s, 1, doc, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, entity, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW)
        if ((rc = cb(ctx, col(s, 0))))
            break;
    sqlite3_finalize(s);
    return rc;
}

int pb__ev_each_entity(struct probity_store *st,
                       int (*cb)(void *ctx, const char *id, const char *schema, const char *caption), void *ctx,
                       struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "SELECT id, schema, caption FROM ev_entity ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "read entities of documents");
    while (sqlite3_step(s) == SQLITE_ROW)
        if ((rc = cb(ctx, col(s, 0), col(s, 1), col(s, 2))))
            break;
    sqlite3_finalize(s);
    return rc;
}

int pb__ev_each_mention(struct probity_store *st, pb__ev_mention_cb cb, void *ctx, struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    int rc = 0;
    /* the schema of an entity found in documents, else of the newest version of a list entity */
    if (sqlite3_prepare_v2(db,
                           "SELECT m.doc, m.start, m.end, m.entity, m.how, m.text, COALESCE(e.schema, "
                           "(SELECT l.schema FROM entity l WHERE l.id = m.entity ORDER BY l.version DESC LIMIT 1)) "
                           "FROM ev_mention m LEFT JOIN ev_entity e ON e.id = m.entity ORDER BY m.doc, m.start",
                           -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "read mentions");
    while (sqlite3_step(s) == SQLITE_ROW)
        if ((rc = cb(ctx, col(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2), col(s, 3), col(s, 4),
                     col(s, 5), col(s, 6))))
            break;
    sqlite3_finalize(s);
    return rc;
}
