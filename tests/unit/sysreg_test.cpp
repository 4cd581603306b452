// The system register table is checked at start-up (DESIGN.md lesson 6); these pin the
// check and a few encodings against the ARM ARM.
#include "models/cpu/sysregs.h"

#include <gtest/gtest.h>

using namespace armsim::cpu;

TEST(SysRegs, TableIsValid) {
    EXPECT_EQ(check_sysreg_table(), "");
}

TEST(SysRegs, LookupByEncoding) {
    // MRS x0, <reg> encodes op0:op1:CRn:CRm:op2 in bits [20:5] (C5.2).
    EXPECT_EQ(sysreg_by_key(sysreg_key(3, 0, 4, 2, 2)), SysReg::CurrentEL);
    EXPECT_EQ(sysreg_by_key(sysreg_key(3, 4, 1, 1, 0)), SysReg::HCR_EL2);
    EXPECT_EQ(sysreg_by_key(sysreg_key(3, 4, 2, 1, 0)), SysReg::VTTBR_EL2);
    EXPECT_EQ(sysreg_by_key(sysreg_key(3, 3, 14, 3, 1)), SysReg::CNTV_CTL_EL0);
    EXPECT_EQ(sysreg_by_key(sysreg_key(3, 0, 15, 15, 7)), SysReg::count); // unallocated
}

TEST(SysRegs, IdRegistersDescribeWhatIsImplemented) {
    // EL0-EL2 AArch64-only, no EL3, FP/AdvSIMD not implemented (0xf), 4K granule only.
    const uint64_t pfr0 = sysreg_info(SysReg::ID_AA64PFR0_EL1).reset;
    EXPECT_EQ(pfr0 & 0xffff, 0x0111u);
    EXPECT_EQ((pfr0 >> 16) & 0xff, 0xffu);
    const uint64_t mmfr0 = sysreg_info(SysReg::ID_AA64MMFR0_EL1).reset;
    EXPECT_EQ((mmfr0 >> 28) & 0xf, 0u);   // TGran4 supported
    EXPECT_EQ((mmfr0 >> 24) & 0xf, 0xfu); // TGran64 not
    EXPECT_EQ(sysreg_info(SysReg::MIDR_EL1).reset, 0x411fd070u);
}
