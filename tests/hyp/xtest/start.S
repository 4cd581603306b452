// Entry of an in-guest test image: a Linux arm64 Image header (booting.rst), so the
// hypervisor loads it like a kernel and passes the DTB in x0. Secondary vCPUs enter at
// xtest_secondary_entry (PSCI CPU_ON, context id = vCPU index).
#define STACK_SIZE 0x4000
#define FRAME_SIZE 288

    .section .text.head, "ax"
    .globl _start
_start:
    b       primary                     // code0
    .long   0                           // code1
    .quad   0x200000                    // text_offset
    .quad   _image_size                 // image_size (from the linker script)
    .quad   0xa                         // flags: little endian, 4K pages, anywhere
    .quad   0, 0, 0                     // res2..res4
    .ascii  "ARM\x64"                   // magic
    .long   0                           // res5

primary:
    msr     daifset, #0xf
    mov     x19, x0
    mov     x20, #0
    bl      setup_cpu
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  mov     x0, x19
    bl      xtest_boot
3:  wfi
    b       3b

    .globl xtest_secondary_entry
xtest_secondary_entry:
    msr     daifset, #0xf
    mov     x20, x0
    bl      setup_cpu
    mov     x0, x20
    bl      xtest_secondary_boot
4:  wfi
    b       4b

setup_cpu:
    adrp    x1, __stack_top
    add     x1, x1, :lo12:__stack_top
    mov     x2, #STACK_SIZE
    msub    x1, x20, x2, x1
    mov     sp, x1
    adrp    x1, xtest_vectors
    add     x1, x1, :lo12:xtest_vectors
    msr     vbar_el1, x1
    msr     tpidr_el1, x20
    isb
    ret

    .macro VECTOR kind
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
    mov     x1, #\kind
    b       vector_common
    .endm

    .balign 2048
    .globl xtest_vectors
xtest_vectors:
    .balign 128
    VECTOR 0
    .balign 128
    VECTOR 1
    .balign 128
    VECTOR 2
    .balign 128
    VECTOR 3
    .balign 128
    VECTOR 0
    .balign 128
    VECTOR 1
    .balign 128
    VECTOR 2
    .balign 128
    VECTOR 3
    .balign 128
    VECTOR 4
    .balign 128
    VECTOR 5
    .balign 128
    VECTOR 6
    .balign 128
    VECTOR 7
    .balign 128
    VECTOR 8
    .balign 128
    VECTOR 8
    .balign 128
    VECTOR 8
    .balign 128
    VECTOR 8

// Frame: x0..x30, elr (248), spsr (256), esr (264), far (272).
vector_common:
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #248]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #264]
    mov     x0, sp
    bl      xtest_exception
    ldp     x2, x3, [sp, #248]
    msr     elr_el1, x2
    msr     spsr_el1, x3
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
