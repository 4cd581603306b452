// Sequences for cpu_arch (see main.cpp).
    .text
    .balign 4
    .macro  FUNC name
    .globl  \name
\name:
    .endm

FUNC a_sp_align                 // x0 = a misaligned SP value; runs on SP_EL0
    mrs     x2, spsel
    mov     x1, sp
    msr     spsel, #0
    mov     x3, sp
    mov     sp, x0
    ldr     x4, [sp]            // SP alignment fault (SCTLR.SA/SA0)
    add     x5, sp, #8          // arithmetic on SP is not checked
    mov     sp, x3
    msr     spsel, x2           // (MSR SPSel, Xt is not an instruction: restore below)
    ret
FUNC a_sp_align_el0             // at EL0: x0 = misaligned value
    mov     x3, sp
    mov     sp, x0
    str     x4, [sp, #16]
    mov     sp, x3
    ret
FUNC a_wfe
    sevl
    wfe                         // event register set: no wait, no trap
    wfe                         // would wait: HCR_EL2.TWE traps it (QEMU never traps WFE)
    ret
FUNC a_dc_zva                   // x0 = address
    dc      zva, x0
    ret
FUNC a_daifset
    msr     daifset, #2
    ret
FUNC a_ldar                     // x0 = address
    ldar    w1, [x0]
    ret
FUNC a_fp
    fmov    d0, xzr
    ret
FUNC a_ldr                      // x0 = address, returns the value in x0
    ldr     x0, [x0]
    ret
FUNC a_tlbi_vae2                // x0 = VA
    lsr     x0, x0, #12
    dsb     ishst
    tlbi    vae2, x0
    dsb     ish
    isb
    ret
