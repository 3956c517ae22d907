/* SHA-256 (FIPS 180-4) and its base64 form, for Content-Security-Policy
 * hashes of inline scripts and styles ('sha256-BASE64'). */
#ifndef GMX_UTIL_SHA256_H
#define GMX_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define GMX_SHA256_BYTES 32
/* 44 base64 characters and the NUL. */
#define GMX_SHA256_BASE64_SIZE 45

void gmx_sha256(const void *data, size_t len, uint8_t out[GMX_SHA256_BYTES]);
/* The digest of data in standard base64 with padding, NUL-terminated. */
void gmx_sha256_base64(const void *data, size_t len, char out[GMX_SHA256_BASE64_SIZE]);

#endif
