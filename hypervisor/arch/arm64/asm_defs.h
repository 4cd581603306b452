/* Constants shared by assembly and C++. The guest register frame layout comes from
 * asm-offsets.h, generated from the C++ struct at build time. */
#pragma once

#define HYP_MAX_PCPUS 8
#define HYP_STACK_SIZE 0x4000

/* Trap kinds passed from the vectors to guest_trap(). */
#define TRAP_SYNC 0
#define TRAP_IRQ 1
#define TRAP_FIQ 2
#define TRAP_SERROR 3
#define TRAP_AARCH32 4
