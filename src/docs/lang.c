/* A deliberately simple language guess for documents that do not declare one. The script
 * decides first: Han (with kana for Japanese), Hangul, Cyrillic, Arabic, Greek, Hebrew,
 * Thai and Devanagari each point to one language, with a few letters that tell Ukrainian
 * from Russian and Persian from Arabic. Latin text is told apart by counting a handful of
 * very common words per language; when they are too rare to be sure, no guess is made.
 * Units are comparable across scripts: one Han, kana or Hangul character, or one word of
 * an alphabetic script, so that a Chinese text quoting English names stays Chinese. */
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

static void end_word(struct pb__lang *l)
{
    /* stop words are short: compare only short words, and the first byte before the rest */
    if (l->wlen && l->wlen <= 8) {
        l->word[l->wlen] = 0;
        for (int k = 0; k < 6; k++)
            for (int w = 0; w < 20; w++)
                if (stopwords[k][w][0] == l->word[0] && strcmp(l->word, stopwords[k][w]) == 0)
                    l->stop[k]++;
    }
    l->wlen = 0;
}

void pb__lang_feed(struct pb__lang *l, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    enum script run = S_NONE;
    size_t i = 0;
    if (l->seen >= LANG_SAMPLE)
        return;
    l->seen += n;
    l->wlen = 0;
    while (i < n) {
        uint32_t c = s[i];
        enum script sc;
        size_t k = 1;
        if (c >= 0xF0 && i + 3 < n)
            c = (c & 7) << 18 | (s[i + 1] & 0x3Fu) << 12 | (s[i + 2] & 0x3Fu) << 6 | (s[i + 3] & 0x3Fu), k = 4;
        else if (c >= 0xE0 && i + 2 < n)
            c = (c & 15) << 12 | (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu), k = 3;
        else if (c >= 0xC0 && i + 1 < n)
            c = (c & 31) << 6 | (s[i + 1] & 0x3Fu), k = 2;
        i += k;
        sc = script_of(c);
        if (sc != run || sc == S_NONE) {
            if (run == S_LATIN) {
                l->latin_words++;
                end_word(l);
            } else if (run == S_CYR)
                l->cyrillic++;
            else if (run == S_ARAB)
                l->arabic++;
            else if (run == S_GREEK)
                l->greek++;
            else if (run == S_HEB)
                l->hebrew++;
            else if (run == S_DEVA)
                l->devanagari++;
        }
        run = sc;
        switch (sc) {
        case S_LATIN:
            if (l->wlen + k < sizeof(l->word)) {
                for (size_t j = 0; j < k; j++) {
                    unsigned char b = s[i - k + j];
                    l->word[l->wlen++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
                }
            } else
                l->wlen = sizeof(l->word); /* too long for a stop word */
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
    if (run == S_LATIN) {
        l->latin_words++;
        end_word(l);
    } else if (run == S_CYR)
        l->cyrillic++;
    else if (run == S_ARAB)
        l->arabic++;
    else if (run == S_GREEK)
        l->greek++;
    else if (run == S_HEB)
        l->hebrew++;
    else if (run == S_DEVA)
        l->devanagari++;
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
