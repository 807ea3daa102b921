/* Instrument definitions and compact built-in responses from Responses/ (derived by
   scripts/derive_responses.py and scripts/derive_nustar_background.py from ../shared/data; see
   docs/instruments.md). One symbol pair per file; responses.c lists them by file name. */
    .section .rodata

    .macro perseus_response_file symbol, file
    .balign 16
    .globl perseus_response_\symbol\()_start
perseus_response_\symbol\()_start:
    .incbin "\file"
    .globl perseus_response_\symbol\()_end
perseus_response_\symbol\()_end:
    .byte 0
    .endm

    perseus_response_file hitomi_sxs_yaml, "hitomi-sxs.yaml"
    perseus_response_file hitomi_sxs_response, "hitomi-sxs.response"
    perseus_response_file xrism_resolve_yaml, "xrism-resolve.yaml"
    perseus_response_file xrism_resolve_response, "xrism-resolve.response"
    perseus_response_file nustar_fpma_yaml, "nustar-fpma.yaml"
    perseus_response_file nustar_fpma_response, "nustar-fpma.response"
    perseus_response_file nustar_fpma_background_yaml, "nustar-fpma-background.yaml"
    perseus_response_file nustar_fpma_background_bin, "nustar-fpma-background.bin"
    perseus_response_file chandra_acis_i_yaml, "chandra-acis-i.yaml"
    perseus_response_file chandra_acis_i_response, "chandra-acis-i.response"

    .section .note.GNU-stack,"",@progbits
