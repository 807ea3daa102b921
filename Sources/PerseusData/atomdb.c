#include "PerseusAtomDB.h"

extern const unsigned char perseus_atomdb_apec_start[];
extern const unsigned char perseus_atomdb_apec_end[];

perseus_blob perseus_atomdb_apec(void) {
    perseus_blob blob = { perseus_atomdb_apec_start,
                          (size_t)(perseus_atomdb_apec_end - perseus_atomdb_apec_start) };
    return blob;
}
