/* A deliberately simple language guess for documents that do not declare one. The script
 * decides first: Han (with kana for Japanese), Hangul, Cyrillic, Arabic, Greek, Hebrew,
 * Thai and Devanagari each point to one language, with a few letters that tell Ukrainian
 * from Russian and Persian from Arabic. Latin text is told apart by counting a handful of
 * very common words per language; when they are too rare to be sure, no guess is made.
 * Units are comparable across scripts: one Han, kana or Hangul character, or one word of
 * an alphabetic script, so that a Chinese text quoting English names stays Chinese. */
#include <pthread.h>
#include <string.h>
#include "docs/extract_int.h"

#define LANG_SAMPLE (1u << 20)

enum script { S_NONE, S_LATIN, S_CYR, S_ARAB, S_GREEK, S_HEB, S_THAI, S_DEVA, S_HAN, S_KANA, S_HANGUL };

static const char *const lang_codes[6] = {"en", "fr", "de", "es", "pt", "it"};
static const char *const stopwords[6][20] = {
    {"the", "and", "of", "to", "in", "is", "that", "for", "with", "on", "by", "was", "are", "this", "be", "it",
     "as", "from", "at", "which"},
    {"le", "la", "les", "des", "et", "est", "une", "dans", "pour", "sur", "par", "du", "au", "qui", "pas", "avec",
     "sont", "ce", "il", "ne"},
    {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "zu", "ein", "eine", "sich", "auf", "dem",
     "des", "wird", "im", "auch", "werden"},
    {"el", "los", "las", "del", "y", "por", "con", "una", "para", "es", "se", "su", "al", "como", "lo", "en",
     "fue", "sus", "entre", "pero"},
    {"os", "uma", "com", "do", "da", "em", "dos", "das", "ao", "na", "no", "foi", "pelo", "pela", "mais", "seu",
     "sua", "ou", "um", "e"},
    {"il", "di", "che", "della", "per", "con", "non", "sono", "del", "gli", "alla", "nel", "delle", "dei", "una",
     "anche", "ha", "le", "si", "questo"},
};

static enum script script_of(uint32_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7))
        return S_LATIN;
    if (c >= 0x400 && c <= 0x52F)
        return S_CYR;
    if ((c >= 0x600 && c <= 0x6FF && !(c >= 0x660 && c <= 0x669)) || (c >= 0x750 && c <= 0x77F))
        return S_ARAB;
    if (c >= 0x370 && c <= 0x3FF)
        return S_GREEK;
    if (c >= 0x5D0 && c <= 0x5EA)
        return S_HEB;
    if (c >= 0xE01 && c <= 0xE5B)
        return S_THAI;
    if (c >= 0x900 && c <= 0x97F)
        return S_DEVA;
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0x20000 && c <= 0x2FFFF))
        return S_HAN;
    if (c >= 0x3041 && c <= 0x30FF && c != 0x30FB && c != 0x30FC)
        return S_KANA;
    if (c >= 0xAC00 && c <= 0xD7A3)
        return S_HANGUL;
    return S_NONE;
}

/* The stop words in one table, each with the set of languages that list it: a word read
 * costs one look-up, not a comparison with every list. Built once, read-only afterwards. */
static struct pb_wordset stop_tab;
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static void stop_build(void)
{
    for (int k = 0; k < 6; k++)
        for (int w = 0; w < 20; w++)
            pb_wordset_add(&stop_tab, stopwords[k][w], strlen(stopwords[k][w]), 1u << k);
}

/* A Latin word of wlen bytes whose pb_word_key8 is key (read only when wlen <= 8: stop
 * words are short) */
static void stop_key(struct pb__lang *l, uint64_t key, size_t wlen)
{
    if (wlen && wlen <= stop_tab.max_len)
        for (uint32_t m = pb_wordset_get_key(&stop_tab, key); m; m &= m - 1)
            l->stop[__builtin_ctz(m)]++;
}

static void end_word(struct pb__lang *l, const char *word, size_t wlen)
{
    stop_key(l, wlen <= 8 ? pb_word_key8(word, wlen) : 0, wlen);
}

/* Take n more bytes into the sample: 0 once the sample is full. */
static int sample(struct pb__lang *l, size_t n)
{
    if (l->seen >= LANG_SAMPLE)
        return 0;
    if (!l->ready) {
        pthread_once(&stop_once, stop_build);
        l->ready = 1;
    }
    l->seen += n;
    return 1;
}

static int ascii_letter(uint32_t c)
{
    return (c | 32) >= 'a' && (c | 32) <= 'z';
}

/* A run of one script ends: count it (a Latin word also against the stop words). */
static void close_run(struct pb__lang *l, enum script run, const char *word, size_t wlen)
{
    switch (run) {
    case S_LATIN:
        l->latin_words++;
        end_word(l, word, wlen);
        break;
    case S_CYR: l->cyrillic++; break;
    case S_ARAB: l->arabic++; break;
    case S_GREEK: l->greek++; break;
    case S_HEB: l->hebrew++; break;
    case S_DEVA: l->devanagari++; break;
    default: break;
    }
}

void pb__lang_feed(struct pb__lang *l, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    enum script run = S_NONE;
    size_t i = 0, wlen = 0;   /* the Latin word being read: only one of 8 bytes or less is kept */
    char word[24];
    if (!sample(l, n))
        return;
    while (i < n) {
        uint32_t c = s[i];
        enum script sc;
        size_t k = 1;
        if (c < 0x80) {   /* most text is ASCII, read a run at a time */
            size_t e = i + 1;
            if (!ascii_letter(c)) {   /* no script: it ends the run */
                if (run != S_NONE)
                    close_run(l, run, word, wlen);
                run = S_NONE;
                wlen = 0;
                while (e < n && s[e] < 0x80 && !ascii_letter(s[e]))
                    e++;
                i = e;
                continue;
            }
            if (run != S_LATIN) {
                if (run != S_NONE)
                    close_run(l, run, word, wlen);
                run = S_LATIN;
                wlen = 0;
            }
            while (e < n && s[e] < 0x80 && ascii_letter(s[e]))
                e++;
            if (wlen + (e - i) <= 8) {
                for (; i < e; i++)
                    word[wlen++] = (char)(s[i] | 32);
            } else {
                wlen = sizeof(word);   /* too long for a stop word */
            }
            i = e;
            continue;
        }
        if (c >= 0xF0 && i + 3 < n)
            c = (c & 7) << 18 | (s[i + 1] & 0x3Fu) << 12 | (s[i + 2] & 0x3Fu) << 6 | (s[i + 3] & 0x3Fu), k = 4;
        else if (c >= 0xE0 && i + 2 < n)
            c = (c & 15) << 12 | (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu), k = 3;
        else if (c >= 0xC0 && i + 1 < n)
            c = (c & 31) << 6 | (s[i + 1] & 0x3Fu), k = 2;
        sc = script_of(c);
        i += k;
        if (sc != run || sc == S_NONE) {
            close_run(l, run, word, wlen);
            wlen = 0;
        }
        run = sc;
        switch (sc) {
        case S_LATIN:
            if (wlen + k < sizeof(word)) {
                for (size_t j = 0; j < k; j++)
                    word[wlen++] = (char)s[i - k + j];   /* not ASCII: no case to fold */
            } else
                wlen = sizeof(word); /* too long for a stop word */
            break;
        case S_CYR:
            l->ukrainian += c == 0x456 || c == 0x457 || c == 0x454 || c == 0x491;
            break;
        case S_ARAB:
            l->persian += c == 0x67E || c == 0x686 || c == 0x698 || c == 0x6AF || c == 0x6A9 || c == 0x6CC;
            break;
        case S_THAI: l->thai++; break;
        case S_HAN: l->han++; break;
        case S_KANA: l->kana++; break;
        case S_HANGUL: l->hangul++; break;
        default: break;
        }
    }
    close_run(l, run, word, wlen);
}

void pb__lang_token(struct pb__lang *l, const char *text, const struct pb_token *t)
{
    if ((t->flags & PB_TOKEN_WORD) || l->seen >= LANG_SAMPLE)
        return;
    if ((t->flags & PB_TOKEN_CJK) && t->end - t->start == 3) {   /* one character of the BMP */
        const unsigned char *u = (const unsigned char *)text + t->start;
        enum script sc = script_of((uint32_t)(u[0] & 15) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3Fu));
        l->seen += 3;
        l->han += sc == S_HAN;
        l->kana += sc == S_KANA;
        return;
    }
    if (!(t->flags & PB_TOKEN_ASCII)) {
        /* the general walk on the token's own bytes: a token ends where a run would, and
         * digits inside it end runs there too */
        pb__lang_feed(l, text + t->start, t->end - t->start);
        return;
    }
    pb__lang_ascii(l, t->len <= 8 ? pb_word_key8(t->norm, t->len) : 0, t->len);
}

void pb__lang_ascii(struct pb__lang *l, uint64_t key, size_t n)
{
    if (!sample(l, n))
        return;
    l->latin_words++;
    stop_key(l, key, n);
}

const char *pb__lang_guess(const struct pb__lang *l)
{
    uint32_t units[] = {l->latin_words, l->han + l->kana, l->hangul, l->cyrillic, l->arabic, l->greek, l->hebrew,
                        l->thai / 3, l->devanagari};
    uint32_t total = 0, best = 0;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        total += units[i];
        if (units[i] > units[best])
            best = (uint32_t)i;
    }
    if (total < 8)
        return NULL;
    switch (best) {
    case 0: {
        int top = 0;
        for (int k = 1; k < 6; k++)
            if (l->stop[k] > l->stop[top])
                top = k;
        /* in running text the commonest words make a tenth or more of it; a list of names
         * has almost none, and then the language is not something to assert */
        if (l->stop[top] < 3 || l->stop[top] * 25 < l->latin_words)
            return NULL;
        return lang_codes[top];
    }
    case 1: return l->kana * 10 >= l->han + l->kana ? "ja" : "zh";
    case 2: return "ko";
    case 3: return l->ukrainian ? "uk" : "ru";
    case 4: return l->persian ? "fa" : "ar";
    case 5: return "el";
    case 6: return "he";
    case 7: return "th";
    default: return "hi";
    }
}

void pb__lang_tag(const char *tag, char out[16])
{
    size_t n = 0;
    out[0] = 0;
    while (*tag == ' ')
        tag++;
    while (n < 8 && ((tag[n] >= 'a' && tag[n] <= 'z') || (tag[n] >= 'A' && tag[n] <= 'Z')))
        n++;
    if (n < 2 || n > 3 || (tag[n] && tag[n] != '-' && tag[n] != '_' && tag[n] != ' ' && tag[n] != ',' && tag[n] != ';'))
        return;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(tag[i] >= 'A' && tag[i] <= 'Z' ? tag[i] + 32 : tag[i]);
    out[n] = 0;
    if (strcmp(out, "und") == 0 || strcmp(out, "mul") == 0 || strcmp(out, "zxx") == 0)
        out[0] = 0;
}
