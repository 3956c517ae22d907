#ifndef GOMEMDX_VERSION_H
#define GOMEMDX_VERSION_H

/* The library's version, "MAJOR.MINOR.PATCH". Static storage. */
const char *gmx_version(void);

#endif
