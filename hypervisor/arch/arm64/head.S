// Entry of the hypervisor image at EL2, for the boot CPU (from the boot loader, x0 = DTB or
// 0) and for secondaries (PSCI CPU_ON, x0 = cpu index). Sets up a stack, the vectors, and
// calls into C++ with the MMU still off; C++ builds the page tables and turns the MMU on.
#include "asm_defs.h"
#include "asm-offsets.h"

    .section .text.head, "ax"
    .globl _start
_start:
    // A Linux arm64 Image header (Documentation/arch/arm64/booting.rst), so the same code
    // boots as xen.elf (ELF loaders: x0 = 0 on QEMU) and as xen.bin (Image loaders put it
    // at RAM + text_offset = 0x40200000, its link address, and pass x0 = DTB).
    b       primary                     // code0
    .long   0                           // code1
    .quad   0x200000                    // text_offset
    .quad   _image_size                 // image_size, .bss included
    .quad   0x2                         // flags: little endian, 4K pages, 2 MiB-aligned base
    .quad   0, 0, 0                     // res2..res4
    .ascii  "ARM\x64"                  // magic
    .long   0                           // res5

primary:
    msr     daifset, #0xf
    mov     x19, x0
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    not_el2
    // Clear .bss (the MMU is off: plain aligned stores only).
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  mov     x20, #0
    bl      cpu_stack_and_vectors
    mov     x0, x19
    bl      arch_boot_primary           // never returns
    b       halt_loop

not_el2:
    // Nothing to report to: no console yet. Spin.
    b       halt_loop

    .globl secondary_entry
secondary_entry:
    msr     daifset, #0xf
    mov     x20, x0
    bl      cpu_stack_and_vectors
    mov     x0, x20
    bl      arch_boot_secondary         // never returns
    b       halt_loop

// x20 = cpu index. SP_EL2 = top of this cpu's stack minus the guest frame area.
cpu_stack_and_vectors:
    adrp    x1, hyp_stacks
    add     x1, x1, :lo12:hyp_stacks
    add     x2, x20, #1
    mov     x3, #HYP_STACK_SIZE
    madd    x1, x2, x3, x1
    sub     x1, x1, #GUEST_REGS_SIZE
    mov     sp, x1
    adrp    x1, hyp_vectors
    add     x1, x1, :lo12:hyp_vectors
    msr     vbar_el2, x1
    isb
    ret

    .globl halt_loop
halt_loop:
    wfi
    b       halt_loop
