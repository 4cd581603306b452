// Instruction semantics with hand-derived expectations (ARM DDI 0487 pseudocode). The words
// were assembled with GNU as; the text is in the comment next to each.
#include "core_harness.h"

#include <gtest/gtest.h>

using armsim::test::CoreHarness;
using namespace armsim::cpu;

namespace {
constexpr uint32_t N = 8, Z = 4, C = 2, V = 1;
}

TEST(Isa, AddsSetsCarryAndOverflow) {
    CoreHarness h;
    h.x(1) = 0x7fffffffffffffff;
    h.x(2) = 1;
    h.run({0xab020020}); // adds x0, x1, x2
    EXPECT_EQ(h.x(0), 0x8000000000000000);
    EXPECT_EQ(h.nzcv(), N | V);
    h.x(1) = ~0ull;
    h.x(2) = 1;
    h.run({0xab020020});
    EXPECT_EQ(h.x(0), 0u);
    EXPECT_EQ(h.nzcv(), Z | C);
}

TEST(Isa, SubsW) {
    CoreHarness h;
    h.x(1) = 0xffffffff00000005; // upper half ignored
    h.x(2) = 7;
    h.run({0x6b020020});            // subs w0, w1, w2
    EXPECT_EQ(h.x(0), 0xfffffffeu); // zero-extended W result
    EXPECT_EQ(h.nzcv(), N);         // borrow: C clear
}

TEST(Isa, DivisionEdgeCases) {
    CoreHarness h;
    h.x(1) = 0x8000000000000000; // INT64_MIN / -1 = INT64_MIN, no trap
    h.x(2) = ~0ull;
    h.run({0x9ac20c20}); // sdiv x0, x1, x2
    EXPECT_EQ(h.x(0), 0x8000000000000000);
    h.x(1) = 42;
    h.x(2) = 0;
    h.run({0x9ac20c20}); // division by zero gives zero
    EXPECT_EQ(h.x(0), 0u);
    h.run({0x9ac20820}); // udiv x0, x1, x2
    EXPECT_EQ(h.x(0), 0u);
}

TEST(Isa, ShiftByRegisterIsModuloWidth) {
    CoreHarness h;
    h.x(1) = 1;
    h.x(2) = 65;         // 65 mod 64 = 1
    h.run({0x9ac22020}); // lsl x0, x1, x2
    EXPECT_EQ(h.x(0), 2u);
}

TEST(Isa, BitfieldCorners) {
    CoreHarness h;
    h.x(1) = 0xf80;
    h.run({0x93442c20}); // sbfx x0, x1, #4, #8: field 0xf8 sign-extends
    EXPECT_EQ(h.x(0), 0xfffffffffffffff8);
    h.x(0) = 0x0123456789abcdef;
    h.x(1) = 0xa;
    h.run({0xb3440c20}); // bfi x0, x1, #60, #4
    EXPECT_EQ(h.x(0), 0xa123456789abcdef);
}

TEST(Isa, MiscDataProcessing) {
    CoreHarness h;
    h.x(1) = 0x1111222233334444;
    h.x(2) = 0x5555666677778888;
    h.run({0x93c23020}); // extr x0, x1, x2, #12
    EXPECT_EQ(h.x(0), 0x4445555666677778);
    h.x(1) = 1;
    h.run({0x5ac00020}); // rbit w0, w1
    EXPECT_EQ(h.x(0), 0x80000000u);
    h.x(1) = 0xffff000000000000;
    h.run({0xdac01420}); // cls x0, x1
    EXPECT_EQ(h.x(0), 15u);
    h.x(1) = ~0ull; // -1 * -1
    h.x(2) = ~0ull;
    h.run({0x9b427c20}); // smulh x0, x1, x2
    EXPECT_EQ(h.x(0), 0u);
    h.run({0x9bc27c20}); // umulh x0, x1, x2
    EXPECT_EQ(h.x(0), 0xfffffffffffffffe);
    // CRC-32C("a") is 0xC1D04330 (RFC 3720 polynomial, init and final XOR 0xffffffff);
    // the instruction does neither inversion.
    h.x(1) = 0xffffffff;
    h.x(2) = 0x61;
    h.run({0x1ac25020}); // crc32cb w0, w1, w2
    EXPECT_EQ(h.x(0) ^ 0xffffffffu, 0xc1d04330u);
}

TEST(Isa, CcmpUsesImmediateFlagsWhenConditionFails) {
    CoreHarness h;
    h.core.st.nzcv = 0; // Z clear: "eq" fails
    h.x(1) = 1;
    h.x(2) = 1;
    h.run({0xfa420025}); // ccmp x1, x2, #5, eq
    EXPECT_EQ(h.nzcv(), 5u);
    h.core.st.nzcv = Z << 28; // eq holds: flags of x1 - x2
    h.run({0xfa420025});
    EXPECT_EQ(h.nzcv(), Z | C);
}

TEST(Isa, UnalignedLoadWithMmuOffTakesAlignmentFault) {
    // With stage 1 off, data accesses are Device-nGnRnE: an unaligned LDR faults (D5.2.9).
    CoreHarness h;
    const uint64_t vbar = CoreHarness::kRamBase + 0x20000;
    h.core.sysreg_ref(SysReg::VBAR_EL2) = vbar;
    h.x(1) = CoreHarness::kRamBase + 0x1001;
    h.run({0xf9400020});                   // ldr x0, [x1]
    EXPECT_EQ(h.core.st.pc, vbar + 0x200); // current EL with SP_ELx, synchronous
    const uint64_t esr = h.core.sysreg(SysReg::ESR_EL2);
    EXPECT_EQ(esr >> 26, 0x25u);  // data abort, same EL
    EXPECT_EQ(esr & 0x3f, 0x21u); // alignment fault
    EXPECT_EQ(h.core.sysreg(SysReg::FAR_EL2), CoreHarness::kRamBase + 0x1001);
    EXPECT_EQ(h.core.sysreg(SysReg::ELR_EL2), CoreHarness::kCode);
}

TEST(Isa, AlignedLoadWithMmuOffWorks) {
    CoreHarness h;
    h.put64(CoreHarness::kRamBase + 0x1000, 0x1122334455667788);
    h.x(1) = CoreHarness::kRamBase + 0x1000;
    h.run({0xf9400020}); // ldr x0, [x1]
    EXPECT_EQ(h.x(0), 0x1122334455667788u);
    h.x(1) = CoreHarness::kRamBase + 0x1004;
    h.run({0xb9400020}); // ldr w0, [x1]
    EXPECT_EQ(h.x(0), 0x11223344u);
}

TEST(Isa, UnallocatedIsUndefined) {
    CoreHarness h;
    const uint64_t vbar = CoreHarness::kRamBase + 0x20000;
    h.core.sysreg_ref(SysReg::VBAR_EL2) = vbar;
    h.run({0x00000000}); // udf #0
    EXPECT_EQ(h.core.st.pc, vbar + 0x200);
    EXPECT_EQ(h.core.sysreg(SysReg::ESR_EL2), 0x02000000u); // EC 0, IL 1
}
