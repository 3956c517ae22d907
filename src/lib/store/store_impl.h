/* Private to store/: the handle and the error helper both files use. */
#ifndef GMX_STORE_IMPL_H
#define GMX_STORE_IMPL_H

#include "gomemdx/store.h"

#include <sqlite3.h>

struct gmx_store {
    sqlite3 *db;
    char path[512];
};

/* Sets err from the database's last error: "STORE: WHAT: sqlite message". */
gmx_code gmx_store_fail(gmx_store *s, gmx_error *err, const char *what);
/* Prepares sql into *st (NULL on failure, with err set). */
gmx_code gmx_store_prepare(gmx_store *s, const char *sql, sqlite3_stmt **st, gmx_error *err);
/* Steps a write statement to completion and finalizes it. */
gmx_code gmx_store_exec_stmt(gmx_store *s, sqlite3_stmt *st, const char *what, gmx_error *err);

/* A copy (gmx_strndup) of a text column, NULL when it is NULL or out of
 * memory. */
char *gmx_store_column_strdup(sqlite3_stmt *st, int col);

#endif
