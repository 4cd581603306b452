// A Linux arm64 Image header (Documentation/arch/arm64/booting.rst) in front of the bare
// runtime, so one link serves as an ELF (entry = the header's branch), and, copied out
// with objcopy -O binary, as an Image or a raw binary. The entry records x0..x3 and where
// it runs before the runtime's _start clears anything.

    .section .text.header, "ax"
    .globl image_header
image_header:
    b       boot_info_entry         // code0
    .long   0                       // code1
    .quad   0                       // text_offset: 0, so loaders use RAM base + 2 MiB
    .quad   __image_size            // image_size: includes .bss and the stacks
    .quad   0xa                     // flags: little-endian, 4K pages, anywhere in RAM
    .quad   0, 0, 0                 // res2..res4
#ifndef BOOT_INFO_RAW
    .ascii  "ARM\x64"               // magic
#else
    .long   0                       // no magic: a headerless (raw) binary
#endif
    .long   0                       // res5

boot_info_entry:
    adr     x9, image_header
    adrp    x10, boot_regs
    add     x10, x10, :lo12:boot_regs
    stp     x0, x1, [x10]
    stp     x2, x3, [x10, #16]
    str     x9, [x10, #32]
    b       _start

    .section .data.boot_regs, "aw"
    .balign 8
    .globl boot_regs
boot_regs:
    .quad   0, 0, 0, 0, 0           // x0..x3, entry address
