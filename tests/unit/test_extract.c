/* Text extraction: every document of the shared corpus, the evidence quotes of GOLD.tsv
 * found in the text of their files, PDF pages and metadata, and made-up fixtures for the
 * formats and encodings the corpus lacks (DOCX and ODT built here with libzip, e-mail,
 * GB18030, Big5, Shift_JIS, windows-1251, UTF-16, broken HTML) and for hostile input
 * (empty, binary, truncated and encrypted PDFs, zip bombs, limits). */
#include <dirent.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include "check.h"
#include "core/core.h"
#include "docs/extract.h"

/* ---- a sink that keeps what a store would keep ---- */

#define MAX_BLOCKS 20000

struct doc {
    struct pb_buf text;          /* blocks joined with newlines */
    struct pb_buf meta;          /* "key=value\n" lines */
    size_t block_at[MAX_BLOCKS]; /* offset of each block in text */
    int block_page[MAX_BLOCKS], block_kind[MAX_BLOCKS];
    int nblocks, max_page, bad_utf8;
    int nchild;
    char child_name[8][128], child_mime[8][128];
    struct pb_buf child0;        /* bytes of the first attachment */
};

static int on_meta(void *ctx, const char *key, const char *value)
{
    struct doc *d = ctx;
    if (!pb_utf8_valid(value, strlen(value), NULL))
        d->bad_utf8++;
    pb_buf_addf(&d->meta, "%s=%s\n", key, value);
    return 0;
}

static int on_text(void *ctx, int page, enum pb_block_kind kind, const char *s, size_t n)
{
    struct doc *d = ctx;
    if (!pb_utf8_valid(s, n, NULL))
        d->bad_utf8++;
    if (d->text.len)
        pb_buf_addc(&d->text, '\n');
    if (d->nblocks < MAX_BLOCKS) {
        d->block_at[d->nblocks] = d->text.len;
        d->block_page[d->nblocks] = page;
        d->block_kind[d->nblocks] = kind;
        d->nblocks++;
    }
    if (page > d->max_page)
        d->max_page = page;
    pb_buf_add(&d->text, s, n);
    return 0;
}

static int on_child(void *ctx, const char *name, const char *mime, const void *data, size_t size)
{
    struct doc *d = ctx;
    if (d->nchild < 8) {
        snprintf(d->child_name[d->nchild], 128, "%s", name);
        snprintf(d->child_mime[d->nchild], 128, "%s", mime);
    }
    if (d->nchild == 0)
        pb_buf_add(&d->child0, data, size);
    d->nchild++;
    return 0;
}

static void doc_reset(struct doc *d)
{
    pb_buf_release(&d->text);
    pb_buf_release(&d->meta);
    pb_buf_release(&d->child0);
    memset(d, 0, sizeof(*d));
}

static struct doc D; /* large: keep it off the stack */

static int extract(const char *path, const char *enc, const struct pb_extract_limits *lim, struct probity_error *err)
{
    struct pb_doc_sink sink = {on_meta, on_text, on_child, &D};
    doc_reset(&D);
    probity_error_clear(err);
    return pb_extract_file(path, enc, lim, &sink, err);
}

static int extract_mem(const char *name, const void *data, size_t n, const struct pb_extract_limits *lim,
                       struct probity_error *err)
{
    struct pb_doc_sink sink = {on_meta, on_text, on_child, &D};
    doc_reset(&D);
    probity_error_clear(err);
    return pb_extract_buffer(name, data, n, NULL, lim, &sink, err);
}

/* The first value of a metadata key, or NULL. */
static const char *meta(const char *key)
{
    static char value[1024];
    size_t k = strlen(key);
    const char *p = pb_buf_str(&D.meta);
    while (*p) {
        const char *e = strchr(p, '\n');
        if (strncmp(p, key, k) == 0 && p[k] == '=') {
            snprintf(value, sizeof(value), "%.*s", (int)(e - p - (long)k - 1), p + k + 1);
            return value;
        }
        p = e + 1;
    }
    return NULL;
}

/* Runs of white space to one space, no-break spaces included. */
static char *squash(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *r = malloc(n + 1);
    int sp = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' ||
            (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0 && (i++, 1))) {
            sp = 1;
            continue;
        }
        if (sp && o)
            r[o++] = ' ';
        sp = 0;
        r[o++] = (char)c;
    }
    r[o] = 0;
    return r;
}

static int has(const char *needle) { return strstr(pb_buf_str(&D.text), needle) != NULL; }

/* Occurrences of needle in the text (by hand: sanitizers make repeated strstr quadratic). */
static int count(const char *needle)
{
    size_t k = strlen(needle), n = D.text.len;
    const char *t = pb_buf_str(&D.text);
    int c = 0;
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && t[i + j] == needle[j])
            j++;
        if (j == k) {
            c++;
            i += k - 1;
        }
    }
    return c;
}

static int has_squashed(const char *needle)
{
    char *a = squash(pb_buf_str(&D.text)), *b = squash(needle);
    int r = strstr(a, b) != NULL;
    free(a), free(b);
    return r;
}

/* The page of the block that holds `needle`, 0 when absent. */
static int page_of(const char *needle)
{
    const char *t = pb_buf_str(&D.text), *p = strstr(t, needle);
    int page = 0;
    if (!p)
        return 0;
    for (int i = 0; i < D.nblocks && D.block_at[i] <= (size_t)(p - t); i++)
        page = D.block_page[i];
    return page;
}

static int kind_of(const char *needle)
{
    const char *t = pb_buf_str(&D.text), *p = strstr(t, needle);
    int kind = -1;
    for (int i = 0; p && i < D.nblocks && D.block_at[i] <= (size_t)(p - t); i++)
        kind = D.block_kind[i];
    return kind;
}

static char *read_all(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long size;
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc((size_t)size + 1);
    *n = fread(buf, 1, (size_t)size, fp);
    fclose(fp);
    return buf;
}

static void write_all(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    fwrite(data, 1, n, fp);
    fclose(fp);
}

static char corpus[512], fixtures[512], tmpdir[256];

static const char *cpath(const char *name)
{
    static char p[1024];
    snprintf(p, sizeof(p), "%s/%s", corpus, name);
    return p;
}

static const char *fpath(const char *name)
{
    static char p[1024];
    snprintf(p, sizeof(p), "%s/%s", fixtures, name);
    return p;
}

static const char *tpath(const char *name)
{
    static char p[512];
    snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
    return p;
}

/* ---- the corpus ---- */

static void test_corpus_all(void)
{
    DIR *dir = opendir(corpus);
    struct dirent *de;
    int files = 0;
    CHECK(dir != NULL);
    while (dir && (de = readdir(dir))) {
        struct probity_error err;
        int rc;
        if (de->d_name[0] == '.')
            continue;
        rc = extract(cpath(de->d_name), NULL, NULL, &err);
        if (rc)
            fprintf(stderr, "%s: %s\n", de->d_name, err.msg);
        CHECK_INT(rc, 0);
        CHECK(D.text.len > 100);
        CHECK_INT(D.bad_utf8, 0);
        CHECK(meta("mime") != NULL);
        files++;
    }
    if (dir)
        closedir(dir);
    CHECK(files >= 27);
}

/* Every evidence quote of GOLD.tsv is in the text of its file (white space normalised for
 * PDFs, as the documents' own line breaks fall inside sentences); and for the formats
 * other than PDF the quote is there as it is. */
static void test_gold_quotes(void)
{
    size_t n;
    char *tsv = read_all(cpath("GOLD.tsv"), &n), *line, *next;
    char current[256] = "";
    int rows = 0, found = 0, exact = 0, exact_rows = 0;
    CHECK(tsv != NULL);
    if (!tsv)
        return;
    tsv[n] = 0;
    line = strchr(tsv, '\n') + 1; /* header */
    for (; line && *line; line = next) {
        char *f[5], *p = line;
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        for (int i = 0; i < 5; i++) {
            f[i] = p;
            p = p ? strchr(p, '\t') : NULL;
            if (p)
                *p++ = 0;
        }
        if (!f[4])
            continue;
        if (strcmp(current, f[0]) != 0) {
            struct probity_error err;
            snprintf(current, sizeof(current), "%s", f[0]);
            CHECK_INT(extract(cpath(f[0]), NULL, NULL, &err), 0);
        }
        rows++;
        if (has_squashed(f[4]))
            found++;
        else
            fprintf(stderr, "quote not found in %s: %s\n", f[0], f[4]);
        if (!strstr(f[0], ".pdf")) {
            exact_rows++;
            exact += has(f[4]);
        }
    }
    CHECK_INT(rows, 98);
    CHECK_INT(found, rows);
    CHECK_INT(exact, exact_rows);
    free(tsv);
}

static void test_corpus_details(void)
{
    struct probity_error err;
    struct pb_extract_limits lim = PB_EXTRACT_LIMITS_DEFAULT;

    /* a full web page: title, canonical URL, navigation and scripts gone */
    CHECK_INT(extract(cpath("08_state_cuba_restricted_list.html"), NULL, NULL, &err), 0);
    CHECK_STR(meta("title"), "Cuba Restricted List - United States Department of State");
    CHECK_STR(meta("url"), "https://www.state.gov/division-for-counter-threat-finance-and-sanctions/cuba-restricted-list");
    CHECK_STR(meta("lang"), "en");
    CHECK_STR(meta("modified"), "2025-07-14T15:18:55Z");
    CHECK(!has("Google Tag Manager") && !has("gtag("));
    CHECK(!has("Afghanistan")); /* the country menu */
    CHECK(has("Additional Subentities of GAESA"));
    CHECK_INT(kind_of("Cuba Restricted List - United"), PB_BLOCK_TITLE);

    /* a press release fragment: date from <time>, headings, links with their targets */
    CHECK_INT(extract(cpath("01_treasury_jy1766_servomotor_network_prc_hk_iran.html"), NULL, NULL, &err), 0);
    CHECK_STR(meta("published"), "2023-09-27");
    CHECK_STR(meta("lang"), "en"); /* detected: the page does not say */
    CHECK(strstr(pb_buf_str(&D.meta), "link=https://home.treasury.gov/news/press-releases/jy1104\tOFAC’s November 15, 2022\n"));
    CHECK_INT(kind_of("iRAN’s pISHGAM"), PB_BLOCK_HEADING);
    CHECK(has("Iran-based Pishgam Electronic Safeh Company (PESC) has procured"));

    /* a table: cells are blocks, inline <strong> adds no spaces */
    CHECK_INT(extract(cpath("07_fcc_covered_list_table.html"), NULL, NULL, &err), 0);
    CHECK_INT(kind_of("March 12, 2021"), PB_BLOCK_TABLE_CELL);
    CHECK(has("produced by Huawei Technologies Company, including"));

    /* Federal Register XML: the subject is the title, HD are headings, inline <E> and
     * <PRTPAGE/> do not break sentences */
    CHECK_INT(extract(cpath("12_fr_2016-08654_acf_grant_national_safe_place.xml"), NULL, NULL, &err), 0);
    CHECK_STR(meta("title"), "Announcement of the Award of a Single-Source Expansion Supplement Grant to National Safe "
                             "Place Network in Louisville, KY");
    CHECK_INT(kind_of("AGENCY:"), PB_BLOCK_HEADING);
    CHECK(has("operated by the National Safe Place Network to expand the original scope"));
    CHECK_INT(extract(cpath("20_fr_2016-08749_doe_york_shipley_waiver.xml"), NULL, NULL, &err), 0);
    CHECK(has("• Hand Delivery/Courier: Ms."));

    /* Chinese text: detected language */
    CHECK_INT(extract(cpath("17_mofcom_uel_2023_no1_lockheed_raytheon_zh.txt"), NULL, NULL, &err), 0);
    CHECK_STR(meta("lang"), "zh");
    CHECK_STR(meta("encoding"), "UTF-8");
    CHECK_STR(meta("mime"), "text/plain");

    /* Markdown: the first heading is the title */
    CHECK_INT(extract(cpath("README.md"), NULL, NULL, &err), 0);
    CHECK_STR(meta("mime"), "text/markdown");
    CHECK_STR(meta("title"), "corpus — real public-domain documents with the links they state");
    CHECK_INT(kind_of("corpus — real"), PB_BLOCK_HEADING);

    /* PDF: pages, and a quote on the page where it is printed */
    CHECK_INT(extract(cpath("13_fr_2020-17221_faa_proposed_rules.pdf"), NULL, NULL, &err), 0);
    CHECK_STR(meta("pages"), "15");
    CHECK_INT(D.max_page, 15);
    CHECK_INT(page_of("Investigation of the accident has been"), 2);
    CHECK_INT(page_of("seizing of a main landing"), 15);
    CHECK_STR(meta("created"), "2020-08-06T09:51:25Z");
    CHECK(has("Comments Invited\nConfidential Business Information (CBI)")); /* blocks not glued */
    CHECK(meta("truncated") == NULL);
    CHECK_INT(extract(cpath("14_darpa_baa_15-58_medifor_cover.pdf"), NULL, NULL, &err), 0);
    CHECK_STR(meta("pages"), "1");
    CHECK_INT(page_of("Information Innovation Office"), 1);

    /* the page cap */
    lim.max_pages = 3;
    CHECK_INT(extract(cpath("13_fr_2020-17221_faa_proposed_rules.pdf"), NULL, &lim, &err), 0);
    CHECK_STR(meta("truncated"), "1");
    CHECK_STR(meta("pages"), "15");
    CHECK_INT(D.max_page, 3);
}

/* ---- made-up fixtures ---- */

static void test_encodings(void)
{
    struct probity_error err;
    CHECK_INT(extract(fpath("gb18030.txt"), NULL, NULL, &err), 0);
    CHECK(has("华信智能科技有限公司与某市公安局签订了视频监控系统建设合同。"));
    CHECK_STR(meta("encoding"), "GB18030");
    CHECK_STR(meta("lang"), "zh");
    CHECK_INT(extract(fpath("big5.txt"), NULL, NULL, &err), 0);
    CHECK(has("華信智能科技有限公司與某市警察局簽訂了影像監控系統建設合約。"));
    CHECK_STR(meta("encoding"), "Big5");
    CHECK_INT(extract(fpath("shift_jis.txt"), NULL, NULL, &err), 0);
    CHECK(has("北風データシステム株式会社は、港湾市警察とクラウド契約を結んだ。"));
    CHECK_STR(meta("lang"), "ja");
    CHECK_INT(extract(fpath("cp1251.txt"), NULL, NULL, &err), 0);
    CHECK(has("Компания «Северный ветер» поставила оборудование"));
    CHECK_STR(meta("lang"), "ru");
    CHECK_INT(extract(fpath("utf16le-bom.txt"), NULL, NULL, &err), 0);
    CHECK(has("Northwind Data Systems Ltd. signed a contract with the Harbor City Police Department.\n"
              "The contract covers cloud storage for camera footage — about 2 petabytes."));
    CHECK_STR(meta("encoding"), "UTF-16LE");
    /* declared encoding wins over detection */
    CHECK_INT(extract(fpath("gb18030.txt"), "gbk", NULL, &err), 0);
    CHECK(has("视频监控系统"));
    CHECK_INT(extract(fpath("gb18030.txt"), "no-such-charset", NULL, &err), PROBITY_EINVAL);
    CHECK(strstr(err.msg, "no-such-charset") != NULL);

    /* UTF-16 without a byte order mark, big-endian, from memory */
    {
        const char *en = "Plain ASCII words in UTF-16BE without a mark.\n";
        char buf[256];
        size_t n = 0;
        for (const char *p = en; *p; p++)
            buf[n++] = 0, buf[n++] = *p;
        CHECK_INT(extract_mem("note.txt", buf, n, NULL, &err), 0);
        CHECK(has("Plain ASCII words in UTF-16BE without a mark."));
        CHECK_STR(meta("encoding"), "UTF-16BE");
    }
    /* invalid UTF-8 bytes become U+FFFD, the rest is kept */
    {
        const char bad[] = "valid start \xC3\x28 and \xFF end of a fairly ordinary line of text\n";
        CHECK_INT(extract_mem("bad.txt", bad, sizeof(bad) - 1, NULL, &err), 0);
        CHECK_INT(D.bad_utf8, 0);
        CHECK(has("end of a fairly ordinary line"));
    }
}

static void test_text_layout(void)
{
    struct probity_error err;
    /* paragraphs, form feeds as pages, CRLF: joining the blocks gives the text back */
    const char txt[] = "First paragraph line one.\r\nLine two.\r\n\r\n\r\nSecond paragraph.\fPage two text.\n";
    CHECK_INT(extract_mem("pages.txt", txt, sizeof(txt) - 1, NULL, &err), 0);
    CHECK_STR(pb_buf_str(&D.text), "First paragraph line one.\nLine two.\n\n\nSecond paragraph.\nPage two text.");
    CHECK_INT(page_of("Page two"), 2);
    CHECK_INT(page_of("Second paragraph"), 1);
    CHECK_STR(meta("pages"), "2");
    /* a very long line (3 MiB, no line break) is cut into blocks, nothing is lost */
    {
        size_t n = 3u << 20;
        char *big = malloc(n);
        size_t words = 0;
        for (size_t i = 0; i < n; i++)
            big[i] = (i % 8 == 7) ? ' ' : 'a' + (char)(i % 7);
        CHECK_INT(extract_mem("long.txt", big, n, NULL, &err), 0);
        CHECK(D.nblocks >= 3);
        for (size_t i = 0; i < D.text.len; i++)
            words += D.text.s[i] == ' ' || D.text.s[i] == '\n';
        CHECK_INT(words, n / 8); /* every space kept, or turned into the break between blocks */
        CHECK_INT(D.text.len, n);
        free(big);
    }
    /* multibyte characters cut at chunk boundaries, in UTF-8 and in GB18030 */
    {
        const char *lines[2] = {"中文测试 lines\n", "\xd6\xd0\xce\xc4\xb2\xe2\xca\xd4 lines\n"};
        for (int enc = 0; enc < 2; enc++) {
            struct pb_buf big = PB_BUF_INIT;
            for (int i = 0; i < 250000; i++)
                pb_buf_adds(&big, lines[enc]);
            CHECK_INT(extract_mem("big.txt", big.s, big.len, NULL, &err), 0);
            CHECK_STR(meta("encoding"), enc ? "GB18030" : "UTF-8");
            CHECK_INT(count("中文测试 lines"), 250000);
            CHECK_INT(D.bad_utf8, 0);
            pb_buf_release(&big);
        }
    }
    /* Markdown front matter and headings */
    {
        const char md[] = "---\ntitle: \"Field notes\"\ndate: 2022-03-01\n---\n# Heading one\nIntro text.\n\n- item a\n- item b\n";
        CHECK_INT(extract_mem("notes.md", md, sizeof(md) - 1, NULL, &err), 0);
        CHECK_STR(meta("title"), "Field notes");
        CHECK_STR(meta("published"), "2022-03-01");
        CHECK(!has("title:"));
        CHECK_INT(kind_of("Heading one"), PB_BLOCK_HEADING);
        CHECK_INT(kind_of("item b"), PB_BLOCK_LIST_ITEM);
        CHECK_INT(kind_of("Intro text"), PB_BLOCK_TEXT);
    }
}

static void test_html_fixture(void)
{
    struct probity_error err;
    CHECK_INT(extract(fpath("broken.html"), NULL, NULL, &err), 0);
    CHECK_STR(meta("encoding"), "windows-1252");
    CHECK_STR(meta("title"), "Straßenkameras & Datenzentren");
    CHECK_STR(meta("lang"), "de");
    CHECK_STR(meta("url"), "https://example.org/news/cameras");
    CHECK_STR(meta("published"), "2021-05-04");
    CHECK(has("Die Firma Nordwind DatenGmbH liefert Kameras an die Stadtpolizei, berichtet die Zeitung."));
    CHECK(has("Unclosed bold and italic text survives"));
    CHECK(has("Entities: café <ok> 中文 end"));
    CHECK(has("Trailing text after the end."));
    CHECK(!has("not text") && !has("color: red"));      /* script, style */
    CHECK(!has("Home") && !has("Impressum") && !has("Suchen")); /* nav, footer, form */
    CHECK_INT(kind_of("Cell two"), PB_BLOCK_TABLE_CELL);
    CHECK_INT(kind_of("Kameras für die Stadt"), PB_BLOCK_HEADING);
    CHECK(strstr(pb_buf_str(&D.meta), "link=https://example.org/police\tStadtpolizei\n") != NULL);

    /* a page of several chunks, with a script that runs across a chunk boundary */
    {
        struct pb_buf page = PB_BUF_INIT;
        pb_buf_adds(&page, "<html><head><title>Big page</title></head><body><script>");
        while (page.len < 1500000)
            pb_buf_adds(&page, "var s = '<p>script text</p>'; ");
        pb_buf_adds(&page, "</script>");
        for (int i = 0; i < 60000; i++)
            pb_buf_addf(&page, "<p>Paragraph %d: 中文 &amp; <b>bold</b>text.</p>\n", i);
        pb_buf_adds(&page, "</body></html>");
        CHECK_INT(extract_mem("big.html", page.s, page.len, NULL, &err), 0);
        CHECK(!has("script text"));
        CHECK_INT(count(": 中文 & boldtext."), 60000);
        CHECK(has("\nParagraph 59999: 中文 & boldtext."));
        pb_buf_release(&page);
    }
    /* a page-wide form (as some frameworks emit) keeps its content */
    {
        struct pb_buf page = PB_BUF_INIT;
        pb_buf_adds(&page, "<html><body><form id=main><div>");
        for (int i = 0; i < 40; i++)
            pb_buf_addf(&page, "<p>Paragraph %d of the procurement notice, with enough words to read.</p>", i);
        pb_buf_adds(&page, "</div></form></body></html>");
        CHECK_INT(extract_mem("aspx.html", page.s, page.len, NULL, &err), 0);
        CHECK(has("Paragraph 0 of the procurement notice"));
        CHECK(has("Paragraph 39 of the procurement notice"));
        pb_buf_release(&page);
    }
    /* a page read whole is parsed from memory, a larger one in pieces: the same text and
     * metadata either way (the large one is the small one after a comment of 1.2 MB) */
    {
        const char small[] =
            "<!DOCTYPE html><html lang=en><head><title>Two parsers</title><meta name=author content=\"A. B.\">"
            "<style>p{color:red}</style></head><body><nav><a href=/>Home</a></nav><article><h1>Head &amp; "
            "line</h1><p>One <b>bo</b>ld, caf&eacute; &#x4e2d;&#25991; <i>unclosed<p>Two&nbsp;&nbsp;spaces "
            "<!-- note --> after <br>break<table><tr><td>c1<td>c2</table><pre>  keep\n   this</pre>"
            "<script>var a = '<p>no</p>';</script><ul><li>i1<li>i2</ul><a href=\"x.html\">link</a></article>"
            "<footer>foot</footer></body></html>\n";
        struct pb_buf big = PB_BUF_INIT, text = PB_BUF_INIT, metas = PB_BUF_INIT;
        CHECK_INT(extract_mem("small.html", small, sizeof(small) - 1, NULL, &err), 0);
        pb_buf_add(&text, pb_buf_str(&D.text), D.text.len);
        pb_buf_add(&metas, pb_buf_str(&D.meta), D.meta.len);
        CHECK(has("Two spaces after"));
        pb_buf_adds(&big, "<!--");
        while (big.len < 1200000)
            pb_buf_adds(&big, " a comment to make the page larger than one read ");
        pb_buf_adds(&big, "-->");
        pb_buf_adds(&big, small);
        CHECK_INT(extract_mem("big.html", big.s, big.len, NULL, &err), 0);
        CHECK_STR(pb_buf_str(&D.text), pb_buf_str(&text));
        CHECK_STR(pb_buf_str(&D.meta), pb_buf_str(&metas));
        pb_buf_release(&big);
        pb_buf_release(&text);
        pb_buf_release(&metas);
    }
    /* a page cut inside its mark-up: the fragment at the end is not text */
    CHECK_INT(extract_mem("cut.html", "<p>text</p><", 12, NULL, &err), 0);
    CHECK_STR(pb_buf_str(&D.text), "text");
    CHECK_INT(extract_mem("cut.html", "<p>more text</p>&", 17, NULL, &err), 0);
    CHECK_STR(pb_buf_str(&D.text), "more text");
    /* HTML that claims another charset in a <meta> and is in GBK */
    {
        const char head[] = "<html><head><meta charset=\"gbk\"><title>";
        const char tail[] = "</title></head><body><p>text</p></body></html>";
        const char title[] = "\xd6\xd0\xce\xc4"; /* 中文 in GBK */
        struct pb_buf page = PB_BUF_INIT;
        pb_buf_adds(&page, head), pb_buf_adds(&page, title), pb_buf_adds(&page, tail);
        CHECK_INT(extract_mem("gbk.html", page.s, page.len, NULL, &err), 0);
        CHECK_STR(meta("title"), "中文");
        pb_buf_release(&page);
    }
}

static void test_eml(void)
{
    struct probity_error err;
    CHECK_INT(extract(fpath("mail.eml"), NULL, NULL, &err), 0);
    CHECK_STR(meta("mime"), "message/rfc822");
    CHECK_STR(meta("subject"), "合同通知 - contract notice");
    CHECK_STR(meta("title"), "合同通知 - contract notice");
    CHECK_STR(meta("from"), "Northwind Press Office <press@northwind.example>");
    CHECK_STR(meta("date"), "2021-05-04T07:30:00Z");
    CHECK_STR(meta("lang"), "en");
    CHECK_INT(kind_of("From: Northwind Press Office"), PB_BLOCK_HEADER);
    CHECK(has("Subject: 合同通知 - contract notice"));
    CHECK(has("signed a contract with the Harbor City Police Department for cloud storage. Café meeting"));
    CHECK(!has("HTML version")); /* the plain alternative is the body */
    CHECK_INT(D.nchild, 2);
    CHECK_STR(D.child_name[0], "annex-a.txt");
    CHECK_STR(D.child_mime[0], "text/plain");
    CHECK_STR(D.child_mime[1], "message/rfc822");
    /* the attachment and the inner message are documents of their own */
    {
        struct pb_buf att = PB_BUF_INIT;
        pb_buf_add(&att, D.child0.s, D.child0.len);
        CHECK_INT(extract_mem("annex-a.txt", att.s, att.len, NULL, &err), 0);
        CHECK(has("will operate the data centre for the Harbor City Police Department"));
        pb_buf_release(&att);
    }
    /* an e-mail named .txt is still an e-mail */
    {
        size_t n;
        char *raw = read_all(fpath("mail.eml"), &n);
        CHECK_INT(extract_mem("message.txt", raw, n, NULL, &err), 0);
        CHECK_STR(meta("mime"), "message/rfc822");
        free(raw);
    }
}

/* ---- office files built here ---- */

struct part {
    const char *name, *data;
};

static int build_zip(const char *path, const struct part *parts, size_t n)
{
    int zerr = 0;
    zip_t *z;
    unlink(path);
    if (!(z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, parts[i].data, strlen(parts[i].data), 0);
        zip_int64_t idx = zip_file_add(z, parts[i].name, s, ZIP_FL_OVERWRITE);
        if (idx < 0)
            return -1;
        if (strcmp(parts[i].name, "mimetype") == 0)
            zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    }
    return zip_close(z);
}

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" " \
             "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" " \
             "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\""

static const char docx_types[] =
    "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
static const char docx_rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"word/document.xml\"/></Relationships>";
static const char docx_doc_rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "hyperlink\" Target=\"https://example.org/contract\" TargetMode=\"External\"/></Relationships>";
static const char docx_styles[] =
    "<?xml version=\"1.0\"?><w:styles " W_NS "><w:style w:type=\"paragraph\" w:styleId=\"berschrift1\">"
    "<w:name w:val=\"heading 1\"/></w:style></w:styles>";
static const char docx_core[] =
    "<?xml version=\"1.0\"?><cp:coreProperties "
    "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">"
    "<dc:title>Data centre report</dc:title><dc:creator>Research Team</dc:creator>"
    "<dcterms:created>2021-05-04T09:30:00Z</dcterms:created><dc:language>en-GB</dc:language>"
    "</cp:coreProperties>";
static const char docx_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document " W_NS "><w:body>"
    "<w:p><w:pPr><w:pStyle w:val=\"berschrift1\"/><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
    "<w:r><w:t>Annual report</w:t></w:r></w:p>"
    "<w:p><w:r><w:t xml:space=\"preserve\">Northwind </w:t></w:r><w:r><w:t>Data</w:t><w:tab/><w:t>Systems</w:t>"
    "</w:r><w:del><w:r><w:delText>deleted words</w:delText></w:r></w:del>"
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>HYPERLINK field code</w:instrText></w:r>"
    "<w:r><w:t xml:space=\"preserve\"> signed </w:t></w:r>"
    "<w:hyperlink r:id=\"rId5\"><w:r><w:t>the contract</w:t></w:r></w:hyperlink><w:r><w:t>.</w:t></w:r></w:p>"
    "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:t>shape text</w:t></mc:Choice>"
    "<mc:Fallback><w:t>shape text</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/></w:numPr></w:pPr><w:r><w:t>First item</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell text</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "<w:p><w:r><w:br w:type=\"page\"/><w:lastRenderedPageBreak/><w:t>Second page text.</w:t></w:r></w:p>"
    "<w:p><w:r><w:lastRenderedPageBreak/><w:t>Third page text.</w:t></w:r></w:p>"
    "</w:body></w:document>";
static const char docx_notes[] =
    "<?xml version=\"1.0\"?><w:footnotes " W_NS ">"
    "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:t>SEPARATOR</w:t></w:r></w:p></w:footnote>"
    "<w:footnote w:id=\"1\"><w:p><w:r><w:t>Footnote text.</w:t></w:r></w:p></w:footnote></w:footnotes>";

static void test_docx(void)
{
    struct probity_error err;
    const struct part parts[] = {{"[Content_Types].xml", docx_types}, {"_rels/.rels", docx_rels},
                                 {"word/document.xml", docx_doc},     {"word/_rels/document.xml.rels", docx_doc_rels},
                                 {"word/styles.xml", docx_styles},    {"docProps/core.xml", docx_core},
                                 {"word/footnotes.xml", docx_notes}};
    const char *path = tpath("report.docx");
    CHECK_INT(build_zip(path, parts, sizeof(parts) / sizeof(parts[0])), 0);
    CHECK_INT(extract(path, NULL, NULL, &err), 0);
    CHECK_STR(meta("mime"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    CHECK_STR(meta("title"), "Data centre report");
    CHECK_STR(meta("author"), "Research Team");
    CHECK_STR(meta("created"), "2021-05-04T09:30:00Z");
    CHECK_STR(meta("lang"), "en");
    CHECK(has("Annual report\nNorthwind Data\tSystems signed the contract.\nshape text\nFirst item\nCell text"));
    CHECK(!has("deleted words") && !has("field code") && !has("SEPARATOR"));
    CHECK_INT(kind_of("Annual report"), PB_BLOCK_HEADING); /* style resolved through styles.xml */
    CHECK_INT(kind_of("First item"), PB_BLOCK_LIST_ITEM);
    CHECK_INT(kind_of("Cell text"), PB_BLOCK_TABLE_CELL);
    CHECK_INT(page_of("Cell text"), 1);
    CHECK_INT(page_of("Second page text."), 2); /* the rendered break after the page break is the same */
    CHECK_INT(page_of("Third page text."), 3);
    CHECK(has("Footnote text."));
    CHECK(strstr(pb_buf_str(&D.meta), "link=https://example.org/contract\tthe contract\n") != NULL);

    /* a DOCX named .txt, and one whose first entry says nothing: detected by content */
    {
        size_t n;
        char *raw = read_all(path, &n);
        CHECK_INT(extract_mem("report.txt", raw, n, NULL, &err), 0);
        CHECK(has("Annual report"));
        free(raw);
    }
    unlink(path);
}

static void test_zip_bombs(void)
{
    struct probity_error err;
    struct pb_extract_limits lim = PB_EXTRACT_LIMITS_DEFAULT;
    size_t big = 3u << 20, n;
    char *doc = malloc(big + 400), *raw;
    const char *path = tpath("bomb.docx");
    int off;
    off = snprintf(doc, 300, "<w:document %s><w:body><w:p><w:r><w:t>", W_NS);
    memset(doc + off, 'A', big);
    memcpy(doc + off + big, "</w:t></w:r></w:p></w:body></w:document>", 41);
    {
        const struct part parts[] = {{"[Content_Types].xml", docx_types}, {"word/document.xml", doc}};
        CHECK_INT(build_zip(path, parts, 2), 0);
    }
    /* the declared size is over the limit: refused before anything is inflated */
    lim.max_expanded_bytes = 1 << 20;
    CHECK_INT(extract(path, NULL, &lim, &err), PROBITY_EINVAL);
    CHECK(strstr(err.msg, "zip bomb") != NULL);
    CHECK(strstr(err.msg, "word/document.xml") != NULL);
    CHECK_INT(D.text.len, 0);
    /* within the limit it is a (strange) document */
    CHECK_INT(extract(path, NULL, NULL, &err), 0);
    /* an archive that lies about the size: the entry claims 100 bytes */
    raw = read_all(path, &n);
    for (size_t i = 0; i + 46 < n; i++) {
        if (memcmp(raw + i, "PK\1\2", 4) == 0 && memcmp(raw + i + 46, "word/document.xml", 17) == 0)
            memcpy(raw + i + 24, "\x64\0\0\0", 4);
        if (memcmp(raw + i, "PK\3\4", 4) == 0 && memcmp(raw + i + 30, "word/document.xml", 17) == 0)
            memcpy(raw + i + 22, "\x64\0\0\0", 4);
    }
    CHECK(extract_mem("liar.docx", raw, n, NULL, &err) < 0);
    CHECK(err.msg[0] != 0);
    free(raw);
    free(doc);
    unlink(path);
}

static const char odt_content[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
    "xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
    "<office:body><office:text>"
    "<text:tracked-changes><text:changed-region><text:deletion><text:p>removed text</text:p>"
    "</text:deletion></text:changed-region></text:tracked-changes>"
    "<text:h text:outline-level=\"1\">Project overview</text:h>"
    "<text:p>Northwind<text:s text:c=\"3\"/>Data<text:tab/>Systems<text:line-break/>built the lab"
    "<text:note text:note-class=\"footnote\"><text:note-citation>1</text:note-citation>"
    "<text:note-body><text:p>Note body text.</text:p></text:note-body></text:note> for the "
    "<text:a xlink:href=\"https://example.org/lab\">city bureau</text:a>."
    "<office:annotation><dc:creator>x</dc:creator><text:p>a comment</text:p></office:annotation></text:p>"
    "<text:list><text:list-item><text:p>List entry</text:p></text:list-item></text:list>"
    "<table:table><table:table-row><table:table-cell><text:p>Cell entry</text:p></table:table-cell>"
    "</table:table-row></table:table>"
    "<text:p><text:soft-page-break/>Later page.</text:p>"
    "</office:text></office:body></office:document-content>";
static const char odt_meta[] =
    "<?xml version=\"1.0\"?><office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
    "<office:meta><dc:title>Lab notes</dc:title><meta:initial-creator>Field Office</meta:initial-creator>"
    "<meta:creation-date>2020-01-02T03:04:05</meta:creation-date><dc:language>en-US</dc:language>"
    "</office:meta></office:document-meta>";

static void test_odt(void)
{
    struct probity_error err;
    const struct part parts[] = {{"mimetype", "application/vnd.oasis.opendocument.text"},
                                 {"content.xml", odt_content},
                                 {"meta.xml", odt_meta}};
    const char *path = tpath("notes.odt");
    CHECK_INT(build_zip(path, parts, 3), 0);
    CHECK_INT(extract(path, NULL, NULL, &err), 0);
    CHECK_STR(meta("mime"), "application/vnd.oasis.opendocument.text");
    CHECK_STR(meta("title"), "Lab notes");
    CHECK_STR(meta("author"), "Field Office");
    CHECK_STR(meta("created"), "2020-01-02T03:04:05Z");
    CHECK_STR(meta("lang"), "en");
    CHECK(has("Project overview\nNorthwind   Data\tSystems\nbuilt the lab for the city bureau."));
    CHECK(!has("removed text") && !has("a comment"));
    CHECK_INT(kind_of("Project overview"), PB_BLOCK_HEADING);
    CHECK_INT(kind_of("List entry"), PB_BLOCK_LIST_ITEM);
    CHECK_INT(kind_of("Cell entry"), PB_BLOCK_TABLE_CELL);
    CHECK_INT(page_of("Later page."), 2);
    CHECK(has("Later page.\nNote body text.")); /* notes follow the body */
    CHECK(strstr(pb_buf_str(&D.meta), "link=https://example.org/lab\tcity bureau\n") != NULL);
    unlink(path);
}

/* ---- hostile and broken input ---- */

static void test_bad_input(void)
{
    struct probity_error err;
    struct pb_extract_limits lim = PB_EXTRACT_LIMITS_DEFAULT;
    size_t n;
    char *pdf;

    CHECK_INT(extract(fpath("empty.txt"), NULL, NULL, &err), PROBITY_EEMPTY);
    CHECK(strstr(err.file, "empty.txt") != NULL);
    CHECK_INT(extract(fpath("binary.txt"), NULL, NULL, &err), PROBITY_EFORMAT);
    CHECK(strstr(err.msg, "binary") != NULL);
    CHECK_INT(extract(tpath("no-such-file.txt"), NULL, NULL, &err), PROBITY_EIO);
    CHECK_INT(extract(tmpdir, NULL, NULL, &err), PROBITY_EINVAL);
    CHECK_INT(extract_mem("blank.txt", " \n\n \t\n", 6, NULL, &err), PROBITY_EEMPTY);
    {
        const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        CHECK_INT(extract_mem("photo.txt", png, sizeof(png) - 1, NULL, &err), PROBITY_EFORMAT);
        CHECK(strstr(err.msg, "unsupported type (PNG image)") != NULL);
    }
    {   /* NUL bytes past the detection window */
        size_t big = 200000;
        char *t = malloc(big);
        memset(t, 'x', big);
        for (size_t i = 80; i < big; i += 81)
            t[i] = '\n';
        t[150000] = 0;
        CHECK_INT(extract_mem("late-nul.txt", t, big, NULL, &err), PROBITY_EFORMAT);
        CHECK(strstr(err.msg, "binary") != NULL);
        free(t);
    }

    /* a PDF named .txt is a PDF; cut in half it is a corrupt one, with poppler's reason */
    pdf = read_all(cpath("14_darpa_baa_15-58_medifor_cover.pdf"), &n);
    CHECK_INT(extract_mem("cover.txt", pdf, n, NULL, &err), 0);
    CHECK_STR(meta("mime"), "application/pdf");
    write_all(tpath("cut.pdf"), pdf, n / 2);
    {
        int before = 0, after = 0;
        DIR *d = opendir("/proc/self/fd");
        while (d && readdir(d))
            before++;
        if (d)
            closedir(d);
        for (int i = 0; i < 3; i++) {
            CHECK_INT(extract(tpath("cut.pdf"), NULL, NULL, &err), PROBITY_EPARSE);
            CHECK(strstr(err.msg, "PDF") != NULL);
        }
        d = opendir("/proc/self/fd");
        while (d && readdir(d))
            after++;
        if (d)
            closedir(d);
        CHECK_INT(after, before); /* no descriptor left open by a failed open */
    }
    unlink(tpath("cut.pdf"));
    free(pdf);

    /* an encrypted PDF (a user password we do not have) */
    {
        struct pb_buf b = PB_BUF_INIT;
        long off[5];
        long xref;
        const char *key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        pb_buf_adds(&b, "%PDF-1.4\n");
        off[1] = (long)b.len;
        pb_buf_adds(&b, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
        off[2] = (long)b.len;
        pb_buf_adds(&b, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
        off[3] = (long)b.len;
        pb_buf_adds(&b, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n");
        off[4] = (long)b.len;
        pb_buf_addf(&b, "4 0 obj << /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >> endobj\n", key, key);
        xref = (long)b.len;
        pb_buf_adds(&b, "xref\n0 5\n0000000000 65535 f \n");
        for (int i = 1; i <= 4; i++)
            pb_buf_addf(&b, "%010ld 00000 n \n", off[i]);
        pb_buf_addf(&b, "trailer << /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff>"
                        "<00112233445566778899aabbccddeeff>] >>\nstartxref\n%ld\n%%%%EOF\n",
                    xref);
        CHECK_INT(extract_mem("locked.pdf", b.s, b.len, NULL, &err), PROBITY_EINVAL);
        CHECK(strstr(err.msg, "encrypted") != NULL);
        pb_buf_release(&b);
    }

    /* limits: file size, time */
    lim.max_file_bytes = 1000;
    CHECK_INT(extract(cpath("08_state_cuba_restricted_list.html"), NULL, &lim, &err), PROBITY_EINVAL);
    CHECK(strstr(err.msg, "too large") != NULL);
    lim = (struct pb_extract_limits)PB_EXTRACT_LIMITS_DEFAULT;
    lim.max_seconds = 1e-9;
    CHECK_INT(extract(cpath("13_fr_2020-17221_faa_proposed_rules.pdf"), NULL, &lim, &err), PROBITY_EINVAL);
    CHECK(strstr(err.msg, "time limit") != NULL);

    /* a corrupt zip that says it is a DOCX */
    {
        const char fake[] = "PK\3\4 this is no archive at all, only its first four bytes";
        CHECK(extract_mem("broken.docx", fake, sizeof(fake) - 1, NULL, &err) < 0);
    }
    /* malformed XML is reported with its line */
    {
        const char xml[] = "<?xml version=\"1.0\"?>\n<NOTICE>\n<P>one</P>\n<P>two</Q>\n</NOTICE>\n";
        CHECK_INT(extract_mem("bad.xml", xml, sizeof(xml) - 1, NULL, &err), PROBITY_EPARSE);
        CHECK_INT(err.line, 4);
    }
}

static void test_detect(void)
{
    CHECK_INT(pb_doc_detect("a.txt", "%PDF-1.7\n", 9), PB_DOC_PDF);
    {
        /* the header anywhere in the first KiB, after other '%' signs; not past it */
        char head[1100];
        memset(head, '%', sizeof(head));
        memcpy(head + 1019, "%PDF-", 5);
        CHECK_INT(pb_doc_pdf_header(head, sizeof(head)), 1);
        CHECK_INT(pb_doc_pdf_header(head, 1023), 0);
        memcpy(head + 1019, "%%%%%", 5);
        memcpy(head + 1020, "%PDF-", 5);
        CHECK_INT(pb_doc_pdf_header(head, sizeof(head)), 0);
        memcpy(head, "%PDF-", 5);
        CHECK_INT(pb_doc_pdf_header(head, 5), 1);
        CHECK_INT(pb_doc_pdf_header(head, 4), 0);
        CHECK_INT(pb_doc_pdf_header("x%PD", 4), 0);
    }
    CHECK_INT(pb_doc_detect("a.bin", "<!DOCTYPE html><p>x", 19), PB_DOC_HTML);
    CHECK_INT(pb_doc_detect("page", "  <div>hello</div>", 18), PB_DOC_HTML);
    CHECK_INT(pb_doc_detect("x.xml", "<?xml version=\"1.0\"?><RULE/>", 28), PB_DOC_XML);
    CHECK_INT(pb_doc_detect("x", "<NOTICE><P>a</P></NOTICE>", 25), PB_DOC_XML);
    CHECK_INT(pb_doc_detect("x.txt", "<b>not markup in a text file", 28), PB_DOC_TEXT);
    CHECK_INT(pb_doc_detect("x.md", "# Title\n", 8), PB_DOC_MARKDOWN);
    CHECK_INT(pb_doc_detect("x", "From: a@b.c\nTo: d@e.f\nSubject: s\n\nbody", 38), PB_DOC_EML);
    CHECK_INT(pb_doc_detect("x", "Date: today\nNote: this is a memo\n", 33), PB_DOC_TEXT);
    CHECK_INT(pb_doc_detect("x.txt", "\xff\xd8\xff\xe0", 4), PB_DOC_UNKNOWN);
    CHECK_STR(pb_doc_type_name(PB_DOC_DOCX), "docx");
    CHECK_STR(pb_doc_type_name(PB_DOC_EML), "eml");
}

int main(void)
{
    const char *shared = check_shared();
    const char *src = getenv("PROBITY_SOURCE");
    snprintf(corpus, sizeof(corpus), "%s/corpus", shared);
    snprintf(fixtures, sizeof(fixtures), "%s/tests/data/docs", src ? src : ".");
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/pb-test-extract-%d", (int)getpid());
    mkdir(tmpdir, 0700);
    test_detect();
    test_corpus_all();
    test_gold_quotes();
    test_corpus_details();
    test_encodings();
    test_text_layout();
    test_html_fixture();
    test_eml();
    test_docx();
    test_zip_bombs();
    test_odt();
    test_bad_input();
    doc_reset(&D);
    rmdir(tmpdir);
    return check_done();
}
