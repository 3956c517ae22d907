/* A tiny HTTP/1.1 server on 127.0.0.1 that plays a Go service's pprof
 * endpoints and every way one can fail, chosen by the path's first part:
 *   /ok/...      a healthy service: goroutine?debug=1, heap?debug=1 (MemStats),
 *                debug/vars, metrics, and the capture profiles
 *   /leak/...    like /ok, but 10 more goroutines at each goroutine?debug=1
 *   /slow/...    answers /ok's body after 3 s
 *   /5xx/...     503
 *   /trunc/...   announces 5,000 bytes, sends 100, closes
 *   /huge/...    an endless body (no Content-Length), until the client hangs up
 *   /loop/...    302 to itself
 *   /vanish/...  like /ok, but debug=2 and profiles close mid-body
 *   /auth/REST   REST, when the request says "Authorization: Bearer " FS_TOKEN;
 *                401 otherwise
 * Thread per connection; one request per connection (Connection: close). */
#ifndef GMX_FAULTSERVER_H
#define GMX_FAULTSERVER_H

#define FS_TOKEN "fs-t0ken-4711"

typedef struct fs_server fs_server;

/* Listens on an ephemeral port of 127.0.0.1; returns the port, or -1. */
int fs_start(fs_server **out);
void fs_stop(fs_server *s);
/* A port on 127.0.0.1 where nothing listens (bound, then closed). */
int fs_closed_port(void);

#endif
