// Entry for bare-metal images. Runs at the EL it is entered in (EL2 on the virt board,
// EL1 under a hypervisor). x0 holds the DTB address (armsim, Linux-style loaders) or 0
// (QEMU's ELF loader), which bare_dtb() resolves.

#include <bare/entry_macros.S>

#define STACK_SIZE 0x4000
#define MAX_CPUS 8

    .section .text.boot, "ax"
    .globl _start
_start:
    mov     x19, x0
    mov     x20, #0                     // cpu index 0
    bl      setup_cpu
    zero_bss                            // once, on the boot core
    mov     x0, x19
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
// Unlike the EL1-only runtimes (mini-OS, xtest) this one serves images entered at EL2 too,
// so it picks the EL's registers at run time here and in exception_common.
setup_cpu:
    percpu_stack __stack_top, x20, STACK_SIZE
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
    vector_table bare_vectors, exception_common

exception_common:
    mrs     x2, CurrentEL
    cmp     x2, #(2 << 2)
    b.ne    6f
    frame_save_el_state 2
    b       7f
6:  frame_save_el_state 1
7:  mov     x0, sp
    bl      bare_exception
    mrs     x2, CurrentEL
    cmp     x2, #(2 << 2)
    b.ne    8f
    frame_restore_el_state 2
    b       9f
8:  frame_restore_el_state 1
9:  frame_restore_gprs_and_eret
