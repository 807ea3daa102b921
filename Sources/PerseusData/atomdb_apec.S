/* The compact AtomDB 3.0.9 table (scripts/derive_atomdb.py), embedded in the binary.
   Its format is documented in Sources/PerseusPhysics/AtomDB/CompactAtomDBDecoder.swift. */
    .section .rodata
    .balign 16
    .global perseus_atomdb_apec_start
    .global perseus_atomdb_apec_end
perseus_atomdb_apec_start:
    .incbin "atomdb_apec.bin"
perseus_atomdb_apec_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
