/* Ionisation and recombination rate table for the NEI solver, derived by
   scripts/derive_ionization.py from CHIANTI 10 (HYDRAD tables) and CHIANTI 10.1 fits.
   Decoded by PerseusPhysics/Ionization/IonizationRateTable.swift. */
    .section .rodata
    .balign 16
    .globl perseus_ionization_rates_start
perseus_ionization_rates_start:
    .incbin "ionization_rates.bin"
    .globl perseus_ionization_rates_end
perseus_ionization_rates_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
