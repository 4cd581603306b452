// VMSAv8-64 translation with the 4 KiB granule (ARM DDI 0487 D5): stage 1 at EL1&0 with
// 2-, 3- and 4-level walks, blocks and pages, TTBR1, permissions, access flag and address
// size faults; stage 2 with concatenated start tables and 4-level starts, faults on the
// stage-1 walk (S1PTW), the ISS a hypervisor decodes, HPFAR; TLB staleness until TLBI,
// ASID and VMID tagging; AT and PAR_EL1. Expectations are derived by hand from D5 and
// D13.2.37 (ESR ISS for aborts).
#include "a64_snippets.h"
#include "core_harness.h"

#include <gtest/gtest.h>

using namespace armsim::test;
using namespace armsim::cpu;
using namespace armsim::test::desc;

namespace {

constexpr uint64_t K = CoreHarness::kCode, D = CoreHarness::kData;
constexpr uint64_t kNormal = kAF | kSh | attr(1); // MAIR Attr1: Normal write-back
constexpr uint64_t kS2Normal = kAF | kSh | s2attr(0xf) | s2ap(3);
constexpr unsigned kDabtLower = 0x24, kDabtSame = 0x25, kIabtLower = 0x20, kIabtSame = 0x21;
constexpr uint32_t kISV = 1u << 24, kWnR = 1u << 6, kS1PTW = 1u << 7;
constexpr uint32_t sas(unsigned log2size) {
    return log2size << 22;
}
constexpr uint32_t srt(unsigned r) {
    return r << 16;
}
constexpr uint32_t kSF = 1u << 15;

// EL1 stage 1: MAIR Attr0 Device-nGnRnE, Attr1 Normal WB; TCR with the given T0SZ, TTBR1
// walks disabled unless `t1sz` is given; IPS 40 bits.
void el1_stage1(CoreHarness& h, uint64_t ttbr0, unsigned t0sz, uint64_t ttbr1 = 0,
                unsigned t1sz = 0, uint64_t tcr_extra = 0) {
    h.core.sysreg_ref(SysReg::MAIR_EL1) = 0xff00;
    uint64_t tcr = t0sz | (1u << 8) | (1u << 10) | (3u << 12) | (2ull << 32) | tcr_extra;
    tcr |= ttbr1 ? (uint64_t(t1sz) << 16) | (2ull << 30) : (1ull << 23); // TG1 4K / EPD1
    h.core.sysreg_ref(SysReg::TCR_EL1) = tcr;
    h.core.sysreg_ref(SysReg::TTBR0_EL1) = ttbr0;
    h.core.sysreg_ref(SysReg::TTBR1_EL1) = ttbr1;
    h.core.sysreg_ref(SysReg::SCTLR_EL1) = 0x30d00800 | sctlr::M | sctlr::C | sctlr::I;
    h.core.mmu().invalidate_all();
    h.core.flush_fast_tlb();
}

// Stage 2 with VMID `vmid`: VTCR T0SZ/SL0 as given, 4K granule, PS 40 bits.
void stage2(CoreHarness& h, uint64_t vttbr, unsigned t0sz, unsigned sl0, uint16_t vmid = 1) {
    h.core.sysreg_ref(SysReg::VTCR_EL2) =
        t0sz | (sl0 << 6) | (1u << 8) | (1u << 10) | (3u << 12) | (2ull << 16) | (1ull << 31);
    h.core.sysreg_ref(SysReg::VTTBR_EL2) = vttbr | (uint64_t(vmid) << 48);
    h.core.sysreg_ref(SysReg::HCR_EL2) |= hcr::VM | hcr::RW;
    h.core.flush_fast_tlb();
}

// Stage 2 of 1-2 GiB (code, vectors, data and every table), identity, as one 1 GiB block.
// Test IPAs live outside it (0x10000000 ..., 0x80000000 ...).
void s2_ram(CoreHarness& h, uint64_t root, unsigned start, unsigned root_bits) {
    h.map(root, start, root_bits, 0x40000000, 1, 0x40000000 | kS2Normal | kBlock);
}

// The 2 MiB around code, vectors and test data, identity-mapped (stage 1, T0SZ 25 walk).
void map_code(CoreHarness& h, uint64_t root, unsigned start, unsigned root_bits) {
    h.map(root, start, root_bits, 0x40000000, 2, 0x40000000 | kNormal | kBlock);
}

// LDR X0, [X1] with X1 = `va`, at the current EL.
void load_x0(CoreHarness& h, uint64_t va) {
    h.x(1) = va;
    h.run(A64("ldr x0, [x1]"));
}

// A new stage-1 root for a T0SZ 25 walk (level 1, 9 index bits) with the code mapped.
uint64_t stage1_root_with_code(CoreHarness& h) {
    const uint64_t root = h.new_table();
    map_code(h, root, 1, 9);
    return root;
}

// A new stage-2 root for a T0SZ 32 walk (level 1, 4 entries) with RAM mapped.
uint64_t stage2_root_with_ram(CoreHarness& h) {
    const uint64_t root = h.new_table();
    s2_ram(h, root, 1, 2);
    return root;
}

} // namespace

// --- stage 1 walks -----------------------------------------------------------------------------

TEST(Mmu, ThreeLevelWalkToA4KPage) {
    CoreHarness h;
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x1000) | kNormal | kPage);
    h.put64(D + 0x1018, 0xabcd);
    el1_stage1(h, root, 25);
    h.enter(1);
    load_x0(h, 0x10000018);
    EXPECT_EQ(h.exceptions(), 0u);
    EXPECT_EQ(h.x(0), 0xabcdu);
}

TEST(Mmu, FourLevelWalk) {
    CoreHarness h;
    const uint64_t root = h.new_table();
    map_code(h, root, 0, 9);
    h.map(root, 0, 9, 0x0000800000000000, 3, (D + 0x2000) | kNormal | kPage);
    h.put64(D + 0x2008, 0x4444);
    el1_stage1(h, root, 16); // 48-bit VA: the walk starts at level 0
    h.enter(1);
    load_x0(h, 0x0000800000000008);
    EXPECT_EQ(h.x(0), 0x4444u);
}

TEST(Mmu, SmallStartTableAndBlocks) {
    CoreHarness h;
    const uint64_t root = h.new_table();
    // T0SZ = 33: a 31-bit VA, starting at level 1 with a 2-entry table. Entry 1 is a
    // 1 GiB block for 0x40000000 (code, vectors and data, identity).
    h.put64(root + 8, 0x40000000 | kNormal | kBlock);
    h.put64(D + 0x3000, 0x77);
    el1_stage1(h, root, 33);
    h.enter(1);
    load_x0(h, D + 0x3000);
    EXPECT_EQ(h.x(0), 0x77u);
    load_x0(h, 0x80000000); // beyond the 31-bit range: translation fault at level 0... (D5.2.4)
    EXPECT_EQ(h.ec(1), kDabtSame);
    EXPECT_EQ(h.iss(1) & 0x3f, 0x04u); // translation fault, level 0
}

TEST(Mmu, Ttbr1UpperRange) {
    CoreHarness h;
    const uint64_t root0 = h.new_table(), root1 = h.new_table();
    map_code(h, root0, 1, 9);
    h.map(root1, 1, 9, 0xffffffffc0001000, 3, (D + 0x4000) | kNormal | kPage);
    h.put64(D + 0x4010, 0x1010);
    el1_stage1(h, root0, 25, root1, 25);
    h.enter(1);
    load_x0(h, 0xffffffffc0001010);
    EXPECT_EQ(h.x(0), 0x1010u);
    load_x0(h, 0xfff0000000000000); // neither range: translation fault, level 0
    EXPECT_EQ(h.iss(1) & 0x3f, 0x04u);
}

TEST(Mmu, FaultKindsAndLevels) {
    CoreHarness h;
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x1000) | kSh | attr(1) | kPage); // AF = 0
    h.map(root, 1, 9, 0x10001000, 3, 0x100000000 | kNormal | kPage);        // beyond 32 bits
    h.put64(root + 8 * 2, 0); // VA 0x80000000: invalid level-1 entry
    el1_stage1(h, root, 25, 0, 0, 0);
    h.core.sysreg_ref(SysReg::TCR_EL1) &= ~(7ull << 32); // IPS = 32 bits
    h.enter(1);
    load_x0(h, 0x10000000);
    EXPECT_EQ(h.iss(1) & 0x3f, 0x0bu); // access flag fault, level 3
    EXPECT_EQ(h.far(1), 0x10000000u);
    h.x(1) = 0x10001000;
    h.run(A64("str x0, [x1]"));
    EXPECT_EQ(h.iss(1) & 0x7f, kWnR | 0x03u); // address size fault, level 3
    load_x0(h, 0x80000000);
    EXPECT_EQ(h.iss(1) & 0x3f, 0x05u); // translation fault, level 1
    load_x0(h, 0x10002000);            // level-3 table exists, entry invalid
    EXPECT_EQ(h.iss(1) & 0x3f, 0x07u);
    // Stage-1 aborts taken to EL1 carry no instruction syndrome.
    EXPECT_EQ(h.iss(1) & kISV, 0u);
}

TEST(Mmu, DataAccessPermissions) {
    CoreHarness h;
    const uint64_t root =
        stage1_root_with_code(h); // AP = 00, UXN = 0: EL0 may execute it (execute-only)
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x1000) | kNormal | ap(0) | kPage); // EL1 RW
    h.map(root, 1, 9, 0x10001000, 3, (D + 0x2000) | kNormal | ap(1) | kPage); // EL0+1 RW
    h.map(root, 1, 9, 0x10002000, 3, (D + 0x3000) | kNormal | ap(2) | kPage); // EL1 RO
    h.map(root, 1, 9, 0x10003000, 3, (D + 0x4000) | kNormal | ap(3) | kPage); // EL0+1 RO
    el1_stage1(h, root, 25);
    h.enter(0);
    load_x0(h, 0x10000000);
    EXPECT_EQ(h.ec(1), kDabtLower);
    EXPECT_EQ(h.iss(1) & 0x7f, 0x0fu); // permission fault, level 3
    h.enter(0);
    h.x(1) = 0x10001000;
    h.run(A64("str x0, [x1]; ldr x0, [x1]"));
    h.x(1) = 0x10003000;
    const uint64_t n = h.exceptions();
    h.run(A64("ldr x0, [x1]"));
    EXPECT_EQ(h.exceptions(), n);
    h.run(A64("str x0, [x1]"));
    EXPECT_EQ(h.iss(1) & 0x7f, kWnR | 0x0fu);
    h.enter(1);
    h.x(1) = 0x10002000;
    h.run(A64("ldr x0, [x1]; str x0, [x1]"));
    EXPECT_EQ(h.ec(1), kDabtSame);
    EXPECT_EQ(h.iss(1) & 0x7f, kWnR | 0x0fu);
    EXPECT_EQ(h.elr(1), K + 4);
    // LDTR/STTR at EL1 check EL0's permissions.
    h.enter(1);
    h.x(1) = 0x10000000;
    h.run(A64("ldtr x0, [x1]"));
    EXPECT_EQ(h.iss(1) & 0x7f, 0x0fu);
    h.x(1) = 0x10001000;
    const uint64_t m = h.exceptions();
    h.run(A64("sttr x0, [x1]"));
    EXPECT_EQ(h.exceptions(), m);
}

TEST(Mmu, ExecutePermissions) {
    CoreHarness h;
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x20000000, 3, (D + 0x5000) | kNormal | ap(1) | kPage); // EL0 RW
    h.map(root, 1, 9, 0x20001000, 3, (D + 0x6000) | kNormal | kUXN | kPage);
    h.map(root, 1, 9, 0x20002000, 3, (D + 0x7000) | kNormal | kPXN | ap(3) | kPage);
    const uint32_t nop = 0xd503201f;
    for (uint64_t pa : {D + 0x5000, D + 0x6000, D + 0x7000})
        h.put32(pa, nop);
    el1_stage1(h, root, 25);
    // EL1 never executes memory EL0 can write (D5.4.5).
    h.enter(1);
    h.x(1) = 0x20000000;
    h.run(A64("br x1"));
    EXPECT_EQ(h.ec(1), kIabtSame);
    EXPECT_EQ(h.iss(1), 0x0fu); // permission fault, level 3
    EXPECT_EQ(h.far(1), 0x20000000u);
    EXPECT_EQ(h.elr(1), 0x20000000u);
    // UXN: EL0 may not execute, EL1 may.
    h.enter(0);
    h.x(1) = 0x20001000;
    h.run(A64("br x1"));
    EXPECT_EQ(h.ec(1), kIabtLower);
    h.enter(1);
    const uint64_t n = h.exceptions();
    h.run_on(h.core, A64("br x1"), K, 2); // the branch and the nop at the target
    EXPECT_EQ(h.exceptions(), n);
    EXPECT_EQ(h.core.st.pc, 0x20001004u);
    // PXN: EL1 may not, EL0 may.
    h.enter(1);
    h.x(1) = 0x20002000;
    h.run(A64("br x1"));
    EXPECT_EQ(h.ec(1), kIabtSame);
    h.enter(0);
    const uint64_t m = h.exceptions();
    h.run_on(h.core, A64("br x1"), K, 2);
    EXPECT_EQ(h.exceptions(), m);
    EXPECT_EQ(h.core.st.pc, 0x20002004u);
}

// --- TLB -----------------------------------------------------------------------------------------

TEST(Tlb, EntriesStayUntilTlbi) {
    CoreHarness h;
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x1000) | kNormal | kPage);
    h.put64(D + 0x1000, 1);
    h.put64(D + 0x2000, 2);
    el1_stage1(h, root, 25);
    h.enter(1);
    h.x(1) = 0x10000000;
    h.x(2) = 0x10000000 >> 12;
    h.run(A64("ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 1u);
    // Remap in memory only: the TLB still has the old translation (stale, as on hardware).
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x2000) | kNormal | kPage);
    h.run(A64("ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 1u);
    h.run(A64("tlbi vae1, x2; dsb ish; isb; ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 2u);
}

TEST(Tlb, AsidTagging) {
    CoreHarness h;
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x1000) | kNormal | kNG | kPage);
    h.put64(D + 0x1000, 1);
    h.put64(D + 0x2000, 2);
    el1_stage1(h, root, 25);
    h.core.sysreg_ref(SysReg::TTBR0_EL1) = root | (1ull << 48); // ASID 1
    h.enter(1);
    load_x0(h, 0x10000000);
    EXPECT_EQ(h.x(0), 1u);
    // Same tables, ASID 2: the ASID-1 entry does not match; a new walk sees the remap.
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x2000) | kNormal | kNG | kPage);
    h.x(3) = root | (2ull << 48);
    h.run(A64("msr ttbr0_el1, x3; isb; ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 2u);
    // Back to ASID 1: its stale entry is still there.
    h.x(3) = root | (1ull << 48);
    h.run(A64("msr ttbr0_el1, x3; isb; ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 1u);
    // TLBI ASIDE1 for ASID 1 removes it.
    h.x(4) = 1ull << 48;
    h.run(A64("tlbi aside1, x4; dsb ish; isb; ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 2u);
}

TEST(Tlb, GlobalEntriesIgnoreTheAsid) {
    CoreHarness h;
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x1000) | kNormal | kPage); // nG = 0
    h.put64(D + 0x1000, 1);
    h.put64(D + 0x2000, 2);
    el1_stage1(h, root, 25);
    h.enter(1);
    load_x0(h, 0x10000000);
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x2000) | kNormal | kPage);
    h.x(3) = root | (7ull << 48);
    h.x(4) = 7ull << 48;
    h.run(A64("msr ttbr0_el1, x3; isb; tlbi aside1, x4; dsb ish; isb; ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 1u); // ASIDE1 leaves global entries
    h.run(A64("tlbi vmalle1; dsb ish; isb; ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 2u);
}

// --- stage 2 -----------------------------------------------------------------------------------

TEST(Stage2, ConcatenatedStartTables) {
    CoreHarness h;
    // T0SZ = 24 (40-bit IPA) starting at level 1: 1024 entries, two concatenated tables.
    const uint64_t root = h.new_table(2);
    ASSERT_EQ(root % 8192, 0u);
    s2_ram(h, root, 1, 10);
    h.map(root, 1, 10, 0x8040000000, 3, (D + 0x1000) | kS2Normal | kPage); // 2nd table
    h.put64(D + 0x1008, 0x5252);
    stage2(h, root, 24, 1);
    h.enter(1); // stage 1 off: IPA = VA
    load_x0(h, 0x8040000008);
    EXPECT_EQ(h.exceptions(), 0u);
    EXPECT_EQ(h.x(0), 0x5252u);
    EXPECT_NE(h.get64(root + 4096 + 8 * 1), 0u); // the entry really is in the second table
}

TEST(Stage2, FourLevelStart) {
    CoreHarness h;
    const uint64_t root = h.new_table();
    // T0SZ = 20 (44-bit IPA), SL0 = 2: start at level 0 with 32 entries.
    s2_ram(h, root, 0, 5);
    h.map(root, 0, 5, 0x00000c0000000000, 3, (D + 0x1000) | kS2Normal | kPage);
    h.put64(D + 0x1000, 0x4e4e);
    stage2(h, root, 20, 2);
    h.enter(1);
    load_x0(h, 0x00000c0000000000);
    EXPECT_EQ(h.x(0), 0x4e4eu);
}

TEST(Stage2, DataAbortSyndromeForMmioEmulation) {
    CoreHarness h;
    const uint64_t root = stage2_root_with_ram(h);
    stage2(h, root, 32, 1); // 4 GiB IPA, start at level 1 with 4 entries
    h.enter(1);
    h.x(1) = 0x08000000; // not mapped at stage 2: an emulated device
    h.x(7) = 0x1234;
    h.run(A64("str w7, [x1, #0x10]"));
    EXPECT_EQ(h.core.st.el, 2u);
    EXPECT_EQ(h.ec(2), kDabtLower);
    // ISV, SAS = word, SSE = 0, SRT = 7, SF = 0, AR = 0, WnR, DFSC translation level 1.
    EXPECT_EQ(h.iss(2), kISV | sas(2) | srt(7) | kWnR | 0x05u);
    EXPECT_EQ(h.far(2), 0x08000010u);
    EXPECT_EQ(h.core.sysreg(SysReg::HPFAR_EL2), (0x08000010ull >> 12) << 4);
    EXPECT_EQ(h.elr(2), K);
    // A sign-extending halfword load into X3: SSE, SF.
    h.enter(1);
    h.run(A64("ldrsh x3, [x1]"));
    EXPECT_EQ(h.iss(2), kISV | sas(1) | (1u << 21) | srt(3) | kSF | 0x05u);
    // Load-acquire: AR.
    h.enter(1);
    h.run(A64("ldar x9, [x1]"));
    EXPECT_EQ(h.iss(2), kISV | sas(3) | srt(9) | kSF | (1u << 14) | 0x05u);
    // Writeback and pairs carry no instruction syndrome (ISV = 0).
    h.enter(1);
    h.run(A64("ldr x3, [x1], #8"));
    EXPECT_EQ(h.iss(2), 0x05u);
    h.enter(1);
    h.run(A64("stp x3, x4, [x1]"));
    EXPECT_EQ(h.iss(2), kWnR | 0x05u);
}

TEST(Stage2, PermissionFaultAndExecuteNever) {
    CoreHarness h;
    const uint64_t root = stage2_root_with_ram(h);
    h.map(root, 1, 2, 0x10000000, 3, (D + 0x1000) | kAF | kSh | s2attr(0xf) | s2ap(1) | kPage);
    h.map(root, 1, 2, 0x10001000, 3, (D + 0x2000) | kS2Normal | kXN | kPage);
    h.put32(D + 0x2000, 0xd503201f);
    stage2(h, root, 32, 1);
    h.enter(1);
    h.x(1) = 0x10000000;
    h.run(A64("ldr x0, [x1]; str x0, [x1]"));
    EXPECT_EQ(h.ec(2), kDabtLower);
    EXPECT_EQ(h.iss(2), kISV | sas(3) | kSF | kWnR | 0x0fu); // permission, level 3
    EXPECT_EQ(h.elr(2), K + 4);
    h.enter(1);
    h.x(1) = 0x10001000;
    h.run(A64("br x1"));
    EXPECT_EQ(h.ec(2), kIabtLower);
    EXPECT_EQ(h.iss(2), 0x0fu);
    EXPECT_EQ(h.core.sysreg(SysReg::HPFAR_EL2), (0x10001000ull >> 12) << 4);
}

TEST(Stage2, FaultOnTheStage1WalkReportedByAt) {
    CoreHarness h;
    // EL1's stage-1 tables at IPA 0x80000000, which stage 2 does not map. From EL2, AT
    // reports the stage-2 fault of the walk in PAR_EL1 -- for S1E1R too, because table
    // walks go through stage 2 even when only the stage-1 result is asked for (D5.9).
    const uint64_t s2 = stage2_root_with_ram(h);
    stage2(h, s2, 32, 1);
    el1_stage1(h, 0x80000000, 25);
    h.x(1) = 0x1000;
    // PAR: F, FST = stage-2 translation fault at level 1, PTW (bit 8), S (bit 9), RES1 11.
    const uint64_t want = 1u | (0x05u << 1) | (1u << 8) | (1u << 9) | (1u << 11);
    h.run(A64("at s12e1r, x1; mrs x0, par_el1"));
    EXPECT_EQ(h.x(0), want);
    h.run(A64("at s1e1r, x1; mrs x0, par_el1"));
    EXPECT_EQ(h.x(0), want);
    EXPECT_EQ(h.exceptions(), 0u);
}

TEST(Stage2, S1ptwDataAbortFromEl1) {
    CoreHarness h;
    const uint64_t s2 = stage2_root_with_ram(h);
    stage2(h, s2, 32, 1);
    // Stage-1 root at IPA D (mapped), its level-2 table at IPA 0x80000000 (not mapped).
    const uint64_t root = stage1_root_with_code(h);
    h.put64(root + 8 * 0, 0x80000000 | 3); // VA 0-1 GiB: table at IPA 0x80000000
    el1_stage1(h, root, 25);
    h.enter(1);
    h.x(1) = 0x1000;
    h.run(A64("str x0, [x1]"));
    EXPECT_EQ(h.core.st.el, 2u);
    EXPECT_EQ(h.ec(2), kDabtLower);
    // S1PTW, no instruction syndrome, WnR = 1 (the store's iswrite reaches the stage-2
    // walk of the table, AArch64.SecondStageWalk()), DFSC: the stage-2 translation fault at
    // *its* level, 1 (VTCR starts at level 1, the IPA's level-1 entry is invalid).
    EXPECT_EQ(h.iss(2), kS1PTW | kWnR | 0x05u);
    EXPECT_EQ(h.far(2), 0x1000u);
    EXPECT_EQ(h.core.sysreg(SysReg::HPFAR_EL2), (0x80000000ull >> 12) << 4);
}

TEST(Stage2, TlbiIpaLeavesCombinedEntriesUntilVmalle1) {
    CoreHarness h;
    const uint64_t s2 = stage2_root_with_ram(h);
    h.map(s2, 1, 2, 0x10000000, 3, (D + 0x1000) | kS2Normal | kPage);
    h.put64(D + 0x1000, 1);
    h.put64(D + 0x2000, 2);
    stage2(h, s2, 32, 1);
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x10000000, 3, 0x10000000 | kNormal | kPage); // VA -> IPA 0x10000000
    el1_stage1(h, root, 25);
    h.enter(1);
    load_x0(h, 0x10000000);
    EXPECT_EQ(h.x(0), 1u);
    // The hypervisor moves IPA 0x10000000 to another page and invalidates by IPA only.
    h.map(s2, 1, 2, 0x10000000, 3, (D + 0x2000) | kS2Normal | kPage);
    h.enter(2);
    h.x(2) = 0x10000000 >> 12;
    h.run(A64("tlbi ipas2e1, x2; dsb ish"));
    h.enter(1);
    h.run(A64("ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 1u); // the combined stage 1+2 entry survives (D5.10.2)
    h.enter(2);
    h.run(A64("tlbi vmalle1; dsb ish; isb"));
    h.enter(1);
    h.run(A64("ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 2u);
}

TEST(Stage2, VmidTagging) {
    CoreHarness h;
    const uint64_t a = h.new_table(), b = h.new_table();
    for (uint64_t t : {a, b})
        s2_ram(h, t, 1, 2);
    h.map(a, 1, 2, 0x10000000, 3, (D + 0x1000) | kS2Normal | kPage);
    h.map(b, 1, 2, 0x10000000, 3, (D + 0x2000) | kS2Normal | kPage);
    h.put64(D + 0x1000, 0xa);
    h.put64(D + 0x2000, 0xb);
    stage2(h, a, 32, 1, 1);
    h.enter(1);
    load_x0(h, 0x10000000);
    EXPECT_EQ(h.x(0), 0xau);
    stage2(h, b, 32, 1, 2); // another VMID: no match for VMID 1's entry
    h.enter(1);
    h.run(A64("ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 0xbu);
    h.map(a, 1, 2, 0x10000000, 3, (D + 0x2000) | kS2Normal | kPage);
    stage2(h, a, 32, 1, 1); // back to VMID 1: its entry is still cached
    h.enter(1);
    h.run(A64("ldr x0, [x1]"));
    EXPECT_EQ(h.x(0), 0xau);
}

// --- address translation instructions ----------------------------------------------------------

TEST(AddressTranslation, ParOnSuccessAndFault) {
    CoreHarness h;
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x1000) | kNormal | ap(2) | kPage); // EL1 RO
    el1_stage1(h, root, 25);
    h.enter(1);
    h.x(1) = 0x10000123;
    h.run(A64("at s1e1r, x1; mrs x0, par_el1"));
    // PA[47:12], ATTR = MAIR byte (0xff) in [63:56], SH = inner (0b11) in [8:7], NS [9],
    // bit 11 RES1 (D13.2.101).
    EXPECT_EQ(h.x(0), (0xffull << 56) | (D + 0x1000) | (3u << 7) | (1u << 9) | (1u << 11));
    h.run(A64("at s1e1w, x1; mrs x0, par_el1")); // read-only: permission fault, level 3
    EXPECT_EQ(h.x(0), 1u | (0x0fu << 1) | (1u << 11));
    h.run(A64("at s1e0r, x1; mrs x0, par_el1")); // no EL0 access
    EXPECT_EQ(h.x(0), 1u | (0x0fu << 1) | (1u << 11));
    EXPECT_EQ(h.exceptions(), 0u); // AT reports in PAR, it does not fault
}

TEST(AddressTranslation, StageOneOnlyGivesTheIpa) {
    CoreHarness h;
    const uint64_t s2 = stage2_root_with_ram(h);
    h.map(s2, 1, 2, 0x10000000, 3, (D + 0x1000) | kS2Normal | kPage);
    stage2(h, s2, 32, 1);
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x10000000, 3, 0x10000000 | kNormal | kPage);
    el1_stage1(h, root, 25);
    h.enter(1);
    h.x(1) = 0x10000000;
    h.run(A64("at s1e1r, x1; mrs x0, par_el1"));
    EXPECT_EQ(h.x(0) & 0x0000fffffffff000, 0x10000000u); // IPA
    h.enter(2);
    h.run(A64("at s12e1r, x1; mrs x0, par_el1"));
    EXPECT_EQ(h.x(0) & 0x0000fffffffff000, D + 0x1000); // PA
}

// Cache maintenance by VA translates its address (D4.4.8): a translation fault is a Data
// Abort with CM = 1 and WnR = 1; DC IVAC needs write permission at EL1, the clean
// operations only read permission. (QEMU treats these as NOPs that never fault.)
TEST(Mmu, CacheMaintenanceByVaFaults) {
    CoreHarness h;
    const uint64_t root = stage1_root_with_code(h);
    h.map(root, 1, 9, 0x10000000, 3, (D + 0x1000) | kNormal | ap(2) | kPage); // EL1 RO
    el1_stage1(h, root, 25);
    h.enter(1);
    h.x(1) = 0x10001040; // no level-3 entry
    h.run(A64("dc civac, x1"));
    EXPECT_EQ(h.ec(1), kDabtSame);
    EXPECT_EQ(h.iss(1), (1u << 8) | kWnR | 0x07u); // CM, WnR, translation level 3
    EXPECT_EQ(h.far(1), 0x10001040u);
    h.x(1) = 0x10000040;
    const uint64_t n = h.exceptions();
    h.run(A64("dc cvac, x1; dc civac, x1; dc cvau, x1; ic ivau, x1")); // read access is enough
    EXPECT_EQ(h.exceptions(), n);
    h.run(A64("dc ivac, x1")); // invalidate needs write permission
    EXPECT_EQ(h.iss(1), (1u << 8) | kWnR | 0x0fu);
    // DC ZVA is a store: no CM, and FAR is the address given (not the block's).
    h.x(1) = 0x10000043;
    h.run(A64("dc zva, x1"));
    EXPECT_EQ(h.iss(1), kWnR | 0x0fu);
    EXPECT_EQ(h.far(1), 0x10000043u);
}
