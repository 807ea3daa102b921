#ifndef PERSEUS_CZLIB_SHIM_H
#define PERSEUS_CZLIB_SHIM_H
#include <zlib.h>

/* zlib's status macros are plain #defines; these getters make them visible to Swift. */
static inline int perseus_z_ok(void) { return Z_OK; }
static inline int perseus_z_buf_error(void) { return Z_BUF_ERROR; }
static inline int perseus_z_mem_error(void) { return Z_MEM_ERROR; }
static inline int perseus_z_data_error(void) { return Z_DATA_ERROR; }
#endif
