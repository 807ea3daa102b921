/* The built-in scenario files of Scenarios/ (plain YAML that users copy and edit), embedded so
   `perseus simulate NAME` works without the source tree. Each is followed by a NUL byte. */
    .section .rodata
    .globl perseus_scenario_ichinohe2019_start
perseus_scenario_ichinohe2019_start:
    .incbin "ichinohe2019.yaml"
    .globl perseus_scenario_ichinohe2019_end
perseus_scenario_ichinohe2019_end:
    .byte 0
    .globl perseus_scenario_lin2024_start
perseus_scenario_lin2024_start:
    .incbin "lin2024.yaml"
    .globl perseus_scenario_lin2024_end
perseus_scenario_lin2024_end:
    .byte 0

    .section .note.GNU-stack,"",@progbits
