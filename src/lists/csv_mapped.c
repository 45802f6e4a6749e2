/* Placeholder: this loader is being written. */
#include "core/core.h"
#include "lists/loader.h"

int pb__load_csv(const struct pb_load_args *a)
{
    return pb__err(a->err, PROBITY_EFORMAT, a->npaths ? a->paths[0] : NULL, 0, 0, "loader not implemented yet");
}
