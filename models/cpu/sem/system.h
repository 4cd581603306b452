// System instructions and exception generation (ARM DDI 0487 C4.1.3, C5). The heavy lifting
// (access checks, traps, side effects) lives in the core; these call it with decode-time
// fields, as a JIT would call helpers.
#pragma once

#include "common.h"

namespace armsim::cpu::sem {

// --- Exception generation (all kWritesPc) -------------------------------------------------
template <class B>
void SVC(B& b, Imm<16> imm) {
    b.core().svc(uint16_t(imm));
}
template <class B>
void HVC(B& b, Imm<16> imm) {
    b.core().hvc(uint16_t(imm));
}
template <class B>
void SMC(B& b, Imm<16> imm) {
    b.core().smc(uint16_t(imm));
}
template <class B>
void BRK(B& b, Imm<16> imm) {
    b.core().brk(uint16_t(imm));
}
template <class B>
void HLT(B& b, Imm<16> imm) {
    b.core().hlt(uint16_t(imm));
}
// DCPS1-3 and DRPS are UNDEFINED outside Debug state, which this core never enters.
template <class B>
void DCPS(B& b, Imm<16>, Imm<2>) {
    b.undefined();
}
template <class B>
void DRPS(B& b) {
    b.undefined();
}
template <class B>
void ERET(B& b) {
    b.core().exception_return();
}

// --- Hints --------------------------------------------------------------------------------
template <class B>
void NOP(B&) {}
template <class B>
void YIELD(B& b) {
    b.core().yield_hint();
}
template <class B>
void WFE(B& b) {
    b.core().wfe();
}
template <class B>
void WFI(B& b) {
    b.core().wfi();
}
template <class B>
void SEV(B& b) {
    b.core().send_event_all();
}
template <class B>
void SEVL(B& b) {
    b.core().sevl();
}
// Unallocated hint encodings execute as NOP (C6.2.79).
template <class B>
void HINT(B&, Imm<4>, Imm<3>) {}

// --- Barriers -----------------------------------------------------------------------------
// The functional memory path is sequentially consistent per core, so barriers order
// nothing here; the detailed memory path gives them their meaning.
template <class B>
void CLREX(B& b, Imm<4>) {
    b.core().clear_exclusive();
}
template <class B>
void DSB(B&, Imm<4>) {}
template <class B>
void DMB(B&, Imm<4>) {}
// System-register writes take effect immediately, which ISB's context synchronisation
// then guarantees trivially.
template <class B>
void ISB(B&, Imm<4>) {}

// --- PSTATE and system registers ----------------------------------------------------------
template <class B>
void MSR_imm(B& b, Imm<3> op1, Imm<4> crm, Imm<3> op2) {
    b.core().msr_pstate(op1, op2, crm);
}
template <class B>
void MSR_reg(B& b, Imm<15> sr, Reg t) {
    b.core().sysreg_write(0x8000u | sr, t.idx, b.X(t));
}
template <class B>
void MRS(B& b, Imm<15> sr, Reg t) {
    b.setX(t, b.core().sysreg_read(0x8000u | sr, t.idx));
}
// SYS: cache maintenance, TLB maintenance, address translation (op0 = 1).
template <class B>
void SYS(B& b, Imm<14> op, Reg t) {
    b.core().sys_op(0x4000u | op, t.idx, b.X(t));
}
// SYSL has no allocated encodings in ARMv8.0.
template <class B>
void SYSL(B& b, Imm<14>, Reg) {
    b.undefined();
}

// --- Floating point and Advanced SIMD -----------------------------------------------------
// Not implemented yet: take the FP access trap where CPACR_EL1/CPTR_EL2 ask for one,
// otherwise UNDEFINED. Implementing an instruction means adding its entry above this
// catch-all in a64.inc.
template <class B>
void FP_SIMD(B& b) {
    b.core().fp_unimplemented();
}

// --- Unallocated --------------------------------------------------------------------------
template <class B>
void UNALLOCATED(B& b) {
    b.undefined();
}

} // namespace armsim::cpu::sem
