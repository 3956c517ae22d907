/* A page served over HTTP to a browser on this machine (gomemdx watch
 * --listen): one thread answers GET / with a page rendered for each
 * request, anything else with 404; requests are read with a size cap and a
 * timeout, one at a time. It listens on 127.0.0.1 unless told otherwise. */
#ifndef GOMEMDX_SERVE_H
#define GOMEMDX_SERVE_H

#include <stddef.h>

#include "gomemdx/error.h"

/* Renders the page into *page (freed with gmx_render_free); called on the
 * server's thread. On failure the server answers 503 with the message. */
typedef gmx_code (*gmx_serve_page_fn)(void *ctx, char **page, size_t *len, gmx_error *err);

typedef struct gmx_server gmx_server;

/* Listens on addr: "PORT" (on 127.0.0.1) or "IPV4:PORT"; port 0 takes a
 * free one (gmx_serve_port). GMX_EUSAGE for an address that does not
 * parse, GMX_EIO when it cannot be bound. */
gmx_code gmx_serve_start(const char *addr, gmx_serve_page_fn page, void *ctx, gmx_server **out,
                         gmx_error *err);
unsigned gmx_serve_port(const gmx_server *s);
/* Stops the thread, closes the socket, frees s. Accepts NULL. */
void gmx_serve_stop(gmx_server *s);

#endif
