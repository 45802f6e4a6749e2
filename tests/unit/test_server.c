/* The HTTP API's request parsing, without a server: /match bodies (shapes, types, schema
 * and property checks, limits, name composition, the echo), reconciliation batches, /screen
 * lines in both shapes, url-encoded forms and query-string numbers. The end-to-end behaviour
 * (routes, limits, reloads under load) is tested by tests/cli/t_serve.sh. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "server/request.h"

static const struct pb_api_limits lim = {3, 32, 4, 10};

static int parse_match(const char *s, struct pb_api_batch *b, struct probity_error *err)
{
    probity_error_clear(err);
    return pb__parse_match(s, strlen(s), &lim, b, err);
}

static void test_match(void)
{
    struct pb_api_batch b;
    struct probity_error err;
    char *echo;

    CHECK_INT(parse_match("{\"queries\":{\"q1\":{\"schema\":\"Person\",\"properties\":{\"name\":[\"Ali Hasan\","
                          "\"A. Hasan\"],\"birthDate\":\"1960-02\",\"nationality\":[\"ir\",\"iq\"],"
                          "\"passportNumber\":[12345],\"notes\":\"kept, unused\"}},\"q0\":null,"
                          "\"q2\":{\"schema\":\"Vessel\",\"id\":\"mine\",\"properties\":{\"name\":\"Argo\","
                          "\"imoNumber\":\"IMO 1234567\",\"flag\":\"pa\"}}},\"weights\":{}}",
                          &b, &err),
              0);
    CHECK_INT(b.n, 2); /* the null example is skipped */
    CHECK_STR(b.q[0].key, "q1");
    CHECK_STR(b.q[0].schema, "Person");
    CHECK_INT(b.q[0].nnames, 2);
    CHECK_STR(b.q[0].names[1], "A. Hasan");
    CHECK_STR(b.q[0].birth_date, "1960-02");
    CHECK_INT(b.q[0].ncountries, 2);
    CHECK_STR(b.q[0].countries[1], "iq");
    CHECK_INT(b.q[0].nids, 1);
    CHECK_STR(b.q[0].ids[0], "12345");
    echo = json_dumps(b.q[0].echo, JSON_COMPACT);
    CHECK_STR(echo, "{\"id\":null,\"schema\":\"Person\",\"properties\":{\"name\":[\"Ali Hasan\",\"A. Hasan\"],"
                    "\"birthDate\":[\"1960-02\"],\"nationality\":[\"ir\",\"iq\"],\"passportNumber\":[\"12345\"],"
                    "\"notes\":[\"kept, unused\"]}}");
    free(echo);
    /* the client's key stays the key; the example's own id goes to the echo */
    CHECK_STR(b.q[1].key, "q2");
    CHECK_STR(json_string_value(json_object_get(b.q[1].echo, "id")), "mine");
    CHECK_STR(b.q[1].ids[0], "IMO 1234567");
    CHECK_STR(b.q[1].countries[0], "pa");
    pb__batch_release(&b);

    /* a person's name from its parts */
    CHECK_INT(parse_match("{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"lastName\":\"Putin\","
                          "\"firstName\":\"Vladimir\",\"fatherName\":\"Vladimirovich\"}}}}",
                          &b, &err),
              0);
    CHECK_STR(b.q[0].names[0], "Vladimir Vladimirovich Putin");
    pb__batch_release(&b);

    /* refusals, each with a message naming the field, and an empty batch */
    struct {
        const char *body, *msg;
        int code;
    } bad[] = {
        {"", "empty body", PROBITY_EPARSE},
        {"{\"queries\":", "malformed JSON at line 1", PROBITY_EPARSE},
        {"[]", "the body must be a JSON object", PROBITY_EINVAL},
        {"{\"queries\":[]}", "\"queries\" must be an object", PROBITY_EINVAL},
        {"{\"queries\":{}}", "no queries given", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":null}}", "no queries given", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{}}}", "queries.a.schema is required", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Dog\",\"properties\":{}}}}", "queries.a: unknown schema 'Dog'",
         PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Address\",\"properties\":{}}}}", "schema 'Address' cannot be screened",
         PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":5,\"properties\":{}}}}", "queries.a.schema must be a string", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\"}}}", "queries.a.properties must be an object", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":{}}}}}",
         "queries.a.properties.name must be a string or an array", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":[true]}}}}",
         "queries.a.properties.name[0] must be a string", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":\"x\",\"imoNumber\":\"1\"}}}}",
         "'imoNumber' is no property of Person", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"birthDate\":\"1960\"}}}}",
         "queries.a has no name", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}}}",
         "a value is 34 bytes long; at most 32", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}}}}",
         "more than 4 values", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":\"x\"}},\"b\":{},\"c\":{},\"d\":{}}}",
         "too many queries in one batch: 4 (at most 3)", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":\"x\"}}},\"weights\":[]}",
         "\"weights\" must be an object", PROBITY_EINVAL},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":\"x\"}},\"a\":{}}}", "duplicate",
         PROBITY_EPARSE},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":\"\\u0000x\"}}}}", "malformed JSON",
         PROBITY_EPARSE},
        {"{\"queries\":{\"a\":{\"schema\":\"Person\",\"properties\":{\"name\":\"\xff\"}}}}", "malformed JSON",
         PROBITY_EPARSE},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse_match(bad[i].body, &b, &err);
        CHECK_INT(rc, bad[i].code);
        CHECK(b.n == 0 && b.q == NULL);
        if (!strstr(err.msg, bad[i].msg)) {
            fprintf(stderr, "case %zu: message \"%s\" lacks \"%s\"\n", i, err.msg, bad[i].msg);
            CHECK(0);
        }
    }
    /* deep nesting is an error, not a stack overflow */
    {
        char deep[20001];
        memset(deep, '[', 20000);
        deep[20000] = 0;
        CHECK_INT(parse_match(deep, &b, &err), PROBITY_EPARSE);
    }
}

static void test_reconcile(void)
{
    struct pb_api_batch b;
    struct probity_error err;
    const char *ok = "{\"q0\":{\"query\":\"Hosein Salimy\",\"type\":\"Person\",\"limit\":3,\"properties\":["
                     "{\"pid\":\"nationality\",\"v\":\"ir\"},{\"pid\":\"Person:birthDate\",\"v\":\"1960\"},"
                     "{\"pid\":\"website\",\"v\":\"x\"},{\"pid\":\"idNumber\",\"v\":[{\"id\":\"A1\"},42]}]},"
                     "\"q1\":{\"query\":\"Xinjiang PSB\",\"type\":[{\"id\":\"Organization\",\"name\":\"Org\"}]},"
                     "\"q2\":{\"query\":\"Anyone\",\"type\":null}}";
    probity_error_clear(&err);
    CHECK_INT(pb__parse_reconcile(ok, strlen(ok), &lim, &b, &err), 0);
    CHECK_INT(b.n, 3);
    CHECK_STR(b.q[0].names[0], "Hosein Salimy");
    CHECK_INT(b.q[0].limit, 3);
    CHECK_STR(b.q[0].countries[0], "ir");
    CHECK_STR(b.q[0].birth_date, "1960");
    CHECK_INT(b.q[0].nids, 2);
    CHECK_STR(b.q[0].ids[0], "A1");
    CHECK_STR(b.q[0].ids[1], "42");
    CHECK_STR(b.q[1].schema, "Organization");
    CHECK(b.q[2].schema == NULL);
    pb__batch_release(&b);

    const char *bad[] = {"[]", "{\"q\":{\"query\":5}}", "{\"q\":{\"query\":\"x\",\"type\":\"Dog\"}}",
                         "{\"q\":{\"query\":\"x\",\"limit\":-1}}", "{\"q\":{\"query\":\"x\",\"limit\":11}}",
                         "{\"q\":{\"query\":\"x\",\"properties\":{}}}", "{\"q\":{\"query\":\"  \"}}",
                         "{\"q\":{\"query\":\"x\",\"properties\":[{\"v\":\"ru\"}]}}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        probity_error_clear(&err);
        CHECK_INT(pb__parse_reconcile(bad[i], strlen(bad[i]), &lim, &b, &err), PROBITY_EINVAL);
        CHECK(b.n == 0 && err.msg[0]);
    }
}

static int line(const char *s, struct pb_api_query *q, struct probity_error *err)
{
    return pb__parse_screen_line(s, strlen(s), &lim, q, err);
}

static void test_screen_line(void)
{
    struct pb_api_query q;
    struct probity_error err;
    const char *flat = "{\"id\":7,\"name\":[\"Ali Hasan\",\"Ali Hassan\"],\"schema\":\"Person\",\"countries\":[\"ir\"],"
                       "\"birth_date\":\"1960\",\"identifier\":\"D123\"}";
    const char *ftm = "{\"id\":\"e1\",\"properties\":{\"name\":[\"Argo\"],\"imoNumber\":[\"9876543\"]}}";
    probity_error_clear(&err);
    CHECK_INT(pb__parse_screen_line(flat, strlen(flat), &lim, &q, &err), 0);
    CHECK_STR(q.key, "7");
    CHECK_INT(q.nnames, 2);
    CHECK_STR(q.schema, "Person");
    CHECK_STR(q.countries[0], "ir");
    CHECK_STR(q.birth_date, "1960");
    CHECK_STR(q.ids[0], "D123");
    pb__query_release(&q);
    /* an entity example without a schema: properties of any matchable schema */
    CHECK_INT(pb__parse_screen_line(ftm, strlen(ftm), &lim, &q, &err), 0);
    CHECK_STR(q.key, "e1");
    CHECK(q.schema == NULL);
    CHECK_STR(q.ids[0], "9876543");
    pb__query_release(&q);
    CHECK_INT(line("{\"name\":\"x\",\"schema\":\"any\"}", &q, &err), 0);
    CHECK(q.schema == NULL);
    pb__query_release(&q);
    CHECK_INT(line("not json", &q, &err), PROBITY_EPARSE);
    CHECK_INT(line("{\"id\":\"x\"}", &q, &err), PROBITY_EINVAL);
    CHECK(strstr(err.msg, "no \"name\"") != NULL);
    CHECK_INT(line("{\"name\":\"x\",\"schema\":\"Dog\"}", &q, &err), PROBITY_EINVAL);
    CHECK_INT(line("{\"name\":{}}", &q, &err), PROBITY_EINVAL);
    CHECK_INT(line("[1]", &q, &err), PROBITY_EINVAL);
}

static int form(const char *s, char **v, struct probity_error *err)
{
    return pb__form_value(s, strlen(s), "queries", v, err);
}

static void test_form_and_params(void)
{
    struct probity_error err;
    char *v = NULL;
    const char *body = "a=1&queries=%7B%22q0%22%3A+1%7D&b";
    double d;
    long l;
    CHECK_INT(pb__form_value(body, strlen(body), "queries", &v, &err), 0);
    CHECK_STR(v, "{\"q0\": 1}");
    free(v);
    CHECK_INT(pb__form_value(body, strlen(body), "b", &v, &err), 0);
    CHECK_STR(v, "");
    free(v);
    CHECK_INT(pb__form_value(body, strlen(body), "missing", &v, &err), PROBITY_ENOTFOUND);
    CHECK(v == NULL);
    CHECK_INT(form("queries=%zz", &v, &err), PROBITY_EINVAL);
    CHECK_INT(form("queries=%4", &v, &err), PROBITY_EINVAL);
    CHECK_INT(form("queries=%00", &v, &err), PROBITY_EINVAL);
    CHECK_INT(form("queries=%ff", &v, &err), PROBITY_EINVAL);
    CHECK(v == NULL);

    CHECK_INT(pb__param_double("0.85", 0, 1, &d), 0);
    CHECK(d > 0.849 && d < 0.851);
    CHECK_INT(pb__param_double("1.5", 0, 1, &d), PROBITY_EINVAL);
    CHECK_INT(pb__param_double("nan", 0, 1, &d), PROBITY_EINVAL);
    CHECK_INT(pb__param_double("0.5x", 0, 1, &d), PROBITY_EINVAL);
    CHECK_INT(pb__param_double("", 0, 1, &d), PROBITY_EINVAL);
    CHECK_INT(pb__param_int("10", 1, 100, &l), 0);
    CHECK_INT(l, 10);
    CHECK_INT(pb__param_int("0", 1, 100, &l), PROBITY_EINVAL);
    CHECK_INT(pb__param_int("abc", 1, 100, &l), PROBITY_EINVAL);
}

int main(void)
{
    test_match();
    test_reconcile();
    test_screen_line();
    test_form_and_params();
    return check_done();
}
