/* The C face of simdjson's DOM parser (see json_flat.h). simdjson validates the whole
 * document, UTF-8 included, far faster than a tree-building C parser can; this file only
 * copies its tape into nodes C can read. Errors are codes, never exceptions. */
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>
#include <simdjson.h>
#include "lists/json_flat.h"

struct pb_json {
    simdjson::dom::parser parser;
    std::vector<pb_jnode> nodes;
    const char *why = nullptr;
};

namespace {

/* JSON deeper than this is refused: no FtM document comes close, and the walk recurses. */
constexpr int max_depth = 256;

bool add(pb_json *j, simdjson::dom::element e, const char *key, int depth)
{
    using simdjson::dom::element_type;
    if (depth > max_depth) {
        j->why = "nested too deeply";
        return false;
    }
    size_t at = j->nodes.size();
    j->nodes.push_back(pb_jnode{});
    pb_jnode &n0 = j->nodes[at];
    n0.key = key;
    switch (e.type()) {
    case element_type::OBJECT: {
        simdjson::dom::object o;
        if (e.get(o))
            return false;
        size_t count = 0;
        for (auto it = o.begin(); it != o.end(); ++it) {
            std::string_view k = it.key();
            if (std::memchr(k.data(), 0, k.size())) {
                j->why = "a member name holds \\u0000";
                return false;
            }
            if (!add(j, it.value(), it.key_c_str(), depth + 1))
                return false;
            count++;
        }
        j->nodes[at].type = PB_JOBJECT;
        j->nodes[at].len = count;
        break;
    }
    case element_type::ARRAY: {
        simdjson::dom::array a;
        if (e.get(a))
            return false;
        size_t count = 0;
        for (simdjson::dom::element x : a) {
            if (!add(j, x, nullptr, depth + 1))
                return false;
            count++;
        }
        j->nodes[at].type = PB_JARRAY;
        j->nodes[at].len = count;
        break;
    }
    case element_type::STRING: {
        const char *s;
        if (e.get_c_str().get(s))
            return false;
        size_t len = e.get_string_length();
        if (std::memchr(s, 0, len)) {
            j->why = "a string holds \\u0000";
            return false;
        }
        n0.type = PB_JSTRING;
        n0.str = s;
        n0.len = len;
        break;
    }
    case element_type::INT64:
        n0.type = PB_JINT;
        if (e.get_int64().get(n0.num.i))
            return false;
        break;
    case element_type::UINT64:
        n0.type = PB_JUINT;
        if (e.get_uint64().get(n0.num.u))
            return false;
        break;
    case element_type::DOUBLE:
        n0.type = PB_JREAL;
        if (e.get_double().get(n0.num.d))
            return false;
        break;
    case element_type::BOOL: {
        bool b;
        if (e.get_bool().get(b))
            return false;
        n0.type = b ? PB_JTRUE : PB_JFALSE;
        break;
    }
    case element_type::NULL_VALUE:
        n0.type = PB_JNULL;
        break;
    }
    j->nodes[at].end = static_cast<uint32_t>(j->nodes.size());
    return true;
}

} // namespace

extern "C" struct pb_json *pb_json_new(void)
{
    return new (std::nothrow) pb_json();
}

extern "C" void pb_json_free(struct pb_json *j)
{
    delete j;
}

extern "C" int pb_json_parse(struct pb_json *j, const char *s, size_t n, const struct pb_jnode **nodes,
                             size_t *count, const char **why)
{
    simdjson::dom::element root;
    j->why = nullptr;
    j->nodes.clear();
    try {
        auto err = j->parser.parse(s, n, true).get(root);
        if (err) {
            *why = simdjson::error_message(err);
            return -1;
        }
        if (!add(j, root, nullptr, 0)) {
            *why = j->why ? j->why : "invalid JSON";
            return -1;
        }
    } catch (const std::bad_alloc &) {
        *why = "out of memory";
        return -1;
    }
    *nodes = j->nodes.data();
    *count = j->nodes.size();
    return 0;
}

extern "C" long pb_json_get(const struct pb_jnode *nodes, size_t obj, const char *key)
{
    long found = -1;
    if (nodes[obj].type != PB_JOBJECT)
        return -1;
    for (size_t i = obj + 1; i < nodes[obj].end; i = nodes[i].end)
        if (std::strcmp(nodes[i].key, key) == 0)
            found = static_cast<long>(i);
    return found;
}
