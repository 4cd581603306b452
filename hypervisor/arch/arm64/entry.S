// Exception vectors at EL2 and the guest entry/exit path.
//
// While a guest runs, SP_EL2 is the top of the pCPU's stack. A trap from the guest pushes a
// GuestRegs frame there (x0..x30, ELR_EL2 as pc, SPSR_EL2 as pstate) and calls
// guest_trap(frame, kind). C++ may switch vCPUs by rewriting the frame; guest_exit restores
// whatever the frame holds and returns to that guest.
#include "asm_defs.h"
#include "asm-offsets.h"

    // Push a GuestRegs frame of the interrupted context and call handler(frame, kind).
    .macro SAVE_FRAME_AND_CALL kind, handler
    sub     sp, sp, #GUEST_REGS_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x0, elr_el2
    stp     x30, x0, [sp, #GUEST_REGS_X30]
    mrs     x1, spsr_el2
    str     x1, [sp, #GUEST_REGS_PSTATE]
    mov     x0, sp
    mov     x1, #\kind
    bl      \handler
    .endm

    // One 128-byte vector slot: a trap from the guest, handled and returned from.
    .macro SAVE_GUEST kind
    .balign 128
    SAVE_FRAME_AND_CALL \kind, guest_trap
    b       guest_exit
    .endm

    // One 128-byte vector slot: a fault in the hypervisor itself, reported, then a halt.
    .macro HYP_FAULT kind
    .balign 128
    SAVE_FRAME_AND_CALL \kind, hyp_fault
    b       halt_loop
    .endm

    .section .text
    .balign 2048
    .globl hyp_vectors
hyp_vectors:
    // Current EL with SP_EL0: never used.
    HYP_FAULT 0
    HYP_FAULT 1
    HYP_FAULT 2
    HYP_FAULT 3
    // Current EL with SP_EL2: the hypervisor runs with interrupts masked, so only faults.
    HYP_FAULT 0
    HYP_FAULT 1
    HYP_FAULT 2
    HYP_FAULT 3
    // Lower EL, AArch64: the guest.
    SAVE_GUEST TRAP_SYNC
    SAVE_GUEST TRAP_IRQ
    SAVE_GUEST TRAP_FIQ
    SAVE_GUEST TRAP_SERROR
    // Lower EL, AArch32: not supported (HCR_EL2.RW = 1; only a 32-bit EL0 gets here).
    SAVE_GUEST TRAP_AARCH32
    SAVE_GUEST TRAP_AARCH32
    SAVE_GUEST TRAP_AARCH32
    SAVE_GUEST TRAP_AARCH32

// guest_exit(frame): restore the frame and return to the guest. Also the way into a guest
// from the idle loop (SP moves to the frame; whatever was below is discarded).
    .globl guest_exit
guest_exit:
    mov     sp, x0
    ldr     x1, [sp, #GUEST_REGS_PSTATE]
    ldp     x30, x0, [sp, #GUEST_REGS_X30]
    msr     elr_el2, x0
    msr     spsr_el2, x1
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    add     sp, sp, #GUEST_REGS_SIZE
    eret
    dsb     nsh
    isb

// call_on_stack(fn, sp): switch to `sp` and call fn() (never returns). Used to leave a
// deep call chain for the idle loop with a clean stack.
    .globl reset_stack_and_call
reset_stack_and_call:
    mov     sp, x1
    blr     x0
    b       halt_loop
