/* Ingestion: files and folders in, documents with their text, pages and metadata out.
 *
 * The main thread walks the paths, hashes each file (the sha256 of its bytes is the
 * document id) and asks the store whether it has it; only new bytes are handed to the
 * worker threads, which run the extractors and cut the text into chunks. The main thread
 * is also the only writer: it stores each finished document (with its attachments) in the
 * current transaction and commits about once a second, so an interrupted run keeps what it
 * committed and never half a document. A worker keeps at most a few megabytes of a
 * document's chunks in memory and spools the rest to a temporary file, so a 1 GB text
 * ingests in bounded memory. Every file gets an outcome, and a bad file is only a line in
 * the report. */
#define _GNU_SOURCE /* memmem */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "core/core.h"
#include "docs/extract_int.h"
#include "probity/docs.h"
#include "store/docstore.h"
#include "text/segment.h"

/* A chunk is closed at the first block boundary after CHUNK_SOFT code points; a block that
 * would take it past CHUNK_HARD is cut at a space (or anywhere, failing one). */
#define CHUNK_SOFT 2000
#define CHUNK_HARD 4000
#define LANG_CHUNK_SAMPLE 2048      /* a chunk's language is that of its first 2 KB */
#define SPOOL_MEM (8u << 20)        /* chunk bytes kept in memory per document */
/* A transaction ends after this many documents, bytes or seconds, whichever comes first:
 * each commit makes FTS5 write a new index segment, so commits must not be too small, and
 * an interrupted run loses at most about a second of work. */
#define BATCH_DOCS 20000
#define BATCH_BYTES (64LL << 20)
#define BATCH_SECONDS 1.0
#define PIPE_BYTES (64LL << 20)     /* bytes of files handed to workers and not yet stored */
/* A file up to this size is read once: its bytes are hashed and handed to the worker as
 * they are, so the id is the hash of exactly the bytes extracted. Larger files are hashed
 * and then extracted from disk, with a check that they did not change in between. */
#define INLINE_BYTES (4LL << 20)
/* Idle workers are woken for several files at once, and the main thread takes finished
 * files in batches and sleeps until half of those in flight are done: a thread that
 * sleeps and wakes, or even takes a lock the other holds, for every small file spends
 * more time in the kernel than on the file. */
#define WAKE_BATCH 64
#define IN_FLIGHT(jobs) (WAKE_BATCH + 128L * (jobs))   /* files handed to the workers at most */
#define MAX_DEPTH 4                 /* attachments of attachments of ... */
#define TITLE_MAX 300

const char *probity_ingest_status_name(enum probity_ingest_status s)
{
    static const char *const names[] = {"ok", "unchanged", "duplicate", "failed", "skipped"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t cps_of(const char *s, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* ---- the chunk spool ---- */

/* A chunk ready to be written: its text and its tokens for the index, made in the worker. */
struct schunk {
    int page, seq;
    int64_t start, end;
    char lang[8];
    size_t len, tlen;
    char *text;      /* text, then tokens, in one allocation */
};

struct spool {
    struct schunk *v;
    size_t n, cap, mem;
    FILE *fp;            /* once spilled, every chunk is in the file */
    size_t nfile;
};

static void spool_release(struct spool *sp)
{
    for (size_t i = 0; i < sp->n; i++)
        free(sp->v[i].text);
    free(sp->v);
    if (sp->fp)
        fclose(sp->fp);
    memset(sp, 0, sizeof(*sp));
}

static int spool_write(FILE *fp, const struct schunk *c)
{
    struct schunk h = *c;
    size_t all = c->len + c->tlen;
    h.text = NULL;
    if (fwrite(&h, sizeof(h), 1, fp) != 1 || (all && fwrite(c->text, 1, all, fp) != all))
        return PROBITY_EIO;
    return 0;
}

/* Take a chunk (its text is taken over). */
static int spool_add(struct spool *sp, struct schunk *c)
{
    int rc;
    size_t all = c->len + c->tlen;
    if (!sp->fp && sp->mem + all > SPOOL_MEM) {
        if (!(sp->fp = tmpfile()))
            return PROBITY_EIO;
        for (size_t i = 0; i < sp->n; i++) {
            if ((rc = spool_write(sp->fp, &sp->v[i])))
                return rc;
            free(sp->v[i].text);
            sp->v[i].text = NULL;
        }
        sp->nfile = sp->n;
        sp->n = 0;
        sp->mem = 0;
    }
    if (sp->fp) {
        rc = spool_write(sp->fp, c);
        free(c->text);
        c->text = NULL;
        sp->nfile++;
        return rc;
    }
    if (sp->n == sp->cap) {
        size_t cap = sp->cap ? sp->cap * 2 : 16;
        struct schunk *v = realloc(sp->v, cap * sizeof(*v));
        if (!v)
            return PROBITY_ENOMEM;
        sp->v = v;
        sp->cap = cap;
    }
    sp->v[sp->n++] = *c;
    sp->mem += all;
    c->text = NULL;
    return 0;
}

/* ---- a document being extracted ---- */

struct span {
    int64_t start, end;
};

struct ingest;
struct docres;

/* A worker thread's own tools. */
struct worker {
    struct ingest *ing;
    struct docres *tail;            /* where attachments are appended */
    struct pb_segmenter *sg;
    struct pb_buf toks;
    /* stored families of documents this worker made, for it to free (under ing->mu), linked
     * by `spent`: memory goes back to the allocator's arena of the thread that took it,
     * without the threads contending for an arena's lock */
    struct docres *spent;
};

struct docres {
    struct docres *next;           /* the family: a file, then its attachments */
    struct docres *spent;          /* stored families waiting for their worker to free them */
    struct worker *wk;
    char id[65], parent[65];
    char *path;
    int64_t bytes;
    int child, depth, failed_sink;
    /* metadata */
    char *title, *url, *mime, *encoding, *published, *date, *created, *author, *from, *subject, *lang;
    int pages_meta;
    struct pb_buf meta;            /* key NUL value NUL ... */
    size_t nmeta;
    struct pb_buf title_guess;
    int title_rank;                /* 3 title block, 2 heading, 1 first line */
    enum pb_doc_type dtype;
    struct pb_map child_names;
    /* the text */
    struct pb_buf cur;
    int64_t cur_start, cur_cps, offset;
    int page, nblocks, seq;
    struct pb_lang_count doclang;
    struct pb__lang guess;         /* the extractor's guess, made here from the tokens */
    struct span *pg;
    int npg, pgcap;
    struct spool sp;
    /* the outcome */
    enum probity_ingest_status status;
    char *reason;
    char langs[48];
    int pages;
};

static void docres_free(struct docres *d)
{
    char **s[] = {&d->path, &d->title, &d->url, &d->mime, &d->encoding, &d->published, &d->date, &d->created,
                  &d->author, &d->from, &d->subject, &d->lang, &d->reason};
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        free(*s[i]);
    pb_buf_release(&d->meta);
    pb_buf_release(&d->title_guess);
    pb_buf_release(&d->cur);
    pb_map_release(&d->child_names, NULL);
    free(d->pg);
    spool_release(&d->sp);
    free(d);
}

static void family_free(struct docres *d)
{
    while (d) {
        struct docres *n = d->next;
        docres_free(d);
        d = n;
    }
}

static struct docres *docres_new(const char *path, const char *id, const char *parent, int64_t bytes)
{
    struct docres *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    if (!(d->path = pb_strdup(path))) {
        free(d);
        return NULL;
    }
    snprintf(d->id, sizeof(d->id), "%s", id);
    snprintf(d->parent, sizeof(d->parent), "%s", parent ? parent : "");
    d->bytes = bytes;
    d->page = 1;
    return d;
}

static void set_once(char **field, const char *value)
{
    if (!*field && value && *value)
        *field = pb_strdup(value);
}

static int sink_meta(void *ctx, const char *key, const char *value)
{
    struct docres *d = ctx;
    if (strcmp(key, "title") == 0)
        set_once(&d->title, value);
    else if (strcmp(key, "url") == 0)
        set_once(&d->url, value);
    else if (strcmp(key, "mime") == 0)
        set_once(&d->mime, value);
    else if (strcmp(key, "encoding") == 0)
        set_once(&d->encoding, value);
    else if (strcmp(key, "published") == 0)
        set_once(&d->published, value);
    else if (strcmp(key, "date") == 0)
        set_once(&d->date, value);
    else if (strcmp(key, "created") == 0)
        set_once(&d->created, value);
    else if (strcmp(key, "author") == 0)
        set_once(&d->author, value);
    else if (strcmp(key, "from") == 0)
        set_once(&d->from, value);
    else if (strcmp(key, "subject") == 0)
        set_once(&d->subject, value);
    else if (strcmp(key, "lang") == 0)
        set_once(&d->lang, value);
    else if (strcmp(key, "pages") == 0) {
        long p;
        if (pb_parse_long(value, &p) == 0 && p > 0 && p < 10000000)
            d->pages_meta = (int)p;
    }
    /* what has a column of its own is not repeated as metadata */
    if (strcmp(key, "title") == 0 || strcmp(key, "url") == 0 || strcmp(key, "mime") == 0 ||
        strcmp(key, "encoding") == 0 || strcmp(key, "published") == 0 || strcmp(key, "author") == 0 ||
        strcmp(key, "lang") == 0 || strcmp(key, "pages") == 0)
        return 0;
    if (pb_buf_adds(&d->meta, key) || pb_buf_add(&d->meta, "", 1) || pb_buf_adds(&d->meta, value) ||
        pb_buf_add(&d->meta, "", 1))
        return PROBITY_ENOMEM;
    d->nmeta++;
    return 0;
}

struct lang_tokens {
    struct pb_lang_count *chunk;
    struct pb__lang *doc;
    const char *text;
};

/* The language counts read the words the tokenizer has just found, rather than the text
 * again: they cost a table look-up per short word instead of two more walks of the text. */
static int lang_token(void *ctx, const struct pb_token *t)
{
    struct lang_tokens *lt = ctx;
    if (t->flags & PB_TOKEN_ASCII) {   /* most tokens: one key for both counts */
        uint64_t key = t->len <= 8 ? pb_word_key8(t->norm, t->len) : 0;
        if (t->start < LANG_CHUNK_SAMPLE)
            pb_lang_count_ascii(lt->chunk, key, t->len);
        pb__lang_ascii(lt->doc, key, t->len);
        return 0;
    }
    if (t->start < LANG_CHUNK_SAMPLE)
        pb_lang_count_token(lt->chunk, lt->text, t);
    pb__lang_token(lt->doc, lt->text, t);
    return 0;
}

/* Close the open chunk into the spool. */
static int chunk_flush(struct docres *d)
{
    struct schunk c;
    struct pb_lang_count lc;
    struct lang_tokens lt = {&lc, &d->guess, d->cur.s};
    int rc;
    if (!d->cur_cps)
        return 0;
    memset(&lc, 0, sizeof(lc));
    memset(&c, 0, sizeof(c));
    /* the worker's share of the writing: the tokens for the index (and the languages) */
    pb_buf_reset(&d->wk->toks);
    if ((rc = pb_segment_encode_with(d->wk->sg, d->cur.s, d->cur.len, PB_SEG_WORDS, &d->wk->toks, lang_token,
                                     &lt)))
        return rc;
    for (size_t i = 0; i < sizeof(lc.score) / sizeof(lc.score[0]); i++)
        d->doclang.score[i] += lc.score[i];
    c.tlen = d->wk->toks.len;
    pb_lang_count_result(&lc, 0.5, c.lang, sizeof(c.lang));
    if (strchr(c.lang, ','))   /* keep only the first of two equal shares */
        *strchr(c.lang, ',') = 0;
    c.page = d->page;
    c.seq = d->seq++;
    c.start = d->cur_start;
    c.end = d->cur_start + d->cur_cps;
    c.len = d->cur.len;
    if (!(c.text = malloc(c.len + c.tlen + 1)))
        return PROBITY_ENOMEM;
    memcpy(c.text, d->cur.s, c.len);
    if (c.tlen)
        memcpy(c.text + c.len, d->wk->toks.s, c.tlen);
    if ((rc = spool_add(&d->sp, &c))) {
        free(c.text);
        return rc;
    }
    pb_buf_reset(&d->cur);
    d->cur_start += d->cur_cps;
    d->cur_cps = 0;
    return 0;
}

static int add_text(struct docres *d, const char *s, size_t n, int64_t cps)
{
    if (pb_buf_add(&d->cur, s, n))
        return PROBITY_ENOMEM;
    d->cur_cps += cps;
    d->offset += cps;
    return 0;
}

/* Append a block's text, cutting chunks that would grow past CHUNK_HARD. */
static int add_block(struct docres *d, const char *s, size_t n)
{
    int rc;
    while (n) {
        int64_t room = CHUNK_HARD - d->cur_cps, k = 0;
        size_t i = 0, cut = 0, space = 0;
        if ((int64_t)n <= room)   /* no more code points than bytes: it all fits */
            return add_text(d, s, n, cps_of(s, n));
        /* the byte where `room` code points end, and the last space before it */
        while (i < n && k < room) {
            if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')
                space = i + 1;
            i++;
            while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
            k++;
        }
        if (i >= n) {   /* it all fits */
            return add_text(d, s, n, cps_of(s, n));
        }
        /* cut at the last space in the last quarter of the room, else at the limit */
        cut = space && cps_of(s, space) > room * 3 / 4 ? space : i;
        if (cut == 0 && d->cur_cps == 0)
            cut = i;
        if (cut && (rc = add_text(d, s, cut, cps_of(s, cut))))
            return rc;
        if ((rc = chunk_flush(d)))
            return rc;
        s += cut;
        n -= cut;
    }
    return 0;
}

static int page_open(struct docres *d, int page)
{
    /* pages that gave no text are empty spans where they stand */
    while (d->npg < page) {
        if (d->npg == d->pgcap) {
            int cap = d->pgcap ? d->pgcap * 2 : 8;
            struct span *v = realloc(d->pg, (size_t)cap * sizeof(*v));
            if (!v)
                return PROBITY_ENOMEM;
            d->pg = v;
            d->pgcap = cap;
        }
        d->pg[d->npg].start = d->pg[d->npg].end = d->offset;
        d->npg++;
    }
    return 0;
}

static void page_close(struct docres *d)
{
    if (d->page >= 1 && d->page <= d->npg)
        d->pg[d->page - 1].end = d->offset;
}

static void guess_title(struct docres *d, enum pb_block_kind kind, const char *s, size_t n)
{
    int rank = kind == PB_BLOCK_TITLE ? 3 : kind == PB_BLOCK_HEADING ? 2 : 1;
    size_t i = 0, e;
    if (rank <= d->title_rank || (d->title_rank && rank == 1))
        return;
    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'))
        i++;
    for (e = i; e < n && s[e] != '\n'; e++)
        ;
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
        e--;
    if (e == i)
        return;
    if (e - i > TITLE_MAX) {
        e = i + TITLE_MAX;
        while (e > i && ((unsigned char)s[e] & 0xC0) == 0x80)
            e--;
    }
    pb_buf_reset(&d->title_guess);
    if (pb_buf_add(&d->title_guess, s + i, e - i) == 0)
        d->title_rank = rank;
}

static int sink_text(void *ctx, int page, enum pb_block_kind kind, const char *s, size_t n)
{
    struct docres *d = ctx;
    int rc;
    if (!n)
        return 0;
    if (page < d->page)   /* pages only go forward */
        page = d->page;
    if (d->nblocks) {
        if (page != d->page) {
            if ((rc = add_text(d, "\f", 1, 1)))
                return rc;
            page_close(d);
            if ((rc = chunk_flush(d)))
                return rc;
            d->page = page;
        } else if ((rc = add_text(d, "\n", 1, 1))) {
            return rc;
        }
    } else {
        d->page = page;
    }
    if ((rc = page_open(d, page)))
        return rc;
    if (d->title_rank < 3)
        guess_title(d, kind, s, n);
    if ((rc = add_block(d, s, n)))
        return rc;
    d->nblocks++;
    if (d->cur_cps >= CHUNK_SOFT && (rc = chunk_flush(d)))
        return rc;
    return 0;
}

static int sink_child(void *ctx, const char *name, const char *mime, const void *data, size_t size);

/* ---- workers ---- */

struct walkfile {
    char *path;
    int64_t size;
    int64_t mtime_ns;
    char *issue;                    /* could not be read at all */
    enum probity_ingest_status issue_status;
};

struct job {
    struct job *next;
    struct walkfile *f;
    char id[65];
    int64_t size, mtime_ns;
    unsigned char *mem;             /* the file's bytes when read whole (INLINE_BYTES) */
    struct docres *family;
    int fatal;                      /* out of memory in the worker */
    int absent;                     /* the store did not have the bytes when they were hashed */
};

struct ingest {
    const char *collection, *encoding;
    struct pb_extract_limits lim;
    pthread_mutex_t mu;
    pthread_cond_t has_job, has_result;
    struct job *jobs, *jobs_tail, *results, *results_tail;
    long njobs;                     /* length of the job list */
    _Atomic long nresults;          /* length of the result list (read without the lock) */
    long want;                      /* the main thread sleeps until this many results are ready */
    int idle;                       /* workers waiting for a job */
    int stop;
    struct docres *orphans;         /* stored families of no worker's, freed at the end */
};


static const struct {
    const char *mime;
    enum pb_doc_type type;
} mime_types[] = {
    {"text/plain", PB_DOC_TEXT},
    {"text/markdown", PB_DOC_MARKDOWN},
    {"text/html", PB_DOC_HTML},
    {"application/xml", PB_DOC_XML},
    {"application/pdf", PB_DOC_PDF},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", PB_DOC_DOCX},
    {"application/vnd.oasis.opendocument.text", PB_DOC_ODT},
    {"message/rfc822", PB_DOC_EML},
};

static void reason_of(struct docres *d, int rc, const struct probity_error *e)
{
    struct pb_buf b = PB_BUF_INIT;
    if (pb_buf_adds(&b, e->msg[0] ? e->msg : probity_strerror(rc)) == 0 && e->line > 0) {
        if (e->column > 0)
            pb_buf_addf(&b, " (line %ld, column %ld)", e->line, e->column);
        else
            pb_buf_addf(&b, " (line %ld)", e->line);
    }
    free(d->reason);
    d->reason = b.s ? b.s : pb_strdup(probity_strerror(rc));
}

/* After extraction: close the text, decide the outcome and the document fields. */
static void finish_doc(struct docres *d, int rc, const struct probity_error *e)
{
    char mine[48];
    if (!rc && d->failed_sink)
        rc = d->failed_sink;
    if (!rc) {
        page_close(d);
        if ((rc = chunk_flush(d)) || (rc = page_open(d, d->pages_meta))) {
            struct probity_error me;
            probity_error_clear(&me);
            pb__err(&me, rc, d->path, 0, 0, rc == PROBITY_EIO ? "cannot write the temporary spool" : "out of memory");
            reason_of(d, rc, &me);
            d->status = PROBITY_INGEST_FAILED;
        } else {
            d->status = PROBITY_INGEST_OK;
        }
    } else {
        reason_of(d, rc, e);
        d->status = rc == PROBITY_EFORMAT || rc == PROBITY_EEMPTY ? PROBITY_INGEST_SKIPPED : PROBITY_INGEST_FAILED;
    }
    for (size_t i = 0; i < sizeof(mime_types) / sizeof(mime_types[0]); i++)
        if (d->mime && strcmp(d->mime, mime_types[i].mime) == 0)
            d->dtype = mime_types[i].type;
    if (d->status != PROBITY_INGEST_OK) {
        /* no half documents: a failure keeps no text */
        spool_release(&d->sp);
        d->npg = 0;
        d->offset = 0;
        d->pages = 0;
        return;
    }
    d->pages = d->npg;
    if (!d->lang)   /* none declared */
        set_once(&d->lang, pb__lang_guess(&d->guess));
    pb_lang_count_result(&d->doclang, 0.15, mine, sizeof(mine));
    snprintf(d->langs, sizeof(d->langs), "%s", mine);
    if (d->lang && *d->lang && strlen(d->lang) < 8) {
        char probe[16];
        snprintf(probe, sizeof(probe), ",%s,", d->lang);
        char all[64];
        snprintf(all, sizeof(all), ",%s,", mine);
        if (!strstr(all, probe)) {
            size_t l = strlen(d->langs);
            snprintf(d->langs + l, sizeof(d->langs) - l, "%s%s", l ? "," : "", d->lang);
        }
    }
}

static int sha256_mem(const void *data, size_t n, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) || len < 32)
        return PROBITY_ENOMEM;
    pb_sha256_hex(md, hex);
    return 0;
}

static enum pb_doc_type detect_file(const char *path)
{
    unsigned char head[8192];
    size_t n = 0;
    FILE *fp = fopen(path, "rb");
    if (fp) {
        n = fread(head, 1, sizeof(head), fp);
        fclose(fp);
    }
    return n ? pb_doc_detect(path, head, n) : PB_DOC_UNKNOWN;
}

/* Extract d: from mem[0..size) when given (an attachment, or with `whole` a file read whole
 * by the main thread), else from its file. */
static void run_extract(struct worker *wk, struct docres *d, const void *mem, size_t size, int whole)
{
    struct pb_doc_sink sink = {sink_meta, sink_text, sink_child, d};
    struct probity_error e;
    int rc;
    probity_error_clear(&e);
    d->wk = wk;
    if (mem) {
        if (!whole)
            d->dtype = pb_doc_detect(d->path, mem, size < 8192 ? size : 8192);
        rc = pb_extract_buffer(d->path, mem, size, wk->ing->encoding, &wk->ing->lim, &sink, &e);
    } else {
        rc = pb_extract_file(d->path, wk->ing->encoding, &wk->ing->lim, &sink, &e);
    }
    finish_doc(d, rc, &e);
    /* the type comes from the extractor's mime; a file it refused is looked at again */
    if (d->dtype == PB_DOC_UNKNOWN && !mem)
        d->dtype = detect_file(d->path);
    else if (d->dtype == PB_DOC_UNKNOWN && whole && size)
        d->dtype = pb_doc_detect(d->path, mem, size < 8192 ? size : 8192);
}

static int sink_child(void *ctx, const char *name, const char *mime, const void *data, size_t size)
{
    struct docres *d = ctx, *c;
    struct worker *wk = d->wk;
    struct pb_buf path = PB_BUF_INIT;
    char id[65];
    (void)mime;
    if (d->depth + 1 > MAX_DEPTH)
        return 0;   /* deeper nesting is not followed; the message itself is kept */
    if (sha256_mem(data, size, id))
        return PROBITY_ENOMEM;
    if (pb_buf_adds(&path, d->path) || pb_buf_addc(&path, '#') ||
        pb_buf_adds(&path, name && *name ? name : "attachment"))
        goto nomem;
    /* two attachments with one name get distinct paths */
    for (int k = 2; pb_map_get(&d->child_names, path.s); k++) {
        size_t at = strlen(d->path) + 1;
        path.len = at;
        if (pb_buf_addf(&path, "%d:%s", k, name && *name ? name : "attachment"))
            goto nomem;
    }
    if (pb_map_put(&d->child_names, path.s, (void *)1))
        goto nomem;
    if (!(c = docres_new(path.s, id, d->id, (int64_t)size)))
        goto nomem;
    pb_buf_release(&path);
    c->child = 1;
    c->depth = d->depth + 1;
    wk->tail->next = c;
    wk->tail = c;
    run_extract(wk, c, data, size, 0);
    return 0;
nomem:
    pb_buf_release(&path);
    return PROBITY_ENOMEM;
}

/* Free families of documents linked by `spent`. */
static void spent_free(struct docres *d)
{
    while (d) {
        struct docres *next = d->spent;
        family_free(d);
        d = next;
    }
}

/* Free a list of jobs and their documents. */
static void jobs_free(struct job *j)
{
    while (j) {
        struct job *next = j->next;
        family_free(j->family);
        free(j->mem);
        free(j);
        j = next;
    }
}

static void *worker_main(void *arg)
{
    struct worker *wk = arg;
    struct ingest *ing = wk->ing;
    pthread_mutex_lock(&ing->mu);
    for (;;) {
        struct job *j;
        struct docres *spent;
        while (!ing->jobs && !ing->stop) {
            ing->idle++;
            pthread_cond_wait(&ing->has_job, &ing->mu);
            ing->idle--;
        }
        if (!ing->jobs)
            break;
        j = ing->jobs;
        ing->jobs = j->next;
        if (!ing->jobs)
            ing->jobs_tail = NULL;
        ing->njobs--;
        spent = wk->spent;
        wk->spent = NULL;
        pthread_mutex_unlock(&ing->mu);
        spent_free(spent);

        j->next = NULL;
        if (!(j->family = docres_new(j->f->path, j->id, NULL, j->size))) {
            j->fatal = PROBITY_ENOMEM;
        } else if (j->mem) {
            /* the bytes that were hashed are the bytes extracted: nothing can change between */
            wk->tail = j->family;
            run_extract(wk, j->family, j->mem, (size_t)j->size, 1);
        } else {
            struct stat sb;
            wk->tail = j->family;
            run_extract(wk, j->family, NULL, 0, 0);
            /* the id is the hash of the bytes read before: they must not have changed since */
            if (j->family->status == PROBITY_INGEST_OK &&
                (stat(j->f->path, &sb) != 0 || (int64_t)sb.st_size != j->size ||
                 (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec != j->mtime_ns)) {
                struct probity_error e;
                probity_error_clear(&e);
                pb__err(&e, PROBITY_EIO, j->f->path, 0, 0, "the file changed while it was being read");
                spool_release(&j->family->sp);
                reason_of(j->family, PROBITY_EIO, &e);
                j->family->status = PROBITY_INGEST_FAILED;
                j->family->npg = 0;
                j->family->offset = 0;
            }
        }
        pthread_mutex_lock(&ing->mu);
        if (ing->results_tail)
            ing->results_tail->next = j;
        else
            ing->results = j;
        ing->results_tail = j;
        ing->nresults++;
        /* the main thread sleeps for a batch: wake it when the batch is complete */
        if (ing->want && ing->nresults >= ing->want)
            pthread_cond_signal(&ing->has_result);
    }
    pthread_mutex_unlock(&ing->mu);
    return NULL;
}

/* ---- walking ---- */

/* A set of pairs of numbers (open addressing): the (device, inode) of the directories and
 * files a walk has met, the ids of the documents a run has stored. */
struct seen_set {
    struct seen_slot {
        uint64_t a, b;
        int used;
    } *v;
    size_t n, cap;                  /* cap: a power of two */
};

static size_t seen_slot(const struct seen_set *s, uint64_t a, uint64_t b)
{
    uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ b;
    size_t i;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
    for (i = (size_t)h & (s->cap - 1); s->v[i].used && (s->v[i].a != a || s->v[i].b != b); i = (i + 1) & (s->cap - 1))
        ;
    return i;
}

static int seen_has(const struct seen_set *s, uint64_t a, uint64_t b)
{
    return s->cap && s->v[seen_slot(s, a, b)].used;
}

/* Add (a, b): 0 when it is new, 1 when it was there, PROBITY_ENOMEM. */
static int seen_add(struct seen_set *s, uint64_t a, uint64_t b)
{
    size_t i;
    if ((s->n + 1) * 2 > s->cap) {
        struct seen_set g = {NULL, 0, s->cap ? s->cap * 2 : 256};
        if (!(g.v = calloc(g.cap, sizeof(*g.v))))
            return PROBITY_ENOMEM;
        for (size_t k = 0; k < s->cap; k++)
            if (s->v[k].used)
                g.v[seen_slot(&g, s->v[k].a, s->v[k].b)] = s->v[k];
        g.n = s->n;
        free(s->v);
        *s = g;
    }
    i = seen_slot(s, a, b);
    if (s->v[i].used)
        return 1;
    s->v[i].a = a;
    s->v[i].b = b;
    s->v[i].used = 1;
    s->n++;
    return 0;
}

struct walk {
    struct walkfile *v;
    size_t n, cap;
    struct seen_set seen;           /* directories and files, by device and inode */
    int64_t bytes;
};

static int walk_add(struct walk *w, const char *path, int64_t size, int64_t mtime, const char *issue,
                    enum probity_ingest_status ist)
{
    struct walkfile *f;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        struct walkfile *v = realloc(w->v, cap * sizeof(*v));
        if (!v)
            return PROBITY_ENOMEM;
        w->v = v;
        w->cap = cap;
    }
    f = &w->v[w->n];
    memset(f, 0, sizeof(*f));
    if (!(f->path = pb_strdup(path)) || (issue && !(f->issue = pb_strdup(issue)))) {
        free(f->path);
        return PROBITY_ENOMEM;
    }
    f->size = size;
    f->mtime_ns = mtime;
    f->issue_status = ist;
    w->n++;
    w->bytes += size;
    return 0;
}

/* A directory entry, looked at while its directory is open: fstatat relative to the
 * directory costs one name's look-up, not the whole path's. */
struct dirent_stat {
    char *name;
    struct stat sb;
    int err;                        /* errno of the look-up, 0 when sb holds it */
};

static int dirent_cmp(const void *a, const void *b)
{
    return strcmp(((const struct dirent_stat *)a)->name, ((const struct dirent_stat *)b)->name);
}

static int walk_entry(struct walk *w, const char *path, const struct stat *sb, int err);

static int walk_dir(struct walk *w, const char *path)
{
    DIR *dir;
    struct dirent *de;
    struct dirent_stat *v = NULL;
    struct pb_buf p = PB_BUF_INIT;    /* each entry's path */
    size_t nn = 0, cap = 0, pl = strlen(path);
    char msg[600];
    int rc = 0;
    if (!(dir = opendir(path))) {
        snprintf(msg, sizeof(msg), "cannot read directory: %s", strerror(errno));
        return walk_add(w, path, 0, 0, msg, PROBITY_INGEST_FAILED);
    }
    while ((de = readdir(dir))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (nn == cap) {
            struct dirent_stat *nv = realloc(v, (cap = cap ? cap * 2 : 32) * sizeof(*v));
            if (!nv) {
                rc = PROBITY_ENOMEM;
                break;
            }
            v = nv;
        }
        if (!(v[nn].name = pb_strdup(de->d_name))) {
            rc = PROBITY_ENOMEM;
            break;
        }
        v[nn].err = fstatat(dirfd(dir), de->d_name, &v[nn].sb, 0) != 0 ? errno : 0;
        nn++;
    }
    closedir(dir);
    if (!rc)
        qsort(v, nn, sizeof(*v), dirent_cmp);   /* the same order on every run */
    for (size_t i = 0; i < nn; i++) {
        if (!rc) {
            pb_buf_reset(&p);
            if (pb_buf_add(&p, path, pl) || (pl && path[pl - 1] != '/' && pb_buf_addc(&p, '/')) ||
                pb_buf_adds(&p, v[i].name))
                rc = PROBITY_ENOMEM;
            else
                rc = walk_entry(w, p.s, &v[i].sb, v[i].err);
        }
        free(v[i].name);
    }
    pb_buf_release(&p);
    free(v);
    return rc;
}

/* path, whose stat is sb (or whose look-up failed with err). */
static int walk_entry(struct walk *w, const char *path, const struct stat *sb, int err)
{
    char msg[600];
    int seen;
    if (err) {
        snprintf(msg, sizeof(msg), "%s", err == ELOOP ? "symbolic link loop" : strerror(err));
        return walk_add(w, path, 0, 0, msg, PROBITY_INGEST_FAILED);
    }
    if (!S_ISDIR(sb->st_mode) && !S_ISREG(sb->st_mode))
        return walk_add(w, path, 0, 0, "not a regular file", PROBITY_INGEST_SKIPPED);
    if ((seen = seen_add(&w->seen, (uint64_t)sb->st_dev, (uint64_t)sb->st_ino)) < 0)
        return seen;
    if (S_ISDIR(sb->st_mode))
        return seen ? walk_add(w, path, 0, 0, "directory seen before through a symbolic link (loop)",
                               PROBITY_INGEST_SKIPPED)
                    : walk_dir(w, path);
    if (seen)
        return 0;   /* the same file again through another link */
    return walk_add(w, path, (int64_t)sb->st_size, (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec,
                    NULL, PROBITY_INGEST_OK);
}

static int walk_path(struct walk *w, const char *path)
{
    struct stat sb;
    int err = stat(path, &sb) != 0 ? errno : 0;
    return walk_entry(w, path, &sb, err);
}

static void walk_release(struct walk *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->v[i].path);
        free(w->v[i].issue);
    }
    free(w->v);
    free(w->seen.v);
}

/* ---- the writer (main thread) ---- */

struct run {
    struct probity_store *st;
    const struct probity_ingest_opts *o;
    struct pb_docw *w;
    struct ingest ing;
    struct probity_ingest_summary *sum;
    struct probity_ingest_progress prog;
    double t0, last_progress, batch_t0;
    int in_tx, batch_docs;
    int64_t batch_bytes;
    long outstanding;               /* files handed to the workers, not yet stored */
    int64_t outstanding_bytes;
    struct pb_buf scratch;
    EVP_MD *sha;                    /* sha256, fetched once (NULL: the default one) */
    EVP_MD_CTX *sha_ctx;
    struct job *free_jobs;          /* jobs stored, for the next files */
    /* A store that held no document when the run began has only the run's own, and those
     * of writers working meanwhile: the bytes of a file need not be looked up when the run
     * has not stored them itself (another writer's are caught by the unique index on id
     * when the document is inserted, as for bytes in flight twice). */
    int had_docs;
    struct seen_set stored;         /* ids of the files this run stored, their first 16 bytes */
    int dirfd;                      /* the directory of the file read last (open_in_dir), or -1 */
    int noatime_refused;            /* O_NOATIME was refused: files are opened without it */
    struct pb_buf dir;              /* and its path */
};

static void progress(struct run *r, int force)
{
    double t = now_s();
    if (!r->o->on_progress || (!force && t - r->last_progress < 0.1))
        return;
    r->last_progress = t;
    r->prog.seconds = t - r->t0;
    r->prog.done = force == 2;
    r->o->on_progress(r->o->ctx, &r->prog);
}

static void event(struct run *r, const char *path, const char *id, enum probity_ingest_status status,
                  const char *reason, const char *type, int64_t bytes, int64_t chars, int pages, int version,
                  int child)
{
    struct probity_ingest_event ev = {path, id, status, reason, type, bytes, chars, pages, version, child};
    struct probity_ingest_summary *s = r->sum;
    switch (status) {
    case PROBITY_INGEST_OK:
        if (child)
            s->children++;
        else if (version > 1)
            s->versions++;
        else
            s->ok++;
        s->chars += chars;
        break;
    case PROBITY_INGEST_UNCHANGED: s->unchanged++; break;
    case PROBITY_INGEST_DUPLICATE: s->duplicates++; break;
    case PROBITY_INGEST_FAILED: s->failed++; r->prog.failed++; break;
    case PROBITY_INGEST_SKIPPED: s->skipped++; break;
    }
    if (r->o->on_file)
        r->o->on_file(r->o->ctx, &ev);
}

static int tx_begin(struct run *r, struct probity_error *err)
{
    int rc;
    if (r->in_tx)
        return 0;
    if ((rc = pb__docw_begin(r->w, err)))
        return rc;
    r->in_tx = 1;
    r->batch_docs = 0;
    r->batch_bytes = 0;
    r->batch_t0 = now_s();
    return 0;
}

static int tx_maybe_commit(struct run *r, int force, struct probity_error *err)
{
    int rc;
    if (!r->in_tx)
        return 0;
    if (!force && r->batch_docs < BATCH_DOCS && r->batch_bytes < BATCH_BYTES && now_s() - r->batch_t0 < BATCH_SECONDS)
        return 0;
    if ((rc = pb__docw_commit(r->w, err)))
        return rc;
    r->in_tx = 0;
    return 0;
}

static int write_chunk(struct run *r, int64_t n, const struct schunk *c, const char *data, struct probity_error *err)
{
    return pb__docw_chunk(r->w, n, c->seq, c->page, c->start, c->end, c->lang, data, c->len, data + c->len,
                          c->tlen, err);
}

static int write_chunks(struct run *r, struct docres *d, int64_t n, struct probity_error *err)
{
    int rc;
    if (d->sp.fp) {
        struct schunk h;
        if (fflush(d->sp.fp) || fseek(d->sp.fp, 0, SEEK_SET))
            return pb__err(err, PROBITY_EIO, d->path, 0, 0, "cannot read the temporary spool");
        for (size_t i = 0; i < d->sp.nfile; i++) {
            size_t all;
            if (fread(&h, sizeof(h), 1, d->sp.fp) != 1)
                return pb__err(err, PROBITY_EIO, d->path, 0, 0, "cannot read the temporary spool");
            all = h.len + h.tlen;
            pb_buf_reset(&r->scratch);
            if (pb_buf_grow(&r->scratch, all + 1))
                return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            if (all && fread(r->scratch.s, 1, all, d->sp.fp) != all)
                return pb__err(err, PROBITY_EIO, d->path, 0, 0, "cannot read the temporary spool");
            if ((rc = write_chunk(r, n, &h, r->scratch.s, err)))
                return rc;
        }
        return 0;
    }
    for (size_t i = 0; i < d->sp.n; i++)
        if ((rc = write_chunk(r, n, &d->sp.v[i], d->sp.v[i].text, err)))
            return rc;
    return 0;
}

/* The first 16 bytes of a hex sha256 as two numbers. */
static void id_key(const char *id, uint64_t *a, uint64_t *b)
{
    uint64_t v[2] = {0, 0};
    for (int i = 0; i < 32 && id[i]; i++) {
        int c = (unsigned char)id[i], d = c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
        v[i / 16] = v[i / 16] << 4 | (uint64_t)(d & 15);
    }
    *a = v[0];
    *b = v[1];
}

static const char *first_of(const char *a, const char *b, const char *c)
{
    return a && *a ? a : b && *b ? b : c && *c ? c : NULL;
}

/* Store a file and its attachments (one transaction holds them all); `absent` when the
 * file's bytes were looked up and not found. */
static int write_family(struct run *r, struct docres *fam, int absent, struct probity_error *err)
{
    int rc;
    for (struct docres *d = fam; d; d = d->next) {
        struct pb_docrec rec;
        const char *type = d->dtype != PB_DOC_UNKNOWN ? pb_doc_type_name(d->dtype) : NULL;
        const char *title = first_of(d->title, d->subject, d->title_guess.s);
        char date[11] = "";
        int64_t n = 0;
        int version = 1;
        const char *pub = first_of(d->published, d->date, d->created);
        /* the date part of an ISO date-time is the publication date */
        if (pub)
            snprintf(date, sizeof(date), "%s", pub);
        memset(&rec, 0, sizeof(rec));
        rec.id = d->id;
        rec.parent = d->parent[0] ? d->parent : NULL;
        rec.collection = r->ing.collection;
        rec.path = d->path;
        rec.title = title;
        rec.url = d->url;
        rec.type = type;
        rec.mime = d->mime;
        rec.encoding = d->encoding;
        rec.langs = d->langs[0] ? d->langs : NULL;
        rec.published = date[0] ? date : NULL;
        rec.author = first_of(d->author, d->from, NULL);
        rec.status = d->status == PROBITY_INGEST_OK ? "ok" : d->status == PROBITY_INGEST_SKIPPED ? "skipped" : "failed";
        rec.reason = d->reason;
        rec.pages = d->pages;
        rec.bytes = d->bytes;
        rec.chars = d->offset;
        rec.absent = absent && d == fam;
        if ((rc = tx_begin(r, err)))
            return rc;
        if ((rc = pb__docw_put(r->w, &rec, &n, &version, err)) < 0)
            return rc;
        if (d == fam && !r->had_docs) {
            uint64_t ka, kb;
            int added;
            id_key(d->id, &ka, &kb);
            if ((added = seen_add(&r->stored, ka, kb)) < 0)
                return pb__err(err, added, NULL, 0, 0, "out of memory");
        }
        if (rc == 1 || rc == 2) {
            event(r, d->path, d->id, rc == 1 ? PROBITY_INGEST_DUPLICATE : PROBITY_INGEST_UNCHANGED, NULL, type,
                  d->bytes, 0, 0, version, d->child);
            continue;
        }
        if (d->status == PROBITY_INGEST_OK) {
            const char *m = d->meta.s;
            if ((rc = write_chunks(r, d, n, err)))
                return rc;
            /* one page needs no map: it is the whole text */
            for (int p = 0; d->npg > 1 && p < d->npg; p++)
                if ((rc = pb__docw_page(r->w, n, p + 1, d->pg[p].start, d->pg[p].end, err)))
                    return rc;
            for (size_t i = 0; i < d->nmeta; i++) {
                const char *v = m + strlen(m) + 1;
                if ((rc = pb__docw_meta(r->w, n, m, v, err)))
                    return rc;
                m = v + strlen(v) + 1;
            }
        }
        r->batch_docs++;
        r->batch_bytes += d->bytes;
        event(r, d->path, d->id, d->status, d->reason, type, d->bytes, d->offset, d->pages, version, d->child);
    }
    return 0;
}

/* Store the finished files, after waiting until `want` of them are ready (0: only those
 * ready now). Returns how many were stored, or an error. */
static int take_results(struct run *r, long want, struct probity_error *err)
{
    struct job *list;
    struct docres *spent = NULL;
    int rc = 0, n = 0;
    pthread_mutex_lock(&r->ing.mu);
    if (want > r->outstanding)
        want = r->outstanding;
    if (want > 0 && r->ing.nresults < want) {
        if (r->ing.idle && r->ing.jobs)
            pthread_cond_broadcast(&r->ing.has_job);
        r->ing.want = want;
        while (r->ing.nresults < want)
            pthread_cond_wait(&r->ing.has_result, &r->ing.mu);
        r->ing.want = 0;
    }
    list = r->ing.results;
    r->ing.results = r->ing.results_tail = NULL;
    r->ing.nresults = 0;
    pthread_mutex_unlock(&r->ing.mu);
    while (list) {
        struct job *j = list;
        list = j->next;
        r->outstanding--;
        r->outstanding_bytes -= j->size;
        if (!rc && j->fatal)
            rc = pb__err(err, j->fatal, j->f->path, 0, 0, "out of memory");
        else if (!rc)
            rc = write_family(r, j->family, j->absent, err);
        r->prog.files_done++;
        r->prog.bytes_done += j->f->size;
        /* the file's bytes and the job were this thread's, and the job serves the next
         * file; the documents go back to their worker */
        free(j->mem);
        if (j->family) {
            j->family->spent = spent;
            spent = j->family;
        }
        memset(j, 0, sizeof(*j));
        j->next = r->free_jobs;
        r->free_jobs = j;
        if (!rc)
            rc = tx_maybe_commit(r, 0, err);
        n++;
    }
    if (spent) {
        pthread_mutex_lock(&r->ing.mu);
        while (spent) {
            struct docres *d = spent;
            struct docres **to = d->wk ? &d->wk->spent : &r->ing.orphans;
            spent = d->spent;
            d->spent = *to;
            *to = d;
        }
        pthread_mutex_unlock(&r->ing.mu);
    }
    if (n)
        progress(r, 0);
    return rc ? rc : n;
}

/* Open a file for reading relative to its directory, kept open from the file before:
 * files come in the walk's order, a directory's files one after the other, and the kernel
 * then looks up one name per file instead of every directory of an absolute path. */
static int open_in_dir(struct run *r, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) : 0;
    int fd;
    if (!slash || dl == 0)
        return open(path, O_RDONLY | O_CLOEXEC);
    if (r->dirfd < 0 || r->dir.len != dl || memcmp(r->dir.s, path, dl) != 0) {
        if (r->dirfd >= 0)
            close(r->dirfd);
        pb_buf_reset(&r->dir);
        r->dirfd = -1;
        if (pb_buf_add(&r->dir, path, dl) == 0)
            r->dirfd = open(r->dir.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (r->dirfd < 0) {
            pb_buf_reset(&r->dir);
            return open(path, O_RDONLY | O_CLOEXEC);
        }
    }
    /* without touching the file's access time where the user may ask so (files they own):
     * reading evidence leaves no trace on it, and the kernel writes no inode per file */
    if (!r->noatime_refused) {
        if ((fd = openat(r->dirfd, slash + 1, O_RDONLY | O_CLOEXEC | O_NOATIME)) >= 0 || errno != EPERM)
            return fd;
        r->noatime_refused = 1;   /* not the owner: asking again would fail again for most files */
    }
    return openat(r->dirfd, slash + 1, O_RDONLY | O_CLOEXEC);
}

/* Read a file whole and hash it, when it is small enough (INLINE_BYTES): 1 with the bytes
 * in *mem (the caller's) and their sha256 in id; 0 when it is too large to be read so;
 * an error (e filled as pb_sha256_file does) when it cannot be read. `expect` is its size
 * when it was listed: a file that changed since is read to its end all the same. */
static int read_whole(struct run *r, const char *path, int64_t expect, unsigned char **mem, int64_t *size,
                      char id[65], struct probity_error *e)
{
    unsigned char md[EVP_MAX_MD_SIZE], *buf = NULL;
    unsigned int mdlen = 0;
    size_t cap = (size_t)expect + 1, len = 0;   /* one byte more: a short read is the end */
    int rc = 1, fd = open_in_dir(r, path);
    *mem = NULL;
    if (fd < 0)
        return pb__err(e, PROBITY_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (!(buf = malloc(cap))) {
        rc = pb__err(e, PROBITY_ENOMEM, path, 0, 0, "out of memory");
        goto out;
    }
    for (;;) {
        ssize_t got;
        if (len == cap) {   /* it grew since it was listed */
            unsigned char *nb;
            if ((int64_t)cap > INLINE_BYTES) {
                rc = 0;
                goto out;
            }
            if (!(nb = realloc(buf, cap * 2))) {
                rc = pb__err(e, PROBITY_ENOMEM, path, 0, 0, "out of memory");
                goto out;
            }
            buf = nb;
            cap *= 2;
        }
        got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = pb__err(e, PROBITY_EIO, path, 0, 0, "read error: %s", strerror(errno));
            goto out;
        }
        len += (size_t)got;
        /* the size it was listed with and not a byte more: that is the end */
        if (got == 0 || (len < cap && (int64_t)len >= expect))
            break;
    }
    /* the digest fetched once per run: fetching it per file costs a third of hashing a
     * small one */
    if (!r->sha_ctx || !EVP_DigestInit_ex(r->sha_ctx, r->sha ? r->sha : EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(r->sha_ctx, buf, len) || !EVP_DigestFinal_ex(r->sha_ctx, md, &mdlen) || mdlen < 32) {
        rc = pb__err(e, PROBITY_ENOMEM, path, 0, 0, "cannot start sha256");
        goto out;
    }
    pb_sha256_hex(md, id);
    *size = (int64_t)len;
    *mem = buf;
    buf = NULL;
out:
    free(buf);
    close(fd);
    return rc;
}

/* PDFs and zip archives (office files) are read by their libraries from the file itself. */
static int read_from_file(const unsigned char *mem, int64_t size)
{
    return (size >= 4 && memcmp(mem, "PK\3\4", 4) == 0) || pb_doc_pdf_header(mem, (size_t)size);
}

static int handle_file(struct run *r, struct walkfile *f, long max_outstanding, struct probity_error *err)
{
    char id[65], at[65];
    int64_t size = 0, mtime_ns = 0;
    unsigned char *mem = NULL;
    struct probity_error e;
    int rc, state, version;
    probity_error_clear(&e);
    if (f->issue) {
        if ((rc = tx_begin(r, err)) || (rc = pb__docw_issue(r->w, r->ing.collection, f->path, f->issue, err)))
            return rc;
        event(r, f->path, NULL, f->issue_status, f->issue, NULL, 0, 0, 0, 0, 0);
        goto done;
    }
    if (f->size > r->ing.lim.max_file_bytes) {
        char msg[160];
        snprintf(msg, sizeof(msg), "file too large (%lld bytes, the limit is %lld)", (long long)f->size,
                 (long long)r->ing.lim.max_file_bytes);
        if ((rc = tx_begin(r, err)) || (rc = pb__docw_issue(r->w, r->ing.collection, f->path, msg, err)))
            return rc;
        event(r, f->path, NULL, PROBITY_INGEST_SKIPPED, msg, NULL, f->size, 0, 0, 0, 0);
        goto done;
    }
    if ((rc = f->size <= INLINE_BYTES ? read_whole(r, f->path, f->size, &mem, &size, id, &e) : 0) == 0) {
        struct stat sb;
        if (pb_sha256_file(f->path, id, &size, &e) || stat(f->path, &sb) != 0)
            rc = -1;
        else
            mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
    }
    if (rc < 0) {
        char msg[600];
        snprintf(msg, sizeof(msg), "cannot read: %s", e.msg[0] ? e.msg : strerror(errno));
        if ((rc = tx_begin(r, err)) || (rc = pb__docw_issue(r->w, r->ing.collection, f->path, msg, err)))
            return rc;
        event(r, f->path, NULL, PROBITY_INGEST_FAILED, msg, NULL, f->size, 0, 0, 0, 0);
        goto done;
    }
    {
        uint64_t ka, kb;
        id_key(id, &ka, &kb);
        state = r->had_docs || seen_has(&r->stored, ka, kb) ? pb__docw_state(r->w, id, err) : PB_DOC_ABSENT;
    }
    if (state < 0) {
        free(mem);
        return state;
    }
    if (state == PB_DOC_STORED_OK) {
        free(mem);
        if ((rc = pb__docw_at(r->w, r->ing.collection, f->path, at, err)))
            return rc;
        if (strcmp(at, id) == 0) {
            event(r, f->path, id, PROBITY_INGEST_UNCHANGED, NULL, NULL, size, 0, 0, 0, 0);
        } else {
            if ((rc = tx_begin(r, err)) || (rc = pb__docw_link(r->w, r->ing.collection, f->path, id, &version, err)))
                return rc;
            r->batch_docs++;
            event(r, f->path, id, PROBITY_INGEST_DUPLICATE, NULL, NULL, size, 0, 0, version, 0);
        }
        goto done;
    }
    if (mem && read_from_file(mem, size)) {
        struct stat sb;
        free(mem);
        mem = NULL;
        /* extracted from the file: what it was when hashed, to notice a change meanwhile */
        if (stat(f->path, &sb) == 0)
            mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
    }
    /* new bytes: to a worker, once there is room in the pipeline; many small files in
     * flight keep the threads from waking each other per file, and the bytes in flight are
     * bounded too, since each holds up to SPOOL_MEM of text */
    while (r->outstanding >= max_outstanding ||
           (r->outstanding > 0 && r->outstanding_bytes + size > PIPE_BYTES))
        if ((rc = take_results(r, (r->outstanding + 1) / 2, err)) < 0) {
            free(mem);
            return rc;
        }
    {
        struct job *j = r->free_jobs;
        if (j) {
            r->free_jobs = j->next;
            j->next = NULL;
        } else
            j = calloc(1, sizeof(*j));
        if (!j) {
            free(mem);
            return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        }
        j->f = f;
        memcpy(j->id, id, sizeof(j->id));
        j->size = size;
        j->mtime_ns = mtime_ns;
        j->mem = mem;
        j->absent = state == PB_DOC_ABSENT;
        pthread_mutex_lock(&r->ing.mu);
        if (r->ing.jobs_tail)
            r->ing.jobs_tail->next = j;
        else
            r->ing.jobs = j;
        r->ing.jobs_tail = j;
        r->ing.njobs++;
        if (r->ing.idle && r->ing.njobs >= WAKE_BATCH)
            pthread_cond_signal(&r->ing.has_job);
        pthread_mutex_unlock(&r->ing.mu);
        r->outstanding++;
        r->outstanding_bytes += size;
    }
    return 0;
done:
    r->prog.files_done++;
    r->prog.bytes_done += f->size;
    progress(r, 0);
    return tx_maybe_commit(r, 0, err);
}

int probity_ingest(struct probity_store *st, const char *const *paths, size_t n, const struct probity_ingest_opts *o,
                   struct probity_ingest_summary *sum, struct probity_error *err)
{
    static const struct pb_extract_limits defaults = PB_EXTRACT_LIMITS_DEFAULT;
    struct probity_ingest_opts none;
    struct walk walk;
    struct run r;
    pthread_t *threads = NULL;
    struct worker *workers = NULL;
    int jobs, started = 0, rc = 0;
    memset(&walk, 0, sizeof(walk));
    memset(&r, 0, sizeof(r));
    r.dirfd = -1;
    r.sha = EVP_MD_fetch(NULL, "SHA256", NULL);
    r.sha_ctx = EVP_MD_CTX_new();
    memset(sum, 0, sizeof(*sum));
    if (!o) {
        memset(&none, 0, sizeof(none));
        o = &none;
    }
    jobs = o->jobs < 1 ? 1 : o->jobs > 64 ? 64 : o->jobs;
    r.st = st;
    r.o = o;
    r.sum = sum;
    r.t0 = now_s();
    r.ing.collection = o->collection && *o->collection ? o->collection : "default";
    r.ing.encoding = o->encoding && *o->encoding ? o->encoding : NULL;
    r.ing.lim = defaults;
    r.ing.lim.own_lang_guess = 1;
    if (o->max_file_bytes > 0)
        r.ing.lim.max_file_bytes = o->max_file_bytes;
    if (o->max_expanded_bytes > 0)
        r.ing.lim.max_expanded_bytes = o->max_expanded_bytes;
    if (o->max_pages > 0)
        r.ing.lim.max_pages = o->max_pages;
    if (o->max_seconds > 0)
        r.ing.lim.max_seconds = o->max_seconds;
    pthread_mutex_init(&r.ing.mu, NULL);
    pthread_cond_init(&r.ing.has_job, NULL);
    pthread_cond_init(&r.ing.has_result, NULL);

    if ((rc = pb__docw_open(st, &r.w, err)))
        goto out;
    if ((r.had_docs = pb__docw_any(r.w, err)) < 0) {
        rc = r.had_docs;
        goto out;
    }
    /* the walk comes first: the totals make the progress bar's ETA */
    for (size_t i = 0; i < n && !rc; i++) {
        char *real = realpath(paths[i], NULL);
        rc = walk_path(&walk, real ? real : paths[i]);
        free(real);
    }
    if (rc) {
        rc = pb__err(err, rc, NULL, 0, 0, "out of memory while listing files");
        goto out;
    }
    sum->files = (long)walk.n;
    r.prog.files_total = (long)walk.n;
    r.prog.bytes_total = walk.bytes;

    if (!(threads = calloc((size_t)jobs, sizeof(*threads))) || !(workers = calloc((size_t)jobs, sizeof(*workers)))) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (; started < jobs; started++) {
        workers[started].ing = &r.ing;
        if (pb_segmenter_new(&workers[started].sg)) {
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        if (pthread_create(&threads[started], NULL, worker_main, &workers[started])) {
            if (!started) {
                rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "cannot start a worker thread");
                goto out;
            }
            break;
        }
    }
    for (size_t i = 0; i < walk.n && !rc; i++) {
        if ((rc = handle_file(&r, &walk.v[i], IN_FLIGHT(started), err)))
            break;
        if (r.ing.nresults >= WAKE_BATCH && (rc = take_results(&r, 0, err)) > 0)
            rc = 0;
    }
    while (!rc && r.outstanding > 0)
        if ((rc = take_results(&r, r.outstanding, err)) > 0)
            rc = 0;
    if (!rc)
        rc = tx_maybe_commit(&r, 1, err);
out:
    if (rc && r.w)
        pb__docw_rollback(r.w);
    /* stop the workers; jobs still queued after a failure are dropped */
    pthread_mutex_lock(&r.ing.mu);
    r.ing.stop = 1;
    while (rc && r.ing.jobs) {
        struct job *j = r.ing.jobs;
        r.ing.jobs = j->next;
        free(j->mem);
        free(j);
    }
    r.ing.jobs_tail = NULL;
    pthread_cond_broadcast(&r.ing.has_job);
    pthread_mutex_unlock(&r.ing.mu);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; workers && i < jobs; i++) {
        pb_segmenter_free(workers[i].sg);
        pb_buf_release(&workers[i].toks);
        spent_free(workers[i].spent);
    }
    spent_free(r.ing.orphans);
    jobs_free(r.ing.results);
    jobs_free(r.free_jobs);
    free(r.stored.v);
    r.ing.results = NULL;
    sum->bytes = r.prog.bytes_done;
    sum->seconds = now_s() - r.t0;
    if (!rc)
        progress(&r, 2);
    pb__docw_close(r.w);
    free(threads);
    free(workers);
    walk_release(&walk);
    pb_buf_release(&r.scratch);
    if (r.dirfd >= 0)
        close(r.dirfd);
    EVP_MD_CTX_free(r.sha_ctx);
    EVP_MD_free(r.sha);
    pb_buf_release(&r.dir);
    pthread_mutex_destroy(&r.ing.mu);
    pthread_cond_destroy(&r.ing.has_job);
    pthread_cond_destroy(&r.ing.has_result);
    return rc;
}
