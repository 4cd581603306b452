// arm64 per-vCPU state: the trap frame (x0..x30, pc, pstate), the EL1 system registers,
// FP/SIMD, the virtual and emulated physical timers. Plain data, host-compilable.
#pragma once

#include "../../common/timer.h"

#include <stddef.h>
#include <stdint.h>

namespace hyp {

// Pushed by the exception vectors (entry.S); offsets exported to assembly through the
// generated asm-offsets.h.
struct GuestRegs {
    uint64_t x[31];
    uint64_t pc;     // ELR_EL2
    uint64_t pstate; // SPSR_EL2
    uint64_t pad;
};
static_assert(sizeof(GuestRegs) % 16 == 0, "frames keep SP 16-byte aligned");

struct El1Regs {
    uint64_t sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
    uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, cpacr, esr, far, par, afsr0, afsr1;
    uint64_t sp_el0, sp_el1, elr, spsr, cntkctl, csselr, mdscr;
    uint64_t actlr; // trapped (HCR_EL2.TACR): kept here, never written to hardware
};

struct alignas(16) FpState {
    uint64_t q[64]; // q0..q31
    uint64_t fpsr, fpcr;
};

struct VtimerState {
    uint64_t ctl = 0, cval = 0;
};

// The EL1 physical timer (CNTP_*): accesses trap (CNTHCTL_EL2.EL1PCEN = 0) and are emulated
// with a software timer that raises PPI 30.
struct PtimerState {
    uint64_t ctl = 0, cval = 0;
    Timer timer;
};

struct VcpuArch {
    GuestRegs regs;
    El1Regs el1;
    FpState fp;
    VtimerState vtimer;
    PtimerState ptimer;
    uint64_t vmpidr = 0;
    uint32_t gich_vmcr = 0, gich_apr = 0;
    Timer vtimer_wake; // wakes the vCPU when its virtual timer fires while descheduled
    uint64_t last_trap_pc = 0, last_trap_kind = 0; // for debug_dump
};

} // namespace hyp
