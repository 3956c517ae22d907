#ifndef GOMEMDX_VERSION_H
#define GOMEMDX_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "MAJOR.MINOR.PATCH". Static storage. */
const char *gmx_version(void);

#ifdef __cplusplus
}
#endif

#endif
