#ifndef PERSEUS_RESPONSE_DATA_H
#define PERSEUS_RESPONSE_DATA_H
#include "PerseusData.h"

/* The files of Responses/ (instrument definitions in YAML, compact responses, background presets),
   embedded by responses.S. Formats: docs/instruments.md and the derivation scripts in scripts/. */

/* Number of embedded files, and the name of file `index` (NULL past the end). */
size_t perseus_response_file_count(void);
const char *perseus_response_file_name(size_t index);

/* The bytes of the embedded file `name` (e.g. "nustar-fpma.yaml"); { NULL, 0 } if there is none. */
perseus_blob perseus_response_file(const char *name);

#endif
