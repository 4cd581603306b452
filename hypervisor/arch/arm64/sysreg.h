// System register accessors, generated once from one list (read_<name>() / write_<name>()),
// plus the register field constants the hypervisor uses. ARM DDI 0487 chapter D13 (AArch64
// system registers) gives every layout cited here.
#pragma once

#include <stdint.h>

// One X() per register; kept by hand because clang-format 14 staircases such a list.
// clang-format off
#define HYP_SYSREGS(X) \
    X(sctlr_el1) X(ttbr0_el1) X(ttbr1_el1) X(tcr_el1) X(mair_el1) X(amair_el1)                    \
    X(vbar_el1) X(contextidr_el1) X(tpidr_el0) X(tpidrro_el0) X(tpidr_el1) X(cpacr_el1)           \
    X(esr_el1) X(far_el1) X(par_el1) X(afsr0_el1) X(afsr1_el1) X(sp_el0)                          \
    X(sp_el1) X(elr_el1) X(spsr_el1) X(cntkctl_el1) X(csselr_el1) X(mdscr_el1)                    \
    X(cntv_ctl_el0) X(cntv_cval_el0) X(cntvoff_el2) X(cntpct_el0) X(cntfrq_el0) X(cnthp_ctl_el2)  \
    X(cnthp_cval_el2) X(cnthctl_el2) X(hcr_el2) X(vttbr_el2) X(vtcr_el2) X(vmpidr_el2)            \
    X(vpidr_el2) X(cptr_el2) X(mdcr_el2) X(sctlr_el2) X(tcr_el2) X(ttbr0_el2)                     \
    X(mair_el2) X(vbar_el2) X(tpidr_el2) X(esr_el2) X(far_el2) X(hpfar_el2)                       \
    X(elr_el2) X(spsr_el2) X(hstr_el2) X(mpidr_el1) X(midr_el1) X(id_aa64pfr0_el1)                \
    X(id_aa64mmfr0_el1) X(pmcr_el0) X(currentel)
// clang-format on

namespace hyp::sysreg {

#define HYP_SYSREG_ACCESSORS(name)                                                                 \
    inline uint64_t read_##name() {                                                                \
        uint64_t v;                                                                                \
        asm volatile("mrs %0, " #name : "=r"(v));                                                  \
        return v;                                                                                  \
    }                                                                                              \
    inline void write_##name(uint64_t v) {                                                         \
        asm volatile("msr " #name ", %0" : : "r"(v));                                              \
    }
HYP_SYSREGS(HYP_SYSREG_ACCESSORS)
#undef HYP_SYSREG_ACCESSORS

inline void isb() {
    asm volatile("isb" ::: "memory");
}
inline void dsb_ish() {
    asm volatile("dsb ish" ::: "memory");
}
inline void dsb_sy() {
    asm volatile("dsb sy" ::: "memory");
}
inline void dmb_ish() {
    asm volatile("dmb ish" ::: "memory");
}

} // namespace hyp::sysreg

namespace hyp::reg {

// HCR_EL2 (D13.2.48)
inline constexpr uint64_t kHcrVm = 1ull << 0, kHcrSwio = 1ull << 1, kHcrPtw = 1ull << 2,
                          kHcrFmo = 1ull << 3, kHcrImo = 1ull << 4, kHcrAmo = 1ull << 5,
                          kHcrFb = 1ull << 9, kHcrBsuIs = 1ull << 10, kHcrTwi = 1ull << 13,
                          kHcrTwe = 1ull << 14, kHcrTsc = 1ull << 19, kHcrTidcp = 1ull << 20,
                          kHcrTacr = 1ull << 21, kHcrRw = 1ull << 31;
// SCTLR_EL2 RES1 bits for ARMv8.0 with E2H = 0, and M/C/I/SA.
inline constexpr uint64_t kSctlrEl2Res1 = 0x30C50830, kSctlrM = 1, kSctlrC = 1 << 2,
                          kSctlrSa = 1 << 3, kSctlrI = 1 << 12;
// SCTLR_EL1 reset value (RES1 bits, MMU and caches off) for a fresh vCPU.
inline constexpr uint64_t kSctlrEl1Reset = 0x30D00800;
// CPTR_EL2: RES1 bits 0..9, 12, 13; TFP (FP trap), TTA (trace trap).
inline constexpr uint64_t kCptrRes1 = 0x33FF, kCptrTfp = 1ull << 10, kCptrTta = 1ull << 20;
// MDCR_EL2: trap PMU and debug register accesses.
inline constexpr uint64_t kMdcrTpmcr = 1ull << 5, kMdcrTpm = 1ull << 6, kMdcrTda = 1ull << 9,
                          kMdcrTdosa = 1ull << 10, kMdcrTdra = 1ull << 11;
// CNTHCTL_EL2: EL1 access to the physical counter and timer.
inline constexpr uint64_t kCnthctlEl1pcten = 1, kCnthctlEl1pcen = 2;
// Timer CTL bits.
inline constexpr uint64_t kCntCtlEnable = 1, kCntCtlImask = 2, kCntCtlIstatus = 4;
// SPSR/PSTATE.
inline constexpr uint64_t kPsrModeMask = 0xf, kPsrEl1h = 0x5, kPsrEl1t = 0x4, kPsrEl0t = 0x0,
                          kPsrDaif = 0x3c0, kPsrI = 0x80, kPsrAarch32 = 0x10;

} // namespace hyp::reg
