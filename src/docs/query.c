/* The query language (see query.h): a hand-written lexer and recursive-descent parser
 * that report the column of every mistake, the FTS5 expression built from the tree, and
 * the exact check of a candidate passage.
 *
 * FTS5 finds candidates by tokens alone. An exact phrase must also have, between its
 * words, the same punctuation as the query (white space of any kind counts as one space,
 * and nothing between Chinese characters), so "public security bureau" does not match
 * "public security, bureau" and "Co., Ltd" matches "Co.,Ltd". Punctuation before the
 * first or after the last word of a phrase is not compared. A bare word that the
 * tokenizer cuts in several tokens (U.S., e-mail, 华为) only needs them adjacent. */
#include <stdlib.h>
#include <string.h>
#include "docs/query.h"

#define MAX_DEPTH 32
#define MAX_TERMS 256
#define VERBATIM "\xee\x80\x81" /* U+E001: tokens follow, already normalised (see store/docs.c) */

enum qkind { Q_TERM, Q_AND, Q_OR, Q_NOT };

struct qnode {
    enum qkind kind;
    long col;
    /* terms */
    char **tok;          /* normalised tokens */
    unsigned char *cjk;  /* per token */
    char **sep;          /* exact phrases: folded text between token i and i+1 */
    size_t ntok;
    int exact, prefix;
    char *boost;         /* the whole Chinese word, indexed beside its characters */
    /* operators */
    struct qnode **kid;
    size_t nkid;
    /* evaluation */
    int hit;
};

struct pb_query {
    struct qnode *root;
    struct pb_buf fts;
    const char *filt[3][16];
    size_t filtoff[3][16];
    size_t nfilt[3];
    struct pb_buf filtbuf;     /* filter values */
    char *filtstore;
    /* tokens of the passage being checked */
    struct pb_buf norm;
    size_t *toff, *tstart, *tend;
    unsigned char *tcjk;
    size_t ntoks, tcap;
    struct pb_buf fold;
    size_t nterms;
    /* NOT at the top level: document-wide exclusions */
    struct qnode *excl[16];
    struct pb_buf exfts[16];
    size_t nexcl;
};

/* ---- lexer ---- */

enum lex { L_END, L_WORD, L_PHRASE, L_LPAREN, L_RPAREN, L_AND, L_OR, L_NOT, L_FILTER };

struct parser {
    const char *q;
    size_t pos, len;
    /* current lexeme */
    enum lex kind;
    size_t start, end;   /* text of a word or phrase (without quotes and '*') */
    size_t at;           /* where the lexeme begins */
    int prefix, fkind;
    struct pb_query *out;
    struct pb_segmenter *sg;
    struct probity_error *err;
    int depth, top_or, top_filter;
    long top_filter_col;
};

static long column(const struct parser *p, size_t byte)
{
    long c = 1;
    for (size_t i = 0; i < byte && i < p->len; i++)
        c += ((unsigned char)p->q[i] & 0xC0) != 0x80;
    return c;
}

static int fail(struct parser *p, size_t at, const char *fmt, const char *arg)
{
    long col = column(p, at);
    char msg[300];
    snprintf(msg, sizeof(msg), fmt, arg ? arg : "");
    return pb__err(p->err, PROBITY_EPARSE, "query", 1, col, "%s (column %ld)", msg, col);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int word_end(char c)
{
    return is_space(c) || c == '(' || c == ')' || c == '"';
}

static const char *const filter_keys[3] = {"collection", "lang", "type"};

/* Read the next lexeme into p. */
static int lex(struct parser *p)
{
    const char *q = p->q;
    while (p->pos < p->len && is_space(q[p->pos]))
        p->pos++;
    p->at = p->pos;
    p->prefix = 0;
    if (p->pos >= p->len) {
        p->kind = L_END;
        return 0;
    }
    switch (q[p->pos]) {
    case '(':
        p->pos++;
        p->kind = L_LPAREN;
        return 0;
    case ')':
        p->pos++;
        p->kind = L_RPAREN;
        return 0;
    case '"': {
        const char *close = memchr(q + p->pos + 1, '"', p->len - p->pos - 1);
        if (!close)
            return fail(p, p->at, "unterminated phrase: the quote here has no closing quote%s", NULL);
        p->kind = L_PHRASE;
        p->start = p->pos + 1;
        p->end = (size_t)(close - q);
        p->pos = p->end + 1;
        if (p->pos < p->len && q[p->pos] == '*') {
            p->prefix = 1;
            p->pos++;
        }
        return 0;
    }
    case '-':
        if (p->pos + 1 < p->len && !is_space(q[p->pos + 1]) && q[p->pos + 1] != ')' && q[p->pos + 1] != '-') {
            p->pos++;
            p->kind = L_NOT;
            return 0;
        }
        break;
    default:
        break;
    }
    p->start = p->pos;
    while (p->pos < p->len && !word_end(q[p->pos]))
        p->pos++;
    p->end = p->pos;
    if (p->end - p->start == 3 && memcmp(q + p->start, "AND", 3) == 0)
        p->kind = L_AND;
    else if (p->end - p->start == 2 && memcmp(q + p->start, "OR", 2) == 0)
        p->kind = L_OR;
    else if (p->end - p->start == 3 && memcmp(q + p->start, "NOT", 3) == 0)
        p->kind = L_NOT;
    else {
        const char *colon = memchr(q + p->start, ':', p->end - p->start);
        p->kind = L_WORD;
        if (colon) {
            size_t klen = (size_t)(colon - (q + p->start));
            for (int k = 0; k < 3; k++)
                if (klen == strlen(filter_keys[k]) && strncmp(q + p->start, filter_keys[k], klen) == 0) {
                    p->kind = L_FILTER;
                    p->fkind = k;
                    p->start = (size_t)(colon - q) + 1;
                    /* a quoted value: type:"..." */
                    if (p->start == p->end && p->pos < p->len && q[p->pos] == '"') {
                        const char *close = memchr(q + p->pos + 1, '"', p->len - p->pos - 1);
                        if (!close)
                            return fail(p, p->pos, "unterminated quoted value%s", NULL);
                        p->start = p->pos + 1;
                        p->end = (size_t)(close - q);
                        p->pos = p->end + 1;
                    }
                    if (p->start == p->end)
                        return fail(p, p->at, "the filter %s: needs a value", filter_keys[k]);
                }
        }
        if (p->kind == L_WORD) {
            while (p->end > p->start && q[p->end - 1] == '*') {
                p->end--;
                p->prefix = 1;
            }
            if (p->end == p->start)
                return fail(p, p->at, "'*' must follow a word%s", NULL);
        }
    }
    return 0;
}

/* ---- tree ---- */

static void node_free(struct qnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->ntok; i++) {
        free(n->tok[i]);
        if (n->sep && i + 1 < n->ntok)
            free(n->sep[i]);
    }
    free(n->tok);
    free(n->sep);
    free(n->cjk);
    free(n->boost);
    for (size_t i = 0; i < n->nkid; i++)
        node_free(n->kid[i]);
    free(n->kid);
    free(n);
}

static struct qnode *node_new(enum qkind kind, long col)
{
    struct qnode *n = calloc(1, sizeof(*n));
    if (n) {
        n->kind = kind;
        n->col = col;
    }
    return n;
}

static int node_add(struct qnode *n, struct qnode *kid)
{
    struct qnode **v = realloc(n->kid, (n->nkid + 1) * sizeof(*v));
    if (!v)
        return PROBITY_ENOMEM;
    n->kid = v;
    n->kid[n->nkid++] = kid;
    return 0;
}

struct tokvec {
    struct qnode *n;
    size_t *start, *end;
    size_t cap;
    char *word;        /* a PB_TOKEN_WORD seen */
    size_t wstart, wend;
    int words;
};

static int collect_tok(void *ctx, const struct pb_token *t)
{
    struct tokvec *v = ctx;
    struct qnode *n = v->n;
    if (t->flags & PB_TOKEN_WORD) {
        v->words++;
        if (!v->word) {
            if (!(v->word = pb_strndup(t->norm, t->len)))
                return PROBITY_ENOMEM;
            v->wstart = t->start;
            v->wend = t->end;
        }
        return 0;
    }
    if (n->ntok == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        char **tok = realloc(n->tok, cap * sizeof(char *));
        unsigned char *cjk;
        size_t *s, *e;
        if (!tok)
            return PROBITY_ENOMEM;
        n->tok = tok;
        if (!(cjk = realloc(n->cjk, cap)))
            return PROBITY_ENOMEM;
        n->cjk = cjk;
        if (!(s = realloc(v->start, cap * sizeof(size_t))))
            return PROBITY_ENOMEM;
        v->start = s;
        if (!(e = realloc(v->end, cap * sizeof(size_t))))
            return PROBITY_ENOMEM;
        v->end = e;
        v->cap = cap;
    }
    if (!(n->tok[n->ntok] = pb_strndup(t->norm, t->len)))
        return PROBITY_ENOMEM;
    n->cjk[n->ntok] = (t->flags & PB_TOKEN_CJK) != 0;
    v->start[n->ntok] = t->start;
    v->end[n->ntok] = t->end;
    n->ntok++;
    return 0;
}

/* A word or phrase from the lexer as a term; *out NULL when it holds no token. */
static int make_term(struct parser *p, int exact, struct qnode **out)
{
    struct qnode *n = node_new(Q_TERM, column(p, p->at));
    struct tokvec v;
    int rc;
    *out = NULL;
    memset(&v, 0, sizeof(v));
    if (!n)
        return pb__err(p->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    v.n = n;
    n->exact = exact;
    n->prefix = p->prefix;
    if ((rc = pb_segment(p->sg, p->q + p->start, p->end - p->start, PB_SEG_WORDS, collect_tok, &v)))
        goto fail;
    if (n->ntok == 0) {
        if (exact) {
            rc = fail(p, p->at, "empty phrase: nothing to search for between the quotes%s", NULL);
            goto fail;
        }
        node_free(n);
        free(v.start);
        free(v.end);
        free(v.word);
        return 0;
    }
    /* one Chinese word written alone: also look for it as a dictionary word (ranking) */
    if (v.words == 1 && n->ntok >= 2 && v.wstart == v.start[0] && v.wend == v.end[n->ntok - 1] && !n->prefix) {
        n->boost = v.word;
        v.word = NULL;
    }
    if (exact && n->ntok > 1) {
        if (!(n->sep = calloc(n->ntok, sizeof(char *)))) {
            rc = PROBITY_ENOMEM;
            goto fail;
        }
        for (size_t i = 0; i + 1 < n->ntok; i++) {
            struct pb_buf b = PB_BUF_INIT;
            if ((rc = pb_fold_separator(p->q + p->start + v.end[i], v.start[i + 1] - v.end[i],
                                        n->cjk[i] || n->cjk[i + 1], &b))) {
                pb_buf_release(&b);
                goto fail;
            }
            n->sep[i] = b.s ? b.s : pb_strdup("");
            if (!n->sep[i]) {
                rc = PROBITY_ENOMEM;
                goto fail;
            }
        }
    }
    free(v.start);
    free(v.end);
    free(v.word);
    if (++p->out->nterms > MAX_TERMS) {
        node_free(n);
        return fail(p, p->at, "too many words in the query (at most %s)", "256");
    }
    *out = n;
    return 0;
fail:
    free(v.start);
    free(v.end);
    free(v.word);
    node_free(n);
    if (rc == PROBITY_ENOMEM || rc > 0)
        return pb__err(p->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    return rc;
}

static int parse_or(struct parser *p, struct qnode **out);

static int add_filter(struct parser *p)
{
    struct pb_query *q = p->out;
    int k = p->fkind;
    if (p->depth > 0)
        return fail(p, p->at, "filters apply to the whole query: %s: cannot be inside parentheses, OR or NOT",
                    filter_keys[k]);
    if (q->nfilt[k] >= 16)
        return fail(p, p->at, "too many %s: filters", filter_keys[k]);
    /* values are kept as offsets into filtbuf, turned into pointers at the end */
    q->filtoff[k][q->nfilt[k]++] = q->filtbuf.len;
    if (pb_buf_add(&q->filtbuf, p->q + p->start, p->end - p->start) || pb_buf_add(&q->filtbuf, "", 1))
        return pb__err(p->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    if (!p->top_filter) {
        p->top_filter = 1;
        p->top_filter_col = column(p, p->at);
    }
    return 0;
}

static int parse_unary(struct parser *p, struct qnode **out);

/* parse_unary without the guarantee that *out is NULL after an error */
static int unary(struct parser *p, struct qnode **out)
{
    int rc;
    size_t at = p->at;
    *out = NULL;
    switch (p->kind) {
    case L_NOT: {
        struct qnode *kid = NULL, *n;
        p->depth++;
        if ((rc = lex(p)))
            return rc;
        if (p->kind == L_END || p->kind == L_RPAREN || p->kind == L_OR || p->kind == L_AND || p->kind == L_NOT)
            return fail(p, at, "NOT (or '-') needs a word, phrase or group after it%s", NULL);
        if ((rc = parse_unary(p, &kid)))
            return rc;
        p->depth--;
        if (!kid)
            return 0;   /* NOT of a word without tokens: nothing to exclude */
        if (!(n = node_new(Q_NOT, column(p, at))) || node_add(n, kid)) {
            node_free(kid);
            node_free(n);
            return pb__err(p->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        }
        *out = n;
        return 0;
    }
    case L_LPAREN: {
        struct qnode *kid = NULL;
        if (++p->depth > MAX_DEPTH)
            return fail(p, at, "parentheses nested too deeply%s", NULL);
        if ((rc = lex(p)) || (rc = parse_or(p, &kid)))
            return rc;
        if (p->kind != L_RPAREN) {
            node_free(kid);
            return fail(p, at, "missing ')' for the '(' here%s", NULL);
        }
        if (!kid)
            return fail(p, at, "empty parentheses: nothing to search for inside%s", NULL);
        p->depth--;
        *out = kid;
        return lex(p);
    }
    case L_WORD:
    case L_PHRASE:
        if ((rc = make_term(p, p->kind == L_PHRASE, out)))
            return rc;
        return lex(p);
    case L_FILTER:
        if ((rc = add_filter(p)))
            return rc;
        return lex(p);
    default:
        return fail(p, at, "unexpected operator here%s", NULL);
    }
}

static int parse_unary(struct parser *p, struct qnode **out)
{
    int rc = unary(p, out);
    if (rc) {
        node_free(*out);
        *out = NULL;
    }
    return rc;
}

static int parse_and(struct parser *p, struct qnode **out)
{
    struct qnode *n = NULL;
    size_t first = p->at;
    int rc;
    *out = NULL;
    for (;;) {
        struct qnode *kid = NULL;
        if (p->kind == L_END || p->kind == L_RPAREN || p->kind == L_OR)
            break;
        if (p->kind == L_AND) {
            size_t at = p->at;
            if ((rc = lex(p)))
                goto fail;
            if (p->kind == L_END || p->kind == L_RPAREN || p->kind == L_OR || p->kind == L_AND ||
                (!n && at == first)) {
                rc = fail(p, at, "AND needs a word, phrase or group on both sides%s", NULL);
                goto fail;
            }
            continue;
        }
        if ((rc = parse_unary(p, &kid)))
            goto fail;
        if (!kid)
            continue;
        if (!n && !(n = node_new(Q_AND, column(p, first)))) {
            node_free(kid);
            rc = pb__err(p->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto fail;
        }
        if (node_add(n, kid)) {
            node_free(kid);
            rc = pb__err(p->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto fail;
        }
    }
    if (n && n->nkid == 1) {   /* a one-term AND is its term */
        struct qnode *only = n->kid[0];
        n->nkid = 0;
        node_free(n);
        n = only;
    }
    *out = n;
    return 0;
fail:
    node_free(n);
    return rc;
}

static int parse_or(struct parser *p, struct qnode **out)
{
    struct qnode *n = NULL, *left = NULL;
    int rc;
    *out = NULL;
    if ((rc = parse_and(p, &left)))
        return rc;
    while (p->kind == L_OR) {
        size_t at = p->at;
        struct qnode *right = NULL;
        if (!left) {
            node_free(n);
            return fail(p, at, "OR needs a word, phrase or group on both sides%s", NULL);
        }
        if (p->depth == 0)
            p->top_or = 1;
        if ((rc = lex(p)) || (rc = parse_and(p, &right))) {
            node_free(left);
            node_free(n);
            return rc;
        }
        if (!right) {
            node_free(left);
            node_free(n);
            if (p->top_filter)
                return pb__err(p->err, PROBITY_EPARSE, "query", 1, p->top_filter_col,
                               "filters apply to the whole query, not to one side of OR (column %ld)",
                               p->top_filter_col);
            return fail(p, at, "OR needs a word, phrase or group on both sides%s", NULL);
        }
        if (!n) {
            if (!(n = node_new(Q_OR, column(p, at))) || node_add(n, left)) {
                node_free(left);
                node_free(right);
                node_free(n);
                return pb__err(p->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            }
        } else if (node_add(n, left)) {
            node_free(left);
            node_free(right);
            node_free(n);
            return pb__err(p->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        }
        left = right;
    }
    if (n) {
        if (node_add(n, left)) {
            node_free(left);
            node_free(n);
            return pb__err(p->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        }
        *out = n;
    } else {
        *out = left;
    }
    return 0;
}

/* ---- the FTS5 expression ---- */

static int fts_phrase(struct pb_buf *b, char *const *tok, size_t n, int prefix)
{
    int rc = pb_buf_adds(b, "\"" VERBATIM);
    for (size_t i = 0; i < n && !rc; i++)
        rc = pb_buf_adds(b, tok[i]) || (i + 1 < n && pb_buf_addc(b, ' '));
    if (!rc)
        rc = pb_buf_addc(b, '"');
    if (!rc && prefix)
        rc = pb_buf_adds(b, " *");
    return rc ? PROBITY_ENOMEM : 0;
}

static int fts_node(struct parser *p, const struct qnode *n, struct pb_buf *b)
{
    int rc = 0;
    switch (n->kind) {
    case Q_TERM:
        if (!n->boost)
            return fts_phrase(b, n->tok, n->ntok, n->prefix);
        /* the characters, and the dictionary word where the document has it: the second
         * branch never adds a passage, it only adds the word's weight to the score */
        if (pb_buf_addc(b, '(') || fts_phrase(b, n->tok, n->ntok, 0) || pb_buf_adds(b, " OR (") ||
            fts_phrase(b, n->tok, n->ntok, 0) || pb_buf_adds(b, " AND ") || fts_phrase(b, &n->boost, 1, 0) ||
            pb_buf_adds(b, "))"))
            return PROBITY_ENOMEM;
        return 0;
    case Q_OR:
        if (pb_buf_addc(b, '('))
            return PROBITY_ENOMEM;
        for (size_t i = 0; i < n->nkid; i++) {
            if (n->kid[i]->kind == Q_NOT)
                return pb__err(p->err, PROBITY_EPARSE, "query", 1, n->kid[i]->col,
                               "NOT cannot be one side of OR; write a NOT b, or (a OR b) NOT c (column %ld)",
                               n->kid[i]->col);
            if ((i && pb_buf_adds(b, " OR ")) || (rc = fts_node(p, n->kid[i], b)))
                return rc ? rc : PROBITY_ENOMEM;
        }
        return pb_buf_addc(b, ')') ? PROBITY_ENOMEM : 0;
    case Q_AND: {
        size_t pos = 0, neg = 0;
        for (size_t i = 0; i < n->nkid; i++)
            n->kid[i]->kind == Q_NOT ? neg++ : pos++;
        if (!pos)
            return pb__err(p->err, PROBITY_EPARSE, "query", 1, n->col,
                           "nothing to search for: only excluded words here; add a word to look for (column %ld)",
                           n->col);
        /* ((p1 AND p2) NOT (n1)) NOT (n2) */
        for (size_t i = 0; i < neg; i++)
            if (pb_buf_addc(b, '('))
                return PROBITY_ENOMEM;
        if (pb_buf_addc(b, '('))
            return PROBITY_ENOMEM;
        for (size_t i = 0, k = 0; i < n->nkid; i++) {
            if (n->kid[i]->kind == Q_NOT)
                continue;
            if ((k++ && pb_buf_adds(b, " AND ")) || (rc = fts_node(p, n->kid[i], b)))
                return rc ? rc : PROBITY_ENOMEM;
        }
        if (pb_buf_addc(b, ')'))
            return PROBITY_ENOMEM;
        for (size_t i = 0; i < n->nkid; i++) {
            if (n->kid[i]->kind != Q_NOT)
                continue;
            if (pb_buf_adds(b, " NOT ") || (rc = fts_node(p, n->kid[i]->kid[0], b)) || pb_buf_addc(b, ')'))
                return rc ? rc : PROBITY_ENOMEM;
        }
        return 0;
    }
    case Q_NOT:
        return pb__err(p->err, PROBITY_EPARSE, "query", 1, n->col,
                       "nothing to search for: only excluded words; add a word to look for (column %ld)", n->col);
    }
    return 0;
}

int pb_query_parse(const char *text, struct pb_query **out, struct probity_error *err)
{
    struct parser p;
    struct pb_query *q = calloc(1, sizeof(*q));
    int rc;
    *out = NULL;
    memset(&p, 0, sizeof(p));
    if (!q)
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    p.q = text ? text : "";
    p.len = strlen(p.q);
    p.out = q;
    p.err = err;
    if (!pb_utf8_valid(p.q, p.len, NULL)) {
        size_t bad = 0;
        pb_utf8_valid(p.q, p.len, &bad);
        rc = fail(&p, bad, "the query is not valid UTF-8%s", NULL);
        goto fail;
    }
    if (pb_segmenter_new(&p.sg)) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    if ((rc = lex(&p)) || (rc = parse_or(&p, &q->root)))
        goto fail;
    if (p.kind == L_RPAREN) {
        rc = fail(&p, p.at, "unexpected ')': no '(' before it%s", NULL);
        goto fail;
    }
    if (p.kind != L_END) {
        rc = fail(&p, p.at, "unexpected text%s", NULL);
        goto fail;
    }
    if (p.top_or && p.top_filter) {
        rc = pb__err(err, PROBITY_EPARSE, "query", 1, p.top_filter_col,
                     "filters apply to the whole query: put the OR inside parentheses, e.g. lang:zh (a OR b)"
                     " (column %ld)",
                     p.top_filter_col);
        goto fail;
    }
    if (!q->root) {
        rc = pb__err(err, PROBITY_EPARSE, "query", 1, 1, "nothing to search for: the query has no words (column 1)");
        goto fail;
    }
    if ((rc = fts_node(&p, q->root, &q->fts))) {
        if (rc == PROBITY_ENOMEM)
            pb__err(err, rc, NULL, 0, 0, "out of memory");
        goto fail;
    }
    /* the exclusions of the top level, each with its own expression */
    if (q->root->kind == Q_AND)
        for (size_t i = 0; i < q->root->nkid && q->nexcl < 16; i++)
            if (q->root->kid[i]->kind == Q_NOT) {
                struct qnode *x = q->root->kid[i]->kid[0];
                if ((rc = fts_node(&p, x, &q->exfts[q->nexcl]))) {
                    if (rc == PROBITY_ENOMEM)
                        pb__err(err, rc, NULL, 0, 0, "out of memory");
                    goto fail;
                }
                q->excl[q->nexcl++] = x;
            }
    /* filter values: offsets into filtbuf become pointers now that it no longer moves */
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < q->nfilt[k]; i++)
            q->filt[k][i] = q->filtbuf.s + q->filtoff[k][i];
    pb_segmenter_free(p.sg);
    *out = q;
    return 0;
fail:
    pb_segmenter_free(p.sg);
    pb_query_free(q);
    return rc;
}

void pb_query_free(struct pb_query *q)
{
    if (!q)
        return;
    node_free(q->root);
    pb_buf_release(&q->fts);
    pb_buf_release(&q->filtbuf);
    pb_buf_release(&q->norm);
    pb_buf_release(&q->fold);
    free(q->toff);
    free(q->tstart);
    free(q->tend);
    free(q->tcjk);
    for (size_t i = 0; i < 16; i++)
        pb_buf_release(&q->exfts[i]);
    free(q);
}

size_t pb_query_nexclude(const struct pb_query *q)
{
    return q->nexcl;
}

const char *pb_query_exclude_fts(const struct pb_query *q, size_t i)
{
    return i < q->nexcl ? pb_buf_str(&q->exfts[i]) : "";
}

const char *pb_query_fts(const struct pb_query *q)
{
    return pb_buf_str(&q->fts);
}

const char *const *pb_query_filter(const struct pb_query *q, int kind, size_t *n)
{
    *n = kind >= 0 && kind < 3 ? q->nfilt[kind] : 0;
    return *n ? q->filt[kind] : NULL;
}

/* ---- checking a passage ---- */

static int passage_tok(void *ctx, const struct pb_token *t)
{
    struct pb_query *q = ctx;
    if (q->ntoks == q->tcap) {
        size_t cap = q->tcap ? q->tcap * 2 : 256;
        size_t *a = realloc(q->toff, cap * sizeof(size_t)), *b, *c;
        unsigned char *d;
        if (!a)
            return PROBITY_ENOMEM;
        q->toff = a;
        if (!(b = realloc(q->tstart, cap * sizeof(size_t))))
            return PROBITY_ENOMEM;
        q->tstart = b;
        if (!(c = realloc(q->tend, cap * sizeof(size_t))))
            return PROBITY_ENOMEM;
        q->tend = c;
        if (!(d = realloc(q->tcjk, cap)))
            return PROBITY_ENOMEM;
        q->tcjk = d;
        q->tcap = cap;
    }
    q->toff[q->ntoks] = q->norm.len;
    q->tstart[q->ntoks] = t->start;
    q->tend[q->ntoks] = t->end;
    q->tcjk[q->ntoks] = (t->flags & PB_TOKEN_CJK) != 0;
    q->ntoks++;
    return pb_buf_add(&q->norm, t->norm, t->len + 1) ? PROBITY_ENOMEM : 0;   /* with its NUL */
}

static int add_mark(struct pb_qmark **m, size_t *n, size_t *cap, size_t s, size_t e)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        struct pb_qmark *v = realloc(*m, c * sizeof(*v));
        if (!v)
            return PROBITY_ENOMEM;
        *m = v;
        *cap = c;
    }
    (*m)[*n].start = s;
    (*m)[*n].end = e;
    (*n)++;
    return 0;
}

/* Does the term occur at passage token i? */
static int term_at(struct pb_query *q, const struct qnode *n, const char *text, size_t i, int *err)
{
    if (i + n->ntok > q->ntoks)
        return 0;
    for (size_t k = 0; k < n->ntok; k++) {
        const char *t = q->norm.s + q->toff[i + k];
        if (n->prefix && k + 1 == n->ntok) {
            if (strncmp(t, n->tok[k], strlen(n->tok[k])) != 0)
                return 0;
        } else if (strcmp(t, n->tok[k]) != 0) {
            return 0;
        }
    }
    if (n->exact && n->sep)
        for (size_t k = 0; k + 1 < n->ntok; k++) {
            size_t a = q->tend[i + k], b = q->tstart[i + k + 1];
            if (pb_fold_separator(text + a, b - a, q->tcjk[i + k] || q->tcjk[i + k + 1], &q->fold)) {
                *err = PROBITY_ENOMEM;
                return 0;
            }
            if (strcmp(pb_buf_str(&q->fold), n->sep[k]) != 0)
                return 0;
        }
    return 1;
}

/* Evaluate; marks of positive terms are collected when `mark`. */
static int eval(struct pb_query *q, struct qnode *n, const char *text, int mark, struct pb_qmark **m, size_t *nm,
                size_t *cap, int *err)
{
    int any = 0;
    switch (n->kind) {
    case Q_TERM:
        for (size_t i = 0; i < q->ntoks && !*err; i++)
            if (term_at(q, n, text, i, err)) {
                any = 1;
                if (!mark)
                    break;
                if (add_mark(m, nm, cap, q->tstart[i], q->tend[i + n->ntok - 1]))
                    *err = PROBITY_ENOMEM;
            }
        return any;
    case Q_AND:
        for (size_t i = 0; i < n->nkid; i++)
            if (!eval(q, n->kid[i], text, mark, m, nm, cap, err))
                return 0;
        return 1;
    case Q_OR:
        for (size_t i = 0; i < n->nkid; i++)
            any |= eval(q, n->kid[i], text, mark, m, nm, cap, err);
        return any;
    case Q_NOT:
        return !eval(q, n->kid[0], text, 0, m, nm, cap, err);
    }
    return 0;
}

static int mark_cmp(const void *a, const void *b)
{
    const struct pb_qmark *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
}

int pb_query_match(struct pb_query *q, struct pb_segmenter *sg, const char *text, size_t len, struct pb_qmark **marks,
                   size_t *nmarks, size_t *cap)
{
    int rc, err = 0, ok;
    q->ntoks = 0;
    pb_buf_reset(&q->norm);
    *nmarks = 0;
    if ((rc = pb_segment(sg, text, len, 0, passage_tok, q)))
        return rc < 0 ? rc : PROBITY_ENOMEM;
    ok = eval(q, q->root, text, 1, marks, nmarks, cap, &err);
    if (err)
        return err;
    if (!ok)
        return 0;
    qsort(*marks, *nmarks, sizeof(**marks), mark_cmp);
    /* overlapping marks (a word inside a phrase) become one */
    if (*nmarks > 1) {
        size_t o = 0;
        for (size_t i = 1; i < *nmarks; i++) {
            if ((*marks)[i].start < (*marks)[o].end) {
                if ((*marks)[i].end > (*marks)[o].end)
                    (*marks)[o].end = (*marks)[i].end;
            } else {
                (*marks)[++o] = (*marks)[i];
            }
        }
        *nmarks = o + 1;
    }
    return 1;
}

int pb_query_exclude_match(struct pb_query *q, size_t i, struct pb_segmenter *sg, const char *text, size_t len)
{
    int rc, err = 0, ok;
    size_t nm = 0, cap = 0;
    struct pb_qmark *m = NULL;
    if (i >= q->nexcl)
        return 0;
    q->ntoks = 0;
    pb_buf_reset(&q->norm);
    if ((rc = pb_segment(sg, text, len, 0, passage_tok, q)))
        return rc < 0 ? rc : PROBITY_ENOMEM;
    ok = eval(q, q->excl[i], text, 0, &m, &nm, &cap, &err);
    free(m);
    return err ? err : ok;
}
