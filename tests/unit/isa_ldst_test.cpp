// Loads and stores (ARM DDI 0487 C4.1.4, C6.2): every addressing mode, sizes and sign
// extension, pairs, literals, alignment (Normal memory allows unaligned accesses, Device
// memory and exclusives/acquire-release do not), page-crossing accesses, MMIO, and the
// exclusive monitor on one core. Expectations are derived by hand from the pseudocode.
#include "a64_snippets.h"
#include "core_harness.h"

#include <gtest/gtest.h>

using namespace armsim::test;
using namespace armsim::cpu;

namespace {
constexpr uint64_t D = CoreHarness::kData;
constexpr unsigned kDataAbortSame = 0x25;
constexpr uint32_t kFscAlign = 0x21, kWnR = 1u << 6;

void fill(CoreHarness& h, uint64_t at, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
        h.ram_at(at)[i] = static_cast<uint8_t>(0x10 + i);
}
} // namespace

TEST(LoadStore, ImmediateOffsetsAndWriteback) {
    CoreHarness h;
    h.put64(D, 0x1111111111111111);
    h.put64(D + 8, 0x2222222222222222);
    h.x(1) = D;
    h.run(A64("ldr x0, [x1, #8]!")); // pre-index: access at base + 8, writeback
    EXPECT_EQ(h.x(0), 0x2222222222222222u);
    EXPECT_EQ(h.x(1), D + 8);
    h.run(A64("ldr x0, [x1], #-8")); // post-index: access at base, then writeback
    EXPECT_EQ(h.x(0), 0x2222222222222222u);
    EXPECT_EQ(h.x(1), D);
    h.x(0) = 0xaabbccdd;
    h.x(1) = D + 8;
    h.run(A64("str w0, [x1, #-4]!"));
    EXPECT_EQ(h.get32(D + 4), 0xaabbccddu);
    EXPECT_EQ(h.x(1), D + 4);
    h.x(1) = D;
    h.run(A64("ldr w0, [x1, #4]")); // unsigned offset, scaled: no writeback
    EXPECT_EQ(h.x(0), 0xaabbccddu);
    EXPECT_EQ(h.x(1), D);
    h.run(A64("ldur x0, [x1, #8]")); // unscaled offset (MMU off: Device, so aligned)
    EXPECT_EQ(h.x(0), 0x2222222222222222u);
    h.run(A64("ldur x0, [x1, #-8]"));
    EXPECT_EQ(h.x(0), 0u);
}

TEST(LoadStore, RegisterOffsetExtends) {
    CoreHarness h;
    h.put64(D + 24, 0x3333333333333333);
    h.put32(D - 4, 0x44444444);
    h.put32(D + 0x10, 0x55555555);
    h.x(1) = D;
    h.x(2) = 3;
    h.run(A64("ldr x0, [x1, x2, lsl #3]"));
    EXPECT_EQ(h.x(0), 0x3333333333333333u);
    h.x(2) = 0x12345678ffffffff; // W2 = -1, the upper half is ignored by SXTW
    h.run(A64("ldr w0, [x1, w2, sxtw #2]"));
    EXPECT_EQ(h.x(0), 0x44444444u);
    h.x(2) = 0xabcdef0000000010; // UXTW ignores the upper half too
    h.run(A64("ldrb w0, [x1, w2, uxtw]"));
    EXPECT_EQ(h.x(0), 0x55u);
    h.x(2) = static_cast<uint64_t>(-2);
    h.run(A64("ldrh w0, [x1, x2, sxtx #1]")); // D - 4
    EXPECT_EQ(h.x(0), 0x4444u);
    h.run(A64("ldr w0, [x1, xzr]")); // Rm = 31 is XZR
    EXPECT_EQ(h.x(0), h.get32(D));
    // option<1> = 0 (UXTB/UXTH/SXTB/SXTH) is reserved: ldr x0, [x1, w2, uxtb].
    h.run({0xf8620820});
    EXPECT_EQ(h.ec(2), 0u);
}

TEST(LoadStore, SizesAndSignExtension) {
    CoreHarness h;
    h.put64(D, 0x8000800080008080);
    h.x(1) = D;
    h.x(0) = ~0ull;
    h.run(A64("ldrb w0, [x1]"));
    EXPECT_EQ(h.x(0), 0x80u);
    h.run(A64("ldrsb x0, [x1]"));
    EXPECT_EQ(h.x(0), 0xffffffffffffff80u);
    h.run(A64("ldrsb w0, [x1]")); // 32-bit destination: the upper half is zero
    EXPECT_EQ(h.x(0), 0xffffff80u);
    h.run(A64("ldrsh x0, [x1, #2]"));
    EXPECT_EQ(h.x(0), 0xffffffffffff8000u);
    h.run(A64("ldrsh w0, [x1, #2]"));
    EXPECT_EQ(h.x(0), 0xffff8000u);
    h.run(A64("ldrsw x0, [x1, #4]"));
    EXPECT_EQ(h.x(0), 0xffffffff80008000u);
    h.put64(D + 8, 0);
    h.x(0) = 0x1122334455667788;
    h.run(A64("strb w0, [x1, #8]; strh w0, [x1, #10]"));
    EXPECT_EQ(h.get64(D + 8), 0x0000000077880088u);
    h.run(A64("str w0, [x1, #12]"));
    EXPECT_EQ(h.get64(D + 8), 0x5566778877880088u);
}

TEST(LoadStore, StackPointerBase) {
    CoreHarness h;
    h.put64(D + 16, 0x5a5a);
    h.core.st.sp = D;
    h.run(A64("ldr x0, [sp, #16]"));
    EXPECT_EQ(h.x(0), 0x5a5au);
    h.x(0) = 7;
    h.run(A64("str x0, [sp, #-16]!"));
    EXPECT_EQ(h.core.st.sp, D - 16);
    EXPECT_EQ(h.get64(D - 16), 7u);
}

TEST(LoadStore, Pairs) {
    CoreHarness h;
    h.put64(D, 0x0123456789abcdef);
    h.put64(D + 8, 0xfedcba9876543210);
    h.put64(D + 16, 0x80000000ffffffff);
    h.x(2) = D + 16;
    h.run(A64("ldp x0, x1, [x2, #-16]!"));
    EXPECT_EQ(h.x(0), 0x0123456789abcdefu);
    EXPECT_EQ(h.x(1), 0xfedcba9876543210u);
    EXPECT_EQ(h.x(2), D);
    h.run(A64("ldp w0, w1, [x2], #16")); // post-index
    EXPECT_EQ(h.x(0), 0x89abcdefu);
    EXPECT_EQ(h.x(1), 0x01234567u);
    EXPECT_EQ(h.x(2), D + 16);
    h.run(A64("ldpsw x0, x1, [x2]"));
    EXPECT_EQ(h.x(0), 0xffffffffffffffffu);
    EXPECT_EQ(h.x(1), 0xffffffff80000000u);
    h.x(0) = 0xaaaaaaaaaaaaaaaa;
    h.run(A64("stp xzr, x0, [x2, #16]"));
    EXPECT_EQ(h.get64(D + 32), 0u);
    EXPECT_EQ(h.get64(D + 40), 0xaaaaaaaaaaaaaaaau);
    h.run(A64("stnp w0, wzr, [x2, #24]; ldnp x3, x4, [x2, #16]"));
    EXPECT_EQ(h.x(3), 0u);
    EXPECT_EQ(h.x(4), 0x00000000aaaaaaaau);
}

TEST(LoadStore, Literals) {
    CoreHarness h;
    h.run(A64("ldr x0, 1f; ldrsw x1, 2f; ldr w2, 2f; b 3f; 1: .quad 0x1122334455667788; "
              "2: .word 0x80000000; 3:"));
    EXPECT_EQ(h.x(0), 0x1122334455667788u);
    EXPECT_EQ(h.x(1), 0xffffffff80000000u);
    EXPECT_EQ(h.x(2), 0x80000000u);
    EXPECT_EQ(h.exceptions(), 0u);
}

TEST(LoadStore, PrefetchNeverFaults) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.x(1) = 0x7000000000; // outside the 39-bit VA range: any access would fault
    h.run(A64("prfm pldl1keep, [x1]; prfm pstl2strm, [x1, #8]; prfum pldl3keep, [x1, #-1]; "
              "prfm #31, [x1, x1]"));
    EXPECT_EQ(h.exceptions(), 0u);
}

// With the MMU off every data access is Device-nGnRnE (D5.2.9): unaligned accesses fault.
TEST(LoadStore, UnalignedDeviceAccessesFault) {
    CoreHarness h;
    h.x(1) = D + 2;
    h.x(0) = 0x1234;
    h.run(A64("str w0, [x1]"));
    EXPECT_EQ(h.ec(2), kDataAbortSame);
    EXPECT_EQ(h.iss(2), kFscAlign | kWnR);
    EXPECT_EQ(h.far(2), D + 2);
    EXPECT_EQ(h.get32(D), 0u); // nothing written
    h.x(1) = D + 4;
    h.run(A64("ldp x2, x3, [x1]")); // 8-byte elements, 4-aligned
    EXPECT_EQ(h.iss(2), kFscAlign);
    h.x(1) = D + 1;
    h.run(A64("ldrb w2, [x1]")); // single bytes are always aligned
    EXPECT_EQ(h.exceptions(), 2u);
}

TEST(LoadStore, UnalignedNormalAccessesWork) {
    CoreHarness h;
    h.mmu_el2_identity();
    fill(h, D + 0xff8, 16);
    h.x(1) = D + 0xffd; // crosses into the next page
    h.run(A64("ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 0x1c1b1a1918171615u);
    h.x(0) = 0xa1a2a3a4a5a6a7a8;
    h.x(1) = D + 0x1ffe;
    h.run(A64("str x0, [x1]"));
    EXPECT_EQ(h.get64(D + 0x1ff8) >> 48, 0xa7a8u);
    EXPECT_EQ(h.get64(D + 0x2000) & 0xffffffffffff, 0xa1a2a3a4a5a6u);
    h.x(1) = D + 3;
    h.run(A64("ldp w2, w3, [x1]"));
    EXPECT_EQ(h.exceptions(), 0u);
}

TEST(LoadStore, AlignmentCheckingOnNormalMemory) {
    CoreHarness h;
    h.mmu_el2_identity(sctlr::A);
    h.x(1) = D + 4;
    h.run(A64("ldr x0, [x1]"));
    EXPECT_EQ(h.ec(2), kDataAbortSame);
    EXPECT_EQ(h.iss(2) & 0x3f, kFscAlign);
}

TEST(LoadStore, DeviceMemoryThroughTheMmu) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.dev.regs[0x10] = 0x78;
    h.dev.regs[0x11] = 0x56;
    h.x(1) = CoreHarness::kDev + 0x10;
    h.run(A64("ldrh w0, [x1]"));
    EXPECT_EQ(h.x(0), 0x5678u);
    EXPECT_EQ(h.dev.last_len, 2u);
    EXPECT_FALSE(h.dev.last_write);
    h.x(0) = 0xcafe;
    h.run(A64("str w0, [x1, #4]"));
    EXPECT_TRUE(h.dev.last_write);
    EXPECT_EQ(h.dev.last_addr, 0x14u);
    const unsigned before = h.dev.accesses;
    h.x(1) = CoreHarness::kDev + 0x11;
    h.run(A64("ldr w0, [x1]")); // Device memory: unaligned faults before any access
    EXPECT_EQ(h.iss(2) & 0x3f, kFscAlign);
    EXPECT_EQ(h.far(2), CoreHarness::kDev + 0x11);
    EXPECT_EQ(h.dev.accesses, before);
}

TEST(LoadStore, UnmappedPhysicalAddressIsExternalAbort) {
    CoreHarness h;
    h.x(1) = 0x20000000; // nothing there
    h.run(A64("ldr w0, [x1]"));
    EXPECT_EQ(h.ec(2), kDataAbortSame);
    EXPECT_EQ(h.iss(2) & 0x3f, 0x10u); // synchronous external abort
}

// --- acquire/release and exclusives on one core ---------------------------------------------

TEST(LoadStore, AcquireReleaseRequireAlignmentEvenOnNormalMemory) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.put64(D, 0x42);
    h.x(1) = D;
    h.run(A64("ldar x0, [x1]; stlrh w0, [x1, #0]"));
    EXPECT_EQ(h.x(0), 0x42u);
    EXPECT_EQ(h.exceptions(), 0u);
    h.x(1) = D + 2;
    h.run(A64("ldar w0, [x1]"));
    EXPECT_EQ(h.ec(2), kDataAbortSame);
    EXPECT_EQ(h.iss(2) & 0x7f, kFscAlign);
    h.run(A64("stlr w0, [x1]"));
    EXPECT_EQ(h.iss(2) & 0x7f, kFscAlign | kWnR);
}

TEST(LoadStore, ExclusivePairSucceedsAndWrites) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.put64(D, 5);
    h.x(1) = D;
    h.run(A64("ldxr x0, [x1]; add x0, x0, #1; stxr w2, x0, [x1]"));
    EXPECT_EQ(h.x(2), 0u);
    EXPECT_EQ(h.get64(D), 6u);
    EXPECT_FALSE(h.core.exclusive_marked()); // a store-exclusive always clears it
    h.run(A64("ldaxrb w0, [x1]; stlxrb w2, wzr, [x1]"));
    EXPECT_EQ(h.x(0), 6u);
    EXPECT_EQ(h.x(2), 0u);
    EXPECT_EQ(h.get64(D), 0u);
}

TEST(LoadStore, StoreExclusiveFailsWithoutReservation) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.put64(D, 5);
    h.x(1) = D;
    h.x(0) = 9;
    h.run(A64("stxr w2, x0, [x1]"));
    EXPECT_EQ(h.x(2), 1u);
    EXPECT_EQ(h.get64(D), 5u);
    h.run(A64("ldxr x3, [x1]; clrex; stxr w2, x0, [x1]"));
    EXPECT_EQ(h.x(2), 1u);
    EXPECT_EQ(h.get64(D), 5u);
    // Another size, and another address, than the load-exclusive marked.
    h.run(A64("ldxr x3, [x1]; stxr w2, w0, [x1]"));
    EXPECT_EQ(h.x(2), 1u);
    EXPECT_EQ(h.get64(D), 5u);
    h.x(4) = D + 8;
    h.run(A64("ldxr x3, [x1]; stxr w2, x0, [x4]"));
    EXPECT_EQ(h.x(2), 1u);
    EXPECT_EQ(h.get64(D + 8), 0u);
}

// AArch64.ExclusiveMonitorsPass() checks the local monitor before translating: a
// store-exclusive without a reservation fails even where a store would fault.
TEST(LoadStore, StoreExclusiveWithoutReservationDoesNotTranslate) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.x(1) = 0x7000000000; // outside the VA range
    h.run(A64("clrex; stxr w2, x0, [x1]"));
    EXPECT_EQ(h.exceptions(), 0u);
    EXPECT_EQ(h.x(2), 1u);
    h.x(1) = 0x7000000001; // ... but alignment is checked first of all
    h.run(A64("stxr w2, x0, [x1]"));
    EXPECT_EQ(h.ec(2), kDataAbortSame);
    EXPECT_EQ(h.iss(2) & 0x7f, kFscAlign | kWnR);
}

TEST(LoadStore, StoresToTheMarkedGranuleClearTheReservation) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.x(1) = D;
    h.x(4) = D + 32; // same 64-byte granule
    h.x(5) = D + 64; // next granule
    h.run(A64("ldxr x0, [x1]; str xzr, [x5]; stxr w2, x0, [x1]"));
    EXPECT_EQ(h.x(2), 0u);
    // A store to the marked granule by this PE clears the reservation (an IMPLEMENTATION
    // DEFINED choice the ARM ARM allows, B2.9.2), even when it writes the same value.
    h.run(A64("ldxr x0, [x1]; str x0, [x4]; stxr w2, x0, [x1]"));
    EXPECT_EQ(h.x(2), 1u);
}

TEST(LoadStore, ExclusivesRequireAlignment) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.x(1) = D + 4;
    h.run(A64("ldxr x0, [x1]"));
    EXPECT_EQ(h.ec(2), kDataAbortSame);
    EXPECT_EQ(h.iss(2) & 0x7f, kFscAlign);
    EXPECT_EQ(h.far(2), D + 4);
    h.x(1) = D + 8; // 8-aligned, but an X pair needs 16
    h.run(A64("ldxp x2, x3, [x1]"));
    EXPECT_EQ(h.iss(2) & 0x7f, kFscAlign);
    h.x(1) = D + 16;
    h.put64(D + 16, 1);
    h.put64(D + 24, 2);
    h.run(A64("ldaxp x2, x3, [x1]; stlxp w4, x3, x2, [x1]"));
    EXPECT_EQ(h.x(2), 1u);
    EXPECT_EQ(h.x(3), 2u);
    EXPECT_EQ(h.x(4), 0u);
    EXPECT_EQ(h.get64(D + 16), 2u);
    EXPECT_EQ(h.get64(D + 24), 1u);
}

TEST(LoadStore, ExceptionReturnClearsTheReservation) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.x(1) = D;
    h.core.sysreg_ref(SysReg::SPSR_EL2) = 0x3c9; // EL2h
    h.core.sysreg_ref(SysReg::ELR_EL2) = CoreHarness::kCode + 8;
    h.run(A64("ldxr x0, [x1]; eret; stxr w2, x0, [x1]"));
    EXPECT_EQ(h.x(2), 1u);
}

// Stores to a page that holds decoded instructions take the slow path and reset the decoded
// slots under them, also when the page had a writable fast-TLB entry before it became code.
TEST(LoadStore, SelfModifyingCodeIsSeen) {
    CoreHarness h;
    h.mmu_el2_identity();
    h.x(1) = 0xd28000e0; // mov x0, #7
    h.x(2) = D;
    h.run(A64("str w1, [x2, #64]")); // a fast writable mapping of D's page now exists
    // The loop runs the instruction at D + 4 (mov x0, #1), overwrites it, runs it again.
    h.x(2) = D + 4;
    h.run_on(h.core, A64("mov x3, #2; 1: mov x0, #1; str w1, [x2]; subs x3, x3, #1; b.ne 1b"), D);
    EXPECT_EQ(h.x(0), 7u);
}
