#include "PerseusIonizationData.h"

extern const unsigned char perseus_ionization_rates_start[];
extern const unsigned char perseus_ionization_rates_end[];

perseus_blob perseus_ionization_rates(void) {
    perseus_blob blob;
    blob.bytes = perseus_ionization_rates_start;
    blob.size = (size_t)(perseus_ionization_rates_end - perseus_ionization_rates_start);
    return blob;
}
