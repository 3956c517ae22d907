/* The heap section of `gomemdx core`: live objects by type or size class,
 * reconciled with the runtime's own accounting in the same core. */
#ifndef GMX_CLI_CORE_HEAP_H
#define GMX_CLI_CORE_HEAP_H

#include <stdbool.h>
#include <stdio.h>

#include "gomemdx/core.h"

/* The section as text (or Markdown), the largest rows first. */
void cli_core_heap_text(FILE *out, const gmx_core_heap *h, bool markdown, size_t rows);

/* Why the heap could not be read, as the section's one line. */
void cli_core_heap_unread(FILE *out, const char *why, bool markdown);

/* The JSON document text with a "heap" member added (h, or {"error": why});
 * NULL when out of memory. The caller frees it. */
char *cli_core_heap_json(const char *doc, size_t len, const gmx_core_heap *h, const char *why);

#endif
