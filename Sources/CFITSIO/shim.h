#ifndef PERSEUS_CFITSIO_SHIM_H
#define PERSEUS_CFITSIO_SHIM_H
#include <fitsio.h>

/* cfitsio reports problems through integer status codes; these getters expose the
   macro constants that Swift does not import. */
static inline int perseus_fits_readonly(void) { return READONLY; }
static inline int perseus_fits_readwrite(void) { return READWRITE; }
static inline int perseus_fits_binary_tbl(void) { return BINARY_TBL; }
static inline int perseus_fits_any_hdu(void) { return ANY_HDU; }
static inline int perseus_fits_ascii_tbl(void) { return ASCII_TBL; }
static inline int perseus_fits_image_hdu(void) { return IMAGE_HDU; }
#endif
