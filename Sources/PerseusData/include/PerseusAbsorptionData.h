#ifndef PERSEUS_ABSORPTION_DATA_H
#define PERSEUS_ABSORPTION_DATA_H
#include "PerseusData.h"

/* Photo-absorption cross sections per H atom for tbabs (angr, aspl, wilm), phabs (angr, aspl) and
   wabs, on 10,000 log-spaced energies 0.1-20 keV, derived by scripts/derive_absorption.py. The blob
   is decoded by PerseusPhysics' AbsorptionTables. */
perseus_blob perseus_absorption_cross_sections(void);

#endif
