/* Country names and codes as restriction lists write them, mapped to lower-case ISO
 * 3166-1 alpha-2 codes (plus the few historic and user-assigned codes FollowTheMoney
 * knows: Kosovo "xk", the Soviet Union "suhh", Yugoslavia "yucs", Czechoslovakia "cshh").
 * Lists mix official names ("Iran, Islamic Republic of"), short names ("Iran"), the
 * variants of US lists ("Korea, North", "Burma"), alpha-2 and alpha-3 codes, and
 * nationalities written as adjectives ("Russian"); all of them are keys here. A key is
 * the name folded to lower-case ASCII letters and digits, with accents stripped and
 * every space and punctuation mark dropped, so "Cote d'Ivoire", "COTE D IVOIRE" and
 * "Côte d’Ivoire" meet on one key. Names that could mean two countries ("Korea",
 * "Congolese") are deliberately absent: an unknown name keeps its raw text upstream,
 * which is better than a wrong code. */
#include <stdlib.h>
#include <string.h>
#include "lists/loader.h"

struct country {
    const char *key, *code;
};

/* Sorted by key (strcmp order): bsearch depends on it. */
static const struct country countries[] = {
    {"abw", "aw"}, {"ad", "ad"}, {"ae", "ae"}, {"af", "af"}, {"afg", "af"}, {"afgan", "af"},
    {"afghan", "af"}, {"afghanistan", "af"}, {"ag", "ag"}, {"ago", "ao"}, {"ai", "ai"},
    {"aia", "ai"}, {"al", "al"}, {"ala", "ax"}, {"alandislands", "ax"}, {"alb", "al"},
    {"albania", "al"}, {"albanian", "al"}, {"algeria", "dz"}, {"algerian", "dz"}, {"am", "am"},
    {"america", "us"}, {"american", "us"}, {"americansamoa", "as"}, {"and", "ad"},
    {"andorra", "ad"}, {"andorran", "ad"}, {"angola", "ao"}, {"angolan", "ao"}, {"anguilla", "ai"},
    {"antarctica", "aq"}, {"antigua", "ag"}, {"antiguaandbarbuda", "ag"}, {"antiguan", "ag"},
    {"ao", "ao"}, {"aq", "aq"}, {"ar", "ar"}, {"arabrepublicofegypt", "eg"}, {"are", "ae"},
    {"arg", "ar"}, {"argentina", "ar"}, {"argentine", "ar"}, {"argentinian", "ar"}, {"arm", "am"},
    {"armenia", "am"}, {"armenian", "am"}, {"aruba", "aw"}, {"as", "as"}, {"asm", "as"},
    {"at", "at"}, {"ata", "aq"}, {"atf", "tf"}, {"atg", "ag"}, {"au", "au"}, {"aus", "au"},
    {"australia", "au"}, {"australian", "au"}, {"austria", "at"}, {"austrian", "at"}, {"aut", "at"},
    {"aw", "aw"}, {"ax", "ax"}, {"az", "az"}, {"aze", "az"}, {"azerbaijan", "az"},
    {"azerbaijani", "az"}, {"azeri", "az"}, {"ba", "ba"}, {"bahamas", "bs"}, {"bahamasthe", "bs"},
    {"bahamian", "bs"}, {"bahrain", "bh"}, {"bahraini", "bh"}, {"bangladesh", "bd"},
    {"bangladeshi", "bd"}, {"barbadian", "bb"}, {"barbados", "bb"}, {"bb", "bb"}, {"bd", "bd"},
    {"bdi", "bi"}, {"be", "be"}, {"bel", "be"}, {"belarus", "by"}, {"belarusian", "by"},
    {"belarussian", "by"}, {"belgian", "be"}, {"belgium", "be"}, {"belize", "bz"},
    {"belizean", "bz"}, {"ben", "bj"}, {"benin", "bj"}, {"beninese", "bj"}, {"bermuda", "bm"},
    {"bes", "bq"}, {"bf", "bf"}, {"bfa", "bf"}, {"bg", "bg"}, {"bgd", "bd"}, {"bgr", "bg"},
    {"bh", "bh"}, {"bhr", "bh"}, {"bhs", "bs"}, {"bhutan", "bt"}, {"bhutanese", "bt"}, {"bi", "bi"},
    {"bih", "ba"}, {"bissauguinean", "gw"}, {"bj", "bj"}, {"bl", "bl"}, {"blm", "bl"},
    {"blr", "by"}, {"blz", "bz"}, {"bm", "bm"}, {"bmu", "bm"}, {"bn", "bn"}, {"bo", "bo"},
    {"bol", "bo"}, {"bolivarianrepublicofvenezuela", "ve"}, {"bolivia", "bo"}, {"bolivian", "bo"},
    {"boliviaplurinationalstateof", "bo"}, {"bonaire", "bq"}, {"bonairesinteustatiusandsaba", "bq"},
    {"bosnia", "ba"}, {"bosniaandherzegovina", "ba"}, {"bosniaherzegovina", "ba"},
    {"bosnian", "ba"}, {"botswana", "bw"}, {"botswanan", "bw"}, {"bouvetisland", "bv"},
    {"bq", "bq"}, {"br", "br"}, {"bra", "br"}, {"brazil", "br"}, {"brazilian", "br"}, {"brb", "bb"},
    {"britain", "gb"}, {"british", "gb"}, {"britishindianoceanterritory", "io"},
    {"britishvirginislands", "vg"}, {"brn", "bn"}, {"brunei", "bn"}, {"bruneian", "bn"},
    {"bruneidarussalam", "bn"}, {"bs", "bs"}, {"bt", "bt"}, {"btn", "bt"}, {"bulgaria", "bg"},
    {"bulgarian", "bg"}, {"burkinabe", "bf"}, {"burkinafaso", "bf"}, {"burma", "mm"},
    {"burmese", "mm"}, {"burundi", "bi"}, {"burundian", "bi"}, {"bv", "bv"}, {"bvi", "vg"},
    {"bvt", "bv"}, {"bw", "bw"}, {"bwa", "bw"}, {"by", "by"}, {"byelorussian", "by"}, {"bz", "bz"},
    {"ca", "ca"}, {"caboverde", "cv"}, {"caf", "cf"}, {"cambodia", "kh"}, {"cambodian", "kh"},
    {"cameroon", "cm"}, {"cameroonian", "cm"}, {"can", "ca"}, {"canada", "ca"}, {"canadian", "ca"},
    {"capeverde", "cv"}, {"capeverdean", "cv"}, {"caribbeannetherlands", "bq"},
    {"caymanislands", "ky"}, {"cc", "cc"}, {"cck", "cc"}, {"cd", "cd"}, {"centralafrican", "cf"},
    {"centralafricanrepublic", "cf"}, {"cf", "cf"}, {"cg", "cg"}, {"ch", "ch"}, {"chad", "td"},
    {"chadian", "td"}, {"che", "ch"}, {"chile", "cl"}, {"chilean", "cl"}, {"china", "cn"},
    {"chinapeoplesrepublicof", "cn"}, {"chinese", "cn"}, {"chinesetaipei", "tw"}, {"chl", "cl"},
    {"chn", "cn"}, {"christmasisland", "cx"}, {"ci", "ci"}, {"civ", "ci"}, {"ck", "ck"},
    {"cl", "cl"}, {"cm", "cm"}, {"cmr", "cm"}, {"cn", "cn"}, {"co", "co"}, {"cocosislands", "cc"},
    {"cocoskeelingislands", "cc"}, {"cod", "cd"}, {"cog", "cg"}, {"cok", "ck"}, {"col", "co"},
    {"colombia", "co"}, {"colombian", "co"}, {"com", "km"}, {"comorian", "km"}, {"comoros", "km"},
    {"congo", "cg"}, {"congobrazzaville", "cg"}, {"congodemocraticrepublicofthe", "cd"},
    {"congodemrep", "cd"}, {"congokinshasa", "cd"}, {"congorepublicofthe", "cg"},
    {"cookislands", "ck"}, {"costarica", "cr"}, {"costarican", "cr"}, {"cotedivoire", "ci"},
    {"cpv", "cv"}, {"cr", "cr"}, {"cri", "cr"}, {"croatia", "hr"}, {"croatian", "hr"}, {"cu", "cu"},
    {"cub", "cu"}, {"cuba", "cu"}, {"cuban", "cu"}, {"curacao", "cw"}, {"cuw", "cw"}, {"cv", "cv"},
    {"cw", "cw"}, {"cx", "cx"}, {"cxr", "cx"}, {"cy", "cy"}, {"cym", "ky"}, {"cyp", "cy"},
    {"cypriot", "cy"}, {"cyprus", "cy"}, {"cz", "cz"}, {"cze", "cz"}, {"czech", "cz"},
    {"czechia", "cz"}, {"czechoslovakia", "cshh"}, {"czechrepublic", "cz"}, {"danish", "dk"},
    {"de", "de"}, {"democraticpeoplesrepublicofkorea", "kp"}, {"democraticrepublicofcongo", "cd"},
    {"democraticrepublicofthecongo", "cd"}, {"denmark", "dk"}, {"deu", "de"}, {"dj", "dj"},
    {"dji", "dj"}, {"djibouti", "dj"}, {"djiboutian", "dj"}, {"dk", "dk"}, {"dm", "dm"},
    {"dma", "dm"}, {"dnk", "dk"}, {"do", "do"}, {"dom", "do"}, {"dominica", "dm"},
    {"dominican", "do"}, {"dominicanrepublic", "do"}, {"dprk", "kp"}, {"dprkorea", "kp"},
    {"drc", "cd"}, {"drcongo", "cd"}, {"dutch", "nl"}, {"dz", "dz"}, {"dza", "dz"},
    {"easttimor", "tl"}, {"ec", "ec"}, {"ecu", "ec"}, {"ecuador", "ec"}, {"ecuadorean", "ec"},
    {"ecuadorian", "ec"}, {"ee", "ee"}, {"eg", "eg"}, {"egy", "eg"}, {"egypt", "eg"},
    {"egyptian", "eg"}, {"eh", "eh"}, {"elsalvador", "sv"}, {"emirates", "ae"}, {"emirati", "ae"},
    {"england", "gb"}, {"english", "gb"}, {"equatoguinean", "gq"}, {"equatorialguinea", "gq"},
    {"er", "er"}, {"eri", "er"}, {"eritrea", "er"}, {"eritrean", "er"}, {"es", "es"}, {"esh", "eh"},
    {"esp", "es"}, {"est", "ee"}, {"estonia", "ee"}, {"estonian", "ee"}, {"eswatini", "sz"},
    {"et", "et"}, {"eth", "et"}, {"ethiopia", "et"}, {"ethiopian", "et"}, {"faeroeislands", "fo"},
    {"falklandislands", "fk"}, {"falklandislandsmalvinas", "fk"}, {"faroeislands", "fo"},
    {"federalrepublicofgermany", "de"}, {"federalrepublicofyugoslavia", "yucs"},
    {"federatedstatesofmicronesia", "fm"}, {"fi", "fi"}, {"fiji", "fj"}, {"fijian", "fj"},
    {"filipino", "ph"}, {"fin", "fi"}, {"finland", "fi"}, {"finnish", "fi"}, {"fj", "fj"},
    {"fji", "fj"}, {"fk", "fk"}, {"flk", "fk"}, {"fm", "fm"}, {"fo", "fo"},
    {"formeryugoslavrepublicofmacedonia", "mk"}, {"fr", "fr"}, {"fra", "fr"}, {"france", "fr"},
    {"french", "fr"}, {"frenchguiana", "gf"}, {"frenchpolynesia", "pf"},
    {"frenchsouthernterritories", "tf"}, {"fro", "fo"}, {"fsm", "fm"}, {"ga", "ga"}, {"gab", "ga"},
    {"gabon", "ga"}, {"gabonese", "ga"}, {"gambia", "gm"}, {"gambian", "gm"}, {"gambiathe", "gm"},
    {"gaza", "ps"}, {"gazastrip", "ps"}, {"gb", "gb"}, {"gbr", "gb"}, {"gd", "gd"}, {"ge", "ge"},
    {"geo", "ge"}, {"georgia", "ge"}, {"georgian", "ge"}, {"german", "de"}, {"germany", "de"},
    {"gf", "gf"}, {"gg", "gg"}, {"ggy", "gg"}, {"gh", "gh"}, {"gha", "gh"}, {"ghana", "gh"},
    {"ghanaian", "gh"}, {"gi", "gi"}, {"gib", "gi"}, {"gibraltar", "gi"}, {"gin", "gn"},
    {"gl", "gl"}, {"glp", "gp"}, {"gm", "gm"}, {"gmb", "gm"}, {"gn", "gn"}, {"gnb", "gw"},
    {"gnq", "gq"}, {"gp", "gp"}, {"gq", "gq"}, {"gr", "gr"}, {"grc", "gr"}, {"grd", "gd"},
    {"greatbritain", "gb"}, {"greece", "gr"}, {"greek", "gr"}, {"greenland", "gl"},
    {"grenada", "gd"}, {"grenadian", "gd"}, {"grl", "gl"}, {"gs", "gs"}, {"gt", "gt"},
    {"gtm", "gt"}, {"gu", "gu"}, {"guadeloupe", "gp"}, {"guam", "gu"}, {"guatemala", "gt"},
    {"guatemalan", "gt"}, {"guernsey", "gg"}, {"guf", "gf"}, {"guinea", "gn"},
    {"guineabissau", "gw"}, {"guinean", "gn"}, {"gum", "gu"}, {"guy", "gy"}, {"guyana", "gy"},
    {"guyanese", "gy"}, {"gw", "gw"}, {"gy", "gy"}, {"haiti", "ht"}, {"haitian", "ht"},
    {"heardislandandmcdonaldislands", "hm"}, {"hk", "hk"}, {"hkg", "hk"}, {"hm", "hm"},
    {"hmd", "hm"}, {"hn", "hn"}, {"hnd", "hn"}, {"holland", "nl"}, {"holysee", "va"},
    {"honduran", "hn"}, {"honduras", "hn"}, {"hongkong", "hk"}, {"hongkongchina", "hk"},
    {"hongkongsar", "hk"}, {"hongkongspecialadministrativeregion", "hk"}, {"hr", "hr"},
    {"hrv", "hr"}, {"ht", "ht"}, {"hti", "ht"}, {"hu", "hu"}, {"hun", "hu"}, {"hungarian", "hu"},
    {"hungary", "hu"}, {"iceland", "is"}, {"icelandic", "is"}, {"id", "id"}, {"idn", "id"},
    {"ie", "ie"}, {"il", "il"}, {"im", "im"}, {"imn", "im"}, {"in", "in"}, {"ind", "in"},
    {"india", "in"}, {"indian", "in"}, {"indonesia", "id"}, {"indonesian", "id"}, {"io", "io"},
    {"iot", "io"}, {"iq", "iq"}, {"ir", "ir"}, {"iran", "ir"}, {"iranian", "ir"},
    {"iranislamicrepublicof", "ir"}, {"iraq", "iq"}, {"iraqi", "iq"}, {"ireland", "ie"},
    {"irish", "ie"}, {"irl", "ie"}, {"irn", "ir"}, {"irq", "iq"}, {"is", "is"}, {"isl", "is"},
    {"islamicemirateofafghanistan", "af"}, {"islamicrepublicofafghanistan", "af"},
    {"islamicrepublicofiran", "ir"}, {"isleofman", "im"}, {"isr", "il"}, {"israel", "il"},
    {"israeli", "il"}, {"it", "it"}, {"ita", "it"}, {"italian", "it"}, {"italy", "it"},
    {"ivorian", "ci"}, {"ivorycoast", "ci"}, {"jam", "jm"}, {"jamaica", "jm"}, {"jamaican", "jm"},
    {"japan", "jp"}, {"japanese", "jp"}, {"je", "je"}, {"jersey", "je"}, {"jey", "je"},
    {"jm", "jm"}, {"jo", "jo"}, {"jor", "jo"}, {"jordan", "jo"}, {"jordanian", "jo"}, {"jp", "jp"},
    {"jpn", "jp"}, {"kaz", "kz"}, {"kazakh", "kz"}, {"kazakhstan", "kz"}, {"kazakhstani", "kz"},
    {"ke", "ke"}, {"ken", "ke"}, {"kenya", "ke"}, {"kenyan", "ke"}, {"kg", "kg"}, {"kgz", "kg"},
    {"kh", "kh"}, {"khm", "kh"}, {"ki", "ki"}, {"kingdomofsaudiarabia", "sa"}, {"kir", "ki"},
    {"kirghizia", "kg"}, {"kiribati", "ki"}, {"km", "km"}, {"kn", "kn"}, {"kna", "kn"},
    {"kor", "kr"}, {"koreademocraticpeoplesrepublicof", "kp"}, {"koreanorth", "kp"},
    {"korearepublicof", "kr"}, {"koreasouth", "kr"}, {"kosovar", "xk"}, {"kosovo", "xk"},
    {"kp", "kp"}, {"kr", "kr"}, {"kuwait", "kw"}, {"kuwaiti", "kw"}, {"kw", "kw"}, {"kwt", "kw"},
    {"ky", "ky"}, {"kyrgyz", "kg"}, {"kyrgyzrepublic", "kg"}, {"kyrgyzstan", "kg"}, {"kz", "kz"},
    {"la", "la"}, {"lao", "la"}, {"laopdr", "la"}, {"laopeoplesdemocraticrepublic", "la"},
    {"laos", "la"}, {"laotian", "la"}, {"latvia", "lv"}, {"latvian", "lv"}, {"lb", "lb"},
    {"lbn", "lb"}, {"lbr", "lr"}, {"lby", "ly"}, {"lc", "lc"}, {"lca", "lc"}, {"lebanese", "lb"},
    {"lebanon", "lb"}, {"lesotho", "ls"}, {"li", "li"}, {"liberia", "lr"}, {"liberian", "lr"},
    {"libya", "ly"}, {"libyan", "ly"}, {"libyanarabjamahiriya", "ly"}, {"lie", "li"},
    {"liechtenstein", "li"}, {"lithuania", "lt"}, {"lithuanian", "lt"}, {"lk", "lk"}, {"lka", "lk"},
    {"lr", "lr"}, {"ls", "ls"}, {"lso", "ls"}, {"lt", "lt"}, {"ltu", "lt"}, {"lu", "lu"},
    {"lux", "lu"}, {"luxembourg", "lu"}, {"luxembourgish", "lu"}, {"lv", "lv"}, {"lva", "lv"},
    {"ly", "ly"}, {"ma", "ma"}, {"mac", "mo"}, {"macao", "mo"}, {"macaosar", "mo"},
    {"macaospecialadministrativeregion", "mo"}, {"macau", "mo"}, {"macauchina", "mo"},
    {"macausar", "mo"}, {"macedonia", "mk"}, {"macedonian", "mk"}, {"madagascar", "mg"},
    {"maf", "mf"}, {"mainlandchina", "cn"}, {"malagasy", "mg"}, {"malawi", "mw"},
    {"malawian", "mw"}, {"malaysia", "my"}, {"malaysian", "my"}, {"maldives", "mv"},
    {"maldivian", "mv"}, {"mali", "ml"}, {"malian", "ml"}, {"malta", "mt"}, {"maltese", "mt"},
    {"mar", "ma"}, {"marshallislands", "mh"}, {"martinique", "mq"}, {"mauritania", "mr"},
    {"mauritanian", "mr"}, {"mauritian", "mu"}, {"mauritius", "mu"}, {"mayotte", "yt"},
    {"mc", "mc"}, {"mco", "mc"}, {"md", "md"}, {"mda", "md"}, {"mdg", "mg"}, {"mdv", "mv"},
    {"me", "me"}, {"mex", "mx"}, {"mexican", "mx"}, {"mexico", "mx"}, {"mf", "mf"}, {"mg", "mg"},
    {"mh", "mh"}, {"mhl", "mh"}, {"micronesia", "fm"}, {"micronesiafederatedstatesof", "fm"},
    {"micronesian", "fm"}, {"mk", "mk"}, {"mkd", "mk"}, {"ml", "ml"}, {"mli", "ml"}, {"mlt", "mt"},
    {"mm", "mm"}, {"mmr", "mm"}, {"mn", "mn"}, {"mne", "me"}, {"mng", "mn"}, {"mnp", "mp"},
    {"mo", "mo"}, {"moldova", "md"}, {"moldovan", "md"}, {"moldovarepublicof", "md"},
    {"monaco", "mc"}, {"monegasque", "mc"}, {"mongolia", "mn"}, {"mongolian", "mn"},
    {"montenegrin", "me"}, {"montenegro", "me"}, {"montserrat", "ms"}, {"moroccan", "ma"},
    {"morocco", "ma"}, {"motswana", "bw"}, {"moz", "mz"}, {"mozambican", "mz"},
    {"mozambique", "mz"}, {"mp", "mp"}, {"mq", "mq"}, {"mr", "mr"}, {"mrt", "mr"}, {"ms", "ms"},
    {"msr", "ms"}, {"mt", "mt"}, {"mtq", "mq"}, {"mu", "mu"}, {"mus", "mu"}, {"mv", "mv"},
    {"mw", "mw"}, {"mwi", "mw"}, {"mx", "mx"}, {"my", "my"}, {"myanmar", "mm"},
    {"myanmarburma", "mm"}, {"mys", "my"}, {"myt", "yt"}, {"mz", "mz"}, {"na", "na"}, {"nam", "na"},
    {"namibia", "na"}, {"namibian", "na"}, {"nauru", "nr"}, {"nc", "nc"}, {"ncl", "nc"},
    {"ne", "ne"}, {"nepal", "np"}, {"nepalese", "np"}, {"nepali", "np"}, {"ner", "ne"},
    {"netherlands", "nl"}, {"netherlandsthe", "nl"}, {"newcaledonia", "nc"}, {"newzealand", "nz"},
    {"nf", "nf"}, {"nfk", "nf"}, {"ng", "ng"}, {"nga", "ng"}, {"ni", "ni"}, {"nic", "ni"},
    {"nicaragua", "ni"}, {"nicaraguan", "ni"}, {"niger", "ne"}, {"nigeria", "ng"},
    {"nigerian", "ng"}, {"nigerien", "ne"}, {"niu", "nu"}, {"niue", "nu"}, {"nl", "nl"},
    {"nld", "nl"}, {"no", "no"}, {"nor", "no"}, {"norfolkisland", "nf"}, {"northernireland", "gb"},
    {"northernmarianaislands", "mp"}, {"northkorea", "kp"}, {"northkorean", "kp"},
    {"northmacedonia", "mk"}, {"norway", "no"}, {"norwegian", "no"}, {"np", "np"}, {"npl", "np"},
    {"nr", "nr"}, {"nru", "nr"}, {"nu", "nu"}, {"nz", "nz"}, {"nzl", "nz"},
    {"occupiedpalestinianterritory", "ps"}, {"om", "om"}, {"oman", "om"}, {"omani", "om"},
    {"omn", "om"}, {"pa", "pa"}, {"pak", "pk"}, {"pakistan", "pk"}, {"pakistani", "pk"},
    {"palau", "pw"}, {"palestine", "ps"}, {"palestinian", "ps"}, {"palestinianterritories", "ps"},
    {"palestinianterritory", "ps"}, {"palestinianterritoryoccupied", "ps"}, {"pan", "pa"},
    {"panama", "pa"}, {"panamanian", "pa"}, {"papuanewguinea", "pg"}, {"paraguay", "py"},
    {"paraguayan", "py"}, {"pcn", "pn"}, {"pe", "pe"}, {"peoplesrepublicofchina", "cn"},
    {"per", "pe"}, {"peru", "pe"}, {"peruvian", "pe"}, {"pf", "pf"}, {"pg", "pg"}, {"ph", "ph"},
    {"philippine", "ph"}, {"philippines", "ph"}, {"phl", "ph"}, {"pitcairn", "pn"},
    {"pitcairnislands", "pn"}, {"pk", "pk"}, {"pl", "pl"}, {"plurinationalstateofbolivia", "bo"},
    {"plw", "pw"}, {"pm", "pm"}, {"pn", "pn"}, {"png", "pg"}, {"pol", "pl"}, {"poland", "pl"},
    {"polish", "pl"}, {"portugal", "pt"}, {"portuguese", "pt"}, {"pr", "pr"}, {"prc", "cn"},
    {"prchina", "cn"}, {"pri", "pr"}, {"prk", "kp"}, {"prt", "pt"}, {"pry", "py"}, {"ps", "ps"},
    {"pse", "ps"}, {"pt", "pt"}, {"puertorico", "pr"}, {"pw", "pw"}, {"py", "py"}, {"pyf", "pf"},
    {"qa", "qa"}, {"qat", "qa"}, {"qatar", "qa"}, {"qatari", "qa"}, {"re", "re"},
    {"republicofbelarus", "by"}, {"republicofchina", "tw"}, {"republicofcongo", "cg"},
    {"republicofireland", "ie"}, {"republicofkorea", "kr"}, {"republicofmoldova", "md"},
    {"republicofnorthmacedonia", "mk"}, {"republicofthecongo", "cg"}, {"republicofturkey", "tr"},
    {"reu", "re"}, {"reunion", "re"}, {"ro", "ro"}, {"rok", "kr"}, {"romania", "ro"},
    {"romanian", "ro"}, {"rou", "ro"}, {"rs", "rs"}, {"ru", "ru"}, {"rus", "ru"}, {"russia", "ru"},
    {"russiafederation", "ru"}, {"russian", "ru"}, {"russianfederation", "ru"}, {"rw", "rw"},
    {"rwa", "rw"}, {"rwanda", "rw"}, {"rwandan", "rw"}, {"sa", "sa"}, {"sahrawi", "eh"},
    {"saintbarthelemy", "bl"}, {"sainthelena", "sh"},
    {"sainthelenaascensionandtristandacunha", "sh"}, {"saintkittsandnevis", "kn"},
    {"saintlucia", "lc"}, {"saintmartin", "mf"}, {"saintmartinfrenchpart", "mf"},
    {"saintpierreandmiquelon", "pm"}, {"saintvincentandthegrenadines", "vc"}, {"salvadoran", "sv"},
    {"samoa", "ws"}, {"samoan", "ws"}, {"sanmarino", "sm"}, {"saotomeandprincipe", "st"},
    {"sau", "sa"}, {"saudi", "sa"}, {"saudiarabia", "sa"}, {"saudiarabian", "sa"}, {"sb", "sb"},
    {"sc", "sc"}, {"scotland", "gb"}, {"scottish", "gb"}, {"sd", "sd"}, {"sdn", "sd"}, {"se", "se"},
    {"sen", "sn"}, {"senegal", "sn"}, {"senegalese", "sn"}, {"serbia", "rs"}, {"serbian", "rs"},
    {"seychelles", "sc"}, {"sg", "sg"}, {"sgp", "sg"}, {"sgs", "gs"}, {"sh", "sh"}, {"shn", "sh"},
    {"si", "si"}, {"sierraleone", "sl"}, {"sierraleonean", "sl"}, {"singapore", "sg"},
    {"singaporean", "sg"}, {"sintmaarten", "sx"}, {"sintmaartendutchpart", "sx"}, {"sj", "sj"},
    {"sjm", "sj"}, {"sk", "sk"}, {"sl", "sl"}, {"slb", "sb"}, {"sle", "sl"}, {"slovak", "sk"},
    {"slovakia", "sk"}, {"slovakrepublic", "sk"}, {"slovene", "si"}, {"slovenia", "si"},
    {"slovenian", "si"}, {"slv", "sv"}, {"sm", "sm"}, {"smr", "sm"}, {"sn", "sn"}, {"so", "so"},
    {"solomonislands", "sb"}, {"som", "so"}, {"somali", "so"}, {"somalia", "so"},
    {"southafrica", "za"}, {"southafrican", "za"}, {"southgeorgiaandthesouthsandwichislands", "gs"},
    {"southkorea", "kr"}, {"southkorean", "kr"}, {"southsudan", "ss"}, {"southsudanese", "ss"},
    {"sovietunion", "suhh"}, {"spain", "es"}, {"spanish", "es"}, {"spm", "pm"}, {"sr", "sr"},
    {"srb", "rs"}, {"srilanka", "lk"}, {"srilankan", "lk"}, {"ss", "ss"}, {"ssd", "ss"},
    {"st", "st"}, {"stateofpalestine", "ps"}, {"stbarthelemy", "bl"}, {"stkittsandnevis", "kn"},
    {"stlucia", "lc"}, {"stp", "st"}, {"stvincentandthegrenadines", "vc"}, {"sudan", "sd"},
    {"sudanese", "sd"}, {"sur", "sr"}, {"suriname", "sr"}, {"surinamese", "sr"}, {"sv", "sv"},
    {"svalbardandjanmayen", "sj"}, {"svk", "sk"}, {"svn", "si"}, {"swaziland", "sz"}, {"swe", "se"},
    {"sweden", "se"}, {"swedish", "se"}, {"swiss", "ch"}, {"swissconfederation", "ch"},
    {"switzerland", "ch"}, {"swz", "sz"}, {"sx", "sx"}, {"sxm", "sx"}, {"sy", "sy"}, {"syc", "sc"},
    {"syr", "sy"}, {"syria", "sy"}, {"syrian", "sy"}, {"syrianarabrepublic", "sy"}, {"sz", "sz"},
    {"taiwan", "tw"}, {"taiwanese", "tw"}, {"taiwanprovinceofchina", "tw"}, {"tajik", "tj"},
    {"tajikistan", "tj"}, {"tanzania", "tz"}, {"tanzanian", "tz"},
    {"tanzaniaunitedrepublicof", "tz"}, {"tc", "tc"}, {"tca", "tc"}, {"tcd", "td"}, {"td", "td"},
    {"tf", "tf"}, {"tg", "tg"}, {"tgo", "tg"}, {"th", "th"}, {"tha", "th"}, {"thai", "th"},
    {"thailand", "th"}, {"thebahamas", "bs"}, {"thegambia", "gm"}, {"thenetherlands", "nl"},
    {"thephilippines", "ph"}, {"timorleste", "tl"}, {"tj", "tj"}, {"tjk", "tj"}, {"tk", "tk"},
    {"tkl", "tk"}, {"tkm", "tm"}, {"tl", "tl"}, {"tls", "tl"}, {"tm", "tm"}, {"tn", "tn"},
    {"to", "to"}, {"togo", "tg"}, {"togolese", "tg"}, {"tokelau", "tk"}, {"ton", "to"},
    {"tonga", "to"}, {"tongan", "to"}, {"tr", "tr"}, {"trinidadandtobago", "tt"}, {"tt", "tt"},
    {"tto", "tt"}, {"tun", "tn"}, {"tunisia", "tn"}, {"tunisian", "tn"}, {"tur", "tr"},
    {"turkey", "tr"}, {"turkish", "tr"}, {"turkiye", "tr"}, {"turkmen", "tm"},
    {"turkmenistan", "tm"}, {"turksandcaicosislands", "tc"}, {"tuv", "tv"}, {"tuvalu", "tv"},
    {"tv", "tv"}, {"tw", "tw"}, {"twn", "tw"}, {"tz", "tz"}, {"tza", "tz"}, {"ua", "ua"},
    {"uae", "ae"}, {"ug", "ug"}, {"uga", "ug"}, {"uganda", "ug"}, {"ugandan", "ug"}, {"uk", "gb"},
    {"ukr", "ua"}, {"ukraine", "ua"}, {"ukrainian", "ua"}, {"um", "um"}, {"umi", "um"},
    {"unionofsovietsocialistrepublics", "suhh"}, {"unitedarabemirates", "ae"},
    {"unitedkingdom", "gb"}, {"unitedkingdomofgreatbritainandnorthernireland", "gb"},
    {"unitedrepublicoftanzania", "tz"}, {"unitedstates", "us"},
    {"unitedstatesminoroutlyingislands", "um"}, {"unitedstatesofamerica", "us"},
    {"unitedstatesofamericausa", "us"}, {"uruguay", "uy"}, {"uruguayan", "uy"}, {"ury", "uy"},
    {"us", "us"}, {"usa", "us"}, {"ussr", "suhh"}, {"usvirginislands", "vi"}, {"uy", "uy"},
    {"uz", "uz"}, {"uzb", "uz"}, {"uzbek", "uz"}, {"uzbekistan", "uz"}, {"uzbekistani", "uz"},
    {"va", "va"}, {"vanuatu", "vu"}, {"vat", "va"}, {"vatican", "va"}, {"vaticancity", "va"},
    {"vc", "vc"}, {"vct", "vc"}, {"ve", "ve"}, {"ven", "ve"}, {"venezuela", "ve"},
    {"venezuelabolivarianrepublicof", "ve"}, {"venezuelan", "ve"}, {"vg", "vg"}, {"vgb", "vg"},
    {"vi", "vi"}, {"vietnam", "vn"}, {"vietnamese", "vn"}, {"vir", "vi"},
    {"virginislandsbritish", "vg"}, {"virginislandsus", "vi"}, {"vn", "vn"}, {"vnm", "vn"},
    {"vu", "vu"}, {"vut", "vu"}, {"wales", "gb"}, {"wallisandfutuna", "wf"}, {"welsh", "gb"},
    {"westbank", "ps"}, {"westbankandgaza", "ps"}, {"westernsahara", "eh"}, {"wf", "wf"},
    {"wlf", "wf"}, {"ws", "ws"}, {"wsm", "ws"}, {"xk", "xk"}, {"xkx", "xk"}, {"ye", "ye"},
    {"yem", "ye"}, {"yemen", "ye"}, {"yemeni", "ye"}, {"yt", "yt"}, {"yugoslavia", "yucs"},
    {"za", "za"}, {"zaf", "za"}, {"zaire", "cd"}, {"zambia", "zm"}, {"zambian", "zm"},
    {"zimbabwe", "zw"}, {"zimbabwean", "zw"}, {"zm", "zm"}, {"zmb", "zm"}, {"zw", "zw"},
    {"zwe", "zw"},

};

/* ASCII letters for the code points U+00C0..U+017F (Latin-1 letters and Latin
 * Extended-A), accent stripped; '*' marks a sign that is not a letter. */
static const char latin_fold[] = "AAAAAAACEEEEIIIIDNOOOOO*OUUUUYTsaaaaaaaceeeeiiiidnooooo*ouuuuyty"
                                 "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLl"
                                 "NnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/* Fold `s[0..n)` into a key in out[size]. Returns 0, or -1 when the text holds a letter
 * outside the Latin script (no country key can match it) or is too long. */
static int fold_key(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        char a = 0;
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                a = (char)(c - 'A' + 'a');
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                a = (char)c;
            i++;
        } else if ((c & 0xE0) == 0xC0 && i + 1 < n) {
            unsigned cp = ((unsigned)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F);
            if (cp >= 0xC0 && cp <= 0x17F) {
                a = latin_fold[cp - 0xC0];
                if (a == '*')
                    a = 0;
                else if (a >= 'A' && a <= 'Z')
                    a = (char)(a - 'A' + 'a');
            } else if (cp < 0xA0 || cp > 0xBF) {
                return -1; /* another script: no key can match */
            }
            i += 2;
        } else if ((c & 0xF0) == 0xE0 && i + 2 < n) {
            unsigned cp = ((unsigned)(c & 0x0F) << 12) | (((unsigned char)s[i + 1] & 0x3Fu) << 6) |
                          ((unsigned char)s[i + 2] & 0x3Fu);
            if (cp < 0x2000 || cp > 0x206F)
                return -1; /* only general punctuation (curly quotes, dashes) is dropped */
            i += 3;
        } else {
            return -1;
        }
        if (a) {
            if (o + 1 >= size)
                return -1;
            out[o++] = a;
        }
    }
    out[o] = 0;
    return 0;
}

static int cmp_country(const void *k, const void *e)
{
    return strcmp(k, ((const struct country *)e)->key);
}

static const char *lookup(const char *s, size_t n)
{
    char key[96];
    const struct country *c;
    if (fold_key(s, n, key, sizeof(key)) != 0 || !key[0])
        return NULL;
    c = bsearch(key, countries, sizeof(countries) / sizeof(countries[0]), sizeof(countries[0]), cmp_country);
    return c ? c->code : NULL;
}

const char *pb__country_code(const char *name)
{
    const char *code, *open, *close;
    size_t n;
    if (!name)
        return NULL;
    n = strlen(name);
    if ((code = lookup(name, n)))
        return code;
    /* "Iran (Islamic Republic of)" is a key, but "Korea, Democratic People's Republic
     * of (DPRK)" is not: try the text before a parenthesis, then the text inside it */
    if ((open = strchr(name, '(')) && open > name && (code = lookup(name, (size_t)(open - name))))
        return code;
    if (open && (close = strchr(open, ')')) && (code = lookup(open + 1, (size_t)(close - open - 1))))
        return code;
    if (n > 4 && (name[0] == 'T' || name[0] == 't') && (name[1] == 'H' || name[1] == 'h') &&
        (name[2] == 'E' || name[2] == 'e') && name[3] == ' ')
        return lookup(name + 4, n - 4);
    return NULL;
}
