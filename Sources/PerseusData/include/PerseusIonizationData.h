#ifndef PERSEUS_IONIZATION_DATA_H
#define PERSEUS_IONIZATION_DATA_H
#include "PerseusData.h"

/* Ionisation/recombination rate coefficients for Z = 1...30 on log10 T = 4.0...9.0
   (scripts/derive_ionization.py; layout documented there and in IonizationRateTable.swift). */
perseus_blob perseus_ionization_rates(void);

#endif
