/* The document tables: every SQL statement about documents, chunks, pages, collections
 * and the full-text index, and the FTS5 tokenizer that feeds the index from src/text/.
 *
 * The full-text table chunk_fts indexes the chunks of current documents only: its content
 * table is the view chunk_current, and a document that stops being current has its chunks
 * taken out of the index (and put back if it becomes current again). A search therefore
 * needs no join to skip old versions, and FTS5's own integrity check compares the index
 * with exactly what it should hold. The tokenizer is registered on each connection before
 * the table is touched; that is why the table is created here and not in the migration. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "core/core.h"
#include "probity/docs.h"
#include "store/docstore.h"
#include "store/store_internal.h"
#include "store/textz.h"
#include "text/segment.h"

#define TOKENIZER "probity"
/* Query strings starting with U+E001 hold tokens already normalised, separated by spaces
 * (the query parser builds them); the tokenizer passes them through as they are. */
#define VERBATIM "\xee\x80\x81"

static int dberr(sqlite3 *db, struct probity_error *err, const char *what)
{
    return pb__err(err, PROBITY_ESTORE, NULL, 0, 0, "%s: %s", what, sqlite3_errmsg(db));
}

static void bind_str(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static const char *col_str(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

/* Run a prepared statement to completion (reset afterwards). */
static int step_done(sqlite3 *db, sqlite3_stmt *s, struct probity_error *err, const char *what)
{
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r != SQLITE_DONE && r != SQLITE_ROW)
        return dberr(db, err, what);
    return 0;
}

/* ---- the tokenizer ---- */

struct ftok {
    struct pb_segmenter *sg;
};

struct ftok_call {
    void *pctx;
    int (*xToken)(void *, int, const char *, int, int, int);
};

static int ftok_create(void *ud, const char **az, int n, Fts5Tokenizer **out)
{
    struct ftok *t = calloc(1, sizeof(*t));
    (void)ud;
    (void)az;
    (void)n;
    if (!t || pb_segmenter_new(&t->sg)) {
        free(t);
        return SQLITE_NOMEM;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void ftok_delete(Fts5Tokenizer *p)
{
    struct ftok *t = (struct ftok *)p;
    if (t) {
        pb_segmenter_free(t->sg);
        free(t);
    }
}

static int ftok_token(void *ctx, const struct pb_token *t)
{
    struct ftok_call *c = ctx;
    return c->xToken(c->pctx, (t->flags & PB_TOKEN_WORD) ? FTS5_TOKEN_COLOCATED : 0, t->norm, (int)t->len,
                     (int)t->start, (int)t->end);
}

/* Tokens computed beforehand for the text being inserted by this thread (pb__docw_chunk). */
struct pretok {
    const char *text;
    size_t len;
    const void *toks;
    size_t tlen;
};
static _Thread_local const struct pretok *pending;

static int ftok_tokenize(Fts5Tokenizer *p, void *pctx, int flags, const char *text, int n,
                         int (*xToken)(void *, int, const char *, int, int, int))
{
    struct ftok *t = (struct ftok *)p;
    struct ftok_call c = {pctx, xToken};
    int rc;
    if ((flags & FTS5_TOKENIZE_DOCUMENT) && pending && pending->len == (size_t)n &&
        (pending->text == text || memcmp(pending->text, text, (size_t)n) == 0)) {
        rc = pb_segment_replay(pending->toks, pending->tlen, ftok_token, &c);
        if (rc != PROBITY_EFORMAT)
            return rc < 0 ? SQLITE_NOMEM : rc;
        /* a damaged stream: tokenise the text itself (nothing was emitted: it fails early) */
    }
    if ((flags & FTS5_TOKENIZE_QUERY) && n >= 3 && memcmp(text, VERBATIM, 3) == 0) {
        int i = 3, r = SQLITE_OK;
        while (i < n && r == SQLITE_OK) {
            int j;
            while (i < n && text[i] == ' ')
                i++;
            for (j = i; j < n && text[j] != ' '; j++)
                ;
            if (j > i)
                r = xToken(pctx, 0, text + i, j - i, i, j);
            i = j;
        }
        return r;
    }
    /* queries get one token per Han character; documents also their dictionary words */
    rc = pb_segment(t->sg, text, (size_t)n, (flags & FTS5_TOKENIZE_QUERY) ? 0 : PB_SEG_WORDS, ftok_token, &c);
    return rc < 0 ? SQLITE_NOMEM : rc;
}

static int fts5_api_of(sqlite3 *db, fts5_api **api)
{
    sqlite3_stmt *s = NULL;
    *api = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_pointer(s, 1, (void *)api, "fts5_api_ptr", NULL);
    sqlite3_step(s);
    sqlite3_finalize(s);
    return *api ? 0 : -1;
}

static int has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = ?1", -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

/* pb_rank(chunk_fts): bm25 without length normalisation (b = 0), negated like FTS5's rank.
 * FTS5's own bm25() reads each candidate's length from the docsize table, one B-tree look-up
 * per row; for a word found in most chunks that look-up is most of the time of a search.
 * Chunks are all of about the same size, cut at 2,000 to 4,000 characters, so the length
 * term changes little. */
struct rankdata {
    int nphrase;
    double *idf;
    int *tf;
};

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ud)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)ud)++;
    return SQLITE_OK;
}

static void rank_free(void *p)
{
    sqlite3_free(p);
}

static void sql_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                     sqlite3_value **val)
{
    struct rankdata *d = api->xGetAuxdata(fts, 0);
    const double k1 = 1.2;
    double score = 0;
    int ninst = 0, rc;
    (void)nval;
    (void)val;
    if (!d) {
        int np = api->xPhraseCount(fts);
        sqlite3_int64 nrow = 0;
        d = sqlite3_malloc64(sizeof(*d) + (size_t)np * (sizeof(double) + sizeof(int)));
        if (!d) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        d->nphrase = np;
        d->idf = (double *)(d + 1);
        d->tf = (int *)(d->idf + np);
        if ((rc = api->xRowCount(fts, &nrow)) != SQLITE_OK) {
            sqlite3_free(d);
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        for (int i = 0; i < np; i++) {
            sqlite3_int64 hits = 0;
            if ((rc = api->xQueryPhrase(fts, i, &hits, count_row)) != SQLITE_OK) {
                sqlite3_free(d);
                sqlite3_result_error_code(ctx, rc);
                return;
            }
            d->idf[i] = log(((double)(nrow - hits) + 0.5) / ((double)hits + 0.5));
            if (d->idf[i] <= 1e-6)
                d->idf[i] = 1e-6;
        }
        if ((rc = api->xSetAuxdata(fts, d, rank_free)) != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    memset(d->tf, 0, sizeof(int) * (size_t)d->nphrase);
    if ((rc = api->xInstCount(fts, &ninst)) != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    for (int i = 0; i < ninst; i++) {
        int ip = 0, ic = 0, io = 0;
        if (api->xInst(fts, i, &ip, &ic, &io) == SQLITE_OK && ip >= 0 && ip < d->nphrase)
            d->tf[ip]++;
    }
    for (int i = 0; i < d->nphrase; i++)
        if (d->tf[i])
            score += d->idf[i] * d->tf[i] * (k1 + 1) / (d->tf[i] + k1);
    sqlite3_result_double(ctx, -score);
}

/* ---- chunk text in shared blocks ---- */

/* The text of small chunks compresses badly alone (deflate needs context, and a fresh
 * stream per chunk costs as much as the chunk), so the writer packs the text of
 * consecutive chunks, whatever their documents, into blocks of about BLOCK_BYTES, each one
 * row of text_block (packed as store/textz.h says, or plain TEXT when that does not pay).
 * A chunk's text column then holds a reference to its bytes in a block: the text's length
 * in bytes with the top bit set (4 bytes, little endian; a packed chunk's length never has
 * it), then the block id and the byte offset as varints. Blocks are immutable once written. */
#define BLOCK_BYTES 65536
#define REF_MAX 24

/* Blocks written by a transaction that was rolled back may come back with other text under
 * the same ids: a rollback anywhere in the process makes every cached block stale. */
static _Atomic unsigned long block_generation;

static size_t ref_make(unsigned char out[REF_MAX], size_t len, int64_t block, size_t off)
{
    size_t n = 4;
    out[0] = (unsigned char)(len & 0xFF);
    out[1] = (unsigned char)((len >> 8) & 0xFF);
    out[2] = (unsigned char)((len >> 16) & 0xFF);
    out[3] = (unsigned char)(((len >> 24) & 0x7F) | 0x80);
    n += pb_uvarint_put(out + n, (uint64_t)block);
    n += pb_uvarint_put(out + n, (uint64_t)off);
    return n;
}

/* The connection's reader of chunk text, with the blocks it read last: a document's
 * chunks are read in order and mostly share a block, and a search reads a few candidate
 * passages per block it touches. A packed block is inflated only as far as it is read. */
#define BLOCK_CACHE 4
struct textfn {
    struct pb_textz *z;
    struct cached_block {
        int64_t id;               /* 0: empty */
        unsigned long generation, used;
        struct pb_textz_part *part;   /* a packed block */
        struct pb_buf plain;          /* or the text of a plain one */
    } cache[BLOCK_CACHE];
    unsigned long clock;
};

static void cached_clear(struct cached_block *c)
{
    pb__textz_part_free(c->part);
    c->part = NULL;
    pb_buf_reset(&c->plain);
    c->id = 0;
    c->used = 0;
}

/* Bytes [off, off + n) of block `id`, read or from the cache, into *s (borrowed). Returns 0,
 * PROBITY_ENOTFOUND, PROBITY_EFORMAT or PROBITY_ENOMEM. */
static int block_text(struct textfn *t, sqlite3 *db, int64_t id, size_t off, size_t n, const char **s)
{
    sqlite3_stmt *q = NULL;
    struct cached_block *c = NULL, *lru = &t->cache[0];
    unsigned long gen = block_generation;
    int rc = PROBITY_ENOTFOUND;
    for (int i = 0; i < BLOCK_CACHE && !c; i++) {
        if (t->cache[i].id == id && t->cache[i].generation == gen)
            c = &t->cache[i];
        else if (t->cache[i].used < lru->used)
            lru = &t->cache[i];   /* the least recently used goes */
    }
    if (!c) {
        c = lru;
        cached_clear(c);
        if (sqlite3_prepare_v2(db, "SELECT data FROM text_block WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
            return PROBITY_ENOTFOUND;
        sqlite3_bind_int64(q, 1, id);
        if (sqlite3_step(q) == SQLITE_ROW) {
            if (sqlite3_column_type(q, 0) == SQLITE_BLOB) {
                rc = pb__textz_part_open(&c->part, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0));
            } else {
                const unsigned char *v = sqlite3_column_text(q, 0);
                rc = pb_buf_add(&c->plain, v ? (const char *)v : "", (size_t)sqlite3_column_bytes(q, 0));
            }
        }
        sqlite3_finalize(q);
        if (rc) {
            cached_clear(c);
            return rc;
        }
        c->id = id;
        c->generation = gen;
    }
    c->used = ++t->clock;
    if (c->part)
        return pb__textz_part_get(c->part, off, n, s);
    if (off > c->plain.len || n > c->plain.len - off)
        return PROBITY_EFORMAT;
    *s = c->plain.s + off;
    return 0;
}

/* pb_text(x): the text of a chunk's text column, stored plain, packed (store/textz.h) or
 * in a block. */
static void sql_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct textfn *t = sqlite3_user_data(ctx);
    const unsigned char *b;
    size_t n;
    struct pb_buf out = PB_BUF_INIT;
    int rc;
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    b = sqlite3_value_blob(argv[0]);
    n = (size_t)sqlite3_value_bytes(argv[0]);
    if (n >= 4 && (b[3] & 0x80)) {
        size_t len = (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)(b[3] & 0x7F) << 24, at = 4;
        uint64_t id, off;
        if (pb_uvarint_get(b, n, &at, &id) || pb_uvarint_get(b, n, &at, &off) || at != n) {
            sqlite3_result_error(ctx, "damaged chunk text reference", -1);
            return;
        }
        const char *text = NULL;
        rc = block_text(t, sqlite3_context_db_handle(ctx), (int64_t)id, (size_t)off, len, &text);
        if (rc == PROBITY_ENOMEM) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        if (rc) {
            sqlite3_result_error(ctx, rc == PROBITY_ENOTFOUND ? "missing text block" : "damaged text block", -1);
            return;
        }
        sqlite3_result_text64(ctx, text, len, SQLITE_TRANSIENT, SQLITE_UTF8);
        return;
    }
    rc = pb__textz_unpack(t->z, b, n, &out);
    if (rc == PROBITY_ENOMEM) {
        pb_buf_release(&out);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (rc) {
        pb_buf_release(&out);
        sqlite3_result_error(ctx, "damaged packed chunk text", -1);
        return;
    }
    sqlite3_result_text64(ctx, out.s ? out.s : "", out.len, out.s ? free : SQLITE_STATIC, SQLITE_UTF8);
}

static void free_textfn(void *p)
{
    struct textfn *t = p;
    if (t) {
        pb__textz_free(t->z);
        for (int i = 0; i < BLOCK_CACHE; i++) {
            pb__textz_part_free(t->cache[i].part);
            pb_buf_release(&t->cache[i].plain);
        }
        free(t);
    }
}

#define FTS_HASHSIZE 67108864
#define FTS_AUTOMERGE 8
#define FTS_SETTINGS                                                                                   \
    "INSERT INTO chunk_fts(chunk_fts, rank) VALUES('hashsize', " PB_STR(FTS_HASHSIZE) ");"            \
    "INSERT INTO chunk_fts(chunk_fts, rank) VALUES('automerge', " PB_STR(FTS_AUTOMERGE) ")"
#define PB_STR_(x) #x
#define PB_STR(x) PB_STR_(x)

/* A store made before the settings below were chosen gets them when a writer opens it; a
 * store another writer holds keeps its own until the next time (they change no result). */
static void fts_settings(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM chunk_fts_config WHERE (k = 'hashsize' AND v = ?1) OR"
                               " (k = 'automerge' AND v = ?2)", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int(s, 1, FTS_HASHSIZE);
        sqlite3_bind_int(s, 2, FTS_AUTOMERGE);
        ok = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 2;
    }
    sqlite3_finalize(s);
    if (!ok && sqlite3_get_autocommit(db))
        sqlite3_exec(db, FTS_SETTINGS, NULL, NULL, NULL);
}

int pb__docs_ready(struct probity_store *st, int write, struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    fts5_api *api;
    void *ud = NULL;
    fts5_tokenizer tk;
    if (fts5_api_of(db, &api))
        return pb__err(err, PROBITY_ESTORE, pb__store_path(st), 0, 0, "this SQLite has no FTS5");
    if (api->xFindTokenizer(api, TOKENIZER, &ud, &tk) != SQLITE_OK) {
        fts5_tokenizer mine = {ftok_create, ftok_delete, ftok_tokenize};
        struct textfn *t;
        if (api->xCreateTokenizer(api, TOKENIZER, NULL, &mine, NULL) != SQLITE_OK)
            return dberr(db, err, "register tokenizer");
        if (api->xCreateFunction(api, "pb_rank", NULL, sql_rank, NULL) != SQLITE_OK)
            return dberr(db, err, "register pb_rank");
        /* the functions go with the tokenizer: all once per connection */
        if (!(t = calloc(1, sizeof(*t))) || pb__textz_new(&t->z)) {
            free(t);
            return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        }
        /* on failure SQLite calls free_textfn itself */
        if (sqlite3_create_function_v2(db, "pb_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, t, sql_text, NULL,
                                       NULL, free_textfn) != SQLITE_OK)
            return dberr(db, err, "register pb_text");
    }
    if (!write)
        return has_table(db, "chunk_fts") ? 0
                                          : pb__err(err, PROBITY_ENOTFOUND, pb__store_path(st), 0, 0,
                                                    "no documents in this store; ingest some first "
                                                    "(probity ingest PATH)");
    if (has_table(db, "chunk_fts")) {
        fts_settings(db);
        return 0;
    }
    /* No column sizes: pb_rank does not read them, and they cost a row per chunk. A
     * larger in-memory index than the default (1 MiB) before FTS5 writes a segment: a
     * commit of ingestion (a second of work) writes one segment, not one per megabyte,
     * and fewer segments mean less merging and a smaller index. Segments are merged 8 at
     * a time rather than 4: each merge rewrites what it merges, and on 100,000 bench
     * documents (a commit a second) that took 5-8% of ingestion's CPU time and left the
     * file 1.29x the text, against 1.11x (the pages of replaced segments stay free in the
     * file); searches read up to twice as many segments per level meanwhile. */
    if (sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(text, content='chunk_current',"
                     " content_rowid='id', tokenize='" TOKENIZER "', detail=full, columnsize=0);"
                     FTS_SETTINGS,
                     NULL, NULL, NULL) != SQLITE_OK)
        return dberr(db, err, "create full-text table");
    return 0;
}

/* ---- writing ---- */

enum {
    W_STATE, W_AT, W_INS_DOC, W_UPD_DOC, W_DEL_CHUNKS, W_DEL_PAGES, W_DEL_META, W_INS_CHUNK, W_INS_FTS,
    W_INS_PAGE, W_INS_META, W_MEMBER, W_DEL_ISSUE, W_INS_ISSUE, W_COLL, W_VERSION, W_MEMBERS_OF,
    W_DEACTIVATE, W_FTS_OUT, W_ACTIVATE, W_FTS_IN, W_DEL_CHILD_MEMBERS, W_CHILDREN, W_INS_BLOCK, W_NEXT_BLOCK,
    W_ANY_ISSUE, W_COUNT_MEMBERS, W_N
};

static const char *const wsql[W_N] = {
    [W_STATE] = "SELECT status, n FROM document WHERE id = ?1",
    [W_AT] = "SELECT d.id FROM member m JOIN document d ON d.n = m.doc WHERE m.collection = ?1 AND m.path = ?2",
    [W_INS_DOC] = "INSERT INTO document(id, parent, supersedes, version, current, collection, path, title, url,"
                  " type, mime, encoding, langs, published, author, pages, bytes, chars, status, reason,"
                  " ingested_at) VALUES(?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                  " ?15, ?16, ?17, ?18, ?19, ?20)",
    [W_UPD_DOC] = "UPDATE document SET parent = ?2, supersedes = COALESCE(?3, supersedes),"
                  " version = CASE WHEN ?4 > 0 THEN ?4 ELSE version END, current = 1, collection = ?5,"
                  " path = ?6, title = ?7, url = ?8, type = ?9, mime = ?10, encoding = ?11, langs = ?12,"
                  " published = ?13, author = ?14, pages = ?15, bytes = ?16, chars = ?17, status = ?18,"
                  " reason = ?19, ingested_at = ?20 WHERE id = ?1",
    [W_DEL_CHUNKS] = "DELETE FROM chunk WHERE doc = ?1",
    [W_DEL_PAGES] = "DELETE FROM page WHERE doc = ?1",
    [W_DEL_META] = "DELETE FROM doc_meta WHERE doc = ?1",
    [W_INS_CHUNK] = "INSERT INTO chunk(doc, seq, page, start, end, lang, text) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [W_INS_FTS] = "INSERT INTO chunk_fts(rowid, text) VALUES(?1, ?2)",
    [W_INS_PAGE] = "INSERT OR REPLACE INTO page(doc, page, start, end) VALUES(?1, ?2, ?3, ?4)",
    [W_INS_META] = "INSERT INTO doc_meta(doc, key, value) VALUES(?1, ?2, ?3)",
    [W_MEMBER] = "INSERT OR REPLACE INTO member(collection, path, doc) VALUES(?1, ?2, ?3)",
    [W_DEL_ISSUE] = "DELETE FROM ingest_issue WHERE collection = ?1 AND path = ?2",
    [W_INS_ISSUE] = "INSERT OR REPLACE INTO ingest_issue(collection, path, reason, at) VALUES(?1, ?2, ?3, ?4)",
    [W_COLL] = "INSERT OR IGNORE INTO collection(name, created_at) VALUES(?1, ?2)",
    [W_VERSION] = "SELECT version, current, status, n FROM document WHERE id = ?1",
    [W_MEMBERS_OF] = "SELECT count(*) FROM member WHERE doc = (SELECT n FROM document WHERE id = ?1)",
    [W_DEACTIVATE] = "UPDATE document SET current = 0 WHERE n = ?1",
    [W_FTS_OUT] = "INSERT INTO chunk_fts(chunk_fts, rowid, text) SELECT 'delete', id, pb_text(text) FROM chunk"
                  " WHERE doc = ?1",
    [W_ACTIVATE] = "UPDATE document SET current = 1 WHERE n = ?1",
    [W_FTS_IN] = "INSERT INTO chunk_fts(rowid, text) SELECT id, pb_text(text) FROM chunk WHERE doc = ?1",
    [W_DEL_CHILD_MEMBERS] = "DELETE FROM member WHERE collection = ?1 AND substr(path, 1, ?3) = ?2"
                            " AND doc IN (SELECT n FROM document WHERE parent = ?4)",
    [W_CHILDREN] = "SELECT id FROM document WHERE parent = ?1",
    [W_INS_BLOCK] = "INSERT INTO text_block(id, data) VALUES(?1, ?2)",
    [W_NEXT_BLOCK] = "SELECT COALESCE(max(id), 0) + 1 FROM text_block",
    [W_ANY_ISSUE] = "SELECT EXISTS(SELECT 1 FROM ingest_issue)",
    [W_COUNT_MEMBERS] = "SELECT count(*) FROM member WHERE collection = ?1",
};

struct pb_docw {
    struct probity_store *st;
    sqlite3 *db;
    sqlite3_stmt *s[W_N];
    struct pb_textz *z;
    struct pb_buf packed;
    struct pb_buf blk;              /* the text of the block being filled */
    int64_t blk_id, next_blk;       /* its id; the next id to give (never reused by this writer) */
    /* known inside the current transaction: the collection added last, whether ingest_issue
     * has rows (-1: not looked up yet) */
    struct pb_buf coll;
    int issues;
    /* the collection this writer adds paths to, how many times it added one, and whether
     * (in this transaction: -1 not looked up yet) they are all the collection has */
    struct pb_buf own_coll;
    int64_t own_members;
    int own_only;
    struct packer *pk;              /* deflates full blocks on its own thread; NULL: inline */
};

/* ---- blocks deflated off the writer's thread ----
 *
 * The writer is the one thread that inserts, and ingestion waits for it: a full block is
 * handed to a thread of its own to be deflated, and the writer inserts it when it comes
 * back (at the latest before a commit, or before anything reads chunk text). The total
 * work is the same; the writer's share shrinks by the deflating, a tenth of ingestion. */
#define PACK_INFLIGHT 4            /* full blocks handed over and not yet inserted */

struct packjob {
    struct packjob *next;
    int64_t id;
    struct pb_buf raw, packed;
    int rc;                         /* pb__textz_pack's answer: 1 packed, 0 plain, < 0 failed */
};

struct packer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t todo_cv, done_cv;
    struct packjob *todo, *todo_tail, *done, *done_tail, *spare;
    int inflight, stop;
    struct pb_textz *z;             /* the packer thread's own */
};

/* Append j to the queue head..tail (the caller holds the packer's lock). */
static void packjob_push(struct packjob **head, struct packjob **tail, struct packjob *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static void *packer_main(void *arg)
{
    struct packer *pk = arg;
    pthread_mutex_lock(&pk->mu);
    for (;;) {
        struct packjob *j;
        while (!pk->todo && !pk->stop)
            pthread_cond_wait(&pk->todo_cv, &pk->mu);
        if (!pk->todo)
            break;
        j = pk->todo;
        if (!(pk->todo = j->next))
            pk->todo_tail = NULL;
        pthread_mutex_unlock(&pk->mu);
        j->rc = pb__textz_pack(pk->z, j->raw.s, j->raw.len, &j->packed);
        pthread_mutex_lock(&pk->mu);
        packjob_push(&pk->done, &pk->done_tail, j);
        pthread_cond_signal(&pk->done_cv);
    }
    pthread_mutex_unlock(&pk->mu);
    return NULL;
}

static void packjobs_free(struct packjob *j)
{
    while (j) {
        struct packjob *n = j->next;
        pb_buf_release(&j->raw);
        pb_buf_release(&j->packed);
        free(j);
        j = n;
    }
}

static void packer_free(struct packer *pk)
{
    if (!pk)
        return;
    pthread_mutex_lock(&pk->mu);
    pk->stop = 1;
    pthread_cond_signal(&pk->todo_cv);
    pthread_mutex_unlock(&pk->mu);
    pthread_join(pk->thread, NULL);
    packjobs_free(pk->todo);
    packjobs_free(pk->done);
    packjobs_free(pk->spare);
    pthread_mutex_destroy(&pk->mu);
    pthread_cond_destroy(&pk->todo_cv);
    pthread_cond_destroy(&pk->done_cv);
    pb__textz_free(pk->z);
    free(pk);
}

/* A packer with its thread running, or NULL (the writer then deflates blocks itself). */
static struct packer *packer_new(void)
{
    struct packer *pk = calloc(1, sizeof(*pk));
    if (!pk || pb__textz_new(&pk->z))
        goto out;
    pthread_mutex_init(&pk->mu, NULL);
    pthread_cond_init(&pk->todo_cv, NULL);
    pthread_cond_init(&pk->done_cv, NULL);
    if (pthread_create(&pk->thread, NULL, packer_main, pk) == 0)
        return pk;
    pthread_mutex_destroy(&pk->mu);
    pthread_cond_destroy(&pk->todo_cv);
    pthread_cond_destroy(&pk->done_cv);
out:
    if (pk)
        pb__textz_free(pk->z);
    free(pk);
    return NULL;
}

int pb__docw_open(struct probity_store *st, struct pb_docw **out, struct probity_error *err)
{
    struct pb_docw *w;
    int rc;
    *out = NULL;
    if ((rc = pb__docs_ready(st, 1, err)))
        return rc;
    if (!(w = calloc(1, sizeof(*w))))
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    w->st = st;
    w->db = pb__store_db(st);
    w->issues = -1;
    w->own_only = -1;
    if (pb__textz_new(&w->z)) {
        pb__docw_close(w);
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    }
    w->pk = packer_new();
    for (int i = 0; i < W_N; i++)
        if (sqlite3_prepare_v3(w->db, wsql[i], -1, SQLITE_PREPARE_PERSISTENT, &w->s[i], NULL) != SQLITE_OK) {
            rc = dberr(w->db, err, "prepare");
            pb__docw_close(w);
            return rc;
        }
    *out = w;
    return 0;
}

void pb__docw_close(struct pb_docw *w)
{
    if (!w)
        return;
    packer_free(w->pk);
    for (int i = 0; i < W_N; i++)
        sqlite3_finalize(w->s[i]);
    pb__textz_free(w->z);
    pb_buf_release(&w->packed);
    pb_buf_release(&w->blk);
    pb_buf_release(&w->coll);
    pb_buf_release(&w->own_coll);
    free(w);
}

/* Insert block `id`: packed when pack_rc is 1, else its raw text. */
static int block_insert(struct pb_docw *w, int64_t id, const struct pb_buf *raw, const struct pb_buf *packed,
                        int pack_rc, struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_INS_BLOCK];
    if (pack_rc < 0)
        return pb__err(err, pack_rc, NULL, 0, 0, "out of memory");
    sqlite3_bind_int64(s, 1, id);
    if (pack_rc == 1)
        sqlite3_bind_blob64(s, 2, packed->s, packed->len, SQLITE_STATIC);
    else
        sqlite3_bind_text64(s, 2, raw->s, raw->len, SQLITE_STATIC, SQLITE_UTF8);
    return step_done(w->db, s, err, "insert text block");
}

/* Insert the blocks the packer has finished; with `all`, wait for every one handed over.
 * With `drop` they are thrown away instead (a rollback). */
static int packed_take(struct pb_docw *w, int all, int drop, struct probity_error *err)
{
    struct packer *pk = w->pk;
    int rc = 0;
    if (!pk)
        return 0;
    do {
        struct packjob *list, *last = NULL;
        pthread_mutex_lock(&pk->mu);
        while (all && pk->inflight > 0 && !pk->done)
            pthread_cond_wait(&pk->done_cv, &pk->mu);
        list = pk->done;
        pk->done = pk->done_tail = NULL;
        pthread_mutex_unlock(&pk->mu);
        for (struct packjob *j = list; j; j = j->next) {
            if (!rc && !drop)
                rc = block_insert(w, j->id, &j->raw, &j->packed, j->rc, err);
            pb_buf_reset(&j->raw);
            pb_buf_reset(&j->packed);
            pk->inflight--;   /* only this thread counts them */
            last = j;
        }
        pthread_mutex_lock(&pk->mu);
        if (last) {   /* their buffers serve the next blocks */
            last->next = pk->spare;
            pk->spare = list;
        }
        pthread_mutex_unlock(&pk->mu);
    } while (!rc && all && pk->inflight > 0);
    return rc;
}

/* Write the block being filled and every block handed over (before anything reads chunk
 * text, and before a commit). */
static int block_flush(struct pb_docw *w, struct probity_error *err)
{
    int rc;
    if ((rc = packed_take(w, 1, 0, err)))
        return rc;
    if (!w->blk.len)
        return 0;
    rc = pb__textz_pack(w->z, w->blk.s, w->blk.len, &w->packed);
    rc = block_insert(w, w->blk_id, &w->blk, &w->packed, rc, err);
    pb_buf_reset(&w->blk);
    return rc;
}

/* The block being filled is full: hand it to the packer (or write it now without one). */
static int block_seal(struct pb_docw *w, struct probity_error *err)
{
    struct packer *pk = w->pk;
    struct packjob *j;
    struct pb_buf t;
    int rc;
    if (!pk)
        return block_flush(w, err);
    /* what is done goes in now; a bounded number stays in flight: past it the writer
     * waits for the packer rather than pile blocks up */
    for (;;) {
        if ((rc = packed_take(w, 0, 0, err)))
            return rc;
        if (pk->inflight < PACK_INFLIGHT)
            break;
        pthread_mutex_lock(&pk->mu);
        while (!pk->done)
            pthread_cond_wait(&pk->done_cv, &pk->mu);
        pthread_mutex_unlock(&pk->mu);
    }
    pthread_mutex_lock(&pk->mu);
    if ((j = pk->spare))
        pk->spare = j->next;
    pthread_mutex_unlock(&pk->mu);
    if (!j && !(j = calloc(1, sizeof(*j))))
        return block_flush(w, err);
    /* the job takes the block's bytes, the block the job's old buffer */
    t = j->raw;
    j->raw = w->blk;
    w->blk = t;
    pb_buf_reset(&w->blk);
    j->id = w->blk_id;
    pthread_mutex_lock(&pk->mu);
    packjob_push(&pk->todo, &pk->todo_tail, j);
    pk->inflight++;
    pthread_cond_signal(&pk->todo_cv);
    pthread_mutex_unlock(&pk->mu);
    return 0;
}

int pb__docw_begin(struct pb_docw *w, struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_NEXT_BLOCK];
    int64_t next = 1;
    if (sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return dberr(w->db, err, "begin");
    /* block ids are taken under the write lock: another writer may have used some */
    if (sqlite3_step(s) == SQLITE_ROW)
        next = sqlite3_column_int64(s, 0);
    if (sqlite3_reset(s) != SQLITE_OK) {
        int rc = dberr(w->db, err, "next text block");
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (next > w->next_blk)
        w->next_blk = next;
    pb_buf_reset(&w->blk);
    pb_buf_reset(&w->coll);
    w->issues = -1;
    w->own_only = -1;
    return 0;
}

int pb__docw_commit(struct pb_docw *w, struct probity_error *err)
{
    int rc;
    if ((rc = block_flush(w, err)))
        return rc;
    if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return dberr(w->db, err, "commit");
    return 0;
}

void pb__docw_rollback(struct pb_docw *w)
{
    packed_take(w, 1, 1, NULL);
    pb_buf_reset(&w->blk);
    pb_buf_reset(&w->coll);
    w->issues = -1;
    w->own_only = -1;
    if (!sqlite3_get_autocommit(w->db)) {
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
        block_generation++;
    }
}

int pb__docw_state(struct pb_docw *w, const char *id, struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_STATE];
    int r, state = PB_DOC_ABSENT;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        state = strcmp(col_str(s, 0), "ok") == 0 ? PB_DOC_STORED_OK : PB_DOC_STORED_BAD;
    sqlite3_reset(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return dberr(w->db, err, "look up document");
    return state;
}

int pb__docw_any(struct pb_docw *w, struct probity_error *err)
{
    sqlite3_stmt *s = NULL;
    int r, any = 0;
    if (sqlite3_prepare_v2(w->db, "SELECT EXISTS(SELECT 1 FROM document)", -1, &s, NULL) != SQLITE_OK)
        return dberr(w->db, err, "look up documents");
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        any = sqlite3_column_int(s, 0) != 0;
    sqlite3_finalize(s);
    if (r != SQLITE_ROW)
        return dberr(w->db, err, "look up documents");
    return any;
}

int pb__docw_at(struct pb_docw *w, const char *collection, const char *path, char id[65], struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_AT];
    int r;
    id[0] = 0;
    sqlite3_bind_text(s, 1, collection, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        snprintf(id, 65, "%s", col_str(s, 0));
    sqlite3_reset(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return dberr(w->db, err, "look up path");
    return 0;
}

/* version, current flag, ok status and row number of a stored document; 0 when absent */
static int doc_info(struct pb_docw *w, const char *id, int *version, int *current, int *ok, int64_t *n,
                    struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_VERSION];
    int r, found = 0;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        found = 1;
        *version = sqlite3_column_int(s, 0);
        *current = sqlite3_column_int(s, 1);
        *ok = strcmp(col_str(s, 2), "ok") == 0;
        *n = sqlite3_column_int64(s, 3);
    }
    sqlite3_reset(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return dberr(w->db, err, "look up document");
    return found;
}

static int with_n(struct pb_docw *w, int which, int64_t n, struct probity_error *err)
{
    int rc;
    /* these read chunk text: the block being filled must be there */
    if ((which == W_FTS_OUT || which == W_FTS_IN) && (rc = block_flush(w, err)))
        return rc;
    sqlite3_bind_int64(w->s[which], 1, n);
    return step_done(w->db, w->s[which], err, "update document");
}

/* A document that no path points to any more leaves the index. */
static int release_if_orphan(struct pb_docw *w, const char *id, struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_MEMBERS_OF];
    int version = 0, current = 0, ok = 0, r, rc, found;
    int64_t n = 0, members = 0;
    if ((found = doc_info(w, id, &version, &current, &ok, &n, err)) <= 0)
        return found;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        members = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (r != SQLITE_ROW)
        return dberr(w->db, err, "count paths");
    if (members || !current)
        return 0;
    if (ok && (rc = with_n(w, W_FTS_OUT, n, err)))
        return rc;
    return with_n(w, W_DEACTIVATE, n, err);
}

/* The path (collection, path) stopped pointing at `prev`: its attachments' paths go too. */
static int release_prev(struct pb_docw *w, const char *collection, const char *path, const char *prev,
                        struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_DEL_CHILD_MEMBERS], *c = w->s[W_CHILDREN];
    struct pb_buf prefix = PB_BUF_INIT;
    char **kids = NULL;
    size_t nk = 0, cap = 0;
    int rc = 0, r;
    if (pb_buf_adds(&prefix, path) || pb_buf_addc(&prefix, '#')) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    sqlite3_bind_text(s, 1, collection, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, prefix.s, -1, SQLITE_STATIC);
    /* substr counts characters: the prefix's length in code points */
    {
        int64_t cps = 0;
        for (size_t i = 0; i < prefix.len; i++)
            cps += ((unsigned char)prefix.s[i] & 0xC0) != 0x80;
        sqlite3_bind_int64(s, 3, cps);
    }
    sqlite3_bind_text(s, 4, prev, -1, SQLITE_STATIC);
    if ((rc = step_done(w->db, s, err, "release attachments")))
        goto out;
    if ((rc = release_if_orphan(w, prev, err)) < 0)
        goto out;
    /* collect first: releasing runs other statements */
    sqlite3_bind_text(c, 1, prev, -1, SQLITE_STATIC);
    while ((r = sqlite3_step(c)) == SQLITE_ROW) {
        if (nk == cap) {
            char **nv = realloc(kids, (cap = cap ? cap * 2 : 8) * sizeof(char *));
            if (!nv) {
                sqlite3_reset(c);
                rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
                goto out;
            }
            kids = nv;
        }
        if (!(kids[nk] = pb_strdup(col_str(c, 0)))) {
            sqlite3_reset(c);
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        nk++;
    }
    sqlite3_reset(c);
    if (r != SQLITE_DONE) {
        rc = dberr(w->db, err, "list attachments");
        goto out;
    }
    for (size_t i = 0; i < nk && rc >= 0; i++)
        rc = release_if_orphan(w, kids[i], err);
    if (rc > 0)
        rc = 0;
out:
    for (size_t i = 0; i < nk; i++)
        free(kids[i]);
    free(kids);
    pb_buf_release(&prefix);
    return rc;
}

/* Make sure the collection exists. Inside a transaction a collection added once is known
 * to be there until it ends: a run of a thousand files adds it once, not per file. */
static int note_collection(struct pb_docw *w, const char *collection, struct probity_error *err)
{
    char now[32];
    int rc, in_tx = !sqlite3_get_autocommit(w->db);
    if (in_tx && w->coll.s && strcmp(w->coll.s, collection) == 0)
        return 0;
    pb_now_iso(now);
    sqlite3_bind_text(w->s[W_COLL], 1, collection, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->s[W_COLL], 2, now, -1, SQLITE_STATIC);
    if ((rc = step_done(w->db, w->s[W_COLL], err, "add collection")))
        return rc;
    pb_buf_reset(&w->coll);
    if (in_tx && pb_buf_adds(&w->coll, collection))
        pb_buf_reset(&w->coll);
    return 0;
}

/* Point (collection, path) at the document of row n, and note the collection. */
static int set_member(struct pb_docw *w, const char *collection, const char *path, int64_t n,
                      struct probity_error *err)
{
    int rc, in_tx = !sqlite3_get_autocommit(w->db);
    sqlite3_bind_text(w->s[W_MEMBER], 1, collection, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->s[W_MEMBER], 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(w->s[W_MEMBER], 3, n);
    if ((rc = step_done(w->db, w->s[W_MEMBER], err, "add path")))
        return rc;
    if (!w->own_coll.len && pb_buf_adds(&w->own_coll, collection))
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    if (strcmp(w->own_coll.s, collection) == 0)
        w->own_members++;
    /* an issue to clear can only be there when the table has rows: inside a transaction,
     * that is looked up once (nobody else writes meanwhile) */
    if (!in_tx || w->issues < 0) {
        sqlite3_stmt *q = w->s[W_ANY_ISSUE];
        int r = sqlite3_step(q);
        w->issues = r == SQLITE_ROW ? sqlite3_column_int(q, 0) != 0 : 1;
        sqlite3_reset(q);
    }
    if (w->issues || !in_tx) {
        sqlite3_bind_text(w->s[W_DEL_ISSUE], 1, collection, -1, SQLITE_STATIC);
        sqlite3_bind_text(w->s[W_DEL_ISSUE], 2, path, -1, SQLITE_STATIC);
        if ((rc = step_done(w->db, w->s[W_DEL_ISSUE], err, "clear issue")))
            return rc;
    }
    return note_collection(w, collection, err);
}

/* 1 when every path of the collection was added by this writer (a new collection being
 * filled by one run): a path the walk yields once has then no document yet, and need not
 * be looked up. Counted once per transaction, under the write lock. Anything else makes
 * the counts differ and paths are looked up again: another writer's paths, a rolled back
 * transaction, a path added twice (the attachments of a file may share a name). */
static int paths_all_own(struct pb_docw *w, const char *collection, struct probity_error *err)
{
    if (sqlite3_get_autocommit(w->db) || (w->own_coll.len && strcmp(w->own_coll.s, collection) != 0))
        return 0;
    if (w->own_only < 0) {
        sqlite3_stmt *q = w->s[W_COUNT_MEMBERS];
        int r;
        sqlite3_bind_text(q, 1, collection, -1, SQLITE_STATIC);
        r = sqlite3_step(q);
        w->own_only = r == SQLITE_ROW && sqlite3_column_int64(q, 0) == w->own_members;
        sqlite3_reset(q);
        if (r != SQLITE_ROW)
            return dberr(w->db, err, "count paths");
    }
    return w->own_only;
}

int pb__docw_link(struct pb_docw *w, const char *collection, const char *path, const char *id, int *version,
                  struct probity_error *err)
{
    char prev[65];
    int rc, current = 0, ok = 0, found;
    int64_t n = 0;
    *version = 1;
    if ((rc = pb__docw_at(w, collection, path, prev, err)))
        return rc;
    if ((found = doc_info(w, id, version, &current, &ok, &n, err)) < 0)
        return found;
    if (!found)
        return pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "no document %s", id);
    if (strcmp(prev, id) == 0)
        return 0;
    if ((rc = set_member(w, collection, path, n, err)))
        return rc;
    if (!current) {
        if (ok && (rc = with_n(w, W_FTS_IN, n, err)))
            return rc;
        if ((rc = with_n(w, W_ACTIVATE, n, err)))
            return rc;
    }
    return prev[0] ? release_prev(w, collection, path, prev, err) : 0;
}

static void bind_doc(sqlite3_stmt *s, const struct pb_docrec *r, const char *supersedes, int version,
                     const char *now)
{
    sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
    bind_str(s, 2, r->parent);
    bind_str(s, 3, supersedes);
    sqlite3_bind_int(s, 4, version);
    bind_str(s, 5, r->collection);
    bind_str(s, 6, r->path);
    bind_str(s, 7, r->title);
    bind_str(s, 8, r->url);
    bind_str(s, 9, r->type);
    bind_str(s, 10, r->mime);
    bind_str(s, 11, r->encoding);
    bind_str(s, 12, r->langs);
    bind_str(s, 13, r->published);
    bind_str(s, 14, r->author);
    sqlite3_bind_int(s, 15, r->pages);
    sqlite3_bind_int64(s, 16, r->bytes);
    sqlite3_bind_int64(s, 17, r->chars);
    bind_str(s, 18, r->status);
    bind_str(s, 19, r->reason);
    sqlite3_bind_text(s, 20, now, -1, SQLITE_STATIC);
}

int pb__docw_put(struct pb_docw *w, const struct pb_docrec *r, int64_t *n, int *version, struct probity_error *err)
{
    char prev[65], now[32];
    int rc, state, pversion = 0, pcur = 0, pok = 0, found;
    int64_t pn = 0;
    const char *supersedes = NULL;
    *n = 0;
    *version = 1;
    /* a file's own path (not an attachment's) in a collection only this run fills */
    prev[0] = 0;
    if ((rc = r->parent ? 0 : paths_all_own(w, r->collection, err)) < 0)
        return rc;
    if (!rc && (rc = pb__docw_at(w, r->collection, r->path, prev, err)))
        return rc;
    if (r->absent)
        state = PB_DOC_ABSENT;
    else if ((state = pb__docw_state(w, r->id, err)) < 0)
        return state;
    if (state == PB_DOC_STORED_OK) {
        /* stored meanwhile (another run, or the same bytes twice in this one) */
        if ((rc = pb__docw_link(w, r->collection, r->path, r->id, version, err)))
            return rc;
        return strcmp(prev, r->id) == 0 ? 2 : 1;
    }
    if (prev[0] && strcmp(prev, r->id) != 0) {
        if ((found = doc_info(w, prev, &pversion, &pcur, &pok, &pn, err)) < 0)
            return found;
        supersedes = prev;
        *version = pversion + 1;
    }
    pb_now_iso(now);
    if (state == PB_DOC_STORED_BAD) {
        int v0 = 1, c0 = 0, ok0 = 0;
        if ((found = doc_info(w, r->id, &v0, &c0, &ok0, n, err)) < 0)
            return found;
        if ((rc = with_n(w, W_DEL_CHUNKS, *n, err)) || (rc = with_n(w, W_DEL_PAGES, *n, err)) ||
            (rc = with_n(w, W_DEL_META, *n, err)))
            return rc;
        bind_doc(w->s[W_UPD_DOC], r, supersedes, supersedes ? *version : 0, now);
        if ((rc = step_done(w->db, w->s[W_UPD_DOC], err, "update document")))
            return rc;
        if (!supersedes)
            *version = v0;
    } else {
        sqlite3_stmt *s = w->s[W_INS_DOC];
        int step;
        bind_doc(s, r, supersedes, *version, now);
        step = sqlite3_step(s);
        sqlite3_reset(s);
        if (step == SQLITE_CONSTRAINT && r->absent) {
            /* stored since the caller looked (the same bytes twice in flight, or another
             * writer): only this statement failed, and nothing was written before it */
            struct pb_docrec again = *r;
            again.absent = 0;
            return pb__docw_put(w, &again, n, version, err);
        }
        if (step != SQLITE_DONE)
            return dberr(w->db, err, "insert document");
        *n = sqlite3_last_insert_rowid(w->db);
    }
    if ((rc = set_member(w, r->collection, r->path, *n, err)))
        return rc;
    if (supersedes && (rc = release_prev(w, r->collection, r->path, prev, err)))
        return rc;
    return 0;
}

int pb__docw_chunk(struct pb_docw *w, int64_t n, int seq, int page, int64_t start, int64_t end, const char *lang,
                   const char *text, size_t len, const void *toks, size_t tlen, struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_INS_CHUNK], *f = w->s[W_INS_FTS];
    struct pretok pre = {text, len, toks, tlen};
    unsigned char ref[REF_MAX];
    size_t off;
    int rc;
    if (len > 0x7FFFFFFF)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "chunk too long");
    if (w->blk.len && w->blk.len + len > BLOCK_BYTES && (rc = block_seal(w, err)))
        return rc;
    if (!w->blk.len)
        w->blk_id = w->next_blk++;
    off = w->blk.len;
    if (pb_buf_add(&w->blk, text, len))
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    sqlite3_bind_int64(s, 1, n);
    sqlite3_bind_int(s, 2, seq);
    sqlite3_bind_int(s, 3, page);
    sqlite3_bind_int64(s, 4, start);
    sqlite3_bind_int64(s, 5, end);
    bind_str(s, 6, lang && *lang ? lang : NULL);
    sqlite3_bind_blob(s, 7, ref, (int)ref_make(ref, len, w->blk_id, off), SQLITE_STATIC);
    if ((rc = step_done(w->db, s, err, "insert chunk")))
        return rc;
    sqlite3_bind_int64(f, 1, sqlite3_last_insert_rowid(w->db));
    sqlite3_bind_text64(f, 2, text, len, SQLITE_STATIC, SQLITE_UTF8);
    pending = toks ? &pre : NULL;
    rc = step_done(w->db, f, err, "index chunk");
    pending = NULL;
    /* outside a transaction nothing waits for a commit: the block goes now */
    if (!rc && sqlite3_get_autocommit(w->db))
        rc = block_flush(w, err);
    return rc;
}

int pb__docw_page(struct pb_docw *w, int64_t n, int page, int64_t start, int64_t end, struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_INS_PAGE];
    sqlite3_bind_int64(s, 1, n);
    sqlite3_bind_int(s, 2, page);
    sqlite3_bind_int64(s, 3, start);
    sqlite3_bind_int64(s, 4, end);
    return step_done(w->db, s, err, "insert page");
}

int pb__docw_meta(struct pb_docw *w, int64_t n, const char *key, const char *value, struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_INS_META];
    sqlite3_bind_int64(s, 1, n);
    sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, value, -1, SQLITE_STATIC);
    return step_done(w->db, s, err, "insert metadata");
}

int pb__docw_issue(struct pb_docw *w, const char *collection, const char *path, const char *reason,
                   struct probity_error *err)
{
    sqlite3_stmt *s = w->s[W_INS_ISSUE];
    char now[32];
    int rc;
    pb_now_iso(now);
    sqlite3_bind_text(s, 1, collection, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    bind_str(s, 3, reason);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    if ((rc = step_done(w->db, s, err, "record issue")))
        return rc;
    w->issues = 1;
    return note_collection(w, collection, err);
}

/* ---- full-text candidates ---- */

#define Q_FIRST_PAGE 32

struct pb_docq {
    sqlite3 *db;
    sqlite3_stmt *cand, *detail;
    int64_t *ids;
    double *ranks;
    int n, i, page, done;
    int64_t offset;
};

static int add_in(struct pb_buf *sql, const char *head, size_t n, int *param)
{
    int rc = pb_buf_adds(sql, head);
    for (size_t i = 0; i < n && !rc; i++)
        rc = pb_buf_addf(sql, "%s?%d", i ? ", " : "", (*param)++);
    return rc ? rc : pb_buf_adds(sql, ")");
}

int pb__docq_open(struct probity_store *st, const char *match, const struct pb_docs_filter *f, struct pb_docq **out,
                  struct probity_error *err)
{
    struct pb_buf sql = PB_BUF_INIT;
    struct pb_docq *q = NULL;
    int rc = 0, param = 4, filtered = f && (f->ncollection || f->nlang || f->ntype);
    *out = NULL;
    if ((rc = pb__docs_ready(st, 0, err)))
        return rc;
    if (!(q = calloc(1, sizeof(*q)))) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    q->db = pb__store_db(st);
    q->page = Q_FIRST_PAGE;
    if (!filtered) {
        rc = pb_buf_adds(&sql, "SELECT rowid, pb_rank(chunk_fts) AS r FROM chunk_fts WHERE chunk_fts MATCH ?1"
                               " ORDER BY r");
    } else {
        rc = pb_buf_adds(&sql, "SELECT chunk_fts.rowid, pb_rank(chunk_fts) AS r FROM chunk_fts"
                               " JOIN chunk c ON c.id = chunk_fts.rowid JOIN document d ON d.n = c.doc"
                               " WHERE chunk_fts MATCH ?1");
        if (!rc && f->ntype)
            rc = add_in(&sql, " AND d.type IN (", f->ntype, &param);
        if (!rc && f->nlang) {
            rc = pb_buf_adds(&sql, " AND (");
            for (size_t i = 0; i < f->nlang && !rc; i++)
                rc = pb_buf_addf(&sql, "%sinstr(',' || d.langs || ',', ',' || ?%d || ',') > 0", i ? " OR " : "",
                                 param++);
            if (!rc)
                rc = pb_buf_adds(&sql, ")");
        }
        if (!rc && f->ncollection)
            rc = add_in(&sql, " AND EXISTS(SELECT 1 FROM member m WHERE m.doc = d.n AND m.collection IN (",
                        f->ncollection, &param);
        if (!rc && f->ncollection)
            rc = pb_buf_adds(&sql, ")");
        if (!rc)
            rc = pb_buf_adds(&sql, " ORDER BY r");
    }
    if (!rc)
        rc = pb_buf_adds(&sql, " LIMIT ?2 OFFSET ?3");
    if (rc) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    if (sqlite3_prepare_v2(q->db, sql.s, -1, &q->cand, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(q->db,
                           "SELECT c.doc, c.page, c.start, pb_text(c.text), d.id, d.title, d.path, d.type, d.langs"
                           " FROM chunk c JOIN document d ON d.n = c.doc WHERE c.id = ?1",
                           -1, &q->detail, NULL) != SQLITE_OK) {
        rc = dberr(q->db, err, "prepare search");
        goto out;
    }
    sqlite3_bind_text(q->cand, 1, match, -1, SQLITE_TRANSIENT);
    param = 4;
    if (filtered) {
        for (size_t i = 0; i < f->ntype; i++)
            sqlite3_bind_text(q->cand, param++, f->type[i], -1, SQLITE_TRANSIENT);
        for (size_t i = 0; i < f->nlang; i++)
            sqlite3_bind_text(q->cand, param++, f->lang[i], -1, SQLITE_TRANSIENT);
        for (size_t i = 0; i < f->ncollection; i++)
            sqlite3_bind_text(q->cand, param++, f->collection[i], -1, SQLITE_TRANSIENT);
    }
    *out = q;
    q = NULL;
out:
    pb_buf_release(&sql);
    pb__docq_close(q);
    return rc;
}

/* The next page of candidates; pages grow so that deep result lists cost few queries. */
static int docq_fill(struct pb_docq *q, struct probity_error *err)
{
    int r, got = 0;
    int64_t *ni = realloc(q->ids, sizeof(int64_t) * (size_t)q->page);
    double *nr;
    if (!ni)
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    q->ids = ni;
    if (!(nr = realloc(q->ranks, sizeof(double) * (size_t)q->page)))
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    q->ranks = nr;
    sqlite3_reset(q->cand);
    sqlite3_bind_int(q->cand, 2, q->page);
    sqlite3_bind_int64(q->cand, 3, q->offset);
    while ((r = sqlite3_step(q->cand)) == SQLITE_ROW && got < q->page) {
        q->ids[got] = sqlite3_column_int64(q->cand, 0);
        q->ranks[got] = sqlite3_column_double(q->cand, 1);
        got++;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        r = dberr(q->db, err, "search");
        sqlite3_reset(q->cand);
        return r;
    }
    sqlite3_reset(q->cand);
    q->n = got;
    q->i = 0;
    q->offset += got;
    if (got < q->page)
        q->done = 1;
    if (q->page < 4096)
        q->page *= 4;
    return 0;
}

int pb__docq_next(struct pb_docq *q, struct pb_docq_row *row, struct probity_error *err)
{
    int rc, r;
    for (;;) {
        if (q->i >= q->n) {
            if (q->done)
                return 0;
            if ((rc = docq_fill(q, err)))
                return rc;
            if (!q->n)
                return 0;
        }
        sqlite3_reset(q->detail);
        sqlite3_bind_int64(q->detail, 1, q->ids[q->i]);
        r = sqlite3_step(q->detail);
        if (r == SQLITE_ROW)
            break;
        if (r != SQLITE_DONE)
            return dberr(q->db, err, "read chunk");
        q->i++;   /* indexed but gone: skip */
    }
    row->chunk = q->ids[q->i];
    row->rank = q->ranks[q->i];
    row->doc = sqlite3_column_int64(q->detail, 0);
    row->page = sqlite3_column_int(q->detail, 1);
    row->start = sqlite3_column_int64(q->detail, 2);
    row->text = col_str(q->detail, 3);
    row->len = (size_t)sqlite3_column_bytes(q->detail, 3);
    row->id = col_str(q->detail, 4);
    row->title = col_str(q->detail, 5);
    row->path = col_str(q->detail, 6);
    row->type = col_str(q->detail, 7);
    row->langs = col_str(q->detail, 8);
    q->i++;
    return 1;
}

void pb__docq_close(struct pb_docq *q)
{
    if (!q)
        return;
    sqlite3_finalize(q->cand);
    sqlite3_finalize(q->detail);
    free(q->ids);
    free(q->ranks);
    free(q);
}

int pb__docs_doc_match(struct probity_store *st, int64_t doc, const char *match,
                       int (*cb)(void *ctx, const char *text, size_t len), void *ctx, struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    int r, rc = 0;
    /* a document's chunks are written one after the other: their ids are one range */
    if (sqlite3_prepare_v2(db,
                           "SELECT pb_text(c.text) FROM chunk_fts JOIN chunk c ON c.id = chunk_fts.rowid"
                           " WHERE chunk_fts MATCH ?1 AND c.doc = ?2"
                           " AND chunk_fts.rowid BETWEEN (SELECT MIN(id) FROM chunk WHERE doc = ?2)"
                           " AND (SELECT MAX(id) FROM chunk WHERE doc = ?2) ORDER BY chunk_fts.rowid",
                           -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "prepare search");
    sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, doc);
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        if ((rc = cb(ctx, col_str(s, 0), (size_t)sqlite3_column_bytes(s, 0))))
            break;
    if (!rc && r != SQLITE_DONE)
        rc = dberr(db, err, "search");
    sqlite3_finalize(s);
    return rc;
}

/* ---- reading documents ---- */

#define DOC_COLS                                                                                         \
    "d.n, d.id, d.parent, d.supersedes, d.current, d.collection, d.path, d.title, d.url, d.type, d.mime,"  \
    " d.encoding, d.langs, d.published, d.author, d.pages, d.bytes, d.chars, d.status, d.reason,"          \
    " d.ingested_at, (SELECT count(*) FROM chunk c WHERE c.doc = d.n)"

void probity_doc_release(struct probity_doc *d)
{
    char **fields[] = {&d->collection, &d->path, &d->title, &d->url, &d->type, &d->mime, &d->encoding,
                       &d->langs, &d->published, &d->author, &d->status, &d->reason, &d->ingested_at};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        free(*fields[i]);
        *fields[i] = NULL;
    }
}

static int read_doc(sqlite3_stmt *s, struct probity_doc *d, int64_t *n)
{
    char **fields[] = {&d->collection, &d->path, &d->title, &d->url, &d->type, &d->mime, &d->encoding,
                       &d->langs, &d->published, &d->author};
    memset(d, 0, sizeof(*d));
    if (n)
        *n = sqlite3_column_int64(s, 0);
    snprintf(d->id, sizeof(d->id), "%s", col_str(s, 1));
    snprintf(d->parent, sizeof(d->parent), "%s", col_str(s, 2));
    snprintf(d->supersedes, sizeof(d->supersedes), "%s", col_str(s, 3));
    d->current = sqlite3_column_int(s, 4);
    for (int i = 0; i < 10; i++)
        if (!(*fields[i] = pb_strdup(col_str(s, 5 + i))))
            goto nomem;
    d->pages = sqlite3_column_int(s, 15);
    d->bytes = sqlite3_column_int64(s, 16);
    d->chars = sqlite3_column_int64(s, 17);
    if (!(d->status = pb_strdup(col_str(s, 18))) || !(d->reason = pb_strdup(col_str(s, 19))) ||
        !(d->ingested_at = pb_strdup(col_str(s, 20))))
        goto nomem;
    d->chunks = sqlite3_column_int64(s, 21);
    return 0;
nomem:
    probity_doc_release(d);
    return PROBITY_ENOMEM;
}

/* Find a document by id or unique prefix; its row number to *n. */
static int find_doc(struct probity_store *st, const char *id, struct probity_doc *out, int64_t *n,
                    struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    char lo[65], hi[66];
    size_t len = strlen(id);
    int r, rc = 0;
    if (len < 8 || len > 64)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "'%s': give at least 8 hex digits of a document id", id);
    /* reading text needs pb_text() on this connection */
    if ((rc = pb__docs_ready(st, 0, err)))
        return rc;
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c + 32);
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "'%s' is not a document id (hex digits)", id);
        lo[i] = c;
    }
    lo[len] = 0;
    snprintf(hi, sizeof(hi), "%sg", lo);   /* after every id with this prefix */
    if (sqlite3_prepare_v2(db, "SELECT " DOC_COLS " FROM document d WHERE d.id >= ?1 AND d.id < ?2 LIMIT 2", -1,
                           &s, NULL) != SQLITE_OK)
        return dberr(db, err, "find document");
    sqlite3_bind_text(s, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hi, -1, SQLITE_STATIC);
    r = sqlite3_step(s);
    if (r == SQLITE_DONE) {
        rc = pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "no document %s", lo);
    } else if (r != SQLITE_ROW) {
        rc = dberr(db, err, "find document");
    } else if (read_doc(s, out, n)) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    } else if ((r = sqlite3_step(s)) == SQLITE_ROW) {
        probity_doc_release(out);
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "document id prefix %s is ambiguous; give more digits", lo);
    }
    sqlite3_finalize(s);
    return rc;
}

int probity_doc_get(struct probity_store *st, const char *id, struct probity_doc *out, struct probity_error *err)
{
    return find_doc(st, id, out, NULL, err);
}

int probity_doc_text(struct probity_store *st, const char *id, int page, probity_text_cb cb, void *ctx,
                     struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    struct probity_doc d;
    int64_t n, lo = 0, hi = INT64_MAX;
    int rc, r;
    if ((rc = find_doc(st, id, &d, &n, err)))
        return rc;
    if (page > 0) {
        if (sqlite3_prepare_v2(db, "SELECT start, end FROM page WHERE doc = ?1 AND page = ?2", -1, &s, NULL) !=
            SQLITE_OK) {
            rc = dberr(db, err, "read page");
            goto out;
        }
        sqlite3_bind_int64(s, 1, n);
        sqlite3_bind_int(s, 2, page);
        if ((r = sqlite3_step(s)) != SQLITE_ROW && !(r == SQLITE_DONE && page == 1 && d.pages <= 1)) {
            rc = r == SQLITE_DONE ? pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0,
                                            "document %.16s has no page %d (%d pages)", d.id, page, d.pages)
                                  : dberr(db, err, "read page");
            goto out;
        }
        if (r == SQLITE_ROW) {   /* else the only page: the whole text */
            lo = sqlite3_column_int64(s, 0);
            hi = sqlite3_column_int64(s, 1);
        }
        sqlite3_finalize(s);
        s = NULL;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT page, start, pb_text(text) FROM chunk WHERE doc = ?1 AND start >= ?2 AND start < ?3"
                           " ORDER BY start",
                           -1, &s, NULL) != SQLITE_OK) {
        rc = dberr(db, err, "read text");
        goto out;
    }
    sqlite3_bind_int64(s, 1, n);
    sqlite3_bind_int64(s, 2, lo);
    sqlite3_bind_int64(s, 3, hi);
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        if ((rc = cb(ctx, sqlite3_column_int(s, 0), sqlite3_column_int64(s, 1), col_str(s, 2),
                     (size_t)sqlite3_column_bytes(s, 2))))
            goto out;
    if (r != SQLITE_DONE)
        rc = dberr(db, err, "read text");
out:
    sqlite3_finalize(s);
    probity_doc_release(&d);
    return rc;
}

/* Byte offset of code point `cp` in s[0..n) (n when beyond). */
static size_t cp_to_byte(const char *s, size_t n, int64_t cp)
{
    size_t i = 0;
    while (i < n && cp > 0) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        cp--;
    }
    return i;
}

int probity_doc_quote(struct probity_store *st, const char *id, int64_t start, int64_t end, char **out, int *page,
                      struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    struct probity_doc d;
    struct pb_buf b = PB_BUF_INIT;
    int64_t n;
    int rc, r, first = 1;
    *out = NULL;
    if (page)
        *page = 0;
    if (start < 0 || end < start)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "bad range %lld..%lld", (long long)start, (long long)end);
    if ((rc = find_doc(st, id, &d, &n, err)))
        return rc;
    if (sqlite3_prepare_v2(db,
                           "SELECT start, end, page, pb_text(text) FROM chunk WHERE doc = ?1 AND start < ?3"
                           " AND start >="
                           " (SELECT COALESCE(MAX(start), 0) FROM chunk WHERE doc = ?1 AND start <= ?2)"
                           " ORDER BY start",
                           -1, &s, NULL) != SQLITE_OK) {
        rc = dberr(db, err, "read text");
        goto out;
    }
    sqlite3_bind_int64(s, 1, n);
    sqlite3_bind_int64(s, 2, start);
    sqlite3_bind_int64(s, 3, end);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t cs = sqlite3_column_int64(s, 0), ce = sqlite3_column_int64(s, 1);
        const char *t = col_str(s, 3);
        size_t len = (size_t)sqlite3_column_bytes(s, 3), a, z;
        if (ce <= start)
            continue;
        a = cp_to_byte(t, len, start > cs ? start - cs : 0);
        z = cp_to_byte(t, len, end < ce ? end - cs : ce - cs);
        if (first && page)
            *page = sqlite3_column_int(s, 2);
        first = 0;
        if (z > a && pb_buf_add(&b, t + a, z - a)) {
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
    }
    if (r != SQLITE_DONE) {
        rc = dberr(db, err, "read text");
        goto out;
    }
    if (first) {
        rc = pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "document %.16s has no text at %lld..%lld", d.id,
                     (long long)start, (long long)end);
        goto out;
    }
    if (!b.s && pb_buf_add(&b, "", 0)) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    *out = b.s;
    b.s = NULL;
out:
    sqlite3_finalize(s);
    pb_buf_release(&b);
    probity_doc_release(&d);
    return rc;
}

int probity_docs_list(struct probity_store *st, const char *collection, probity_doc_cb cb, void *ctx,
                      struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    int rc = 0, r;
    if (!has_table(db, "document"))
        return 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT " DOC_COLS " FROM document d WHERE ?1 IS NULL OR d.collection = ?1"
                           " OR EXISTS(SELECT 1 FROM member m WHERE m.doc = d.n AND m.collection = ?1)"
                           " ORDER BY d.collection, d.path, d.version",
                           -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "list documents");
    bind_str(s, 1, collection);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct probity_doc d;
        if (read_doc(s, &d, NULL)) {
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        rc = cb(ctx, &d);
        probity_doc_release(&d);
        if (rc)
            goto out;
    }
    if (r != SQLITE_DONE)
        rc = dberr(db, err, "list documents");
out:
    sqlite3_finalize(s);
    return rc;
}

int probity_collections(struct probity_store *st, probity_collection_cb cb, void *ctx, struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    int rc = 0, r;
    if (!has_table(db, "collection"))
        return 0;
    if (sqlite3_prepare_v2(
            db,
            "SELECT c.name, c.created_at,"
            " (SELECT count(*) FROM document d WHERE d.collection = c.name),"
            " (SELECT count(*) FROM member m WHERE m.collection = c.name),"
            " (SELECT count(*) FROM member m JOIN document d ON d.n = m.doc"
            "   WHERE m.collection = c.name AND d.status = 'ok'),"
            " (SELECT count(*) FROM member m JOIN document d ON d.n = m.doc"
            "   WHERE m.collection = c.name AND d.status = 'failed'),"
            " (SELECT count(*) FROM member m JOIN document d ON d.n = m.doc"
            "   WHERE m.collection = c.name AND d.status = 'skipped'),"
            " (SELECT count(*) FROM ingest_issue i WHERE i.collection = c.name),"
            " (SELECT COALESCE(SUM(d.bytes), 0) FROM member m JOIN document d ON d.n = m.doc"
            "   WHERE m.collection = c.name),"
            " (SELECT COALESCE(SUM(d.chars), 0) FROM member m JOIN document d ON d.n = m.doc"
            "   WHERE m.collection = c.name)"
            " FROM collection c ORDER BY c.name",
            -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "list collections");
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct probity_collection c;
        c.name = col_str(s, 0);
        c.created_at = col_str(s, 1);
        c.documents = sqlite3_column_int(s, 2);
        c.current = sqlite3_column_int(s, 3);
        c.ok = sqlite3_column_int(s, 4);
        c.failed = sqlite3_column_int(s, 5);
        c.skipped = sqlite3_column_int(s, 6);
        c.unreadable = sqlite3_column_int(s, 7);
        c.bytes = sqlite3_column_int64(s, 8);
        c.chars = sqlite3_column_int64(s, 9);
        if ((rc = cb(ctx, &c)))
            goto out;
    }
    if (r != SQLITE_DONE)
        rc = dberr(db, err, "list collections");
out:
    sqlite3_finalize(s);
    return rc;
}

int probity_ingest_issues(struct probity_store *st, const char *collection, probity_issue_cb cb, void *ctx,
                          struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    sqlite3_stmt *s = NULL;
    int rc = 0, r;
    if (!has_table(db, "ingest_issue"))
        return 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT collection, path, reason, at FROM ingest_issue WHERE ?1 IS NULL OR collection = ?1"
                           " ORDER BY collection, path",
                           -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "list issues");
    bind_str(s, 1, collection);
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        if ((rc = cb(ctx, col_str(s, 0), col_str(s, 1), col_str(s, 2), col_str(s, 3))))
            goto out;
    if (r != SQLITE_DONE)
        rc = dberr(db, err, "list issues");
out:
    sqlite3_finalize(s);
    return rc;
}

/* ---- consistency ---- */

struct check {
    probity_problem_cb cb;
    void *ctx;
    long problems;
};

static void problem(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct check *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    c->problems++;
    if (c->cb)
        c->cb(c->ctx, msg);
}

/* Rows of a query that should return none, each one a problem. */
static int expect_none(sqlite3 *db, struct check *c, const char *what, const char *sql, struct probity_error *err)
{
    sqlite3_stmt *s = NULL;
    int r;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "check");
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        problem(c, "%s: %s", what, col_str(s, 0));
    sqlite3_finalize(s);
    return r == SQLITE_DONE ? 0 : dberr(db, err, "check");
}

int probity_docs_check(struct probity_store *st, probity_problem_cb cb, void *ctx, long *problems,
                       struct probity_error *err)
{
    sqlite3 *db = pb__store_db(st);
    struct check c = {cb, ctx, 0};
    sqlite3_stmt *s = NULL;
    int rc, r;
    int64_t doc = -1, next = 0;
    *problems = 0;
    if ((rc = pb__docs_ready(st, 0, err)))
        return rc;
    if (sqlite3_exec(db, "INSERT INTO chunk_fts(chunk_fts, rank) VALUES('integrity-check', 1)", NULL, NULL, NULL) !=
        SQLITE_OK)
        problem(&c, "full-text index does not match the current chunks: %s", sqlite3_errmsg(db));
    if ((rc = expect_none(db, &c, "chunk of no document",
                          "SELECT c.id FROM chunk c LEFT JOIN document d ON d.n = c.doc WHERE d.n IS NULL", err)) ||
        (rc = expect_none(db, &c, "path pointing at no document",
                          "SELECT m.path FROM member m LEFT JOIN document d ON d.n = m.doc WHERE d.n IS NULL",
                          err)) ||
        (rc = expect_none(db, &c, "current document without a path",
                          "SELECT d.id FROM document d WHERE d.current = 1 AND NOT EXISTS"
                          " (SELECT 1 FROM member m WHERE m.doc = d.n)",
                          err)) ||
        (rc = expect_none(db, &c, "old version still current",
                          "SELECT d.id FROM document d WHERE d.current = 0 AND EXISTS"
                          " (SELECT 1 FROM member m WHERE m.doc = d.n)",
                          err)) ||
        (rc = expect_none(db, &c, "document not ok but with text",
                          "SELECT d.id FROM document d WHERE d.status <> 'ok' AND EXISTS"
                          " (SELECT 1 FROM chunk c WHERE c.doc = d.n)",
                          err)) ||
        (rc = expect_none(db, &c, "bad status",
                          "SELECT d.id FROM document d WHERE d.status NOT IN ('ok', 'failed', 'skipped')", err)) ||
        (rc = expect_none(db, &c, "text length differs from the chunks",
                          "SELECT d.id FROM document d WHERE d.status = 'ok' AND d.chars <>"
                          " COALESCE((SELECT MAX(c.end) FROM chunk c WHERE c.doc = d.n), 0)",
                          err)) ||
        (rc = expect_none(db, &c, "page outside the text",
                          "SELECT d.id || ' page ' || p.page FROM page p JOIN document d ON d.n = p.doc"
                          " WHERE p.start > p.end OR p.end > d.chars",
                          err)))
        return rc;
    /* chunks follow each other without gaps, and each holds end - start code points */
    if (sqlite3_prepare_v2(db, "SELECT doc, seq, start, end, pb_text(text) FROM chunk ORDER BY doc, start", -1, &s,
                           NULL) != SQLITE_OK)
        return dberr(db, err, "check");
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t d = sqlite3_column_int64(s, 0), cs = sqlite3_column_int64(s, 2), ce = sqlite3_column_int64(s, 3);
        const unsigned char *t = sqlite3_column_text(s, 4);
        int64_t cps = 0;
        if (d != doc) {
            doc = d;
            next = 0;
        }
        if (cs != next)
            problem(&c, "document #%lld: chunk %d starts at %lld, expected %lld", (long long)d,
                    sqlite3_column_int(s, 1), (long long)cs, (long long)next);
        for (; t && *t; t++)
            cps += (*t & 0xC0) != 0x80;
        if (cps != ce - cs)
            problem(&c, "document #%lld: chunk %d holds %lld code points, offsets say %lld", (long long)d,
                    sqlite3_column_int(s, 1), (long long)cps, (long long)(ce - cs));
        next = ce;
    }
    sqlite3_finalize(s);
    if (r != SQLITE_DONE)
        return dberr(db, err, "check");
    *problems = c.problems;
    return 0;
}
