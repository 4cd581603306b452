// Instruction sequences whose exceptions main.cpp provokes and prints. Each is a function
// (returns with ret); ELR is printed relative to its start, so the layout here is part of
// the expected output on both simulators.
    .text
    .balign 4

    .macro  FUNC name
    .globl  \name
\name:
    .endm

FUNC t_svc
    svc     #0x1234
    ret
FUNC t_hvc
    hvc     #0x42
    ret
FUNC t_smc
    smc     #0x77
    ret
FUNC t_brk
    brk     #0x7
    ret
FUNC t_udf
    udf     #0x1234
    ret
FUNC t_wfi
    wfi
    ret
FUNC t_wfe
    sevl
    wfe                         // the event register is set: completes, never traps
    wfe                         // would wait: trapped where enabled
    ret
FUNC t_ldxr_unaligned           // x0 = address
    ldxr    x1, [x0]
    ret
FUNC t_ldar_unaligned
    ldar    w1, [x0]
    ret
FUNC t_str_unaligned            // MMU off: Device memory
    str     w1, [x0]
    ret
FUNC t_pc_align
    adr     x0, t_pc_align_target
    add     x0, x0, #2
    br      x0
    .globl  t_pc_align_target
t_pc_align_target:
    ret
FUNC t_msr_sctlr_el1
    mrs     x3, sctlr_el1
    msr     sctlr_el1, x3
    ret
FUNC t_mrs_ttbr0_el1
    mrs     x4, ttbr0_el1
    ret
FUNC t_mrs_id
    mrs     x5, id_aa64mmfr0_el1
    ret
FUNC t_mrs_ctr
    mrs     x6, ctr_el0
    ret
FUNC t_dc_cisw
    mov     x7, xzr
    dc      cisw, x7
    ret
FUNC t_tlbi
    tlbi    vmalle1
    ret
FUNC t_actlr
    mrs     x8, actlr_el1
    ret
FUNC t_fp
    fmov    d0, xzr
    ret
FUNC t_cpacr
    mrs     x9, cpacr_el1
    ret
FUNC t_mdscr
    mrs     x10, mdscr_el1
    ret
FUNC t_pmccntr
    mrs     x11, pmccntr_el0
    ret
FUNC t_unknown_sysreg
    mrs     x12, s3_2_c1_c0_0
    ret
FUNC t_el2_reg
    mrs     x13, hcr_el2
    ret
FUNC t_dc_zva                   // x0 = address
    dc      zva, x0
    ret
FUNC t_dczid
    mrs     x0, dczid_el0
    ret
FUNC t_eret_illegal             // at EL1: return to EL2h is illegal
    adr     x0, 1f
    msr     elr_el1, x0
    mov     x0, #0x3c9
    msr     spsr_el1, x0
    eret
1:  nop                         // Illegal Execution state exception here
    ret
FUNC t_eret_to_el0_with_spx     // at EL1: M = 0b0001 is illegal
    adr     x0, 1f
    msr     elr_el1, x0
    mov     x0, #0x3c1
    msr     spsr_el1, x0
    eret
1:  nop
    ret
FUNC t_virq                     // at EL1: unmask, let the virtual interrupt in
    msr     daifclr, #7
    nop
    nop
    msr     daifset, #7
    ret
