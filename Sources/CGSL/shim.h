#ifndef PERSEUS_CGSL_SHIM_H
#define PERSEUS_CGSL_SHIM_H
/* GSL linked against OpenBLAS: OpenBLAS's cblas.h first, and GSL's own CBLAS header
   suppressed so the two sets of enums do not collide. */
#include <cblas.h>
#define __GSL_CBLAS_H__
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_expint.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>

static inline const gsl_multimin_fminimizer_type *perseus_gsl_nmsimplex2(void) {
    return gsl_multimin_fminimizer_nmsimplex2;
}
#endif
