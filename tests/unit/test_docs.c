/* Documents: the search tokenizer (English, Chinese, folding), exact-phrase separators, the
 * query parser with its errors, and the store round trip of chunks, pages and offsets
 * through real ingestion of generated files and of the shared corpus. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "core/core.h"
#include "docs/extract_int.h"
#include "docs/query.h"
#include "probity/docs.h"
#include "store/docstore.h"
#include "store/store_internal.h"
#include "store/textz.h"
#include "text/segment.h"

/* ---- tokens ---- */

struct toks {
    char s[2048];
    int words;
};

static int collect(void *ctx, const struct pb_token *t)
{
    struct toks *k = ctx;
    size_t l = strlen(k->s);
    if (t->flags & PB_TOKEN_WORD)
        k->words++;
    snprintf(k->s + l, sizeof(k->s) - l, "%s%s%.*s", l ? " " : "", t->flags & PB_TOKEN_WORD ? "+" : "", (int)t->len,
             t->norm);
    return 0;
}

static const char *toks(struct pb_segmenter *sg, const char *text, int flags, struct toks *k)
{
    memset(k, 0, sizeof(*k));
    CHECK_INT(pb_segment(sg, text, strlen(text), flags, collect, k), 0);
    return k->s;
}

static void test_tokens(void)
{
    struct pb_segmenter *sg;
    struct toks k;
    struct pb_buf b = PB_BUF_INIT;
    CHECK_INT(pb_segmenter_new(&sg), 0);
    CHECK_STR(toks(sg, "The U.S. Treasury’s OFAC designated it, 13382.", 0, &k),
              "the u s treasury s ofac designated it 13382");
    CHECK_STR(toks(sg, "Bánco Naçional ÉLAN straße ＡＢＣ１２３ ﬁnance", 0, &k),
              "banco nacional elan strasse abc123 finance");
    /* Han: one token per character, whatever the dictionary says */
    CHECK_STR(toks(sg, "深圳市公安局龙岗分局", 0, &k), "深 圳 市 公 安 局 龙 岗 分 局");
    /* documents also get the dictionary words, after their first character */
    toks(sg, "深圳市公安局", PB_SEG_WORDS, &k);
    CHECK(k.words >= 1);
    CHECK(strstr(k.s, "公 +公安") != NULL || strstr(k.s, "公 +公安局") != NULL);
    /* traditional and simplified fold together */
    CHECK_STR(toks(sg, "華為技術有限公司", 0, &k), "华 为 技 术 有 限 公 司");
    CHECK_STR(toks(sg, "華為", 0, &k), toks(sg, "华为", 0, &(struct toks){{0}, 0}));
    /* mixed Chinese and English, full-width punctuation */
    CHECK_STR(toks(sg, "国外Nuance、微软，IBM。", 0, &k), "国 外 nuance 微 软 ibm");
    /* offsets point into the input */
    {
        struct toks one;
        memset(&one, 0, sizeof(one));
        CHECK_STR(toks(sg, "", 0, &one), "");
    }
    /* separators of exact phrases */
    CHECK_INT(pb_fold_separator(" \n ", 3, 0, &b), 0);
    CHECK_STR(pb_buf_str(&b), " ");
    CHECK_INT(pb_fold_separator("\n", 1, 1, &b), 0);
    CHECK_STR(pb_buf_str(&b), "");
    CHECK_INT(pb_fold_separator(", ", 2, 0, &b), 0);
    CHECK_STR(pb_buf_str(&b), ",");
    CHECK_INT(pb_fold_separator("’", strlen("’"), 0, &b), 0);
    CHECK_STR(pb_buf_str(&b), "'");
    CHECK_INT(pb_fold_separator("，", strlen("，"), 1, &b), 0);
    CHECK_STR(pb_buf_str(&b), ",");
    /* language guess */
    {
        struct pb_lang_count lc;
        char langs[48];
        memset(&lc, 0, sizeof(lc));
        pb_lang_count_add(&lc, "The Office of Foreign Assets Control of the Treasury is designating the firm.", 76);
        pb_lang_count_result(&lc, 0.15, langs, sizeof(langs));
        CHECK_STR(langs, "en");
        memset(&lc, 0, sizeof(lc));
        pb_lang_count_add(&lc, "深圳市公安局龙岗分局雪亮工程", strlen("深圳市公安局龙岗分局雪亮工程"));
        pb_lang_count_result(&lc, 0.15, langs, sizeof(langs));
        CHECK_STR(langs, "zh");
    }
    CHECK_INT(pb_han_simplified(0x83EF), 0x534E);   /* 華 -> 华 */
    CHECK_INT(pb_han_simplified('a'), 'a');
    pb_buf_release(&b);
    pb_segmenter_free(sg);
}

/* Tokens with their flags and byte ranges, and whether each norm ends with its NUL. */
static int collect_all(void *ctx, const struct pb_token *t)
{
    struct toks *k = ctx;
    size_t l = strlen(k->s);
    snprintf(k->s + l, sizeof(k->s) - l, "%s%d:%zu-%zu:%.*s%s", l ? " " : "", t->flags, t->start, t->end,
             (int)t->len, t->norm, strlen(t->norm) == t->len ? "" : "!");
    return 0;
}

/* The token stream a worker encodes replays as the very tokens of the text; a damaged one
 * is refused. */
static void test_replay(void)
{
    const char *text = "The U.S. Treasury’s OFAC 13382 深圳市公安局 華為 Ｆｉｎａｎｃｅ straße a1b2";
    struct pb_segmenter *sg;
    struct pb_buf enc = PB_BUF_INIT;
    struct toks direct, replayed;
    CHECK_INT(pb_segmenter_new(&sg), 0);
    memset(&direct, 0, sizeof(direct));
    memset(&replayed, 0, sizeof(replayed));
    CHECK_INT(pb_segment(sg, text, strlen(text), PB_SEG_WORDS, collect_all, &direct), 0);
    CHECK_INT(pb_segment_encode(sg, text, strlen(text), PB_SEG_WORDS, &enc), 0);
    CHECK_INT(pb_segment_replay(enc.s, enc.len, collect_all, &replayed), 0);
    CHECK_STR(replayed.s, direct.s);
    CHECK(strchr(direct.s, '!') == NULL);
    memset(&replayed, 0, sizeof(replayed));
    CHECK_INT(pb_segment_replay(enc.s, enc.len - 1, collect_all, &replayed), PROBITY_EFORMAT);
    enc.s[enc.len - 1] = 'x';   /* the last token's NUL */
    memset(&replayed, 0, sizeof(replayed));
    CHECK_INT(pb_segment_replay(enc.s, enc.len, collect_all, &replayed), PROBITY_EFORMAT);
    pb_buf_release(&enc);
    pb_segmenter_free(sg);
}

/* The language counts made from the tokens (as ingestion makes them) against the counts
 * made from the text itself: the same for texts in many scripts, with digits inside words,
 * decomposed accents, kana and Han. */
struct lang_pair {
    struct pb_lang_count chunk;
    struct pb__lang doc;
    const char *text;
};

static int lang_tok(void *ctx, const struct pb_token *t)
{
    struct lang_pair *p = ctx;
    pb_lang_count_token(&p->chunk, p->text, t);
    pb__lang_token(&p->doc, p->text, t);
    return 0;
}

static void test_lang_tokens(void)
{
    static const char *const texts[] = {
        "The Office of Foreign Assets Control of the Treasury is designating the firm and its CEO.",
        "Le ministère des Affaires étrangères et la direction générale du Trésor ont publié la liste.",
        "Die Bundesregierung hat die Sanktionen gegen das Unternehmen und seine Tochter verlängert.",
        "El Departamento del Tesoro sancionó a la empresa y a sus directivos por el programa.",
        "深圳市公安局龙岗分局雪亮工程，華為技術有限公司与中兴通讯股份有限公司。",
        "東京都の株式会社ソニーは、カメラとゲームを作っています。",
        "Министерство финансов США ввело санкции против компании и её руководителей.",
        "Міністерство фінансів України запровадило санкції проти їхньої компанії.",
        "وزارة الخزانة الأمريكية فرضت عقوبات على الشركة",
        "Huawei 华为技术有限公司 and ZTE Corp. in 2019年 a1 1st 2nd abc123def of9the in-the e\xcc\x81t\xc3\xa9 na\xc3\xafve",
    };
    struct pb_segmenter *sg;
    CHECK_INT(pb_segmenter_new(&sg), 0);
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct lang_pair p;
        struct pb_lang_count whole;
        struct pb__lang feed;
        char a[48], b[48];
        const char *ga, *gb;
        memset(&p, 0, sizeof(p));
        memset(&whole, 0, sizeof(whole));
        memset(&feed, 0, sizeof(feed));
        p.text = texts[i];
        CHECK_INT(pb_segment(sg, texts[i], strlen(texts[i]), PB_SEG_WORDS, lang_tok, &p), 0);
        pb_lang_count_add(&whole, texts[i], strlen(texts[i]));
        pb__lang_feed(&feed, texts[i], strlen(texts[i]));
        CHECK(memcmp(whole.score, p.chunk.score, sizeof(whole.score)) == 0);
        pb_lang_count_result(&whole, 0.15, a, sizeof(a));
        pb_lang_count_result(&p.chunk, 0.15, b, sizeof(b));
        CHECK_STR(b, a);
        p.doc.seen = feed.seen = 0;
        p.doc.ready = feed.ready = 0;   /* bookkeeping, not counts */
        CHECK(memcmp(&feed, &p.doc, sizeof(feed)) == 0);
        ga = pb__lang_guess(&feed);
        gb = pb__lang_guess(&p.doc);
        CHECK_STR(gb ? gb : "-", ga ? ga : "-");
    }
    pb_segmenter_free(sg);
}

/* ---- queries ---- */

static const char *fts_of(const char *q, struct pb_query **keep)
{
    struct probity_error err;
    static char out[1024];
    struct pb_query *pq = NULL;
    probity_error_clear(&err);
    out[0] = 0;
    if (pb_query_parse(q, &pq, &err) == 0) {
        /* drop the U+E001 markers so the expected strings stay readable */
        const char *s = pb_query_fts(pq);
        size_t o = 0;
        for (; *s && o + 1 < sizeof(out); s++) {
            if ((unsigned char)s[0] == 0xEE && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x81) {
                s += 2;
                continue;
            }
            out[o++] = *s;
        }
        out[o] = 0;
    } else {
        snprintf(out, sizeof(out), "error %ld: %s", err.column, err.msg);
    }
    if (keep)
        *keep = pq;
    else
        pb_query_free(pq);
    return out;
}

static long err_col(const char *q)
{
    struct probity_error err;
    struct pb_query *pq = NULL;
    int rc;
    probity_error_clear(&err);
    rc = pb_query_parse(q, &pq, &err);
    pb_query_free(pq);
    return rc == PROBITY_EPARSE ? err.column : -1;
}

static void test_query(void)
{
    struct pb_query *q = NULL;
    struct pb_segmenter *sg;
    struct pb_qmark *m = NULL;
    size_t nm = 0, cap = 0, n;
    const char *const *v;
    CHECK_INT(pb_segmenter_new(&sg), 0);
    CHECK_STR(fts_of("huawei", NULL), "\"huawei\"");
    CHECK_STR(fts_of("Huawei cloud", NULL), "(\"huawei\" AND \"cloud\")");
    CHECK_STR(fts_of("\"Public Security Bureau\"", NULL), "\"public security bureau\"");
    CHECK_STR(fts_of("surveil*", NULL), "\"surveil\" *");
    CHECK_STR(fts_of("(huawei OR zte) -settlement", NULL),
              "(((\"huawei\" OR \"zte\")) NOT \"settlement\")");
    CHECK_STR(fts_of("a NOT b NOT c", NULL), "(((\"a\") NOT \"b\") NOT \"c\")");
    CHECK_STR(fts_of("U.S.", NULL), "\"u s\"");
    /* one Chinese word: its characters, and the dictionary word (when ICU knows it) for ranking */
    CHECK_STR(fts_of("公安", NULL), "(\"公 安\" OR (\"公 安\" AND \"公安\"))");
    CHECK_STR(fts_of("華為", NULL), "\"华 为\"");
    /* user text never reaches MATCH unquoted: FTS5 syntax is just text */
    CHECK_STR(fts_of("NEAR(a b) col:x ^start", NULL), "(\"near\" AND (\"a\" AND \"b\") AND \"col x\" AND \"start\")");
    /* lower-case operators are words */
    CHECK_STR(fts_of("iran or iraq", NULL), "(\"iran\" AND \"or\" AND \"iraq\")");
    /* filters */
    CHECK_STR(fts_of("lang:zh 公安局 type:pdf collection:\"my docs\"", &q), "(\"公 安 局\" OR (\"公 安 局\" AND \"公安局\"))");
    v = pb_query_filter(q, 1, &n);
    CHECK_INT(n, 1);
    CHECK_STR(n ? v[0] : NULL, "zh");
    v = pb_query_filter(q, 0, &n);
    CHECK_STR(n ? v[0] : NULL, "my docs");
    pb_query_free(q);
    /* malformed: the column of the mistake */
    CHECK_INT(err_col("\"unterminated phrase"), 1);
    CHECK_INT(err_col("a \"b c"), 3);
    CHECK_INT(err_col("(a b"), 1);
    CHECK_INT(err_col("a (b c"), 3);
    CHECK_INT(err_col("a b)"), 4);
    CHECK_INT(err_col("a OR"), 3);
    CHECK_INT(err_col("OR a"), 1);
    CHECK_INT(err_col("AND"), 1);
    CHECK_INT(err_col("NOT"), 1);
    CHECK_INT(err_col("-a"), 1);
    CHECK_INT(err_col("a OR -b"), 6);
    CHECK_INT(err_col(""), 1);
    CHECK_INT(err_col("   "), 1);
    CHECK_INT(err_col("\"\""), 1);
    CHECK_INT(err_col("()"), 1);
    CHECK_INT(err_col("*"), 1);
    CHECK_INT(err_col("lang:"), 1);
    CHECK_INT(err_col("(lang:zh a)"), 2);
    CHECK_INT(err_col("a OR lang:zh b"), 6);
    CHECK_INT(err_col("華為 OR"), 4);   /* columns count characters, not bytes */
    CHECK_INT(err_col("\xff\xfe"), 1);
    CHECK(err_col("((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))") > 0);
    CHECK_INT(err_col("a -b"), -1);
    CHECK_INT(err_col("a - b"), -1);   /* a lone dash is punctuation, not NOT */

    /* the exact check of a passage */
    CHECK_INT(pb_query_parse("\"public security bureau\"", &q, NULL), 0);
    {
        const char *t1 = "the Xinjiang Public Security\nBureau (XPSB)";
        const char *t2 = "public security, bureau";
        const char *t3 = "public security bureaus";
        CHECK_INT(pb_query_match(q, sg, t1, strlen(t1), &m, &nm, &cap), 1);
        CHECK_INT(nm, 1);
        CHECK_INT(nm ? m[0].start : 0, 13);
        CHECK_INT(nm ? m[0].end : 0, 35);
        CHECK_INT(pb_query_match(q, sg, t2, strlen(t2), &m, &nm, &cap), 0);
        CHECK_INT(pb_query_match(q, sg, t3, strlen(t3), &m, &nm, &cap), 0);
    }
    pb_query_free(q);
    CHECK_INT(pb_query_parse("\"Co., Ltd\" -bank", &q, NULL), 0);
    {
        const char *t1 = "Huawei Co.,Ltd";
        const char *t2 = "Huawei Co. Ltd";
        const char *t3 = "Huawei Co., Ltd and a bank";
        CHECK_INT(pb_query_match(q, sg, t1, strlen(t1), &m, &nm, &cap), 1);
        CHECK_INT(pb_query_match(q, sg, t2, strlen(t2), &m, &nm, &cap), 0);
        CHECK_INT(pb_query_match(q, sg, t3, strlen(t3), &m, &nm, &cap), 0);
    }
    pb_query_free(q);
    /* Chinese phrase: adjacent characters, a line break between them is layout */
    CHECK_INT(pb_query_parse("\"公安局\"", &q, NULL), 0);
    {
        const char *t1 = "深圳市公安\n局龙岗分局";
        const char *t2 = "公安、局";
        CHECK_INT(pb_query_match(q, sg, t1, strlen(t1), &m, &nm, &cap), 1);
        CHECK_INT(pb_query_match(q, sg, t2, strlen(t2), &m, &nm, &cap), 0);
    }
    pb_query_free(q);
    free(m);
    pb_segmenter_free(sg);
}

/* ---- the store ---- */

struct collect_hits {
    char ids[16][65];
    char paths[16][512];
    int pages[16];
    int64_t start[16], end[16];
    int n;
};

static int on_hit(void *ctx, const struct probity_search_hit *h)
{
    struct collect_hits *c = ctx;
    if (c->n < 16) {
        snprintf(c->ids[c->n], 65, "%s", h->id);
        snprintf(c->paths[c->n], 512, "%s", h->path);
        c->pages[c->n] = h->page;
        c->start[c->n] = h->start;
        c->end[c->n] = h->end;
    }
    c->n++;
    return 0;
}

static int search(struct probity_store *st, const char *q, struct collect_hits *c)
{
    struct probity_error err;
    probity_error_clear(&err);
    memset(c, 0, sizeof(*c));
    if (probity_search(st, q, NULL, on_hit, c, &err)) {
        fprintf(stderr, "search %s: %s\n", q, err.msg);
        return -1;
    }
    return c->n;
}

static int has_path(const struct collect_hits *c, const char *suffix)
{
    for (int i = 0; i < c->n && i < 16; i++) {
        size_t a = strlen(c->paths[i]), b = strlen(suffix);
        if (a >= b && strcmp(c->paths[i] + a - b, suffix) == 0)
            return i + 1;
    }
    return 0;
}

struct textbuf {
    struct pb_buf b;
    int pages[64];
    int np;
};

static int on_text(void *ctx, int page, int64_t start, const char *text, size_t len)
{
    struct textbuf *t = ctx;
    (void)start;
    if (t->np < 64)
        t->pages[t->np++] = page;
    return pb_buf_add(&t->b, text, len);
}

static void write_file(const char *path, const char *s, size_t n)
{
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (fp) {
        fwrite(s, 1, n, fp);
        fclose(fp);
    }
}

static int count_problems(void *ctx, const char *msg)
{
    (void)msg;
    (*(long *)ctx)++;
    return 0;
}

static void test_store(const char *shared)
{
    char dir[256], db[300], path[1400], corpus[400];
    struct probity_store *st = NULL;
    struct probity_error err;
    struct probity_ingest_summary sum;
    struct probity_ingest_opts o;
    struct collect_hits h;
    struct textbuf tb;
    struct probity_doc d;
    struct pb_buf big = PB_BUF_INIT;
    const char *paths[2];
    char *quote = NULL;
    int page = 0;
    long problems = 0, seen = 0;
    snprintf(dir, sizeof(dir), "/tmp/probity-test-docs.%d", (int)getpid());
    snprintf(db, sizeof(db), "%s.db", dir);
    CHECK_INT(mkdir(dir, 0700), 0);
    probity_error_clear(&err);
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    if (!st)
        return;

    /* a text with pages (form feeds) and a phrase across a line break */
    snprintf(path, sizeof(path), "%s/pages.txt", dir);
    {
        const char *text = "Page one talks about the Public Security\nBureau of a city.\n\f"
                           "Page two: 深圳市公安局龙岗分局 leased cameras.\n\f"
                           "Page three is short.";
        write_file(path, text, strlen(text));
    }
    /* a large text: several chunks, and more than the in-memory spool */
    snprintf(path, sizeof(path), "%s/big.txt", dir);
    for (int i = 0; big.len < (9u << 20); i++)
        pb_buf_addf(&big, "Paragraph %d of the large file, with the word needle%d in it and some filler text to "
                          "make the line long enough to matter.\n", i, i % 1000);
    pb_buf_adds(&big, "The very last line names the unique marker zebrafinch.\n");
    write_file(path, big.s, big.len);

    memset(&o, 0, sizeof(o));
    o.collection = "unit";
    o.jobs = 2;
    paths[0] = dir;
    CHECK_INT(probity_ingest(st, paths, 1, &o, &sum, &err), 0);
    CHECK_INT(sum.files, 2);
    CHECK_INT(sum.ok, 2);
    CHECK_INT(sum.failed, 0);

    /* pages: the phrase is on page 1, the Chinese words on page 2 */
    CHECK_INT(search(st, "\"public security bureau\"", &h), 1);
    CHECK_INT(h.pages[0], 1);
    CHECK_INT(h.start[0], 25);   /* code points: "Page one talks about the " */
    CHECK_INT(search(st, "公安局", &h), 1);
    CHECK_INT(h.pages[0], 2);
    CHECK_INT(search(st, "龍崗", &h), 1);   /* traditional finds simplified */
    /* the quote at the hit's offsets is the text that matched */
    if (h.n == 1) {
        CHECK_INT(probity_doc_quote(st, h.ids[0], h.start[0], h.end[0], &quote, &page, &err), 0);
        CHECK_STR(quote, "龙岗");
        CHECK_INT(page, 2);
        free(quote);
        quote = NULL;
        /* page 3 alone */
        memset(&tb, 0, sizeof(tb));
        CHECK_INT(probity_doc_text(st, h.ids[0], 3, on_text, &tb, &err), 0);
        CHECK_STR(pb_buf_str(&tb.b), "Page three is short.");
        pb_buf_release(&tb.b);
        CHECK_INT(probity_doc_text(st, h.ids[0], 4, on_text, &tb, &err), PROBITY_ENOTFOUND);
        pb_buf_release(&tb.b);
        /* the whole text, pages joined by form feeds, is the file */
        memset(&tb, 0, sizeof(tb));
        CHECK_INT(probity_doc_text(st, h.ids[0], 0, on_text, &tb, &err), 0);
        CHECK_STR(pb_buf_str(&tb.b), "Page one talks about the Public Security\nBureau of a city.\n\f"
                                     "Page two: 深圳市公安局龙岗分局 leased cameras.\n\f"
                                     "Page three is short.");
        pb_buf_release(&tb.b);
        CHECK_INT(probity_doc_get(st, h.ids[0], &d, &err), 0);
        CHECK_INT(d.pages, 3);
        CHECK_STR(d.collection, "unit");
        CHECK(strstr(d.langs, "en") != NULL);
        probity_doc_release(&d);
    }
    /* the big file: its text comes back byte for byte, and a quote spans chunks */
    CHECK_INT(search(st, "zebrafinch", &h), 1);
    if (h.n == 1) {
        int64_t at;
        memset(&tb, 0, sizeof(tb));
        CHECK_INT(probity_doc_text(st, h.ids[0], 0, on_text, &tb, &err), 0);
        /* the text is the file without its final line end */
        CHECK_INT(tb.b.len, big.len - 1);
        CHECK(tb.b.s && memcmp(tb.b.s, big.s, big.len - 1) == 0);
        pb_buf_release(&tb.b);
        CHECK_INT(probity_doc_get(st, h.ids[0], &d, &err), 0);
        CHECK(d.chunks > 1000);
        CHECK_INT(d.chars, (int64_t)big.len - 1);   /* ASCII: code points = bytes */
        probity_doc_release(&d);
        at = 1999990;
        CHECK_INT(probity_doc_quote(st, h.ids[0], at, at + 5000, &quote, NULL, &err), 0);
        CHECK(quote && strlen(quote) == 5000 && memcmp(quote, big.s + at, 5000) == 0);
        free(quote);
        quote = NULL;
        CHECK_INT(h.start[0], (int64_t)(strstr(big.s, "zebrafinch") - big.s));
    }
    CHECK(search(st, "needle999", &h) >= 1);

    /* ingesting again changes nothing */
    CHECK_INT(probity_ingest(st, paths, 1, &o, &sum, &err), 0);
    CHECK_INT(sum.unchanged, 2);
    CHECK_INT(sum.ok, 0);

    /* a changed file is a new version; the old one leaves the search */
    snprintf(path, sizeof(path), "%s/pages.txt", dir);
    write_file(path, "Rewritten: only drones now.", 27);
    CHECK_INT(probity_ingest(st, paths, 1, &o, &sum, &err), 0);
    CHECK_INT(sum.versions, 1);
    CHECK_INT(sum.unchanged, 1);
    CHECK_INT(search(st, "drones", &h), 1);
    if (h.n == 1) {
        CHECK_INT(probity_doc_get(st, h.ids[0], &d, &err), 0);
        CHECK_INT(strlen(d.supersedes), 64);
        probity_doc_release(&d);
    }
    CHECK_INT(search(st, "公安局", &h), 0);
    CHECK_INT(probity_docs_check(st, count_problems, &seen, &problems, &err), 0);
    CHECK_INT(problems, 0);

    /* the real corpus: every file ingests */
    snprintf(corpus, sizeof(corpus), "%s/corpus", shared);
    paths[0] = corpus;
    o.collection = "corpus";
    CHECK_INT(probity_ingest(st, paths, 1, &o, &sum, &err), 0);
    CHECK(sum.files >= 23);
    CHECK_INT(sum.failed, 0);
    CHECK_INT(search(st, "\"Hongkong Himark is being designated pursuant to E.O. 13382\"", &h), 2);
    CHECK(has_path(&h, "01_treasury_jy1766_servomotor_network_prc_hk_iran.html"));
    CHECK(search(st, "华为", &h) >= 1 && has_path(&h, "22_anhui_gov_china_speech_valley_plan_2018_zh.txt"));
    CHECK(search(st, "華為", &h) >= 1 && has_path(&h, "22_anhui_gov_china_speech_valley_plan_2018_zh.txt"));
    CHECK(search(st, "lockheed type:text lang:zh", &h) >= 1);
    CHECK(has_path(&h, "17_mofcom_uel_2023_no1_lockheed_raytheon_zh.txt"));
    CHECK_INT(search(st, "zebrafinch collection:corpus", &h), 0);
    CHECK_INT(search(st, "zebrafinch collection:unit", &h), 1);
    /* a 15-page PDF: the hit's page */
    CHECK_INT(search(st, "\"Pilatus Aircraft Ltd\" type:pdf", &h), 1);
    CHECK_INT(h.pages[0], 15);
    CHECK_INT(probity_docs_check(st, count_problems, &seen, &problems, &err), 0);
    CHECK_INT(problems, 0);
    probity_store_close(st);
    st = NULL;

    /* damage: a chunk's text no longer matches its offsets or the index */
    {
        sqlite3 *raw = NULL;
        CHECK_INT(sqlite3_open(db, &raw), SQLITE_OK);
        CHECK_INT(sqlite3_exec(raw, "UPDATE chunk SET text = 'xx' WHERE id = (SELECT MIN(c.id) FROM chunk c JOIN document d"
                                    " ON d.n = c.doc WHERE d.current = 1)",
                               NULL, NULL, NULL),
                  SQLITE_OK);
        sqlite3_close(raw);
    }
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    problems = 0;
    CHECK_INT(probity_docs_check(st, count_problems, &seen, &problems, &err), 0);
    CHECK(problems >= 1);
    probity_store_close(st);

    pb_buf_release(&big);
    snprintf(path, sizeof(path), "rm -rf '%s' '%s' '%s-wal' '%s-shm'", dir, db, db, db);
    CHECK_INT(system(path), 0);
}

/* ---- many small files ---- */

/* The text of batch file i: a unique word, and every third one long enough to fill
 * several chunks and span blocks. No final line end: the stored text is the file. */
static void batch_text(int i, struct pb_buf *b)
{
    pb_buf_reset(b);
    pb_buf_addf(b, "File %d names the marker alpha%d.", i, i);
    for (int k = 0; i % 3 == 0 && k < 900; k++)
        pb_buf_addf(b, "\nLine %d of file %d, filler about surveillance cameras and cloud contracts.", k, i);
}

static int batch_bad(int i) { return i % 50 == 7 || i % 50 == 23 || i % 50 == 41; }

/* Every good batch file from `from` on is found by its marker and reads back exactly. */
static void check_batch_texts(struct probity_store *st, int from, int n)
{
    struct probity_error err;
    struct collect_hits h;
    struct textbuf tb;
    struct pb_buf want = PB_BUF_INIT;
    probity_error_clear(&err);
    for (int i = from; i < n; i++) {
        char q[32];
        if (batch_bad(i))
            continue;
        snprintf(q, sizeof(q), "alpha%d", i);
        CHECK_INT(search(st, q, &h), 1);
        if (h.n != 1)
            continue;
        batch_text(i, &want);
        memset(&tb, 0, sizeof(tb));
        CHECK_INT(probity_doc_text(st, h.ids[0], 0, on_text, &tb, &err), 0);
        CHECK(tb.b.len == want.len && memcmp(pb_buf_str(&tb.b), want.s, want.len) == 0);
        pb_buf_release(&tb.b);
    }
    pb_buf_release(&want);
}

/* Files with bad ones among them (binary, empty, a truncated PDF): the batch goes on, every
 * good file is stored and its text comes back exactly from the blocks it shares with the
 * others, whatever the number of threads; and chunks stored plain or packed alone, and
 * blocks deflated, as an earlier probity did, read the same. */
static void test_batch(void)
{
    char dir[256], db[300], path[1400];
    struct probity_store *st = NULL;
    struct probity_error err;
    struct probity_ingest_summary sum;
    struct probity_ingest_opts o;
    struct collect_hits h;
    struct textbuf tb;
    struct pb_buf want = PB_BUF_INIT;
    const char *paths[1];
    const int n = 300;
    long problems = 0, seen = 0;
    int good = 0;
    snprintf(dir, sizeof(dir), "/tmp/probity-test-batch.%d", (int)getpid());
    snprintf(db, sizeof(db), "%s.db", dir);
    CHECK_INT(mkdir(dir, 0700), 0);
    for (int i = 0; i < n; i++) {
        /* bad files differ from each other: equal bytes would be one document */
        if (i % 50 == 7) {
            char bin[32];
            int len = snprintf(bin, sizeof(bin), "\x7f" "ELF\2\1 binary %d", i);
            snprintf(path, sizeof(path), "%s/f%03d.txt", dir, i);
            write_file(path, bin, (size_t)len);
        } else if (i % 50 == 23) {
            snprintf(path, sizeof(path), "%s/f%03d.txt", dir, i);
            write_file(path, "", 0);
        } else if (i % 50 == 41) {
            char pdf[64];
            snprintf(path, sizeof(path), "%s/f%03d.pdf", dir, i);
            write_file(path, pdf, (size_t)snprintf(pdf, sizeof(pdf), "%%PDF-1.4\n%d 0 obj\n<< /Type /Catalog", i));
        } else {
            snprintf(path, sizeof(path), "%s/f%03d.txt", dir, i);
            batch_text(i, &want);
            write_file(path, want.s, want.len);
            good++;
        }
    }
    for (int jobs = 1; jobs <= 2; jobs++) {
        probity_error_clear(&err);
        CHECK_INT(probity_store_open(&st, db, &err), 0);
        if (!st)
            break;
        memset(&o, 0, sizeof(o));
        o.jobs = jobs;
        paths[0] = dir;
        CHECK_INT(probity_ingest(st, paths, 1, &o, &sum, &err), 0);
        CHECK_INT(sum.files, n);
        CHECK_INT(sum.ok, good);
        CHECK_INT(sum.failed + sum.skipped, n - good);
        check_batch_texts(st, 0, n);
        CHECK_INT(search(st, "binary", &h), 0);
        problems = 0;
        CHECK_INT(probity_docs_check(st, count_problems, &seen, &problems, &err), 0);
        CHECK_INT(problems, 0);
        probity_store_close(st);
        st = NULL;
        snprintf(path, sizeof(path), "rm -f '%s' '%s-wal' '%s-shm'", db, db, db);
        CHECK_INT(system(path), 0);
    }

    /* one file's chunk stored plain, another's packed alone: the older formats */
    paths[0] = dir;
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    memset(&o, 0, sizeof(o));
    CHECK_INT(probity_ingest(st, paths, 1, &o, &sum, &err), 0);
    probity_store_close(st);
    st = NULL;
    {
        sqlite3 *raw = NULL;
        sqlite3_stmt *s = NULL;
        struct pb_textz *z = NULL;
        struct pb_buf packed = PB_BUF_INIT;
        CHECK_INT(sqlite3_open(db, &raw), SQLITE_OK);
        CHECK_INT(pb__textz_new(&z), 0);
        batch_text(1, &want);
        CHECK_INT(pb__textz_pack(z, want.s, want.len, &packed), 0);   /* too short to pack */
        CHECK_INT(sqlite3_prepare_v2(raw, "UPDATE chunk SET text = ?1 WHERE doc = (SELECT n FROM document"
                                          " WHERE path LIKE '%/f001.txt')", -1, &s, NULL), SQLITE_OK);
        sqlite3_bind_text(s, 1, want.s, (int)want.len, SQLITE_STATIC);
        CHECK_INT(sqlite3_step(s), SQLITE_DONE);
        CHECK_INT(sqlite3_changes(raw), 1);
        sqlite3_finalize(s);
        /* a text other than the file's: it reads back, and the check sees that the index differs */
        CHECK_INT(pb__textz_pack_deflate(z, "File 2 names the marker alpha2. File 2 names the marker alpha2. File 2 "
                                    "names the marker alpha2. File 2 names the marker alpha2.", 127, &packed), 1);
        CHECK_INT(sqlite3_prepare_v2(raw, "UPDATE chunk SET text = ?1 WHERE doc = (SELECT n FROM document"
                                          " WHERE path LIKE '%/f002.txt')", -1, &s, NULL), SQLITE_OK);
        sqlite3_bind_blob(s, 1, packed.s, (int)packed.len, SQLITE_STATIC);
        CHECK_INT(sqlite3_step(s), SQLITE_DONE);
        sqlite3_finalize(s);
        /* every block in the deflate form of the stores written before zstd */
        {
            sqlite3_stmt *u = NULL;
            struct pb_buf text = PB_BUF_INIT;
            int blocks = 0;
            CHECK_INT(sqlite3_prepare_v2(raw, "SELECT id, data FROM text_block WHERE typeof(data) = 'blob'", -1, &s,
                                         NULL), SQLITE_OK);
            CHECK_INT(sqlite3_prepare_v2(raw, "UPDATE text_block SET data = ?2 WHERE id = ?1", -1, &u, NULL),
                      SQLITE_OK);
            while (sqlite3_step(s) == SQLITE_ROW) {
                CHECK_INT(pb__textz_unpack(z, sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1), &text),
                          0);
                CHECK_INT(pb__textz_pack_deflate(z, text.s, text.len, &packed), 1);
                sqlite3_bind_int64(u, 1, sqlite3_column_int64(s, 0));
                sqlite3_bind_blob(u, 2, packed.s, (int)packed.len, SQLITE_STATIC);
                CHECK_INT(sqlite3_step(u), SQLITE_DONE);
                sqlite3_reset(u);
                blocks++;
            }
            CHECK(blocks > 0);
            sqlite3_finalize(u);
            sqlite3_finalize(s);
            pb_buf_release(&text);
        }
        pb_buf_release(&packed);
        pb__textz_free(z);
        sqlite3_close(raw);
    }
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    CHECK_INT(search(st, "alpha1", &h), 1);
    if (h.n == 1) {
        batch_text(1, &want);
        memset(&tb, 0, sizeof(tb));
        CHECK_INT(probity_doc_text(st, h.ids[0], 0, on_text, &tb, &err), 0);
        CHECK_STR(pb_buf_str(&tb.b), want.s);
        pb_buf_release(&tb.b);
    }
    check_batch_texts(st, 3, n);
    CHECK_INT(search(st, "alpha2", &h), 1);
    if (h.n == 1) {
        char *quote = NULL;
        CHECK_INT(probity_doc_quote(st, h.ids[0], 0, 31, &quote, NULL, &err), 0);
        CHECK_STR(quote, "File 2 names the marker alpha2.");
        free(quote);
    }
    problems = 0;
    CHECK_INT(probity_docs_check(st, count_problems, &seen, &problems, &err), 0);
    CHECK(problems >= 1);
    probity_store_close(st);
    pb_buf_release(&want);
    snprintf(path, sizeof(path), "rm -rf '%s' '%s' '%s-wal' '%s-shm'", dir, db, db, db);
    CHECK_INT(system(path), 0);
}

/* The same bytes at several paths in one run, in flight together: one document, the other
 * paths duplicates of it, whatever the order the workers finish in. */
static void test_same_bytes(void)
{
    char dir[256], db[300], path[1400], text[128];
    struct probity_store *st = NULL;
    struct probity_error err;
    struct probity_ingest_summary sum;
    struct probity_ingest_opts o;
    struct collect_hits h;
    const char *paths[1];
    long problems = 0, seen = 0;
    snprintf(dir, sizeof(dir), "/tmp/probity-test-same.%d", (int)getpid());
    snprintf(db, sizeof(db), "%s.db", dir);
    CHECK_INT(mkdir(dir, 0700), 0);
    for (int i = 0; i < 60; i++) {
        int len = snprintf(text, sizeof(text), "Copy of the notice about marker beta%d and its contracts.", i % 20);
        snprintf(path, sizeof(path), "%s/f%03d.txt", dir, i);
        write_file(path, text, (size_t)len);
    }
    probity_error_clear(&err);
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    memset(&o, 0, sizeof(o));
    o.jobs = 2;
    paths[0] = dir;
    CHECK_INT(probity_ingest(st, paths, 1, &o, &sum, &err), 0);
    CHECK_INT(sum.ok, 20);
    CHECK_INT(sum.duplicates, 40);
    CHECK_INT(search(st, "beta7", &h), 1);
    CHECK_INT(probity_docs_check(st, count_problems, &seen, &problems, &err), 0);
    CHECK_INT(problems, 0);
    probity_store_close(st);
    snprintf(path, sizeof(path), "rm -rf '%s' '%s' '%s-wal' '%s-shm'", dir, db, db, db);
    CHECK_INT(system(path), 0);
}

/* A writer filling a new collection does not look its paths up while every path there is
 * its own; a path another writer added between two of its transactions is still found,
 * and the document put at it is that path's second version. */
static void put_doc(struct pb_docw *w, char idc, const char *path, int want_version)
{
    struct probity_error err;
    struct pb_docrec r;
    char id[65];
    int64_t n = 0;
    int version = 0;
    probity_error_clear(&err);
    memset(id, idc, 64);
    id[64] = 0;
    memset(&r, 0, sizeof(r));
    r.id = id, r.collection = "press", r.path = path, r.type = "text", r.status = "ok", r.absent = 1;
    CHECK_INT(pb__docw_begin(w, &err), 0);
    CHECK_INT(pb__docw_put(w, &r, &n, &version, &err), 0);
    CHECK(n > 0);
    CHECK_INT(version, want_version);
    CHECK_INT(pb__docw_commit(w, &err), 0);
}

static void test_other_writer(void)
{
    char db[300], cmd[1000];
    struct probity_store *st = NULL;
    struct pb_docw *a = NULL, *b = NULL;
    struct probity_error err;
    probity_error_clear(&err);
    snprintf(db, sizeof(db), "/tmp/probity-test-writers.%d.db", (int)getpid());
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    CHECK_INT(pb__docw_open(st, &a, &err), 0);
    CHECK_INT(pb__docw_open(st, &b, &err), 0);
    if (a && b) {
        put_doc(a, 'a', "/notices/one.txt", 1);
        put_doc(a, 'b', "/notices/two.txt", 1);
        put_doc(b, 'c', "/notices/three.txt", 1);   /* not a's */
        put_doc(a, 'd', "/notices/three.txt", 2);   /* a must look it up */
        put_doc(a, 'e', "/notices/four.txt", 1);
    }
    pb__docw_close(a);
    pb__docw_close(b);
    probity_store_close(st);
    snprintf(cmd, sizeof(cmd), "rm -f '%s' '%s-wal' '%s-shm'", db, db, db);
    CHECK_INT(system(cmd), 0);
}

/* The index's merge setting of a store made before it was chosen is brought up to date
 * when a writer opens the store. */
static int config_value(sqlite3 *db, const char *key)
{
    sqlite3_stmt *s = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "SELECT v FROM chunk_fts_config WHERE k = ?1", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
    return v;
}

static void test_fts_settings(void)
{
    char db[300], cmd[1000];
    struct probity_store *st = NULL;
    struct pb_docw *w = NULL;
    struct probity_error err;
    probity_error_clear(&err);
    snprintf(db, sizeof(db), "/tmp/probity-test-fts.%d.db", (int)getpid());
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    CHECK_INT(pb__docw_open(st, &w, &err), 0);
    pb__docw_close(w);
    CHECK_INT(config_value(pb__store_db(st), "automerge"), 8);
    /* as a store of an earlier version had it */
    CHECK_INT(sqlite3_exec(pb__store_db(st), "INSERT INTO chunk_fts(chunk_fts, rank) VALUES('automerge', 4)", NULL,
                           NULL, NULL),
              SQLITE_OK);
    CHECK_INT(config_value(pb__store_db(st), "automerge"), 4);
    probity_store_close(st);
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    CHECK_INT(pb__docw_open(st, &w, &err), 0);
    pb__docw_close(w);
    CHECK_INT(config_value(pb__store_db(st), "automerge"), 8);
    CHECK_INT(config_value(pb__store_db(st), "hashsize"), 67108864);
    probity_store_close(st);
    snprintf(cmd, sizeof(cmd), "rm -f '%s' '%s-wal' '%s-shm'", db, db, db);
    CHECK_INT(system(cmd), 0);
}

/* Reading a file to ingest it leaves its access time as it was (the files are the test's
 * own: the kernel allows O_NOATIME). An access time before the modification time is one a
 * read would otherwise update, even on a "relatime" mount. */
static void test_atime(void)
{
    char dir[256], db[300], path[400], cmd[1400];
    struct probity_store *st = NULL;
    struct probity_error err;
    struct probity_ingest_summary sum;
    struct probity_ingest_opts o;
    struct timespec when[2] = {{946684800, 0}, {0, UTIME_NOW}};
    struct stat sb;
    const char *paths[1];
    snprintf(dir, sizeof(dir), "/tmp/probity-test-atime.%d", (int)getpid());
    snprintf(db, sizeof(db), "%s.db", dir);
    snprintf(path, sizeof(path), "%s/notice.txt", dir);
    CHECK_INT(mkdir(dir, 0700), 0);
    write_file(path, "A notice read without a trace.", 30);
    CHECK_INT(utimensat(AT_FDCWD, path, when, 0), 0);
    probity_error_clear(&err);
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    memset(&o, 0, sizeof(o));
    paths[0] = dir;
    CHECK_INT(probity_ingest(st, paths, 1, &o, &sum, &err), 0);
    CHECK_INT(sum.ok, 1);
    CHECK_INT(stat(path, &sb), 0);
    CHECK_INT(sb.st_atim.tv_sec, 946684800);
    probity_store_close(st);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s-wal' '%s-shm'", dir, db, db, db);
    CHECK_INT(system(cmd), 0);
}

int main(void)
{
    const char *shared = check_shared();
    test_tokens();
    test_replay();
    test_lang_tokens();
    test_query();
    test_store(shared);
    test_batch();
    test_same_bytes();
    test_other_writer();
    test_atime();
    test_fts_settings();
    return check_done();
}
