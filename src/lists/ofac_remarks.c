/* The phrasings of the OFAC Remarks column, as found in the SDN and non-SDN lists of
 * 2019-2025, and the cutting of a Remarks text into items. OFAC separates items with ';'
 * and writes weak aliases in single quotes, but apostrophes are common in names
 * ("Ba'th party", "GAMA'AT"), so quotes only matter inside an alias item. */
#include <ctype.h>
#include <string.h>
#include "core/core.h"
#include "lists/ofac_remarks.h"

/* Matched in order, case-insensitively, as a prefix followed by a blank, ':', ',' or '#'
 * ("nationality" is tried after "Nationality of Registration"). The phrasings are the
 * ones found in the SDN and non-SDN lists of 2019-2025. */
#define R(label, kind, prop, fallback) {label, sizeof(label) - 1, PB_OFAC_##kind, prop, fallback}
static const struct pb_ofac_rule rules[] = {
    R("a.k.a.", ALIAS, "weakAlias", NULL),
    R("n.k.a.", ALIAS, "weakAlias", NULL),
    R("f.k.a.", ALIAS, "previousName", NULL),
    R("Linked To", LINK, NULL, NULL),
    R("DOB", DATE, "birthDate", NULL),
    R("POB", POB, "birthPlace", NULL),
    R("Nationality of Registration", COUNTRY, "country", NULL),
    R("nationality", COUNTRY, "nationality", "country"),
    R("citizen", COUNTRY, "citizenship", "country"),
    R("Gender", GENDER, "gender", NULL),
    R("Organization Established Date", DATE, "incorporationDate", NULL),
    R("Organization Type", TEXT, "sector", NULL),
    R("Target Type", TEXT, "classification", NULL),
    R("Email Address", TEXT, "email", NULL),
    R("Email", TEXT, "email", NULL),
    R("Website", TEXT, "website", NULL),
    R("Phone Number", TEXT, "phone", NULL),
    R("Phone No.", TEXT, "phone", NULL),
    R("Phone", TEXT, "phone", NULL),
    R("Telephone No.", TEXT, "phone", NULL),
    R("Telephone Number", TEXT, "phone", NULL),
    R("Telephone", TEXT, "phone", NULL),
    R("Digital Currency Address -", WALLET, NULL, NULL),
    /* vessels and aircraft */
    R("Vessel Registration Identification", ID, "registrationNumber", NULL),
    R("Vessel Year of Build", DATE, "buildDate", NULL),
    R("Vessel Flag", COUNTRY, "flag", NULL),
    R("Vessel Type", TEXT, "type", NULL),
    R("Other Vessel Flag", COUNTRY, "pastFlags", NULL),
    R("Former Vessel Flag", COUNTRY, "pastFlags", NULL),
    R("Other Vessel Type", TEXT, "pastTypes", NULL),
    R("Other Vessel Call Sign", TEXT, "callSign", NULL),
    R("MMSI", ID, "mmsi", NULL),
    R("IMO", ID, "imoNumber", NULL),
    R("Aircraft Construction Number (also called L/N or S/N or F/N)", ID, "serialNumber", NULL),
    R("Aircraft Manufacturer's Serial Number (MSN)", ID, "serialNumber", NULL),
    R("Aircraft Serial Identification", ID, "serialNumber", NULL),
    R("Aircraft Tail Number", ID, "registrationNumber", NULL),
    R("Previous Aircraft Tail Number", ID, NULL, NULL),
    R("Aircraft Mode S Transponder Code", ID, NULL, NULL),
    R("Aircraft Manufacture Date", DATE, "buildDate", NULL),
    R("Aircraft Model", TEXT, "model", NULL),
    R("Aircraft Operator", OPERATOR, NULL, NULL),
    /* documents of persons */
    R("Passport", ID, "passportNumber", NULL),
    R("Diplomatic Passport", ID, "passportNumber", NULL),
    R("National ID No.", ID, "idNumber", "registrationNumber"),
    R("Identification Number", ID, "idNumber", "registrationNumber"),
    R("Personal ID Card", ID, "idNumber", NULL),
    R("Cedula No.", ID, "idNumber", NULL),
    R("C.U.R.P.", ID, "idNumber", NULL),
    R("C.U.I.P.", ID, "idNumber", NULL),
    R("C.U.I.", ID, "idNumber", NULL),
    R("D.N.I.", ID, "idNumber", NULL),
    R("I.F.E.", ID, "idNumber", NULL),
    R("Credencial electoral", ID, "idNumber", NULL),
    R("Electoral Registry No.", ID, "idNumber", NULL),
    R("Birth Certificate Number", ID, "idNumber", NULL),
    R("Residency Number", ID, "idNumber", NULL),
    R("Kenyan ID No.", ID, "idNumber", NULL),
    R("Turkish Identification Number", ID, "idNumber", NULL),
    R("Citizen's Card Number", ID, "idNumber", NULL),
    R("UAE Identification", ID, "idNumber", NULL),
    R("Tazkira National ID Card", ID, "idNumber", NULL),
    R("Numero de Identidad", ID, "idNumber", NULL),
    R("Travel Document Number", ID, "idNumber", NULL),
    R("Public Security and Immigration No.", ID, "idNumber", NULL),
    R("Immigration No.", ID, "idNumber", NULL),
    R("Cartilla de Servicio Militar Nacional", ID, "idNumber", NULL),
    R("Driver's License No.", ID, "idNumber", NULL),
    R("Romanian Permanent Resident CAN", ID, "idNumber", NULL),
    R("Permit Number", ID, "idNumber", NULL),
    R("SRE Permit No.", ID, "idNumber", NULL),
    R("VisaNumberID", ID, "idNumber", NULL),
    R("LE Number", ID, "idNumber", NULL),
    R("National Foreign ID Number", ID, "idNumber", NULL),
    R("SSN", ID, "socialSecurityNumber", NULL),
    /* tax numbers */
    R("Tax ID No.", ID, "taxNumber", NULL),
    R("R.F.C.", ID, "taxNumber", NULL),
    R("RFC", ID, "taxNumber", NULL),
    R("NIT #", ID, "taxNumber", NULL),
    R("C.U.I.T.", ID, "taxNumber", NULL),
    R("RUC #", ID, "taxNumber", NULL),
    R("RIF #", ID, "taxNumber", NULL),
    R("RTN", ID, "taxNumber", NULL),
    R("C.I.F.", ID, "taxNumber", NULL),
    R("Italian Fiscal Code", ID, "taxNumber", NULL),
    R("Paraguayan tax identification number", ID, "taxNumber", NULL),
    R("US FEIN", ID, "taxNumber", NULL),
    R("Numero Unico de Identificacao Tributaria (NUIT)", ID, "taxNumber", NULL),
    R("V.A.T. Number", ID, "vatCode", NULL),
    /* registers of companies */
    R("Registration ID", ID, "registrationNumber", NULL),
    R("Registration Number", ID, "registrationNumber", NULL),
    R("Business Registration Number", ID, "registrationNumber", NULL),
    R("Business Registration Document #", ID, "registrationNumber", NULL),
    R("Business Number", ID, "registrationNumber", NULL),
    R("Commercial Registry Number", ID, "registrationNumber", NULL),
    R("Company Number", ID, "registrationNumber", NULL),
    R("UK Company Number", ID, "registrationNumber", NULL),
    R("Chamber of Commerce Number", ID, "registrationNumber", NULL),
    R("Istanbul Chamber of Comm. No.", ID, "registrationNumber", NULL),
    R("Dubai Chamber of Commerce Membership No.", ID, "registrationNumber", NULL),
    R("Certificate of Incorporation Number", ID, "registrationNumber", NULL),
    R("Folio Mercantil No.", ID, "registrationNumber", NULL),
    R("Matricula Mercantil No", ID, "registrationNumber", NULL),
    R("C.R. No.", ID, "registrationNumber", NULL),
    R("Enterprise Number", ID, "registrationNumber", NULL),
    R("Branch Unit Number", ID, "registrationNumber", NULL),
    R("Economic Register Number (CBLS)", ID, "registrationNumber", NULL),
    R("Unified Social Credit Code (USCC)", ID, "registrationNumber", NULL),
    R("United Social Credit Code Certificate (USCCC)", ID, "registrationNumber", NULL),
    R("Government Gazette Number", ID, "registrationNumber", NULL),
    R("Central Registration System Number", ID, "registrationNumber", NULL),
    R("Organization Code", ID, "registrationNumber", NULL),
    R("Registered Charity No.", ID, "registrationNumber", NULL),
    R("Public Registration Number", ID, "registrationNumber", NULL),
    R("BIK (RU)", ID, "registrationNumber", NULL),
    R("Trade License No.", ID, "licenseNumber", "registrationNumber"),
    R("License", ID, "licenseNumber", "registrationNumber"),
    R("Legal Entity Number", ID, "leiCode", "registrationNumber"),
    R("SWIFT/BIC", ID, "swiftBic", NULL),
    R("D-U-N-S Number", ID, "dunsCode", NULL),
    /* securities of the listed firm have no property on it; an Identification holds them */
    R("ISIN", ID, NULL, NULL),
    R("Equity Ticker", ID, NULL, NULL),
    /* the sanction itself */
    R("Secondary sanctions risk", PROVISION, "provisions", NULL),
    R("Additional Sanctions Information", PROVISION, "provisions", NULL),
    R("Executive Order", PROVISION, "provisions", NULL),
    R("CAATSA Section", PROVISION, "provisions", NULL),
    R("IFCA Determination", PROVISION, "provisions", NULL),
    R("Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions", PROVISION,
     "provisions", NULL),
    R("For more information", PROVISION, "provisions", NULL),
    R("Purchase/Sales For Divestment Date", PROVISION, "provisions", NULL),
    R("Listing Date", SANCTION_DATE, "listingDate", NULL),
    R("Effective Date", SANCTION_DATE, "startDate", NULL),
};
#undef R

const struct pb_ofac_rule *pb__ofac_match(const char *item, const char **rest)
{
    int first = tolower((unsigned char)item[0]);
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        size_t n = rules[i].len;
        const char *p;
        if (tolower((unsigned char)rules[i].label[0]) != first || !pb_startswith_ci(item, rules[i].label))
            continue;
        p = item + n;
        if (*p && *p != ' ' && *p != ':' && *p != '#' && *p != ',' && rules[i].label[n - 1] != '#')
            continue;
        while (*p == ' ' || *p == ':' || *p == '#')
            p++;
        *rest = p;
        return &rules[i];
    }
    return NULL;
}

/* `word` where it starts a word of v (after a blank or a comma), or NULL. */
static char *find_word(char *v, const char *word)
{
    for (char *p = v; (p = strstr(p, word)); p++)
        if (p > v && (p[-1] == ' ' || p[-1] == ','))
            return p;
    return NULL;
}

/* Drop blanks and commas at both ends, in place. */
static char *tidy(char *s)
{
    size_t n;
    pb_trim(s);
    n = strlen(s);
    while (n && (s[n - 1] == ',' || s[n - 1] == ' '))
        s[--n] = 0;
    return s;
}

/* Split "N123 (Iran) issued 01 Jan 2000 expires 01 Jan 2010" in place. The number ends at
 * the first " (", "issued" or "expires"; the country is the last group in parentheses
 * ("HRA 738077 (Stuttgart) (Germany)"). */
void pb__ofac_split_id(char *v, char **number, char **country, char **issued, char **expires)
{
    char *ip = find_word(v, "issued "), *ep = find_word(v, "expires "), *p, *q;
    *number = v, *country = *issued = *expires = NULL;
    /* cut before each keyword; the blank or comma there is not part of any value */
    if (ip)
        ip[-1] = 0;
    if (ep)
        ep[-1] = 0;
    if (ip)
        *issued = tidy(ip + 7);
    if (ep)
        *expires = tidy(ep + 8);
    if ((p = strstr(v, " ("))) {
        for (q = p; (q = strchr(q, '(')); q++) {
            char *close = strchr(q, ')');
            if (!close)
                break;
            *close = 0;
            *country = q + 1;
            q = close;
        }
        *p = 0;
        if (*country)
            tidy(*country);
    }
    tidy(v);
}

static int alias_item(const char *p)
{
    while (*p == ' ')
        p++;
    if (pb_startswith_ci(p, "alt. "))
        p += 5;
    return pb_startswith_ci(p, "a.k.a. '") || pb_startswith_ci(p, "f.k.a. '") ||
           pb_startswith_ci(p, "n.k.a. '");
}

/* Items end at a ';'. Names never hold one in the lists seen so far, but a quoted alias is
 * still read up to a ';' that follows its closing quote, so that one that did would not
 * be cut in two. */
char *pb__ofac_next_item(char **cursor)
{
    char *s = *cursor, *end;
    size_t n;
    if (!s)
        return NULL;
    end = strchr(s, ';');
    if (end && alias_item(s)) {
        char *q = strchr(s, '\''), *semi;
        for (semi = strchr(q + 1, ';'); semi; semi = strchr(semi + 1, ';')) {
            char *b = semi;
            while (b > q + 1 && b[-1] == ' ')
                b--;
            if (b[-1] == '\'')
                break;
        }
        if (semi)
            end = semi;
    }
    if (end)
        *end = 0, *cursor = end + 1;
    else
        *cursor = NULL;
    pb_trim(s);
    n = strlen(s);
    if (!end && n && s[n - 1] == '.')
        s[--n] = 0;
    if (pb_startswith_ci(s, "alt. "))
        s += 5;
    return s;
}
