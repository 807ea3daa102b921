#ifndef PERSEUS_COPENBLAS_SHIM_H
#define PERSEUS_COPENBLAS_SHIM_H
/* OpenBLAS's CBLAS interface (and its LAPACK symbols). Include before any GSL header. */
#include <cblas.h>

/* LAPACK (Fortran interface, exported by libopenblas): eigenvalues of a symmetric tridiagonal
   matrix by the Pal-Walker-Kahan root-free QL/QR algorithm. Used by the NEI ionisation solver. */
void dsterf_(int *n, double *d, double *e, int *info);
#endif
