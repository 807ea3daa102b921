#include <string.h>
#include "PerseusResponseData.h"

#define PERSEUS_RESPONSE_FILE(symbol) \
    extern const unsigned char perseus_response_##symbol##_start[]; \
    extern const unsigned char perseus_response_##symbol##_end[];

PERSEUS_RESPONSE_FILE(hitomi_sxs_yaml)
PERSEUS_RESPONSE_FILE(hitomi_sxs_response)
PERSEUS_RESPONSE_FILE(xrism_resolve_yaml)
PERSEUS_RESPONSE_FILE(xrism_resolve_response)
PERSEUS_RESPONSE_FILE(nustar_fpma_yaml)
PERSEUS_RESPONSE_FILE(nustar_fpma_response)
PERSEUS_RESPONSE_FILE(nustar_fpma_background_yaml)
PERSEUS_RESPONSE_FILE(nustar_fpma_background_bin)
PERSEUS_RESPONSE_FILE(chandra_acis_i_yaml)
PERSEUS_RESPONSE_FILE(chandra_acis_i_response)

typedef struct {
    const char *name;
    const unsigned char *start;
    const unsigned char *end;
} perseus_response_entry;

#define ENTRY(file, symbol) { file, perseus_response_##symbol##_start, perseus_response_##symbol##_end }

static const perseus_response_entry entries[] = {
    ENTRY("hitomi-sxs.yaml", hitomi_sxs_yaml),
    ENTRY("hitomi-sxs.response", hitomi_sxs_response),
    ENTRY("xrism-resolve.yaml", xrism_resolve_yaml),
    ENTRY("xrism-resolve.response", xrism_resolve_response),
    ENTRY("nustar-fpma.yaml", nustar_fpma_yaml),
    ENTRY("nustar-fpma.response", nustar_fpma_response),
    ENTRY("nustar-fpma-background.yaml", nustar_fpma_background_yaml),
    ENTRY("nustar-fpma-background.bin", nustar_fpma_background_bin),
    ENTRY("chandra-acis-i.yaml", chandra_acis_i_yaml),
    ENTRY("chandra-acis-i.response", chandra_acis_i_response),
};

size_t perseus_response_file_count(void) {
    return sizeof(entries) / sizeof(entries[0]);
}

const char *perseus_response_file_name(size_t index) {
    return index < perseus_response_file_count() ? entries[index].name : NULL;
}

perseus_blob perseus_response_file(const char *name) {
    perseus_blob blob = { NULL, 0 };
    for (size_t i = 0; i < perseus_response_file_count(); i++) {
        if (strcmp(entries[i].name, name) == 0) {
            blob.bytes = entries[i].start;
            blob.size = (size_t)(entries[i].end - entries[i].start);
            break;
        }
    }
    return blob;
}
