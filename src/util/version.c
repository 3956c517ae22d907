#include "gomemdx/version.h"
#include "version_gen.h"

const char *gmx_version(void)
{
    return GMX_VERSION_STRING;
}
