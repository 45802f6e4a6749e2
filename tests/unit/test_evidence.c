/* Evidence: sentences in English and Chinese, mentions from the gazetteer and from the
 * rules, cue direction, quotes that are exact substrings, and the store round trip
 * (extract, review, re-extract) on two small documents written to a temporary folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "probity/docs.h"
#include "probity/evidence.h"
#include "text/sentences.h"

/* ---- sentences ---- */

struct sents {
    const char *text;
    char got[8][256];
    int n;
};

static int on_sentence(void *ctx, size_t s, size_t e)
{
    struct sents *x = ctx;
    if (x->n < 8)
        snprintf(x->got[x->n++], 256, "%.*s", (int)(e - s), x->text + s);
    return 0;
}

static void test_sentences(void)
{
    struct sents x;
    memset(&x, 0, sizeof(x));
    x.text = "Huawei supplied cameras to the bureau. It was paid in 2019.\nA new line starts here.";
    CHECK_INT(pb_sentences(x.text, strlen(x.text), on_sentence, &x), 0);
    CHECK_INT(x.n, 3);
    CHECK_STR(x.got[0], "Huawei supplied cameras to the bureau.");
    CHECK_STR(x.got[1], "It was paid in 2019.");
    CHECK_STR(x.got[2], "A new line starts here.");
    memset(&x, 0, sizeof(x));
    x.text = "On July 18, 2017, the U.S. Department of State designated it pursuant to E.O. 13382. "
             "Hikvision Co. Ltd. is here.";
    CHECK_INT(pb_sentences(x.text, strlen(x.text), on_sentence, &x), 0);
    CHECK_INT(x.n, 2);
    CHECK_STR(x.got[0], "On July 18, 2017, the U.S. Department of State designated it pursuant to E.O. 13382.");
    CHECK_STR(x.got[1], "Hikvision Co. Ltd. is here.");
    memset(&x, 0, sizeof(x));
    x.text = "海康威视公司为阿克苏地区公安局提供监控系统。双方签署战略合作协议！";
    CHECK_INT(pb_sentences(x.text, strlen(x.text), on_sentence, &x), 0);
    CHECK_INT(x.n, 2);
    CHECK_STR(x.got[0], "海康威视公司为阿克苏地区公安局提供监控系统。");
    CHECK_STR(x.got[1], "双方签署战略合作协议！");
}

/* ---- analysis ---- */

struct seen {
    const char *text;
    char men[32][160];
    char how[32][8];
    int nm;
    char links[16][400];
    int nl;
    int exact;      /* every quote and mention lies inside the text */
};

static int on_m(void *ctx, const struct probity_mention *m)
{
    struct seen *s = ctx;
    if (m->end > strlen(s->text) || m->start >= m->end)
        s->exact = 0;
    if (s->nm < 32) {
        snprintf(s->men[s->nm], 160, "%.*s=%s", (int)(m->end - m->start), s->text + m->start,
                 m->entity ? m->entity : m->name);
        snprintf(s->how[s->nm], 8, "%s", m->how);
        s->nm++;
    }
    return 0;
}

static int on_l(void *ctx, const struct probity_found_link *l)
{
    struct seen *s = ctx;
    /* a sentence holds both ends; a list item or a form line holds at least one (the list's
     * name or the other field stands elsewhere on the page) */
    int subj_in = l->subject->start >= l->start && l->subject->end <= l->end;
    int obj_in = l->object->start >= l->start && l->object->end <= l->end;
    if (l->end > strlen(s->text) || l->start >= l->end || (!subj_in && !obj_in))
        s->exact = 0;
    if (s->nl < 16)
        snprintf(s->links[s->nl++], 400, "%s|%s|%s|%.*s", l->subject->name, l->type, l->object->name,
                 (int)(l->end - l->start), s->text + l->start);
    return 0;
}

static void analyse(const struct probity_gazetteer *g, const char *text, struct seen *s)
{
    memset(s, 0, sizeof(*s));
    s->text = text;
    s->exact = 1;
    CHECK_INT(probity_analyse(g, text, strlen(text), on_m, on_l, s), 0);
    CHECK(s->exact);
}

static int has(char (*v)[400], int n, const char *want)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v[i], want) == 0)
            return 1;
    fprintf(stderr, "  wanted: %s\n", want);
    for (int i = 0; i < n; i++)
        fprintf(stderr, "  have:   %s\n", v[i]);
    return 0;
}

static int has_m(struct seen *s, const char *want)
{
    for (int i = 0; i < s->nm; i++)
        if (strcmp(s->men[i], want) == 0)
            return 1;
    fprintf(stderr, "  wanted mention: %s\n", want);
    for (int i = 0; i < s->nm; i++)
        fprintf(stderr, "  have:   %s (%s)\n", s->men[i], s->how[i]);
    return 0;
}

static void test_mentions_and_links(void)
{
    struct probity_gazetteer *g = NULL;
    struct seen s;
    CHECK_INT(probity_gazetteer_new(&g), 0);
    CHECK_INT(probity_gazetteer_add(g, "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.", "x-hik", "Company",
                                    "Hikvision"), 0);
    CHECK_INT(probity_gazetteer_add(g, "Megvii", "x-megvii", "Company", "Megvii"), 0);
    CHECK_INT(probity_gazetteer_add(g, "Limited", "x-generic", "Company", "Limited"), 0); /* ignored */
    CHECK_INT((long)probity_gazetteer_size(g), 2);

    /* list names, case and punctuation aside; a legal form alone is never a name */
    analyse(g, "Hangzhou Hikvision Digital Technology Co., Ltd. supplied cameras to the Urumqi Public Security "
               "Bureau.", &s);
    CHECK(has_m(&s, "Hangzhou Hikvision Digital Technology Co., Ltd=x-hik"));
    CHECK(has_m(&s, "Urumqi Public Security Bureau=Urumqi Public Security Bureau"));
    CHECK(has(s.links, s.nl, "Hangzhou Hikvision Digital Technology Co., Ltd.|supplies|Urumqi Public Security "
                             "Bureau|Hangzhou Hikvision Digital "
                             "Technology Co., Ltd. supplied cameras to the Urumqi Public Security Bureau."));

    /* direction from the cue: Y procured from X means X supplies Y */
    analyse(g, "The Kashgar Prefecture Police Department procured servers from Acme Data Systems Ltd. in 2018.", &s);
    CHECK(has(s.links, s.nl, "Acme Data Systems Ltd.|supplies|Kashgar Prefecture Police Department|The Kashgar "
                             "Prefecture Police Department procured servers from Acme Data Systems Ltd. in 2018."));

    /* ownership and parenthesised short names defined by the text */
    analyse(g, "Pishgam Electronic Safeh Company (PESC) is a firm in Tehran. PESC is a subsidiary of Iran "
               "Electronics Industries.", &s);
    CHECK(has_m(&s, "PESC=Pishgam Electronic Safeh Company"));
    CHECK(has(s.links, s.nl, "Pishgam Electronic Safeh Company|subsidiary_of|Iran Electronics Industries|PESC "
                             "is a subsidiary of Iran Electronics Industries."));

    /* a one-word company before a cue verb; a person's name is not one */
    analyse(g, "Zhang Wei visited the site. Megvii provided software to the Xinjiang Public Security "
               "Department. Zhang supplied nothing to the Xinjiang Public Security Department.", &s);
    CHECK(has(s.links, s.nl, "Megvii|supplies|Xinjiang Public Security Department|Megvii provided software to "
                             "the Xinjiang Public Security Department."));
    for (int i = 0; i < s.nl; i++)
        CHECK(strncmp(s.links[i], "Zhang", 5) != 0);

    /* a passive designation shares its subjects and names the body that designated them */
    analyse(g, "Today, the Office of Foreign Assets Control (OFAC) acted. Alpha Trading LLC and Beta "
               "Shipping Co are being designated pursuant to E.O. 13382.", &s);
    CHECK(has(s.links, s.nl, "Alpha Trading LLC|designated_by|Office of Foreign Assets Control|Alpha Trading LLC "
                             "and Beta Shipping Co are being designated pursuant to E.O. 13382."));
    CHECK(has(s.links, s.nl, "Beta Shipping Co|designated_by|Office of Foreign Assets Control|Alpha Trading LLC "
                             "and Beta Shipping Co are being designated pursuant to E.O. 13382."));

    /* Chinese: organisation heads, places, cues and direction */
    analyse(g, "新疆维吾尔自治区公安厅委托深圳市星辰科技有限公司建设视频监控系统。", &s);
    CHECK(has_m(&s, "深圳市星辰科技有限公司=深圳市星辰科技有限公司"));
    CHECK(has(s.links, s.nl, "深圳市星辰科技有限公司|supplies|新疆维吾尔自治区公安厅|新疆维吾尔自治区公安厅委托"
                             "深圳市星辰科技有限公司建设视频监控系统。"));
    analyse(g, "工业和信息化部与安徽省政府签署合作备忘录。", &s);
    CHECK(has(s.links, s.nl, "工业和信息化部|partnership|安徽省政府|工业和信息化部与安徽省政府签署合作备忘录。"));
    analyse(g, "商务部决定将甲乙导弹与防务公司、丙丁航空公司列入不可靠实体清单。", &s);
    CHECK(has_m(&s, "甲乙导弹与防务公司=甲乙导弹与防务公司"));
    CHECK(has(s.links, s.nl, "丙丁航空公司|designated_by|商务部|商务部决定将甲乙导弹与防务公司、丙丁航空公司"
                             "列入不可靠实体清单。"));
    CHECK(has(s.links, s.nl, "甲乙导弹与防务公司|designated_by|商务部|商务部决定将甲乙导弹与防务公司、丙丁航空公司"
                             "列入不可靠实体清单。"));

    /* no organisation, no link; ordinary words are not bodies */
    analyse(g, "The weather was fine and everything was supplied on time. 全部内容已经布局完成。", &s);
    CHECK_INT(s.nl, 0);
    CHECK_INT(s.nm, 0);
    probity_gazetteer_free(g);
}

/* Links stated by layout: a list announced by a heading, its items one per line; table
 * cells naming the party; a heading over the parts of an item; form fields. */
static void test_layout(void)
{
    struct seen s;
    /* a restrictive list: every item that is an organisation, the quote is the item */
    analyse(NULL, "Consolidated Restricted Entities List\nThe entities below are restricted.\n"
                  "Ministries\nAlpha Trading LLC\nBeta Shipping Co\nGamma Hotel Resort\n"
                  "Additional Subentities of Beta Shipping Co\nDelta Logistics Ltd.\n", &s);
    CHECK(has(s.links, s.nl, "Alpha Trading LLC|designated_by|Consolidated Restricted Entities List|Alpha Trading LLC"));
    CHECK(has(s.links, s.nl, "Beta Shipping Co|designated_by|Consolidated Restricted Entities List|Beta Shipping Co"));
    CHECK(has(s.links, s.nl, "Delta Logistics Ltd.|subsidiary_of|Beta Shipping Co|Delta Logistics Ltd."));
    CHECK_INT(s.nl, 3);
    /* a table whose cells name the producer */
    analyse(NULL, "Covered Equipment\nDate of Inclusion on Covered List\n"
                  "Telecommunications equipment produced by Omega Networks Corporation, including services.\n"
                  "March 12, 2021\n", &s);
    CHECK(has(s.links, s.nl, "Omega Networks Corporation|designated_by|Covered List|Telecommunications equipment "
                             "produced by Omega Networks Corporation, including services."));
    /* a list that designates nothing: no link */
    analyse(NULL, "Minimum Equipment List\nPilatus Aircraft Ltd.\nFederal Aviation Administration\n", &s);
    CHECK_INT(s.nl, 0);
    /* form fields: the source of supply supplies the body it is mandatory for */
    analyse(NULL, "Service Type: Custodial Service\nMandatory for: Defense Commissary Agency, Fort Lee, VA.\n"
                  "Mandatory Source(s) of Supply: Alphapointe, Kansas City, MO.\n"
                  "Contracting Activity: Defense Logistics Agency.\n", &s);
    CHECK(has(s.links, s.nl, "Alphapointe|supplies|Defense Commissary Agency|Mandatory Source(s) of Supply: "
                             "Alphapointe, Kansas City, MO."));
    CHECK_INT(s.nl, 1);
    /* a relative clause carries a series (with a person in it) to a later passive verb */
    analyse(NULL, "OFAC is designating Alpha Trading LLC, John Smith, and Beta Shipping Co, which are three targets "
                  "previously designated by the Government of Canada on October 31, 2023.", &s);
    CHECK(has(s.links, s.nl, "Alpha Trading LLC|designated_by|Government of Canada|OFAC is designating Alpha "
                             "Trading LLC, John Smith, and Beta Shipping Co, which are three targets previously "
                             "designated by the Government of Canada on October 31, 2023."));
    CHECK(has(s.links, s.nl, "Beta Shipping Co|designated_by|Government of Canada|OFAC is designating Alpha "
                             "Trading LLC, John Smith, and Beta Shipping Co, which are three targets previously "
                             "designated by the Government of Canada on October 31, 2023."));
    /* Chinese: names listed one per line under an announcement, designated by the issuer */
    analyse(NULL, "商务部公告\n商务部决定将下列实体列入不可靠实体清单：\n1. 甲乙导弹与防务公司\n"
                  "2. 丙丁航空公司（Bingding Aviation）\n商务部\n", &s);
    CHECK(has(s.links, s.nl, "甲乙导弹与防务公司|designated_by|商务部|1. 甲乙导弹与防务公司"));
    CHECK(has(s.links, s.nl, "丙丁航空公司|designated_by|商务部|2. 丙丁航空公司（Bingding Aviation）"));
    /* a hyphenated cue and a parenthesised word inside a company's name */
    analyse(NULL, "Pacific Networks Corp and its wholly-owned subsidiary ComNet (USA) LLC provide services.", &s);
    CHECK(has(s.links, s.nl, "ComNet (USA) LLC|subsidiary_of|Pacific Networks Corp|Pacific Networks Corp and its "
                             "wholly-owned subsidiary ComNet (USA) LLC provide services."));
}

/* ---- store round trip ---- */

struct quotes {
    struct probity_store *st;
    int n, exact;
    char first[128];
    char status[16];
};

static int on_link(void *ctx, const struct probity_link *l)
{
    struct quotes *q = ctx;
    char *text = NULL;
    int page = 0;
    struct probity_error err;
    probity_error_clear(&err);
    if (probity_doc_quote(q->st, l->doc, l->start, l->end, &text, &page, &err) || strcmp(text, l->quote) ||
        page != l->page)
        q->exact = 0;
    free(text);
    if (!q->n) {
        snprintf(q->first, sizeof(q->first), "%s", l->id);
        snprintf(q->status, sizeof(q->status), "%s", l->status);
    }
    q->n++;
    return 0;
}

static int status_of(void *ctx, const struct probity_link *l)
{
    struct quotes *q = ctx;
    if (strcmp(l->id, q->first) == 0)
        snprintf(q->status, sizeof(q->status), "%s", l->status);
    return 0;
}

/* Remove a store's file with its WAL and shared-memory files. */
static void remove_store(const char *db)
{
    char side[600];
    unlink(db);
    snprintf(side, sizeof(side), "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", db);
    unlink(side);
}

/* Open a store at db, ingest the `files` files of dir and extract their links; the links
 * are read back into q (each quote exactly at its offsets). */
static struct probity_store *ingest_extract(const char *dir, const char *db, long files,
                                            struct probity_extract_summary *sum, struct quotes *q)
{
    struct probity_store *st = NULL;
    struct probity_error err;
    struct probity_ingest_summary isum;
    const char *paths[1] = {dir};
    probity_error_clear(&err);
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    CHECK_INT(probity_ingest(st, paths, 1, NULL, &isum, &err), 0);
    CHECK_INT(isum.ok, files);
    CHECK_INT(probity_extract(st, NULL, sum, &err), 0);
    CHECK_INT(sum->documents, files);
    memset(q, 0, sizeof(*q));
    q->st = st;
    q->exact = 1;
    CHECK_INT(probity_links(st, NULL, on_link, q, &err), 0);
    CHECK_INT(q->n, sum->links);
    CHECK(q->exact);
    return st;
}

static void test_store(void)
{
    char dir[] = "/tmp/probity-evidence-XXXXXX", db[512], f1[512], f2[512];
    struct probity_store *st;
    struct probity_error err;
    struct probity_extract_summary sum;
    struct quotes q;
    FILE *fp;
    probity_error_clear(&err);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(db, sizeof(db), "%s/e.db", dir);
    snprintf(f1, sizeof(f1), "%s/a.txt", dir);
    snprintf(f2, sizeof(f2), "%s/b.txt", dir);
    fp = fopen(f1, "w");
    fputs("Ürümqi — a report.\nHangzhou Hikvision Digital Technology Co., Ltd. (Hikvision) supplied cameras to the "
          "Aksu Prefecture Public Security Bureau. Later Hikvision won a contract from the Kashgar Prefecture "
          "Public Security Bureau.\n", fp);
    fclose(fp);
    fp = fopen(f2, "w");
    fputs("阿克苏地区公安局与杭州海康威视数字技术股份有限公司签署战略合作协议。\n", fp);
    fclose(fp);
    st = ingest_extract(dir, db, 2, &sum, &q);
    CHECK(sum.links >= 3);
    CHECK_STR(q.status, "pending");
    /* a review survives re-extraction */
    CHECK_INT(probity_link_review(st, q.first, "accepted", "checked", &err), 0);
    CHECK_INT(probity_link_review(st, "lnk-0000000000000000", "accepted", NULL, &err), PROBITY_ENOTFOUND);
    CHECK_INT(probity_link_review(st, q.first, "maybe", NULL, &err), PROBITY_EINVAL);
    CHECK_INT(probity_extract(st, NULL, &sum, &err), 0);
    CHECK_INT(probity_links(st, NULL, status_of, &q, &err), 0);
    CHECK_STR(q.status, "accepted");
    /* the same organisation in two documents is one entity */
    {
        char id[256], id2[256];
        CHECK_INT(probity_evidence_resolve(st, "Aksu Prefecture Public Security Bureau", id, sizeof(id), &err), 0);
        CHECK_INT(probity_evidence_resolve(st, id, id2, sizeof(id2), &err), 0);
        CHECK_STR(id2, id);
        fp = tmpfile();
        CHECK_INT(probity_dossier(st, id, PROBITY_DOSSIER_MD, fp, &err), 0);
        CHECK(ftell(fp) > 100);
        fclose(fp);
    }
    probity_store_close(st);
    unlink(f1);
    unlink(f2);
    remove_store(db);
    rmdir(dir);
}

/* A document larger than the analysis window: links on both sides of a cut are found, at
 * their exact offsets. */
static void test_big_document(void)
{
    char dir[] = "/tmp/probity-evidence-big-XXXXXX", db[512], f1[512];
    static const char link[] = "Hangzhou Hikvision Digital Technology Co., Ltd. supplied cameras to the Aksu "
                               "Prefecture Public Security Bureau.\n\n";
    struct probity_store *st;
    struct probity_extract_summary sum;
    struct quotes q;
    FILE *fp;
    size_t written = 0;
    int mid = 0;
    CHECK(mkdtemp(dir) != NULL);
    snprintf(db, sizeof(db), "%s/e.db", dir);
    snprintf(f1, sizeof(f1), "%s/big.txt", dir);
    fp = fopen(f1, "w");
    fputs(link, fp);
    /* 4.6 MB of plain paragraphs, with the same statement again past the first window */
    while (written < (size_t)4600 << 10) {
        written += (size_t)fprintf(fp, "Paragraph %zu of a long report that names no party at all.\n\n", written);
        if (!mid && written > (size_t)4400 << 10) {
            fputs(link, fp);
            mid = 1;
        }
    }
    fputs(link, fp);
    fclose(fp);
    st = ingest_extract(dir, db, 1, &sum, &q);
    CHECK_INT(sum.links, 3);
    probity_store_close(st);
    unlink(f1);
    remove_store(db);
    rmdir(dir);
}

int main(void)
{
    test_sentences();
    test_mentions_and_links();
    test_layout();
    test_store();
    test_big_document();
    return check_done();
}
