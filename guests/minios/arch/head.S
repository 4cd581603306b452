// Entry of the mini-OS: the Linux arm64 Image header, the drop from EL2 to EL1 when we are
// started natively, a boot identity map, self-relocation, and the exception vectors.
//
// Boot protocol (Linux Documentation/arm64/booting.rst): MMU off, D-cache off or the image
// cleaned to the point of coherency, x0 = physical address of the device tree, entered at
// EL2 (native on QEMU virt,virtualization=on and on armsim) or EL1 (under a hypervisor).

#include <bare/entry_macros.S>

#define MINIOS_LINK_BASE 0x40200000 // where minios.ld links the image
#define R_AARCH64_RELATIVE 1027

// MAIR_EL1 attribute indexes (kept in sync with arch/mmu.cpp).
#define MAIR_VALUE 0x00000000ff440400 // 0: Device-nGnRnE, 1: Device-nGnRE, 2: Normal NC, 3: Normal WB
#define ATTR_DEVICE (0 << 2)
#define ATTR_NORMAL (3 << 2)
#define PTE_BLOCK 1
#define PTE_AF (1 << 10)
#define PTE_NG (1 << 11) // ASID 0: the final map uses ASID 1 (kernel/mmu.cpp)
#define PTE_SH_INNER (3 << 8)
#define PTE_PXN_UXN (3 << 53)

    .section .text.head, "ax"
    .globl _start
_start:
    b       primary_entry               // code0
    .long   0                           // code1
    .quad   0                           // text_offset: any 2 MiB-aligned base will do
    .long   __image_size_lo32           // image_size, .bss and boot stack included
    .long   __image_size_hi32
    .quad   0xa                         // flags: little-endian, 4K pages, placement anywhere
    .quad   0, 0, 0                     // res2..res4
    .ascii  "ARM\x64"                   // magic
    .long   0                           // res5

primary_entry:
    mov     x19, x0                     // the device tree, kept across the boot code
    mov     x21, #0                     // entered at EL2? (reported to minios_start)
    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    el1_entry
    mov     x21, #1
    bl      el2_setup
    adr     x0, el1_entry
    msr     elr_el2, x0
    eret                                // to EL1h with DAIF masked

// Native boot at EL2: make EL1 an ordinary AArch64 kernel with no stage 2, no traps, the
// physical timer available and the virtual counter equal to the physical one.
el2_setup:
    mov     x0, #(1 << 31)              // HCR_EL2.RW; IMO/FMO clear: interrupts go to EL1
    msr     hcr_el2, x0
    mrs     x0, cnthctl_el2
    orr     x0, x0, #3                  // EL1PCTEN | EL1PCEN
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mov     x0, #0x33ff                 // CPTR_EL2: RES1 bits, nothing trapped
    msr     cptr_el2, x0
    msr     hstr_el2, xzr
    msr     vttbr_el2, xzr
    mrs     x0, midr_el1
    msr     vpidr_el2, x0
    mrs     x0, mpidr_el1
    msr     vmpidr_el2, x0
    mov     x0, #0x3c5                  // SPSR: EL1h, D, A, I, F masked
    msr     spsr_el2, x0
    ret

el1_entry:
    msr     daifset, #0xf
    // SCTLR_EL1 = RES1 bits only: MMU, caches and alignment checks off.
    movz    x0, #0x0800
    movk    x0, #0x30d0, lsl #16
    msr     sctlr_el1, x0
    isb

    // --- boot identity map: 1 GiB blocks, written with the MMU off -------------------------
    // The lines of the table are invalidated before (so no dirty line can later overwrite
    // what we write) and after (so no line fetched meanwhile hides it from the walker).
    adrp    x20, __boot_l1
    add     x20, x20, :lo12:__boot_l1
    mov     x0, x20
    bl      inval_page
    mov     x1, x20
    add     x2, x20, #4096
1:  stp     xzr, xzr, [x1], #16
    cmp     x1, x2
    b.lo    1b
    // GiB 0 holds the devices of the virt board (GIC, PL011): Device-nGnRnE, never executable.
    ldr     x1, =(PTE_BLOCK | PTE_AF | PTE_NG | ATTR_DEVICE | PTE_PXN_UXN)
    str     x1, [x20]
    // The GiBs holding the image (start and end) and the device tree: Normal write-back.
    adr     x0, _start
    bl      map_boot_gib
    adrp    x0, __image_end
    add     x0, x0, :lo12:__image_end
    bl      map_boot_gib
    mov     x0, x19
    cbz     x0, 2f
    bl      map_boot_gib
2:  dsb     sy
    mov     x0, x20
    bl      inval_page

    ldr     x0, =MAIR_VALUE
    msr     mair_el1, x0
    // TCR_EL1: T0SZ = 25 (39-bit VA, walks start at level 1), inner/outer write-back
    // write-allocate inner-shareable walks, 4 KiB granule, TTBR1 walks disabled (EPD1),
    // IPS = the PA range the CPU supports.
    mrs     x1, id_aa64mmfr0_el1
    and     x1, x1, #7
    ldr     x0, =(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
    orr     x0, x0, x1, lsl #32
    msr     tcr_el1, x0
    msr     ttbr0_el1, x20
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    mrs     x0, sctlr_el1
    orr     x0, x0, #(1 << 0)           // M
    orr     x0, x0, #(1 << 2)           // C
    orr     x0, x0, #(1 << 12)          // I
    msr     sctlr_el1, x0
    isb

    // --- with the MMU on: stack, relocation, .bss ---------------------------------------
    adrp    x0, __boot_stack_top
    add     x0, x0, :lo12:__boot_stack_top
    mov     sp, x0
    adr     x0, _start
    movz    x1, #(MINIOS_LINK_BASE >> 16), lsl #16
    sub     x2, x0, x1                  // load address - link address
    adrp    x3, __rela_start
    add     x3, x3, :lo12:__rela_start
    adrp    x4, __rela_end
    add     x4, x4, :lo12:__rela_end
3:  cmp     x3, x4
    b.hs    5f
    ldp     x5, x6, [x3], #16           // r_offset, r_info
    ldr     x7, [x3], #8                // r_addend
    cmp     x6, #R_AARCH64_RELATIVE
    b.ne    4f
    add     x7, x7, x2
    str     x7, [x5, x2]
    b       3b
4:  wfi                                 // a relocation we do not know: nothing sane to do
    b       4b
5:  zero_bss
    adrp    x0, minios_vectors
    add     x0, x0, :lo12:minios_vectors
    msr     vbar_el1, x0
    isb
    mov     x0, x19
    mov     x1, x21
    bl      minios_start                // never returns
8:  wfi
    b       8b

// x0: an address; sets the boot L1 entry of its GiB to a Normal write-back block.
map_boot_gib:
    lsr     x1, x0, #30
    cbz     x1, 9f                      // GiB 0 stays Device
    cmp     x1, #512
    b.hs    9f                          // beyond 39 bits: cannot be mapped here
    lsl     x2, x1, #30
    ldr     x3, =(PTE_BLOCK | PTE_AF | PTE_NG | ATTR_NORMAL | PTE_SH_INNER)
    orr     x2, x2, x3
    str     x2, [x20, x1, lsl #3]
9:  ret

// x0: page address; invalidates its data-cache lines to the point of coherency.
inval_page:
    mrs     x1, ctr_el0
    ubfx    x1, x1, #16, #4             // DminLine: log2(words per line)
    mov     x2, #4
    lsl     x2, x2, x1                  // line size in bytes
    add     x3, x0, #4096
10: dc      ivac, x0
    add     x0, x0, x2
    cmp     x0, x3
    b.lo    10b
    dsb     sy
    ret

    .ltorg

// --- exception vectors: save a frame, call minios_exception(frame, kind), restore -------
// The mini-OS always runs at EL1 (head.S drops there from EL2 before anything else), so
// unlike bare/start.S the handler needs no EL2 path.
    .section .text.vectors, "ax"
    vector_table minios_vectors, exception_common

exception_common:
    frame_save_el_state 1
    mov     x0, sp
    bl      minios_exception
    frame_restore_el_state 1
    frame_restore_gprs_and_eret

// --- cooperative thread switch ----------------------------------------------------------
// minios_switch(from, to): saves x19..x30 and sp into *from, loads them from *to. A thread
// context (kernel/sched.cpp's layout), not a stack frame: bare/entry_macros.S's
// push_callee_saved does not apply.
    .text
    .globl minios_switch
minios_switch:
    mov     x9, sp
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    str     x9, [x0, #96]
    ldp     x19, x20, [x1, #0]
    ldp     x21, x22, [x1, #16]
    ldp     x23, x24, [x1, #32]
    ldp     x25, x26, [x1, #48]
    ldp     x27, x28, [x1, #64]
    ldp     x29, x30, [x1, #80]
    ldr     x9, [x1, #96]
    mov     sp, x9
    ret

// First run of a thread: minios_switch "returns" here with x19 = entry, x20 = argument.
    .globl minios_thread_trampoline
minios_thread_trampoline:
    mov     x0, x20
    blr     x19
    bl      minios_thread_exit
11: b       11b

// --- probe_read: a load whose fault the exception handler turns into x1 = 1 -------------
    .globl minios_probe_read64
minios_probe_read64:
    mov     x1, #0
    .globl minios_probe_insn
minios_probe_insn:
    ldr     x0, [x0]
    ret
