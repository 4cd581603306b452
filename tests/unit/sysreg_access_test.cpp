// The system-register table against what EL0-EL2 software on a Cortex-A57 touches (Linux at
// boot, at EL2 and EL1; Xen's context switch), and access rules that are more than a
// minimum EL. Encodings: ARM DDI 0487 D12 (and the Cortex-A57 TRM for the IMPLEMENTATION
// DEFINED ones).
#include "a64_snippets.h"
#include "core_harness.h"
#include "models/cpu/sysregs.h"

#include <gtest/gtest.h>

using namespace armsim::test;
using namespace armsim::cpu;

namespace {
constexpr uint32_t kIL = 1u << 25;
struct Enc {
    const char* name;
    unsigned op0, op1, crn, crm, op2;
};
} // namespace

TEST(SysRegTable, HasWhatLinuxAndXenUse) {
    const Enc regs[] = {
        {"MIDR_EL1", 3, 0, 0, 0, 0},
        {"MPIDR_EL1", 3, 0, 0, 0, 5},
        {"REVIDR_EL1", 3, 0, 0, 0, 6},
        {"ID_AA64PFR0_EL1", 3, 0, 0, 4, 0},
        {"ID_AA64PFR1_EL1", 3, 0, 0, 4, 1},
        {"ID_AA64DFR0_EL1", 3, 0, 0, 5, 0},
        {"ID_AA64DFR1_EL1", 3, 0, 0, 5, 1},
        {"ID_AA64AFR0_EL1", 3, 0, 0, 5, 4},
        {"ID_AA64AFR1_EL1", 3, 0, 0, 5, 5},
        {"ID_AA64ISAR0_EL1", 3, 0, 0, 6, 0},
        {"ID_AA64ISAR1_EL1", 3, 0, 0, 6, 1},
        {"ID_AA64MMFR0_EL1", 3, 0, 0, 7, 0},
        {"ID_AA64MMFR1_EL1", 3, 0, 0, 7, 1},
        {"CTR_EL0", 3, 3, 0, 0, 1},
        {"DCZID_EL0", 3, 3, 0, 0, 7},
        {"CLIDR_EL1", 3, 1, 0, 0, 1},
        {"CCSIDR_EL1", 3, 1, 0, 0, 0},
        {"CSSELR_EL1", 3, 2, 0, 0, 0},
        {"AIDR_EL1", 3, 1, 0, 0, 7},
        {"SCTLR_EL1", 3, 0, 1, 0, 0},
        {"ACTLR_EL1", 3, 0, 1, 0, 1},
        {"CPACR_EL1", 3, 0, 1, 0, 2},
        {"TTBR0_EL1", 3, 0, 2, 0, 0},
        {"TTBR1_EL1", 3, 0, 2, 0, 1},
        {"TCR_EL1", 3, 0, 2, 0, 2},
        {"SPSR_EL1", 3, 0, 4, 0, 0},
        {"ELR_EL1", 3, 0, 4, 0, 1},
        {"SP_EL0", 3, 0, 4, 1, 0},
        {"SPSel", 3, 0, 4, 2, 0},
        {"CurrentEL", 3, 0, 4, 2, 2},
        {"NZCV", 3, 3, 4, 2, 0},
        {"DAIF", 3, 3, 4, 2, 1},
        {"AFSR0_EL1", 3, 0, 5, 1, 0},
        {"AFSR1_EL1", 3, 0, 5, 1, 1},
        {"ESR_EL1", 3, 0, 5, 2, 0},
        {"FAR_EL1", 3, 0, 6, 0, 0},
        {"PAR_EL1", 3, 0, 7, 4, 0},
        {"MAIR_EL1", 3, 0, 10, 2, 0},
        {"AMAIR_EL1", 3, 0, 10, 3, 0},
        {"VBAR_EL1", 3, 0, 12, 0, 0},
        {"ISR_EL1", 3, 0, 12, 1, 0},
        {"CONTEXTIDR_EL1", 3, 0, 13, 0, 1},
        {"TPIDR_EL1", 3, 0, 13, 0, 4},
        {"TPIDR_EL0", 3, 3, 13, 0, 2},
        {"TPIDRRO_EL0", 3, 3, 13, 0, 3},
        {"CNTKCTL_EL1", 3, 0, 14, 1, 0},
        {"CNTFRQ_EL0", 3, 3, 14, 0, 0},
        {"CNTPCT_EL0", 3, 3, 14, 0, 1},
        {"CNTVCT_EL0", 3, 3, 14, 0, 2},
        {"CNTP_TVAL_EL0", 3, 3, 14, 2, 0},
        {"CNTP_CTL_EL0", 3, 3, 14, 2, 1},
        {"CNTP_CVAL_EL0", 3, 3, 14, 2, 2},
        {"CNTV_TVAL_EL0", 3, 3, 14, 3, 0},
        {"CNTV_CTL_EL0", 3, 3, 14, 3, 1},
        {"CNTV_CVAL_EL0", 3, 3, 14, 3, 2},
        {"MDSCR_EL1", 2, 0, 0, 2, 2},
        {"MDCCINT_EL1", 2, 0, 0, 2, 0},
        {"OSLAR_EL1", 2, 0, 1, 0, 4},
        {"OSLSR_EL1", 2, 0, 1, 1, 4},
        {"OSDLR_EL1", 2, 0, 1, 3, 4},
        {"DBGPRCR_EL1", 2, 0, 1, 4, 4},
        {"DBGCLAIMSET_EL1", 2, 0, 7, 8, 6},
        {"DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6},
        {"DBGAUTHSTATUS_EL1", 2, 0, 7, 14, 6},
        {"MDRAR_EL1", 2, 0, 1, 0, 0},
        {"PMCR_EL0", 3, 3, 9, 12, 0},
        {"PMCNTENSET_EL0", 3, 3, 9, 12, 1},
        {"PMCNTENCLR_EL0", 3, 3, 9, 12, 2},
        {"PMOVSCLR_EL0", 3, 3, 9, 12, 3},
        {"PMSWINC_EL0", 3, 3, 9, 12, 4},
        {"PMSELR_EL0", 3, 3, 9, 12, 5},
        {"PMCEID0_EL0", 3, 3, 9, 12, 6},
        {"PMCEID1_EL0", 3, 3, 9, 12, 7},
        {"PMCCNTR_EL0", 3, 3, 9, 13, 0},
        {"PMXEVTYPER_EL0", 3, 3, 9, 13, 1},
        {"PMXEVCNTR_EL0", 3, 3, 9, 13, 2},
        {"PMUSERENR_EL0", 3, 3, 9, 14, 0},
        {"PMINTENSET_EL1", 3, 0, 9, 14, 1},
        {"PMINTENCLR_EL1", 3, 0, 9, 14, 2},
        {"PMOVSSET_EL0", 3, 3, 9, 14, 3},
        {"PMCCFILTR_EL0", 3, 3, 14, 15, 7},
        {"PMEVCNTR0_EL0", 3, 3, 14, 8, 0},
        {"PMEVCNTR5_EL0", 3, 3, 14, 8, 5},
        {"PMEVTYPER0_EL0", 3, 3, 14, 12, 0},
        {"PMEVTYPER5_EL0", 3, 3, 14, 12, 5},
        {"HCR_EL2", 3, 4, 1, 1, 0},
        {"MDCR_EL2", 3, 4, 1, 1, 1},
        {"CPTR_EL2", 3, 4, 1, 1, 2},
        {"HSTR_EL2", 3, 4, 1, 1, 3},
        {"HACR_EL2", 3, 4, 1, 1, 7},
        {"SCTLR_EL2", 3, 4, 1, 0, 0},
        {"ACTLR_EL2", 3, 4, 1, 0, 1},
        {"TTBR0_EL2", 3, 4, 2, 0, 0},
        {"TCR_EL2", 3, 4, 2, 0, 2},
        {"VTTBR_EL2", 3, 4, 2, 1, 0},
        {"VTCR_EL2", 3, 4, 2, 1, 2},
        {"SPSR_EL2", 3, 4, 4, 0, 0},
        {"ELR_EL2", 3, 4, 4, 0, 1},
        {"SP_EL1", 3, 4, 4, 1, 0},
        {"AFSR0_EL2", 3, 4, 5, 1, 0},
        {"AFSR1_EL2", 3, 4, 5, 1, 1},
        {"ESR_EL2", 3, 4, 5, 2, 0},
        {"FAR_EL2", 3, 4, 6, 0, 0},
        {"HPFAR_EL2", 3, 4, 6, 0, 4},
        {"MAIR_EL2", 3, 4, 10, 2, 0},
        {"AMAIR_EL2", 3, 4, 10, 3, 0},
        {"VBAR_EL2", 3, 4, 12, 0, 0},
        {"TPIDR_EL2", 3, 4, 13, 0, 2},
        {"CNTHCTL_EL2", 3, 4, 14, 1, 0},
        {"CNTVOFF_EL2", 3, 4, 14, 0, 3},
        {"CNTHP_TVAL_EL2", 3, 4, 14, 2, 0},
        {"CNTHP_CTL_EL2", 3, 4, 14, 2, 1},
        {"CNTHP_CVAL_EL2", 3, 4, 14, 2, 2},
        {"VPIDR_EL2", 3, 4, 0, 0, 0},
        {"VMPIDR_EL2", 3, 4, 0, 0, 5},
        {"L2CTLR_EL1", 3, 1, 11, 0, 2},
        {"L2ECTLR_EL1", 3, 1, 11, 0, 3},
        {"L2ACTLR_EL1", 3, 1, 15, 0, 0},
        {"CPUACTLR_EL1", 3, 1, 15, 2, 0},
        {"CPUECTLR_EL1", 3, 1, 15, 2, 1},
        {"CPUMERRSR_EL1", 3, 1, 15, 2, 2},
        {"L2MERRSR_EL1", 3, 1, 15, 2, 3},
    };
    for (const Enc& e : regs) {
        const SysReg r = sysreg_by_key(sysreg_key(e.op0, e.op1, e.crn, e.crm, e.op2));
        ASSERT_NE(r, SysReg::count) << e.name;
        EXPECT_EQ(sysreg_info(r).name, e.name);
    }
    for (unsigned n = 0; n < 6; ++n) { // breakpoints (BRPs = 6) and watchpoints (WRPs = 4)
        EXPECT_NE(sysreg_by_key(sysreg_key(2, 0, 0, n, 4)), SysReg::count) << "DBGBVR" << n;
        EXPECT_NE(sysreg_by_key(sysreg_key(2, 0, 0, n, 5)), SysReg::count) << "DBGBCR" << n;
        if (n < 4) {
            EXPECT_NE(sysreg_by_key(sysreg_key(2, 0, 0, n, 6)), SysReg::count) << "DBGWVR" << n;
            EXPECT_NE(sysreg_by_key(sysreg_key(2, 0, 0, n, 7)), SysReg::count) << "DBGWCR" << n;
        }
    }
}

// The ID registers describe what is implemented (and are consistent with each other).
TEST(SysRegTable, IdRegistersMatchTheModel) {
    auto reset = [](SysReg r) { return sysreg_info(r).reset; };
    // MIDR: Arm, variant 1, architecture 0xf, Cortex-A57 (0xd07), revision 0: r1p0.
    EXPECT_EQ(reset(SysReg::MIDR_EL1), 0x411fd070u);
    // Debug v8, PMUv3, 6 breakpoints, 4 watchpoints, 2 context-aware (what the table has).
    const uint64_t dfr0 = reset(SysReg::ID_AA64DFR0_EL1);
    EXPECT_EQ(dfr0 & 0xf, 6u);
    EXPECT_EQ((dfr0 >> 8) & 0xf, 1u);
    EXPECT_EQ((dfr0 >> 12) & 0xf, 5u);
    EXPECT_EQ((dfr0 >> 20) & 0xf, 3u);
    EXPECT_EQ(Pmu::kCounters, 6u);
    // 44-bit PA (the MMU's limit), 16-bit ASIDs, 4K granule only.
    const uint64_t mmfr0 = reset(SysReg::ID_AA64MMFR0_EL1);
    EXPECT_EQ(mmfr0 & 0xf, 4u);
    EXPECT_EQ((mmfr0 >> 4) & 0xf, 2u);
    // CRC32 only; no FP/AdvSIMD (0xf) yet; EL0-EL2 AArch64 only, no EL3.
    EXPECT_EQ(reset(SysReg::ID_AA64ISAR0_EL1), 0x10000u);
    EXPECT_EQ(reset(SysReg::ID_AA64PFR0_EL1), 0xff0111u);
    // DC ZVA block 64 bytes; CTR_EL0 DminLine 64 bytes, ERG 64 bytes (the monitor granule).
    EXPECT_EQ(reset(SysReg::DCZID_EL0), 4u);
    EXPECT_EQ((reset(SysReg::CTR_EL0) >> 20) & 0xf, 4u);
}

TEST(SysRegAccess, TpidrroIsReadOnlyAtEl0Only) {
    CoreHarness h;
    h.enter(1);
    h.x(1) = 0x1234;
    h.run(A64("msr tpidrro_el0, x1"));
    EXPECT_EQ(h.exceptions(), 0u);
    h.enter(0);
    h.run(A64("mrs x2, tpidrro_el0"));
    EXPECT_EQ(h.x(2), 0x1234u);
    EXPECT_EQ(h.exceptions(), 0u);
    h.run(A64("msr tpidrro_el0, x1"));
    EXPECT_EQ(h.esr(1), kIL); // UNDEFINED at EL0
}

TEST(SysRegAccess, ReservedIdRegistersReadAsZero) {
    CoreHarness h;
    h.enter(1);
    h.x(0) = 99;
    h.run(A64("mrs x0, s3_0_c0_c7_2; mrs x1, s3_0_c0_c4_4; mrs x2, s3_0_c0_c7_7"));
    EXPECT_EQ(h.exceptions(), 0u);
    EXPECT_EQ(h.x(0), 0u);
    h.run(A64("msr s3_0_c0_c7_2, x0")); // read-only space: UNDEFINED
    EXPECT_EQ(h.esr(1), kIL);
    h.core.sysreg_ref(SysReg::HCR_EL2) = hcr::TID3;
    h.enter(1);
    h.run(A64("mrs x3, s3_0_c0_c7_2"));
    EXPECT_EQ(h.core.st.el, 2u);
    EXPECT_EQ(h.esr(2), (0x18u << 26) | kIL | (3u << 20) | (2u << 17) | (3u << 5) | (7u << 1) | 1u);
    h.enter(0);
    h.run(A64("mrs x3, s3_0_c0_c7_2")); // EL1 registers are UNDEFINED at EL0
    EXPECT_EQ(h.esr(1), kIL);
}

TEST(SysRegAccess, FpcrAndFpsrFollowTheFpTraps) {
    CoreHarness h;
    h.enter(1); // CPACR_EL1.FPEN = 0: trapped to EL1 like an FP instruction
    h.run(A64("mrs x0, fpcr"));
    EXPECT_EQ(h.esr(1), (0x07u << 26) | kIL | 0x1e00000u);
    h.core.sysreg_ref(SysReg::CPACR_EL1) = 3u << 20;
    h.enter(1);
    h.run(A64("msr fpsr, x0")); // not trapped: FP is not implemented, UNDEFINED
    EXPECT_EQ(h.esr(1), kIL);
}

TEST(SysRegAccess, WritesToReadOnlyAndReadsOfWriteOnlyAreUndefined) {
    CoreHarness h;
    h.run(A64("msr s3_0_c0_c0_0, x0")); // MIDR_EL1
    EXPECT_EQ(h.esr(2), kIL);
    h.run(A64("mrs x0, s2_0_c1_c0_4")); // OSLAR_EL1
    EXPECT_EQ(h.esr(2), kIL);
    h.run(A64("mrs x0, s3_3_c9_c12_4")); // PMSWINC_EL0
    EXPECT_EQ(h.esr(2), kIL);
    h.run(A64("msr s3_0_c4_c2_2, x0")); // CurrentEL
    EXPECT_EQ(h.esr(2), kIL);
}

TEST(SysRegAccess, HcrRwIsRaoWhenEl1IsAarch64Only) {
    CoreHarness h;
    h.x(1) = 0;
    h.run(A64("msr hcr_el2, x1; mrs x2, hcr_el2"));
    EXPECT_EQ(h.x(2), 1ull << 31);
}
