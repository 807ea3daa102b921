#ifndef PERSEUS_ATOMDB_H
#define PERSEUS_ATOMDB_H
#include "PerseusData.h"

/* The compact AtomDB 3.0.9 emissivity table derived by scripts/derive_atomdb.py
   (zlib-compressed; decoded by PerseusPhysics' CompactAtomDBDecoder). */
perseus_blob perseus_atomdb_apec(void);

#endif
