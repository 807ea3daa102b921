/* Photo-absorption cross sections for tbabs, phabs and wabs (derived by scripts/derive_absorption.py
   from ../shared/data/absorption, astromodels 2.6.0). Format: see the script's docstring. */
    .section .rodata
    .balign 16
    .globl perseus_absorption_xsect_start
perseus_absorption_xsect_start:
    .incbin "absorption_xsect.bin"
    .globl perseus_absorption_xsect_end
perseus_absorption_xsect_end:
    .byte 0

    .section .note.GNU-stack,"",@progbits
