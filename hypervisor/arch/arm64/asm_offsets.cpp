// Compiled to assembly only (never linked): each DEFINE leaves a "->NAME value" marker that
// the build turns into asm-offsets.h, so assembly uses the C++ layouts (lesson 10).
#include "vcpu_arch.h"

#include <stddef.h>

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))

void asm_offsets() {
    DEFINE(GUEST_REGS_SIZE, sizeof(hyp::GuestRegs));
    DEFINE(GUEST_REGS_X30, offsetof(hyp::GuestRegs, x) + 30 * 8);
    DEFINE(GUEST_REGS_PC, offsetof(hyp::GuestRegs, pc));
    DEFINE(GUEST_REGS_PSTATE, offsetof(hyp::GuestRegs, pstate));
    DEFINE(FPSTATE_FPSR, offsetof(hyp::FpState, fpsr));
}
