#ifndef PERSEUS_COPENBLAS_SHIM_H
#define PERSEUS_COPENBLAS_SHIM_H
/* OpenBLAS's CBLAS interface (and its LAPACK symbols). Include before any GSL header. */
#include <cblas.h>
#endif
