#include "html_arg.h"

#include "cli.h"
#include "gomemdx/output.h"
#include "gomemdx/report.h"

int cli_write_html(const char *path, gmx_code rc, char *page, size_t len, const gmx_error *err)
{
    gmx_error werr;
    int status = EXIT_OK;
    if (rc != GMX_OK)
        status = cli_report_error(err);
    else if (gmx_output_write_file(path, page, len, &werr) != GMX_OK)
        status = cli_report_error(&werr);
    gmx_render_free(page);
    return status;
}
