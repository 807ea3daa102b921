#include "PerseusData.h"
/* Accessors for embedded tables are added here, one per table, next to the .incbin
   directive in blobs.S that embeds it. */
