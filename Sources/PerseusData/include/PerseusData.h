#ifndef PERSEUS_DATA_H
#define PERSEUS_DATA_H
#include <stddef.h>

/* Tables derived from public data by the scripts in scripts/ and embedded in the binary with
   .incbin (one .S file per table), so Perseus never needs the source data at run time. Each table has
   an accessor returning its bytes and its size; the format of each is documented in the
   Swift type that decodes it. */

typedef struct {
    const unsigned char *bytes;
    size_t size;
} perseus_blob;

/* SwiftPM uses this header as the module's umbrella header (it is named after the module), so
   each table's header must be included here to be visible from Swift. */
#include "PerseusAbsorptionData.h"
#include "PerseusResponseData.h"
#include "PerseusIonizationData.h"
#include "PerseusScenarioData.h"
#include "PerseusAtomDB.h"

#endif
