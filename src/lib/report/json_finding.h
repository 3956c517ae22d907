/* One finding as a JSON object of the findings contract (schema gomemdx/1),
 * shared by every JSON renderer. */
#ifndef GMX_REPORT_JSON_FINDING_H
#define GMX_REPORT_JSON_FINDING_H

#include "gomemdx/findings.h"
#include "gomemdx/report.h"
#include "util/json.h"

void gmx_json_finding(gmx_json *j, const gmx_finding *fd);

/* "findings": those of f that opts shows (healthy ones with show_healthy),
 * at most opts->max_findings of them, and then "findings_left_out" when
 * that cut any. opts may be NULL. */
void gmx_json_findings(gmx_json *j, const gmx_findings *f, const gmx_render_options *opts);

/* The fields of a findings document (schema gomemdx/1): "schema", "inputs",
 * "pass" for a gate, "head", "summary" and the findings, into an object the
 * caller opened, which may add its own fields before closing it. */
void gmx_json_findings_document(gmx_json *j, const gmx_findings *f, const gmx_render_options *opts);

#endif
