// Entry of an in-guest test image: a Linux arm64 Image header (booting.rst), so the
// hypervisor loads it like a kernel and passes the DTB in x0. Secondary vCPUs enter at
// xtest_secondary_entry (PSCI CPU_ON, context id = vCPU index).
#include <bare/entry_macros.S>

#define STACK_SIZE 0x4000

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
    zero_bss
    mov     x0, x19
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

// The test images run at EL1 only (the hypervisor's guests): unlike bare/start.S there is
// no EL2 path to choose at run time.
setup_cpu:
    percpu_stack __stack_top, x20, STACK_SIZE
    adrp    x1, xtest_vectors
    add     x1, x1, :lo12:xtest_vectors
    msr     vbar_el1, x1
    msr     tpidr_el1, x20
    isb
    ret

    vector_table xtest_vectors, vector_common

vector_common:
    frame_save_el_state 1
    mov     x0, sp
    bl      xtest_exception
    frame_restore_el_state 1
    frame_restore_gprs_and_eret
