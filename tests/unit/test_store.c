/* The store: versions, merge of repeated ids, links, diff, rollback, schema guard. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "probity/store.h"

static char db[64];

static void put(struct probity_store *st, int64_t vid, const char *id, const char *schema, const char *const *kv)
{
    struct probity_entity e;
    struct probity_error err;
    probity_entity_init(&e);
    probity_entity_reset(&e, id, schema);
    for (int i = 0; kv[i]; i += 2)
        probity_entity_add(&e, kv[i], kv[i + 1]);
    CHECK_INT(probity_store_put(st, vid, &e, &err), 0);
    probity_entity_release(&e);
}

struct diff_count {
    int added, removed, changed;
    char changed_props[256];
};

static int on_diff(void *ctx, const struct probity_diff_entry *d)
{
    struct diff_count *c = ctx;
    if (d->change == PROBITY_ADDED)
        c->added++;
    else if (d->change == PROBITY_REMOVED)
        c->removed++;
    else {
        c->changed++;
        for (size_t i = 0; i < d->nprops; i++) {
            strncat(c->changed_props, d->props[i], sizeof(c->changed_props) - strlen(c->changed_props) - 2);
            strncat(c->changed_props, " ", sizeof(c->changed_props) - strlen(c->changed_props) - 1);
        }
    }
    return 0;
}

static int count_cb(void *ctx, const struct probity_entity *e, const char *ds)
{
    (void)e, (void)ds;
    (*(int *)ctx)++;
    return 0;
}

static void cleanup(void)
{
    char p[96];
    unlink(db);
    snprintf(p, sizeof(p), "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", db);
    unlink(p);
}

int main(void)
{
    struct probity_store *st;
    struct probity_error err;
    struct probity_entity e;
    struct probity_version v;
    int64_t v1, v2, v3;
    snprintf(db, sizeof(db), "/tmp/pb-test-store-%d.db", (int)getpid());
    cleanup();

    CHECK_INT(probity_store_open_readonly(&st, db, &err), PROBITY_ENOTFOUND);
    CHECK_INT(probity_store_open(&st, db, &err), 0);

    /* version 1 */
    CHECK_INT(probity_store_begin(st, &err), 0);
    CHECK_INT(probity_store_version_new(st, "t", "test", &v1, &err), 0);
    put(st, v1, "a", "Organization", (const char *const[]){"name", "ACME", "country", "cn", NULL});
    put(st, v1, "a", "Company", (const char *const[]){"alias", "ACME Ltd", NULL}); /* merged, more specific */
    put(st, v1, "b", "Person", (const char *const[]){"name", "Jane Doe", NULL});
    put(st, v1, "l", "UnknownLink", (const char *const[]){"subject", "b", "object", "a", "role", "Linked To", NULL});
    CHECK_INT(probity_store_version_finish(st, v1, &v, &err), 0);
    CHECK_INT(probity_store_commit(st, &err), 0);
    CHECK_INT(v.seq, 1);
    CHECK_INT(v.entities, 2);
    CHECK_INT(v.records, 3);
    CHECK_INT(v.statements, 7);

    probity_entity_init(&e);
    char ds[64];
    CHECK_INT(probity_store_get(st, "a", &e, ds, sizeof(ds), &err), 0);
    CHECK_STR(e.schema, "Company");
    CHECK_STR(ds, "t");
    CHECK_INT(e.nprops, 3);
    int n = 0;
    CHECK_INT(probity_store_referrers(st, "a", count_cb, &n, &err), 0);
    CHECK_INT(n, 1);
    n = 0;
    CHECK_INT(probity_store_referrers(st, "b", count_cb, &n, &err), 0);
    CHECK_INT(n, 1);

    /* version 2: b changes, a removed, c added */
    CHECK_INT(probity_store_begin(st, &err), 0);
    CHECK_INT(probity_store_version_new(st, "t", "test", &v2, &err), 0);
    put(st, v2, "b", "Person", (const char *const[]){"name", "Jane Doe", "birthDate", "1970", NULL});
    put(st, v2, "c", "Vessel", (const char *const[]){"name", "SEA STAR", NULL});
    CHECK_INT(probity_store_version_finish(st, v2, &v, &err), 0);
    CHECK_INT(probity_store_commit(st, &err), 0);
    CHECK_INT(v.seq, 2);
    CHECK_INT(probity_store_get(st, "a", &e, NULL, 0, &err), PROBITY_ENOTFOUND);
    CHECK_INT(probity_store_get(st, "c", &e, NULL, 0, &err), 0);

    struct diff_count dc;
    memset(&dc, 0, sizeof(dc));
    CHECK_INT(probity_store_diff(st, v1, v2, on_diff, &dc, &err), 0);
    CHECK_INT(dc.added, 1);
    CHECK_INT(dc.removed, 2); /* a and the link l */
    CHECK_INT(dc.changed, 1);
    CHECK_STR(dc.changed_props, "birthDate ");

    /* a load that fails is rolled back: version 3 never appears */
    CHECK_INT(probity_store_begin(st, &err), 0);
    CHECK_INT(probity_store_version_new(st, "t", "test", &v3, &err), 0);
    put(st, v3, "z", "Person", (const char *const[]){"name", "Zed", NULL});
    CHECK_INT(probity_store_version_finish(st, v3, &v, &err), 0);
    probity_store_rollback(st);
    CHECK_INT(probity_store_version_get(st, "t", 0, &v, &err), 0);
    CHECK_INT(v.seq, 2);
    CHECK_INT(probity_store_version_get(st, "t", 3, &v, &err), PROBITY_ENOTFOUND);
    n = 0;
    CHECK_INT(probity_store_entities(st, 0, count_cb, &n, &err), 0);
    CHECK_INT(n, 2);

    /* the name index */
    CHECK_INT(probity_store_begin(st, &err), 0);
    CHECK_INT(probity_store_put_name(st, v2, "c", "sea star", &err), 0);
    CHECK_INT(probity_store_commit(st, &err), 0);
    n = 0;
    CHECK_INT(probity_store_lookup_name(st, "sea star", count_cb, &n, &err), 0);
    CHECK_INT(n, 1);
    probity_entity_release(&e);
    probity_store_close(st);

    /* a store of schema 3 (one row per statement) is migrated, its entities intact */
    sqlite3 *raw;
    unlink(db);
    CHECK_INT(sqlite3_open(db, &raw), SQLITE_OK);
    CHECK_INT(sqlite3_exec(raw,
                           "CREATE TABLE dataset(name TEXT PRIMARY KEY, current INTEGER);"
                           "CREATE TABLE version(id INTEGER PRIMARY KEY, dataset TEXT NOT NULL, seq INTEGER NOT NULL,"
                           "  format TEXT, published TEXT, loaded_at TEXT, entities INTEGER DEFAULT 0,"
                           "  records INTEGER DEFAULT 0, statements INTEGER DEFAULT 0, UNIQUE(dataset, seq));"
                           "CREATE TABLE version_file(version INTEGER NOT NULL, path TEXT, sha256 TEXT, size INTEGER);"
                           "CREATE TABLE entity(version INTEGER NOT NULL, id TEXT NOT NULL, schema TEXT NOT NULL,"
                           "  PRIMARY KEY(version, id)) WITHOUT ROWID;"
                           "CREATE TABLE statement(version INTEGER NOT NULL, entity TEXT NOT NULL, prop TEXT NOT NULL,"
                           "  value TEXT NOT NULL, PRIMARY KEY(version, entity, prop, value)) WITHOUT ROWID;"
                           "CREATE TABLE ref(target TEXT NOT NULL, version INTEGER NOT NULL, source TEXT NOT NULL,"
                           "  prop TEXT NOT NULL, PRIMARY KEY(target, version, source, prop)) WITHOUT ROWID;"
                           "CREATE TABLE name_key(key TEXT NOT NULL, version INTEGER NOT NULL, entity TEXT NOT NULL,"
                           "  PRIMARY KEY(key, version, entity)) WITHOUT ROWID;"
                           "INSERT INTO dataset VALUES('old', 1);"
                           "INSERT INTO version(id, dataset, seq, format) VALUES(1, 'old', 1, 'test');"
                           "INSERT INTO entity VALUES(1, 'p1', 'Person'), (1, 'p2', 'Person'), (1, 'l1', 'UnknownLink');"
                           "INSERT INTO statement VALUES(1, 'p1', 'name', 'Zulu Alpha'), (1, 'p1', 'alias', 'Z. A.'),"
                           "  (1, 'p1', 'country', 'de'), (1, 'p1', 'alias', 'Alpha Zulu'), (1, 'p2', 'name', 'Bravo'),"
                           "  (1, 'l1', 'subject', 'p1'), (1, 'l1', 'object', 'p2');"
                           "INSERT INTO ref VALUES('p1', 1, 'l1', 'subject'), ('p2', 1, 'l1', 'object');"
                           "PRAGMA user_version=3;",
                           NULL, NULL, NULL),
              SQLITE_OK);
    sqlite3_close(raw);
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    probity_entity_init(&e);
    CHECK_INT(probity_store_get(st, "p1", &e, NULL, 0, &err), 0);
    CHECK_INT((int)e.nprops, 4);
    if (e.nprops == 4) { /* canonical order: by property, then value */
        CHECK_STR(e.props[0].prop, "alias");
        CHECK_STR(e.props[0].value, "Alpha Zulu");
        CHECK_STR(e.props[1].value, "Z. A.");
        CHECK_STR(e.props[2].prop, "country");
        CHECK_STR(e.props[3].value, "Zulu Alpha");
    }
    n = 0;
    CHECK_INT(probity_store_referrers(st, "p2", count_cb, &n, &err), 0);
    CHECK_INT(n, 1);
    probity_entity_release(&e);
    probity_store_close(st);

    /* a store written by a newer probity is refused, not damaged */
    CHECK_INT(sqlite3_open(db, &raw), SQLITE_OK);
    CHECK_INT(sqlite3_exec(raw, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    CHECK_INT(probity_store_open(&st, db, &err), PROBITY_ESCHEMA);
    CHECK(strstr(err.msg, "newer") != NULL);
    CHECK_INT(probity_store_open_readonly(&st, db, &err), PROBITY_ESCHEMA);

    /* a file that is not SQLite */
    FILE *fp = fopen(db, "w");
    fputs("this is not a database, just text that is long enough to have a header of its own......\n", fp);
    fclose(fp);
    CHECK(probity_store_open(&st, db, &err) != 0);
    cleanup();
    return check_done();
}
