#include "PerseusAbsorptionData.h"

extern const unsigned char perseus_absorption_xsect_start[];
extern const unsigned char perseus_absorption_xsect_end[];

perseus_blob perseus_absorption_cross_sections(void) {
    perseus_blob blob;
    blob.bytes = perseus_absorption_xsect_start;
    blob.size = (size_t)(perseus_absorption_xsect_end - perseus_absorption_xsect_start);
    return blob;
}
