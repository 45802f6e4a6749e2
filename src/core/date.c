/* Dates as lists write them, turned into ISO 8601 prefixes. Lists mix US order
 * (12/17/2014), European order (17.3.2014), English months (17 Dec 2014, Oct 1966) and
 * ISO timestamps; FtM stores dates as "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "core/core.h"

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};

static int month_of(const char *w, size_t n)
{
    if (n < 3)
        return 0;
    for (int i = 0; i < 12; i++)
        if (pb_startswith_ci(w, months[i]))
            return i + 1;
    return 0;
}

static int valid(int y, int m, int d)
{
    return y >= 1000 && y <= 2999 && m >= 0 && m <= 12 && d >= 0 && d <= 31 && !(m == 0 && d);
}

static int emit(char out[11], int y, int m, int d)
{
    if (!valid(y, m, d))
        return PROBITY_EINVAL;
    if (d)
        snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    else if (m)
        snprintf(out, 8, "%04d-%02d", y, m);
    else
        snprintf(out, 5, "%04d", y);
    return 0;
}

int pb_date_iso(const char *in, char out[11])
{
    int nums[3] = {0, 0, 0}, nlen[3] = {0, 0, 0}, nn = 0, mon = 0;
    const char *p = in;
    out[0] = 0;
    if (!in)
        return PROBITY_EINVAL;
    while (isspace((unsigned char)*p))
        p++;
    if (pb_startswith_ci(p, "circa "))
        p += 6;
    else if (pb_startswith_ci(p, "ca. "))
        p += 4;
    else if (pb_startswith_ci(p, "approximately "))
        p += 14;
    /* ISO first: YYYY[-MM[-DD]][T...] */
    if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
        isdigit((unsigned char)p[3]) && (p[4] == 0 || p[4] == '-')) {
        int y = 0, m = 0, d = 0;
        if (sscanf(p, "%4d-%2d-%2d", &y, &m, &d) >= 1) {
            size_t n = strlen(p);
            if (n == 4 || p[4] != '-' || (n >= 7 && (p[7] == 0 || p[7] == '-'))) {
                if (n > 10 && p[10] != 'T' && p[10] != ' ' && p[4] == '-')
                    return PROBITY_EINVAL;
                return emit(out, y, m, d);
            }
        }
    }
    while (*p) {
        if (isdigit((unsigned char)*p)) {
            int v = 0, l = 0;
            while (isdigit((unsigned char)*p) && l < 5)
                v = v * 10 + (*p++ - '0'), l++;
            if (nn == 3 || l > 4)
                return PROBITY_EINVAL;
            nums[nn] = v;
            nlen[nn++] = l;
        } else if (isalpha((unsigned char)*p)) {
            const char *w = p;
            while (isalpha((unsigned char)*p))
                p++;
            if (mon || !(mon = month_of(w, (size_t)(p - w))))
                return PROBITY_EINVAL;
            if (*p == '.')
                p++;
        } else if (*p == '/' || *p == '.' || *p == '-' || *p == ',' || isspace((unsigned char)*p)) {
            p++;
        } else {
            return PROBITY_EINVAL;
        }
    }
    if (mon) {
        /* 17 Dec 2014, Dec 17, 2014, Oct 1966 */
        if (nn == 1 && nlen[0] == 4)
            return emit(out, nums[0], mon, 0);
        if (nn == 2 && nlen[1] == 4)
            return emit(out, nums[1], mon, nums[0]);
        if (nn == 2 && nlen[0] == 4)
            return emit(out, nums[0], mon, nums[1]);
        return PROBITY_EINVAL;
    }
    if (nn == 1 && nlen[0] == 4)
        return emit(out, nums[0], 0, 0);
    if (nn == 3 && nlen[2] == 4) {
        /* a slash means US order (month first) unless the first number cannot be a month */
        int slash = strchr(in, '/') != NULL;
        if (slash && nums[0] <= 12)
            return emit(out, nums[2], nums[0], nums[1]);
        return emit(out, nums[2], nums[1], nums[0]);
    }
    if (nn == 2 && nlen[1] == 4)
        return emit(out, nums[1], nums[0], 0);
    return PROBITY_EINVAL;
}
