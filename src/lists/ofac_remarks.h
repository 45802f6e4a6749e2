/* Reading the free-text Remarks column of the OFAC legacy CSV files: cutting it into
 * items ("DOB 10 Dec 1948; Passport X (Iran); Linked To: Y.") and recognising each item
 * by the phrase it starts with. Pure text work, no entities: ofac_csv.c decides what
 * each kind of item becomes. */
#ifndef PB_OFAC_REMARKS_H
#define PB_OFAC_REMARKS_H
#include <stddef.h>

enum pb_ofac_kind {
    PB_OFAC_ALIAS,         /* a.k.a. 'X' / f.k.a. 'X' / n.k.a. 'X' */
    PB_OFAC_LINK,          /* Linked To: NAME */
    PB_OFAC_OPERATOR,      /* Aircraft Operator NAME */
    PB_OFAC_DATE,          /* DOB 10 Dec 1948, Organization Established Date 1969 */
    PB_OFAC_POB,
    PB_OFAC_COUNTRY,       /* nationality Iran, Vessel Flag Panama */
    PB_OFAC_GENDER,
    PB_OFAC_TEXT,          /* Email Address x@y, Aircraft Model IL-76TD */
    PB_OFAC_ID,            /* NUMBER (Country) issued DATE expires DATE */
    PB_OFAC_WALLET,        /* Digital Currency Address - XBT address */
    PB_OFAC_PROVISION,     /* sanction regime details */
    PB_OFAC_SANCTION_DATE, /* Listing Date (EO 14024 Directive 2): 24 Feb 2022 */
};

struct pb_ofac_rule {
    const char *label;     /* the phrase as OFAC writes it */
    size_t len;
    enum pb_ofac_kind kind;
    const char *prop;      /* FtM property it fills (on the Sanction for sanction kinds), or NULL */
    const char *fallback;  /* property to use when the entity's schema lacks prop, or NULL */
};

/* Cut the next item off the Remarks text at *cursor (modified in place) and advance the
 * cursor. The item comes trimmed, without a leading "alt. " and, for the last item,
 * without the full stop that ends the remarks; it may be empty. NULL at the end. */
char *pb__ofac_next_item(char **cursor);

/* The rule whose phrase begins `item` (case-insensitive, followed by a blank, ':', ',' or
 * '#'); *value then points past the phrase and the separators after it. NULL if none. */
const struct pb_ofac_rule *pb__ofac_match(const char *item, const char **value);

/* Split an identifier item's value "N123 (Iran) issued 01 Jan 2000 expires 01 Jan 2010"
 * in place into its number, country (the last group in parentheses), issue and expiry
 * dates; the parts that are absent are NULL. */
void pb__ofac_split_id(char *v, char **number, char **country, char **issued, char **expires);

#endif
