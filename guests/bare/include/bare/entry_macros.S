// Assembler macros for the entry code of the images built on guests/bare: the bare runtime
// (bare/start.S), the mini-OS (minios/arch/head.S), the hypervisor's in-guest tests
// (tests/hyp/xtest/start.S) and the test images that run code at a lower EL
// (tests/diff/harness, tests/system/images/cpu_common). Included with
// #include <bare/entry_macros.S>; it emits no code by itself.
//
// The hypervisor keeps its own entry code (hypervisor/arch/arm64): it shares only
// hypervisor/include/public/ with the guests, never their runtime.

#ifndef BARE_ENTRY_MACROS_S
#define BARE_ENTRY_MACROS_S

// The exception frame (struct BareFrame in bare/bare.h): x0..x30 at 0..240, then
// elr (248), spsr (256), esr (264), far (272), and padding to keep sp 16-byte aligned.
#define FRAME_SIZE 288
#define FRAME_ELR_SPSR 248
#define FRAME_ESR_FAR 264

// Zeroes [__bss_start, __bss_end) (both 8-byte aligned by the linker scripts).
// Clobbers x1, x2.
    .macro zero_bss
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
.Lzero_bss_loop\@:
    cmp     x1, x2
    b.hs    .Lzero_bss_done\@
    str     xzr, [x1], #8
    b       .Lzero_bss_loop\@
.Lzero_bss_done\@:
    .endm

// sp = top - index * size: core `index` gets the index-th stack down from `top`.
// Clobbers x1, x2.
    .macro percpu_stack top, index, size
    adrp    x1, \top
    add     x1, x1, :lo12:\top
    mov     x2, #\size
    msub    x1, \index, x2, x1
    mov     sp, x1
    .endm

// A call that leaves through an exception return and comes back through a handler jumping
// to a label (the test images' run-at-a-lower-EL helpers) keeps the AAPCS64 callee-saved
// registers x19..x30 in a 96-byte frame on the stack meanwhile.
    .macro push_callee_saved
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    .endm

    .macro pop_callee_saved
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    .endm

// Pushes a frame and saves x0..x30 into it.
    .macro frame_save_gprs
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    .endm

// Reloads x0..x30 from the frame, pops it and returns from the exception.
    .macro frame_restore_gprs_and_eret
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #FRAME_SIZE
    eret
    .endm

// Saves ELR, SPSR, ESR and FAR of exception level `el` (1 or 2) into the frame.
// Clobbers x3..x6.
    .macro frame_save_el_state el
    mrs     x3, elr_el\el
    mrs     x4, spsr_el\el
    mrs     x5, esr_el\el
    mrs     x6, far_el\el
    stp     x3, x4, [sp, #FRAME_ELR_SPSR]
    stp     x5, x6, [sp, #FRAME_ESR_FAR]
    .endm

// Writes the frame's ELR and SPSR back (the handler may have changed them: a skipped
// instruction, a fault turned into a return value). Clobbers x3, x4.
    .macro frame_restore_el_state el
    ldp     x3, x4, [sp, #FRAME_ELR_SPSR]
    msr     elr_el\el, x3
    msr     spsr_el\el, x4
    .endm

// A global, 2 KiB-aligned vector table (ARM ARM D1.10.2) named `name`: each of its 16
// entries saves x0..x30 in a frame, puts the entry's kind in x1 and branches to `common`,
// which finds the frame at sp. Kinds: 0 sync, 1 irq, 2 fiq, 3 serror taken from the current
// EL (with SP_EL0 or SP_ELx alike), 4..7 the same from a lower EL in AArch64, 8 any
// exception from a lower EL in AArch32.
    .macro vector_table name, common
    .balign 2048
    .globl \name
\name:
    .irp kind, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8
    .balign 128
    frame_save_gprs
    mov     x1, #\kind
    b       \common
    .endr
    .endm

#endif // BARE_ENTRY_MACROS_S
