// Running one generated block and capturing the state it leaves.
//
// A generated block (gen.py) starts by loading its initial registers, NZCV and SP_EL0 from
// its init record, selects SP_EL0 (so the random code never touches the harness stack and
// exceptions it takes land on SP_ELx), runs its random instructions and branches to
// diff_block_end, which saves x0-x30, SP_EL0 and NZCV into diff_state and returns to the
// caller of diff_run_block.

#include <bare/entry_macros.S>

    .text
    .balign 4
    .globl diff_run_block
// void diff_run_block(const void* block_code, bool at_el0)
// At EL0 the block is entered by an exception return (EL0t, interrupts masked) and ends
// with SVC #0xd1ff; the EL1 handler captures the state and returns to diff_el0_return.
diff_run_block:
    push_callee_saved
    cbnz    x1, 1f
    br      x0
1:  msr     elr_el1, x0
    mov     x2, #0x3c0
    msr     spsr_el1, x2
    isb
    eret

    .globl diff_el0_return
diff_el0_return:
    pop_callee_saved
    ret

    .globl diff_block_end
diff_block_end:
    msr     spsel, #1                   // back on the harness stack; NZCV untouched
    stp     x0, x1, [sp, #-16]!
    adrp    x0, diff_state
    add     x0, x0, :lo12:diff_state
    stp     x2, x3, [x0, #16]
    stp     x4, x5, [x0, #32]
    stp     x6, x7, [x0, #48]
    stp     x8, x9, [x0, #64]
    stp     x10, x11, [x0, #80]
    stp     x12, x13, [x0, #96]
    stp     x14, x15, [x0, #112]
    stp     x16, x17, [x0, #128]
    stp     x18, x19, [x0, #144]
    stp     x20, x21, [x0, #160]
    stp     x22, x23, [x0, #176]
    stp     x24, x25, [x0, #192]
    stp     x26, x27, [x0, #208]
    stp     x28, x29, [x0, #224]
    str     x30, [x0, #240]
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x0, #0]
    mrs     x1, sp_el0
    str     x1, [x0, #248]
    mrs     x1, nzcv
    str     x1, [x0, #256]
    pop_callee_saved
    ret

    .globl diff_enter_el1
// void diff_enter_el1(uint64_t sp_el1, void (*entry)()) -- from EL2, never returns.
diff_enter_el1:
    msr     sp_el1, x0
    msr     elr_el2, x1
    mov     x2, #0x3c5                  // EL1h, DAIF masked
    msr     spsr_el2, x2
    isb
    eret
