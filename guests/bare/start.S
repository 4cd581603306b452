// Entry for bare-metal images. Runs at the EL it is entered in (EL2 on the virt board,
// EL1 under a hypervisor). x0 holds the DTB address (armsim, Linux-style loaders) or 0
// (QEMU's ELF loader), which bare_dtb() resolves.

#define STACK_SIZE 0x4000
#define MAX_CPUS 8
#define FRAME_SIZE 288

    .section .text.boot, "ax"
    .globl _start
_start:
    mov     x19, x0
    mov     x20, #0                     // cpu index 0
    bl      setup_cpu
    // Clear .bss once, on the boot core.
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  mov     x0, x19
    bl      bare_main
    bl      bare_power_off
3:  wfi
    b       3b

// Entry for secondary cores started with PSCI CPU_ON (context id = cpu index).
    .globl bare_secondary_entry
bare_secondary_entry:
    mov     x20, x0
    bl      setup_cpu
    mov     x0, x20
    bl      bare_secondary_main
4:  wfi
    b       4b

// x20 = cpu index: stack, exception vectors, and tpidr for bare_cpu_index().
setup_cpu:
    adrp    x1, __stack_top
    add     x1, x1, :lo12:__stack_top
    mov     x2, #STACK_SIZE
    msub    x1, x20, x2, x1
    mov     sp, x1
    adrp    x1, bare_vectors
    add     x1, x1, :lo12:bare_vectors
    mrs     x2, CurrentEL
    cmp     x2, #(2 << 2)
    b.ne    5f
    msr     vbar_el2, x1
    msr     tpidr_el2, x20
    isb
    ret
5:  msr     vbar_el1, x1
    msr     tpidr_el1, x20
    isb
    ret

// --- exception vectors: save everything, call bare_exception(frame, kind), restore ------
    .macro SAVE_AND_CALL kind
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
    mov     x0, sp
    mov     x1, #\kind
    b       exception_common
    .endm

    .balign 2048
    .globl bare_vectors
bare_vectors:
    // Current EL with SP_EL0
    .balign 128
    SAVE_AND_CALL 0
    .balign 128
    SAVE_AND_CALL 1
    .balign 128
    SAVE_AND_CALL 2
    .balign 128
    SAVE_AND_CALL 3
    // Current EL with SP_ELx
    .balign 128
    SAVE_AND_CALL 0
    .balign 128
    SAVE_AND_CALL 1
    .balign 128
    SAVE_AND_CALL 2
    .balign 128
    SAVE_AND_CALL 3
    // Lower EL, AArch64
    .balign 128
    SAVE_AND_CALL 4
    .balign 128
    SAVE_AND_CALL 5
    .balign 128
    SAVE_AND_CALL 6
    .balign 128
    SAVE_AND_CALL 7
    // Lower EL, AArch32 (never used)
    .balign 128
    SAVE_AND_CALL 8
    .balign 128
    SAVE_AND_CALL 8
    .balign 128
    SAVE_AND_CALL 8
    .balign 128
    SAVE_AND_CALL 8

// frame: x0..x30 at 0..240, then elr (248), spsr (256), esr (264), far (272).
exception_common:
    mrs     x2, CurrentEL
    cmp     x2, #(2 << 2)
    b.ne    6f
    mrs     x3, elr_el2
    mrs     x4, spsr_el2
    mrs     x5, esr_el2
    mrs     x6, far_el2
    b       7f
6:  mrs     x3, elr_el1
    mrs     x4, spsr_el1
    mrs     x5, esr_el1
    mrs     x6, far_el1
7:  stp     x3, x4, [sp, #248]
    stp     x5, x6, [sp, #264]
    bl      bare_exception
    ldp     x3, x4, [sp, #248]
    mrs     x2, CurrentEL
    cmp     x2, #(2 << 2)
    b.ne    8f
    msr     elr_el2, x3
    msr     spsr_el2, x4
    b       9f
8:  msr     elr_el1, x3
    msr     spsr_el1, x4
9:  ldp     x0, x1, [sp, #0]
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
