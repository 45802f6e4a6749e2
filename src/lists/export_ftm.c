/* Placeholder until the FtM exporter lands (owned by the FtM loader work). */
#include "core/core.h"
#include "probity/lists.h"

int probity_export_ftm(struct probity_store *st, const char *dataset, FILE *out, struct probity_error *err)
{
    (void)st, (void)dataset, (void)out;
    return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "export not implemented yet");
}
