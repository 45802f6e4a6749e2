/* Han characters in names: toneless pinyin readings and simplified forms (han.tsv, made by
 * tools/gen_han.py from Unihan), Chinese family names (han_surnames.tsv), and the splitting
 * of a Han run, which has no spaces, into the words a Latin name would have: a person name
 * into family name and given name (习近平 -> 习 近平), an organisation name into lexicon
 * words (有限公司, 公安局 -> canonical tokens) and the words of ICU's dictionary
 * segmentation, where runs of single characters that the dictionary does not know (brand
 * names: 华为, 海康威视) are joined back into one word. */
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include "core/core.h"
#include "core/lexicon.h"
#include "text/names_int.h"

struct han_ent {
    uint32_t cp;
    uint32_t rd;       /* offset of the readings in the lexicon text */
    uint32_t simp;     /* simplified form, 0 = none */
    uint32_t yue;      /* offset of the Cantonese reading in its lexicon text */
    uint16_t rdlen;
    uint8_t yuelen;    /* 0 = none */
};

static struct han_ent *han;
static size_t nhan;
static const char *hantext, *yuetext;
static struct pb_map surnames;   /* family name (UTF-8) -> reading (static text) */
static struct pb_map syllables;  /* every pinyin syllable of the readings -> 1 */
static struct pb_map surname_rd; /* the readings of family names -> 1 */

static int has_vowel(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strchr("aeiou", s[i]))
            return 1;
    return 0;
}

static const struct han_ent *find(uint32_t cp);

static int cmp_ent(const void *a, const void *b)
{
    const struct han_ent *x = a, *y = b;
    return x->cp < y->cp ? -1 : x->cp > y->cp;
}

int pb__han_load(void)
{
    size_t len, cap = 0;
    const char *p = pb_lexicon("han.tsv", &len), *end;
    int sorted = 1;
    if (!p)
        return 0;
    hantext = p;
    end = p + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), i = 0;
        const char *line = p, *t1, *t2;
        struct han_ent e;
        p = nl ? nl + 1 : end;
        if (!n || line[0] == '#')
            continue;
        if (!(t1 = memchr(line, '\t', n)))
            continue;
        t2 = memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - line));
        memset(&e, 0, sizeof(e));
        e.cp = (uint32_t)pb__utf8_next(line, (size_t)(t1 - line), &i);
        e.rd = (uint32_t)(t1 + 1 - hantext);
        e.rdlen = (uint16_t)((t2 ? t2 : line + n) - (t1 + 1));
        if (t2 && t2 + 1 < line + n) {
            size_t j = 0;
            e.simp = (uint32_t)pb__utf8_next(t2 + 1, (size_t)(line + n - (t2 + 1)), &j);
        }
        if (nhan == cap) {
            size_t nc = cap ? cap * 2 : 65536;
            struct han_ent *q = realloc(han, nc * sizeof(*han));
            if (!q)
                return PROBITY_ENOMEM;
            han = q;
            cap = nc;
        }
        if (nhan && han[nhan - 1].cp >= e.cp)
            sorted = 0;
        han[nhan++] = e;
    }
    if (!sorted)
        qsort(han, nhan, sizeof(*han), cmp_ent);
    /* Cantonese readings (Jyutping) of the characters that have a Mandarin entry */
    p = pb_lexicon("han_cantonese.tsv", &len);
    if (p) {
        yuetext = p;
        end = p + len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), i = 0;
            const char *line = p, *tab;
            struct han_ent *e;
            p = nl ? nl + 1 : end;
            if (!n || line[0] == '#' || !(tab = memchr(line, '\t', n)) || line + n - (tab + 1) > 8)
                continue;
            if ((e = (struct han_ent *)find((uint32_t)pb__utf8_next(line, (size_t)(tab - line), &i)))) {
                e->yue = (uint32_t)(tab + 1 - yuetext);
                e->yuelen = (uint8_t)(line + n - (tab + 1));
            }
        }
    }
    /* a simplified character without a reading of its own reads as its traditional form */
    for (size_t k = 0; k < nhan; k++)
        if (han[k].yuelen && han[k].simp) {
            struct han_ent *s = (struct han_ent *)find(han[k].simp);
            if (s && !s->yuelen) {
                s->yue = han[k].yue;
                s->yuelen = han[k].yuelen;
            }
        }
    /* the syllables of pinyin: those with a vowel (not the hm and ng of interjections) */
    for (size_t k = 0; k < nhan; k++) {
        const char *r = hantext + han[k].rd, *re = r + han[k].rdlen;
        while (r < re) {
            const char *comma = memchr(r, ',', (size_t)(re - r));
            size_t l = (size_t)((comma ? comma : re) - r);
            char key[8];
            if (l && l < sizeof(key) && has_vowel(r, l)) {
                memcpy(key, r, l);
                key[l] = 0;
                if (!pb_map_get(&syllables, key) && pb_map_put(&syllables, key, (void *)1))
                    return PROBITY_ENOMEM;
            }
            r += l + 1;
        }
    }
    p = pb_lexicon("han_surnames.tsv", &len);
    if (p) {
        end = p + len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            const char *line = p, *tab;
            char key[16];
            p = nl ? nl + 1 : end;
            if (!n || line[0] == '#' || !(tab = memchr(line, '\t', n)) || (size_t)(tab - line) >= sizeof(key))
                continue;
            memcpy(key, line, (size_t)(tab - line));
            key[tab - line] = 0;
            /* the value points at the reading in the static text, ended by the newline */
            if (!pb_map_get(&surnames, key) && pb_map_put(&surnames, key, (void *)(tab + 1)))
                return PROBITY_ENOMEM;
            {
                size_t rl = 0;
                char rd[16];
                while (tab + 1 + rl < line + n && tab[1 + rl] != '\r' && rl + 1 < sizeof(rd)) {
                    rd[rl] = tab[1 + rl];
                    rl++;
                }
                rd[rl] = 0;
                if (rl && !pb_map_get(&surname_rd, rd) && pb_map_put(&surname_rd, rd, (void *)1))
                    return PROBITY_ENOMEM;
            }
        }
    }
    return 0;
}

static const struct han_ent *find(uint32_t cp)
{
    size_t lo = 0, hi = nhan;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (han[mid].cp < cp)
            lo = mid + 1;
        else if (han[mid].cp > cp)
            hi = mid;
        else
            return &han[mid];
    }
    return NULL;
}

uint32_t pb__han_simp(uint32_t cp)
{
    const struct han_ent *e = find(cp);
    return e && e->simp ? e->simp : cp;
}

const char *pb__han_readings(uint32_t cp, size_t *len)
{
    const struct han_ent *e = find(cp);
    if (e && !e->rdlen && e->simp)
        e = find(e->simp);
    if (!e || !e->rdlen)
        return NULL;
    *len = e->rdlen;
    return hantext + e->rd;
}

/* pb_map_get for the short key s[n] (not NUL-terminated); NULL when longer than any key. */
static void *map_get_n(const struct pb_map *m, const char *s, size_t n)
{
    char key[16];
    if (n >= sizeof(key))
        return NULL;
    memcpy(key, s, n);
    key[n] = 0;
    return pb_map_get(m, key);
}

const char *pb__han_surname(const char *s, size_t n)
{
    return map_get_n(&surnames, s, n);
}

static size_t reading_len(const char *r)
{
    size_t k = 0;
    while (r[k] && r[k] != '\n' && r[k] != '\t' && r[k] != ',' && r[k] != '\r')
        k++;
    return k;
}

/* Wade-Giles spelling (without apostrophes or hyphens) of a toneless pinyin syllable, as
 * Taiwanese names are still written: cai -> tsai, jiu -> chiu, zhong -> chung, xi -> hsi. */
static void wade_giles(const char *py, size_t n, char *out, size_t cap)
{
    static const char *const whole[][2] = {
        {"zhi", "chih"}, {"chi", "chih"}, {"shi", "shih"}, {"ri", "jih"}, {"zi", "tzu"}, {"ci", "tzu"},
        {"si", "ssu"}, {"er", "erh"}, {"yi", "i"}, {"you", "yu"}, {"ye", "yeh"}, {"yan", "yen"}, {"yong", "yung"},
        {"yue", "yueh"}, {"ke", "ko"}, {"he", "ho"}, {"ge", "ko"}, {"e", "o"},
    };
    static const char *const ini[][2] = {
        {"zh", "ch"}, {"ch", "ch"}, {"sh", "sh"}, {"j", "ch"}, {"q", "ch"}, {"x", "hs"}, {"z", "ts"},
        {"c", "ts"}, {"r", "j"}, {"b", "p"}, {"d", "t"}, {"g", "k"},
    };
    static const char *const fin[][2] = {
        {"iong", "iung"}, {"ong", "ung"}, {"ian", "ien"}, {"ie", "ieh"}, {"ue", "ueh"},
    };
    size_t o = 0, i = 0;
    int keep_uo = 0;
    out[0] = 0;
    for (size_t k = 0; k < sizeof(whole) / sizeof(whole[0]); k++)
        if (strlen(whole[k][0]) == n && memcmp(py, whole[k][0], n) == 0) {
            snprintf(out, cap, "%s", whole[k][1]);
            return;
        }
    for (size_t k = 0; k < sizeof(ini) / sizeof(ini[0]); k++) {
        size_t l = strlen(ini[k][0]);
        if (n > l && memcmp(py, ini[k][0], l) == 0) {
            o = (size_t)snprintf(out, cap, "%s", ini[k][1]);
            i = l;
            break;
        }
    }
    /* guo, kuo, huo, shuo keep their uo; elsewhere uo is o (duo -> to) */
    keep_uo = i == 0 ? (n > 0 && (py[0] == 'k' || py[0] == 'h')) : (py[0] == 'g' || (py[0] == 's' && py[1] == 'h'));
    if (i == 0 && n > 0 && (py[0] == 'k' || py[0] == 'h' || py[0] == 'p' || py[0] == 't'))
        keep_uo = 1;
    for (size_t k = 0; k < sizeof(fin) / sizeof(fin[0]); k++) {
        size_t l = strlen(fin[k][0]);
        if (n - i == l && memcmp(py + i, fin[k][0], l) == 0) {
            snprintf(out + o, cap - o, "%s", fin[k][1]);
            return;
        }
    }
    if (n - i == 2 && memcmp(py + i, "uo", 2) == 0 && !keep_uo) {
        snprintf(out + o, cap - o, "o");
        return;
    }
    snprintf(out + o, cap - o, "%.*s", (int)(n - i), py + i);
}

static void add_syllable(struct pb_buf *b, const char *r, size_t n, int wg)
{
    char w[16];
    if (!wg || n >= 8) {
        pb_buf_add(b, r, n);
        return;
    }
    wade_giles(r, n, w, sizeof(w));
    pb_buf_adds(b, w);
}

int pb__han_pinyin(const char *s, size_t n, int surname, int altc, int altr, char sep, struct pb_buf *b)
{
    return pb__han_read(s, n, surname, altc, altr, sep, 0, b);
}

int pb__han_read(const char *s, size_t n, int surname, int altc, int altr, char sep, int wg, struct pb_buf *b)
{
    size_t i = 0;
    int k = 0, syl = 0;
    if (surname && altc < 0) {
        const char *r = pb__han_surname(s, n);
        if (r) {
            if (n > 3 && wg) {
                /* a two-character family name: each syllable in turn */
                size_t j = 0;
                pb__utf8_next(s, n, &j);
                pb__han_read(s, j, 0, -1, 0, 0, wg, b);
                pb__han_read(s + j, n - j, 0, -1, 0, 0, wg, b);
                return 2;
            }
            add_syllable(b, r, reading_len(r), wg);
            return 1;
        }
    }
    while (i < n) {
        UChar32 cp = pb__utf8_next(s, n, &i);
        size_t rl;
        const char *r = pb__han_readings((uint32_t)cp, &rl);
        int want = k == altc ? altr : 0;
        k++;
        if (!r)
            continue;
        if (surname && k == 1 && want == 0) {
            /* a one-character family name takes its family-name reading */
            size_t j = 0;
            const char *sr;
            pb__utf8_next(s, n, &j);
            if ((sr = pb__han_surname(s, j))) {
                if (syl && sep)
                    pb_buf_addc(b, sep);
                add_syllable(b, sr, reading_len(sr), wg);
                syl++;
                continue;
            }
        }
        for (int q = 0; q < want; q++) {
            const char *comma = memchr(r, ',', rl);
            if (!comma)
                break;
            rl -= (size_t)(comma + 1 - r);
            r = comma + 1;
        }
        if (syl && sep)
            pb_buf_addc(b, sep);
        add_syllable(b, r, reading_len(r) < rl ? reading_len(r) : rl, wg);
        syl++;
    }
    return syl;
}

/* ---- Cantonese ----
 * A Jyutping syllable in the spelling Hong Kong uses for names (Chan Tai Man, Cheung, Tsang,
 * Yeung, Poon): unaspirated b d g written p t k, z and c written ch (ts before e, eoi, ou and
 * ang: Tse, Tsui, Tso, Tsang), j written y, oeng eung, eoi ui, un oon, yu u, yun uen, ou o. */
static void hk_syllable(const char *j, size_t n, char *out, size_t cap)
{
    static const char *const ini[] = {"gw", "kw", "ng", "b", "p", "m", "f", "d", "t", "n", "l", "g",
                                      "k", "h", "w", "z", "c", "s", "j"};
    static const char *const fin[][2] = {
        {"aa", "a"}, {"aai", "ai"}, {"aau", "au"}, {"aam", "am"}, {"aan", "an"}, {"aang", "ang"}, {"aap", "ap"},
        {"aat", "at"}, {"aak", "ak"}, {"ou", "o"}, {"un", "oon"}, {"ut", "oot"}, {"oeng", "eung"}, {"oek", "euk"},
        {"eoi", "ui"}, {"eon", "un"}, {"eot", "ut"}, {"yu", "u"}, {"yun", "uen"}, {"yut", "uet"},
    };
    const char *i0 = "", *f = j;
    char in[4], fl[8];
    size_t il = 0;
    if ((n == 2 && memcmp(j, "ng", 2) == 0) || (n == 1 && j[0] == 'm')) {
        snprintf(out, cap, "%.*s", (int)n, j);   /* syllabic ng, m (Ng) */
        return;
    }
    for (size_t k = 0; k < sizeof(ini) / sizeof(ini[0]); k++) {
        size_t l = strlen(ini[k]);
        if (n > l && memcmp(j, ini[k], l) == 0) {
            i0 = ini[k];
            il = l;
            break;
        }
    }
    f = j + il;
    snprintf(fl, sizeof(fl), "%.*s", (int)(n - il), f);
    for (size_t k = 0; k < sizeof(fin) / sizeof(fin[0]); k++)
        if (strcmp(fl, fin[k][0]) == 0) {
            snprintf(fl, sizeof(fl), "%s", fin[k][1]);
            break;
        }
    if (!strcmp(i0, "b") || !strcmp(i0, "d") || !strcmp(i0, "g") || !strcmp(i0, "gw"))
        snprintf(in, sizeof(in), "%s", i0[0] == 'b' ? "p" : i0[0] == 'd' ? "t" : i0[1] ? "kw" : "k");
    else if (!strcmp(i0, "z") || !strcmp(i0, "c")) {
        const char *f0 = j + il;
        size_t fn = n - il;
        int ts = (fn == 1 && f0[0] == 'e') || (fn == 3 && !memcmp(f0, "eoi", 3)) || (fn == 2 && !memcmp(f0, "ou", 2)) ||
                 (fn == 3 && !memcmp(f0, "ang", 3));
        snprintf(in, sizeof(in), "%s", ts ? "ts" : "ch");
    } else if (!strcmp(i0, "j"))
        snprintf(in, sizeof(in), "y");
    else
        snprintf(in, sizeof(in), "%s", i0);
    if (!strcmp(i0, "s") && !strcmp(fl, "i"))
        snprintf(fl, sizeof(fl), "ze");   /* si: Sze */
    snprintf(out, cap, "%s%s", in, fl);
}

int pb__han_cantonese(const char *s, size_t n, char sep, struct pb_buf *b)
{
    size_t i = 0;
    int syl = 0;
    while (i < n) {
        UChar32 cp = pb__utf8_next(s, n, &i);
        const struct han_ent *e = find((uint32_t)cp);
        char w[16];
        if (e && !e->yuelen && e->simp)
            e = find(e->simp);
        if (e && e->yuelen) {
            hk_syllable(yuetext + e->yue, e->yuelen, w, sizeof(w));
        } else {
            /* no Cantonese reading known: the pinyin, so that no syllable goes missing */
            size_t rl;
            const char *r = pb__han_readings((uint32_t)cp, &rl);
            if (!r)
                continue;
            rl = reading_len(r) < rl ? reading_len(r) : rl;
            if (rl >= sizeof(w))
                continue;
            memcpy(w, r, rl);
            w[rl] = 0;
        }
        if ((syl && sep && pb_buf_addc(b, sep)) || pb_buf_adds(b, w))
            return PROBITY_ENOMEM;
        syl++;
    }
    return syl;
}

/* ---- Chinese names in pinyin ----
 * A Latin word that is a run of pinyin syllables (jinping = jin ping) and the family names
 * read in pinyin: a Chinese name written in pinyin also has a Wade-Giles spelling, the one
 * Taiwan and older sources use (Xi Jinping = Hsi Chinping, Mao Zedong = Mao Tsetung). */
int pb__pinyin_syllable(const char *s, size_t n)
{
    return map_get_n(&syllables, s, n) != NULL;
}

int pb__pinyin_surname(const char *s, size_t n)
{
    return map_get_n(&surname_rd, s, n) != NULL;
}

int pb__pinyin_wade_giles(const char *s, size_t n, struct pb_buf *b)
{
    /* the fewest syllables (pinyin without apostrophes reads xian as one), at most three */
    int cnt[25], from[25];
    char w[16];
    size_t cut[4], k = 0;
    if (n == 0 || n > 24)
        return 0;
    cnt[0] = 0;
    from[0] = 0;
    for (size_t i = 1; i <= n; i++) {
        cnt[i] = 99;
        from[i] = 0;
        for (size_t l = 1; l <= 6 && l <= i; l++) {
            if (cnt[i - l] >= 3)
                continue;
            if (cnt[i - l] + 1 < cnt[i] && pb__pinyin_syllable(s + i - l, l)) {
                cnt[i] = cnt[i - l] + 1;
                from[i] = (int)(i - l);
            }
        }
    }
    if (cnt[n] > 3)
        return 0;
    for (size_t i = n; i > 0; i = (size_t)from[i])
        cut[k++] = i;
    cut[k] = 0;
    for (size_t q = k; q > 0; q--) {
        size_t a = cut[q], e = cut[q - 1];
        wade_giles(s + a, e - a, w, sizeof(w));
        if (pb_buf_adds(b, w))
            return PROBITY_ENOMEM;
    }
    return 1;
}

/* ---- foreign names ----
 * A name from another language written in Han characters (弗拉基米尔·普京, with a middle dot
 * between its parts) spells the sounds of the original with fixed characters, and pinyin
 * reads them as Chinese words. This reading gives them the values the transcription tables
 * use: a vowel that only carries a consonant (fu, bu, pu, mu, de, te, ke, ge, le, he) is not
 * heard at the end of the word or before l, since Chinese has no clusters (弗拉 is fla);
 * si, zi, ci and shi are a bare s, z, ts and sh before another consonant or at the end (斯大林
 * stalin); er after another syllable is r; a final -ng stands for the n of the original (拜登,
 * 马丁); uo, ao and ei are o, o and e; q is ch, x is s and c is ts. With palatal set, j and q
 * before i are d and t: the Russian tables write the soft д and т of Дима, Тимур with 季, 基,
 * 京 (ji, jing), which no Latin spelling of those names has. */
struct fsyl {
    char ini[3], fin[6];
};

static void split_syllable(const char *r, size_t n, struct fsyl *y)
{
    static const char *const two[] = {"zh", "ch", "sh"};
    size_t i = 0;
    memset(y, 0, sizeof(*y));
    for (size_t k = 0; k < 3; k++)
        if (n > 2 && memcmp(r, two[k], 2) == 0)
            i = 2;
    if (!i && n > 1 && strchr("bpmfdtnlgkhjqxrzcsyw", r[0]))
        i = 1;
    memcpy(y->ini, r, i);
    if (n - i < sizeof(y->fin))
        memcpy(y->fin, r + i, n - i);
}

static int carrier_vowel(const struct fsyl *y)
{
    const char *i = y->ini, *f = y->fin;
    if (!strcmp(f, "u"))
        return strlen(i) == 1 && strchr("bpmfdtgkl", i[0]) != NULL;
    if (!strcmp(f, "e"))
        return strlen(i) == 1 && strchr("dtgklh", i[0]) != NULL;
    return 0;
}

static int sibilant_vowel(const struct fsyl *y)
{
    return !strcmp(y->fin, "i") && (!strcmp(y->ini, "s") || !strcmp(y->ini, "z") || !strcmp(y->ini, "c") ||
                                     !strcmp(y->ini, "sh"));
}

int pb__han_foreign(const char *s, size_t n, int palatal, struct pb_buf *b)
{
    struct fsyl v[32];
    size_t k = 0, i = 0;
    while (i < n && k < 32) {
        UChar32 cp = pb__utf8_next(s, n, &i);
        size_t rl;
        const char *r = pb__han_readings((uint32_t)cp, &rl);
        if (!r)
            continue;
        split_syllable(r, reading_len(r) < rl ? reading_len(r) : rl, &v[k++]);
    }
    for (size_t q = 0; q < k; q++) {
        const struct fsyl *y = &v[q];
        const char *ini = y->ini;
        char fin[8];
        size_t fl;
        int last = q + 1 == k, next_l = !last && !strcmp(v[q + 1].ini, "l"),
            next_cons = !last && v[q + 1].ini[0] && strcmp(v[q + 1].ini, "y") && strcmp(v[q + 1].ini, "w");
        int rc;
        snprintf(fin, sizeof(fin), "%s", y->fin);
        fl = strlen(fin);
        if (!ini[0] && !strcmp(fin, "er") && q > 0) {
            if ((rc = pb_buf_adds(b, "r")))
                return rc;
            continue;
        }
        if ((carrier_vowel(y) && (last || next_l)) || (sibilant_vowel(y) && (last || next_cons)))
            fin[0] = 0, fl = 0;
        if (fl > 2 && !strcmp(fin + fl - 2, "ng"))
            fin[--fl] = 0;
        if (!strcmp(fin, "uo") || (!strcmp(fin, "ao") && strcmp(ini, "y")))
            snprintf(fin, sizeof(fin), "o");
        else if (!strcmp(fin, "ei"))
            snprintf(fin, sizeof(fin), "e");
        if (palatal && fin[0] == 'i' && (!strcmp(ini, "j") || !strcmp(ini, "q")))
            ini = ini[0] == 'j' ? "d" : "t";
        if ((rc = pb_buf_adds(b, !strcmp(ini, "q") ? "ch" : !strcmp(ini, "x") ? "s" : !strcmp(ini, "c") ? "ts" : ini)) ||
            (rc = pb_buf_adds(b, fin)))
            return rc;
    }
    return 0;
}

/* ---- splitting ---- */

static int push2(struct pb__tctx *c, const struct pb__tok *t)
{
    if (c->ntoks2 < c->tokcap && c->ntoks2 < 2 * PB__MAX_TOKS)
        c->toks2[c->ntoks2++] = *t;
    return 0;
}

static int push_slice(struct pb__tctx *c, const struct pb__tok *src, size_t a, size_t b, uint8_t flags)
{
    struct pb__tok t = *src;
    if (b <= a)
        return 0;
    t.off = src->off + (uint32_t)a;
    t.len = (uint32_t)(b - a);
    t.flags = flags;
    t.aoff = t.alen = 0;
    return push2(c, &t);
}

static int push_canon(struct pb__tctx *c, const struct pb__lexent *e)
{
    struct pb__tok t;
    const char *w = e->canon;
    int rc;
    while (*w) {
        const char *sp = strchr(w, ' ');
        size_t wl = sp ? (size_t)(sp - w) : strlen(w);
        memset(&t, 0, sizeof(t));
        t.off = (uint32_t)c->txt.len;
        t.len = (uint32_t)wl;
        t.usc = USCRIPT_LATIN;
        if (e->kind != PB_TOK_WORD)
            t.flags = PB__T_CANON | ((e->flags & PB__LEX_POST) ? PB__T_POST : 0);
        t.kind = e->kind;
        if ((rc = pb_buf_add(&c->txt, w, wl)))
            return rc;
        push2(c, &t);
        w += wl;
        while (*w == ' ')
            w++;
    }
    return 0;
}

static int numeral(UChar32 c)
{
    switch (c) {
    case 0x96F6: case 0x3007: return 0;   /* 零 〇 */
    case 0x4E00: return 1;
    case 0x4E8C: case 0x4E24: return 2;   /* 二 两 */
    case 0x4E09: return 3;
    case 0x56DB: return 4;
    case 0x4E94: return 5;
    case 0x516D: return 6;
    case 0x4E03: return 7;
    case 0x516B: return 8;
    case 0x4E5D: return 9;
    case 0x5341: return 10;
    case 0x767E: return 100;
    case 0x5343: return 1000;
    default: return -1;
    }
}

/* Value of a run of Han numerals: 三十八 = 38, 二〇一九 = 2019. */
static long numeral_value(const UChar32 *v, size_t n)
{
    long total = 0, cur = 0;
    for (size_t i = 0; i < n; i++) {
        int d = numeral(v[i]);
        if (d >= 10) {
            total += (cur ? cur : 1) * d;
            cur = 0;
        } else {
            cur = cur * 10 + d;
        }
        if (total > 100000000L || cur > 100000000L)
            break;
    }
    return total + cur;
}

static const struct pb__lexent *han_key(const char *s, size_t n, int allow_org)
{
    const struct pb__lexent *e = pb__lex_get(s, n);
    if (!e || !(e->flags & PB__LEX_REPLACE) || !(e->flags & PB__LEX_HAN))
        return NULL;
    if (!allow_org && (e->kind == PB_TOK_LEGAL || e->kind == PB_TOK_ORGTYPE || e->kind == PB_TOK_GENERIC))
        return NULL;
    return e;
}

/* Segment bytes [a, b) of the token (code points at byte offsets off[]) into words. */
static int org_piece(struct pb__tctx *c, const struct pb__tok *t, const size_t *off, size_t a, size_t b,
                     int allow_org)
{
    size_t nb = 0, bi = 0, run = (size_t)-1;
    size_t *bnd = NULL;
    int rc = 0, prev_multi = 0, maxlen = pb__lex_han_maxlen();
    int32_t n16 = 0;
    void *q;
    /* UTF-16 of the piece, with the code point index of each UTF-16 unit */
    if (c->tmp16cap < (b - a) * 2 + 2) {
        if (!(q = realloc(c->tmp16, ((b - a) * 2 + 2) * sizeof(UChar))))
            return PROBITY_ENOMEM;
        c->tmp16 = q;
        c->tmp16cap = (b - a) * 2 + 2;
    }
    if (c->map16cap < (b - a) * 2 + 2) {
        if (!(q = realloc(c->map16, ((b - a) * 2 + 2) * sizeof(int32_t))))
            return PROBITY_ENOMEM;
        c->map16 = q;
        c->map16cap = (b - a) * 2 + 2;
    }
    if (!(bnd = malloc((b - a + 2) * sizeof(*bnd))))
        return PROBITY_ENOMEM;
    for (size_t k = a; k < b; k++) {
        size_t j = off[k];
        UChar32 cp = pb__utf8_next(c->txt.s + t->off, t->len, &j);
        c->map16[n16] = (int32_t)k;
        if (cp > 0xFFFF) {
            c->tmp16[n16++] = U16_LEAD(cp);
            c->map16[n16] = (int32_t)k;
            c->tmp16[n16++] = U16_TRAIL(cp);
        } else {
            c->tmp16[n16++] = (UChar)cp;
        }
    }
    c->map16[n16] = (int32_t)b;
    if (!c->wb && !c->wb_failed) {
        UErrorCode st = U_ZERO_ERROR;
        c->wb = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
        if (U_FAILURE(st)) {
            c->wb = NULL;
            c->wb_failed = 1;
        }
    }
    bnd[nb++] = a;
    if (c->wb) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t p;
        ubrk_setText(c->wb, c->tmp16, n16, &st);
        if (U_SUCCESS(st)) {
            ubrk_first(c->wb);
            while ((p = ubrk_next(c->wb)) != UBRK_DONE)
                if (p > 0 && p <= n16 && (size_t)c->map16[p] > bnd[nb - 1])
                    bnd[nb++] = (size_t)c->map16[p];
        }
    }
    if (bnd[nb - 1] != b) {
        /* no segmentation: every character is its own segment */
        nb = 0;
        for (size_t k = a; k <= b; k++)
            bnd[nb++] = k;
    }
    while (bi + 1 < nb) {
        const struct pb__lexent *best = NULL;
        size_t bj = 0;
        /* the longest key that ends on a word boundary */
        for (size_t j = bi + 1; j < nb && (int)(bnd[j] - bnd[bi]) <= maxlen; j++) {
            const struct pb__lexent *e;
            /* a one-character key (局, 市, 厅) only after a word, never inside a name */
            if (bnd[j] - bnd[bi] == 1 && !prev_multi)
                continue;
            e = han_key(c->txt.s + t->off + off[bnd[bi]], off[bnd[j]] - off[bnd[bi]], allow_org);
            if (e) {
                best = e;
                bj = j;
            }
        }
        if (best) {
            if (run != (size_t)-1) {
                if ((rc = push_slice(c, t, off[run], off[bnd[bi]], 0)))
                    goto out;
                run = (size_t)-1;
            }
            if ((rc = push_canon(c, best)))
                goto out;
            bi = bj;
            prev_multi = 1;
            continue;
        }
        if (bnd[bi + 1] - bnd[bi] == 1) {
            if (run == (size_t)-1)
                run = bnd[bi];
            prev_multi = 0;
        } else {
            if (run != (size_t)-1) {
                if ((rc = push_slice(c, t, off[run], off[bnd[bi]], 0)))
                    goto out;
                run = (size_t)-1;
            }
            if ((rc = push_slice(c, t, off[bnd[bi]], off[bnd[bi + 1]], 0)))
                goto out;
            prev_multi = 1;
        }
        bi++;
    }
    if (run != (size_t)-1)
        rc = push_slice(c, t, off[run], off[b], 0);
out:
    free(bnd);
    return rc;
}

/* Does any lexicon key of an organisation occur in the Han text? */
static int has_org_key(const char *s, const size_t *off, size_t ncp)
{
    int maxlen = pb__lex_han_maxlen();
    for (size_t i = 0; i < ncp; i++)
        for (size_t j = i + 1; j <= ncp && (int)(j - i) <= maxlen; j++) {
            const struct pb__lexent *e = han_key(s + off[i], off[j] - off[i], 1);
            if (e && e->kind != PB_TOK_HONORIFIC)
                return 1;
        }
    return 0;
}

int pb__han_split(struct pb__tctx *c, size_t ti, int flags)
{
    struct pb__tok t = c->toks[ti];
    size_t *off = NULL, ncp = 0, i = 0;
    int rc = 0, sole = 1, person, autop;
    for (size_t k = 0; k < c->ntoks; k++)
        if (k != ti && c->toks[k].usc == USCRIPT_HAN)
            sole = 0;
    person = (flags & PB_NAME_PERSON) && !(flags & PB_NAME_ORG);
    autop = !(flags & (PB_NAME_PERSON | PB_NAME_ORG));
    if (!(off = malloc((t.len + 1) * sizeof(*off))))
        return PROBITY_ENOMEM;
    while (i < t.len) {
        off[ncp++] = i;
        pb__utf8_next(c->txt.s + t.off, t.len, &i);
    }
    off[ncp] = t.len;
    if (person || autop) {
        const char *s = c->txt.s + t.off;
        size_t end = ncp, cut = 0;
        const struct pb__lexent *hon = NULL;
        /* a title after the name: 习近平主席 */
        for (size_t k = 2; k <= 3 && k + 2 <= ncp && !hon; k++) {
            const struct pb__lexent *e = han_key(s + off[ncp - k], t.len - off[ncp - k], 0);
            if (e && e->kind == PB_TOK_HONORIFIC) {
                hon = e;
                end = ncp - k;
            }
        }
        if (sole && end >= 2 && end <= 4 && (person || !has_org_key(s, off, end))) {
            if (end >= 3 && pb__han_surname(s, off[2]))
                cut = 2;
            else if (pb__han_surname(s, off[1]))
                cut = 1;
        }
        if (!sole && (flags & PB__NAME_DOTTED)) {
            /* parts of a foreign name: neither family nor given names of Chinese */
            rc = push_slice(c, &t, 0, off[end], PB__T_FOREIGN);
            if (!rc && hon)
                rc = push_canon(c, hon);
            goto out;
        }
        if (cut || (person && !sole)) {
            uint8_t fl = 0;
            if (cut) {
                if ((rc = push_slice(c, &t, 0, off[cut], PB__T_SURNAME)))
                    goto out;
                fl = PB__T_GIVEN;
            } else if (pb__han_surname(s, t.len) && t.len <= 6) {
                fl = PB__T_SURNAME;
            } else if (c->ntoks2 && (c->toks2[c->ntoks2 - 1].flags & PB__T_SURNAME)) {
                fl = PB__T_GIVEN;
            }
            if ((rc = push_slice(c, &t, off[cut], off[end], fl)))
                goto out;
            if (hon)
                rc = push_canon(c, hon);
            goto out;
        }
        /* a Han name in several parts (a foreign name written 贝拉克·奥巴马) keeps its parts */
        if (person || (!sole && !has_org_key(s, off, end))) {
            rc = push_slice(c, &t, 0, off[end], 0);
            if (!rc && hon)
                rc = push_canon(c, hon);
            goto out;
        }
    }
    {
        /* 第 + numerals is an ordinal number: 第三十八研究所 -> 38 institute */
        size_t a = 0;
        for (size_t k = 0; k < ncp; k++) {
            size_t j = off[k];
            UChar32 cp = pb__utf8_next(c->txt.s + t.off, t.len, &j), v[32];
            size_t e = k + 1, nv = 0;
            if (cp != 0x7B2C)
                continue;
            while (e < ncp && nv < 32) {
                size_t q = off[e];
                UChar32 d = pb__utf8_next(c->txt.s + t.off, t.len, &q);
                if (numeral(d) < 0)
                    break;
                v[nv++] = d;
                e++;
            }
            if (!nv)
                continue;
            if (k > a && (rc = org_piece(c, &t, off, a, k, 1)))
                goto out;
            {
                char num[24];
                struct pb__tok nt;
                int len = snprintf(num, sizeof(num), "%ld", numeral_value(v, nv));
                memset(&nt, 0, sizeof(nt));
                nt.off = (uint32_t)c->txt.len;
                nt.len = (uint32_t)len;
                nt.usc = USCRIPT_LATIN;
                if ((rc = pb_buf_add(&c->txt, num, (size_t)len)))
                    goto out;
                push2(c, &nt);
            }
            a = e;
            k = e - 1;
        }
        if (a < ncp)
            rc = org_piece(c, &t, off, a, ncp, 1);
    }
out:
    free(off);
    return rc;
}
