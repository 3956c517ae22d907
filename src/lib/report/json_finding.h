/* One finding as a JSON object of the findings contract (schema gomemdx/1),
 * shared by every JSON renderer. */
#ifndef GMX_REPORT_JSON_FINDING_H
#define GMX_REPORT_JSON_FINDING_H

#include "gomemdx/findings.h"
#include "util/json.h"

void gmx_json_finding(gmx_json *j, const gmx_finding *fd);

#endif
