// Dropping from EL2 to EL1/EL0 to run a function, and coming back (cputest.h).
//
// run_lower saves the callee-saved registers on the EL2 stack and erets to a trampoline at
// the lower EL that calls the function. When it returns, the trampoline raises HVC #0xffff
// (from EL1) or SVC #0xffff (from EL0; the EL1 handler turns it into HVC #0xffff); the EL2
// handler then returns to cputest_el2_return, which unwinds run_lower's frame.

#include <bare/entry_macros.S>

    .text
    .balign 4
    .globl cputest_run_lower
// void cputest_run_lower(void (*fn)(), uint64_t spsr, uint64_t sp_lower)
cputest_run_lower:
    push_callee_saved
    mov     x19, x0
    tst     x1, #0xc                    // EL0 or EL1?
    b.eq    1f
    msr     sp_el1, x2
    adr     x3, cputest_el1_tramp
    b       2f
1:  msr     sp_el0, x2
    adr     x3, cputest_el0_tramp
2:  msr     elr_el2, x3
    msr     spsr_el2, x1
    isb
    eret

cputest_el1_tramp:
    blr     x19
    hvc     #0xffff
cputest_el0_tramp:
    blr     x19
    svc     #0xffff

    .globl cputest_el2_return
cputest_el2_return:
    pop_callee_saved
    ret
