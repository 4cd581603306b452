// Performance monitors (ARM DDI 0487 D7, D13.4) and the cost table. Expected counts follow
// the model's rule, stated in pmu.h and docs/ARCHITECTURE.md: an instruction's cycles are
// added when it completes, so the MSR that enables a counter is itself counted, and the MRS
// that reads it is not. With the unit cost table every instruction is one cycle.
#include "a64_snippets.h"
#include "core_harness.h"
#include "models/cpu/cost_table.h"

#include <fstream>
#include <gtest/gtest.h>

using namespace armsim::test;
using namespace armsim::cpu;

namespace {
constexpr uint64_t E = 1, P = 2, C = 4, D = 8, LC = 64;
constexpr uint64_t kCycleEn = 1ull << 31;
constexpr uint64_t kNSH = 1ull << 27, kFiltP = 1ull << 31, kFiltU = 1ull << 30;
constexpr uint64_t kInstRetired = 0x08, kCpuCycles = 0x11, kSwIncr = 0x00;
constexpr uint32_t kIL = 1u << 25;
} // namespace

TEST(Pmu, CycleCounterIsFilteredAtEl2UnlessNsh) {
    CoreHarness h;
    h.x(2) = E | C;
    h.x(3) = kCycleEn;
    h.run(A64("msr pmcr_el0, x2; msr pmcntenset_el0, x3; nop; nop; nop; nop; "
              "mrs x0, pmccntr_el0"));
    EXPECT_EQ(h.x(0), 0u); // PMCCFILTR_EL0.NSH = 0: cycles at EL2 are not counted
    h.x(1) = kNSH;
    h.run(A64("msr pmcr_el0, x2; msr pmccfiltr_el0, x1; nop; nop; nop; nop; "
              "mrs x0, pmccntr_el0"));
    EXPECT_EQ(h.x(0), 5u); // the MSR PMCCFILTR_EL0 and four NOPs
    // The MRS that read 5 completed while counting (+1); the disabling MSR stops the counter
    // before its own cycle.
    h.run(A64("msr pmcntenclr_el0, x3; nop; nop; mrs x0, pmccntr_el0"));
    EXPECT_EQ(h.x(0), 6u);
}

TEST(Pmu, CycleCounterElFilters) {
    CoreHarness h;
    Pmu& pmu = h.core.pmu();
    pmu.write(SysReg::PMCR_EL0, E | C);
    pmu.write(SysReg::PMCNTENSET_EL0, kCycleEn);
    pmu.write(SysReg::PMCCFILTR_EL0, kFiltP); // not at EL1
    h.enter(1);
    h.run(A64("nop; nop; nop; mrs x0, pmccntr_el0"));
    EXPECT_EQ(h.x(0), 0u);
    h.enter(2);
    pmu.write(SysReg::PMCCFILTR_EL0, kFiltU); // not at EL0; EL1 counts
    h.enter(1);
    h.run(A64("nop; nop; nop; mrs x0, pmccntr_el0"));
    EXPECT_EQ(h.x(0), 3u);
    // An SVC from EL1 to EL1: the exception entry's cycle (unit table: 1) is counted too.
    h.run(A64("mrs x1, pmccntr_el0; nop; svc #0"));
    EXPECT_EQ(pmu.read(SysReg::PMCCNTR_EL0) - h.x(1), 1u + 1u + 1u + 1u);
}

TEST(Pmu, ResetDividerAndOverflow) {
    CoreHarness h;
    Pmu& pmu = h.core.pmu();
    pmu.write(SysReg::PMCCFILTR_EL0, kNSH);
    pmu.write(SysReg::PMCNTENSET_EL0, kCycleEn);
    pmu.write(SysReg::PMCCNTR_EL0, 0xfffffffe);
    pmu.write(SysReg::PMCR_EL0, E); // LC = 0: overflow flag at 32 bits
    std::vector<uint32_t> nops(4, 0xd503201f);
    h.run(nops);
    EXPECT_EQ(pmu.read(SysReg::PMCCNTR_EL0), 0x100000002u); // the counter is 64 bits wide
    EXPECT_EQ(pmu.read(SysReg::PMOVSSET_EL0), kCycleEn);
    pmu.write(SysReg::PMOVSCLR_EL0, kCycleEn);
    EXPECT_EQ(pmu.read(SysReg::PMOVSSET_EL0), 0u);
    pmu.write(SysReg::PMCR_EL0, E | LC | C); // reset to 0, overflow only at 64 bits
    EXPECT_EQ(pmu.read(SysReg::PMCCNTR_EL0), 0u);
    pmu.write(SysReg::PMCR_EL0, E | D); // one count every 64 cycles
    std::vector<uint32_t> many(130, 0xd503201f);
    h.run(many);
    EXPECT_EQ(pmu.read(SysReg::PMCCNTR_EL0), 2u); // 130 cycles
    h.run(std::vector<uint32_t>(126, 0xd503201f));
    EXPECT_EQ(pmu.read(SysReg::PMCCNTR_EL0), 4u); // 256 cycles: the remainder carried
}

TEST(Pmu, EventCounters) {
    CoreHarness h;
    Pmu& pmu = h.core.pmu();
    pmu.write(SysReg::PMEVTYPER0_EL0, kInstRetired | kNSH);
    pmu.write(SysReg::PMEVTYPER1_EL0, kCpuCycles | kNSH);
    pmu.write(SysReg::PMEVTYPER2_EL0, kInstRetired); // NSH = 0: not at EL2
    pmu.write(SysReg::PMCNTENSET_EL0, 0x7);
    pmu.write(SysReg::PMCR_EL0, E | P);
    h.run(std::vector<uint32_t>(10, 0xd503201f));
    EXPECT_EQ(pmu.read(SysReg::PMEVCNTR0_EL0), 10u);
    EXPECT_EQ(pmu.read(SysReg::PMEVCNTR1_EL0), 10u);
    EXPECT_EQ(pmu.read(SysReg::PMEVCNTR2_EL0), 0u);
    // Event counters are 32 bits: wrap and set the overflow flag.
    pmu.write(SysReg::PMEVCNTR0_EL0, 0xffffffff);
    h.run(std::vector<uint32_t>(2, 0xd503201f));
    EXPECT_EQ(pmu.read(SysReg::PMEVCNTR0_EL0), 1u);
    EXPECT_EQ(pmu.read(SysReg::PMOVSSET_EL0), 1u);
    // PMCR_EL0.P resets the event counters, not the cycle counter.
    pmu.write(SysReg::PMCR_EL0, E | P);
    EXPECT_EQ(pmu.read(SysReg::PMEVCNTR1_EL0), 0u);
    EXPECT_EQ(pmu.read(SysReg::PMCEID0_EL0), (1u << 0) | (1u << 8) | (1u << 17));
}

TEST(Pmu, SelectionRegisterAndSoftwareIncrement) {
    CoreHarness h;
    h.x(1) = 3;
    h.x(2) = kSwIncr | kNSH;
    h.x(3) = 1u << 3;
    h.x(4) = E;
    h.run(A64("msr pmselr_el0, x1; msr pmxevtyper_el0, x2; mrs x5, pmevtyper3_el0; "
              "msr pmcntenset_el0, x3; msr pmcr_el0, x4; msr pmswinc_el0, x3; "
              "msr pmswinc_el0, x3; mrs x6, pmxevcntr_el0; mrs x7, pmevcntr3_el0"));
    EXPECT_EQ(h.x(5), kSwIncr | kNSH);
    EXPECT_EQ(h.x(6), 2u);
    EXPECT_EQ(h.x(7), 2u);
    h.x(1) = 31; // SEL = 31: PMXEVTYPER_EL0 is PMCCFILTR_EL0
    h.x(2) = kFiltU | kNSH;
    h.run(A64("msr pmselr_el0, x1; msr pmxevtyper_el0, x2; mrs x5, pmccfiltr_el0"));
    EXPECT_EQ(h.x(5), kFiltU | kNSH);
}

TEST(Pmu, UserEnableControlsEl0Access) {
    CoreHarness h;
    h.enter(0);
    h.run(A64("mrs x0, pmccntr_el0"));
    EXPECT_EQ(h.core.st.el, 1u);
    // EC 0x18: Op0 3, Op2 0, Op1 3, CRn 9, Rt 0, CRm 13, read.
    EXPECT_EQ(h.esr(1),
              (0x18u << 26) | kIL | (3u << 20) | (3u << 14) | (9u << 10) | (13u << 1) | 1u);
    h.core.pmu().write(SysReg::PMUSERENR_EL0, 4); // CR: PMCCNTR_EL0 readable
    h.enter(0);
    const uint64_t n = h.exceptions();
    h.run(A64("mrs x0, pmccntr_el0"));
    EXPECT_EQ(h.exceptions(), n);
    h.run(A64("msr pmccntr_el0, x0")); // ... but not writable
    EXPECT_EQ(h.exceptions(), n + 1);
    h.core.pmu().write(SysReg::PMUSERENR_EL0, 8); // ER: event counters readable
    h.enter(0);
    h.run(A64("mrs x0, pmevcntr1_el0; msr pmselr_el0, xzr; mrs x1, pmxevcntr_el0"));
    EXPECT_EQ(h.exceptions(), n + 1);
    h.enter(0);
    h.run(A64("msr pmuserenr_el0, xzr")); // read-only at EL0: UNDEFINED
    EXPECT_EQ(h.esr(1), (0u << 26) | kIL);
    h.core.pmu().write(SysReg::PMUSERENR_EL0, 1); // EN: everything but PMINTEN*
    h.enter(0);
    const uint64_t m = h.exceptions();
    h.run(A64("mrs x0, pmcr_el0; msr pmcntenset_el0, xzr; mrs x1, pmovsclr_el0"));
    EXPECT_EQ(h.exceptions(), m);
}

TEST(Pmu, HpmnPartitionsTheCounters) {
    CoreHarness h;
    h.core.sysreg_ref(SysReg::MDCR_EL2) = 2; // HPMN = 2
    h.run(A64("mrs x0, pmcr_el0; mrs x1, pmevcntr4_el0"));
    EXPECT_EQ((h.x(0) >> 11) & 0x1f, 6u); // EL2 sees all six
    EXPECT_EQ(h.exceptions(), 0u);
    h.enter(1);
    h.run(A64("mrs x0, pmcr_el0; mrs x1, pmevcntr1_el0"));
    EXPECT_EQ((h.x(0) >> 11) & 0x1f, 2u); // PMCR_EL0.N reads HPMN at EL1
    EXPECT_EQ(h.exceptions(), 0u);
    h.run(A64("mrs x1, pmevcntr2_el0")); // n >= HPMN: UNDEFINED at EL1
    EXPECT_EQ(h.esr(1), kIL);
}

// --- cost table and simulated time ------------------------------------------------------------

TEST(CostTable, TheCortexA57TableLoadsAndDrivesCyclesAndTime) {
    CoreHarness h;
    const std::string err = h.costs.load(ARMSIM_SOURCE_DIR "/models/cpu/cortex-a57.cfg");
    ASSERT_EQ(err, "");
    EXPECT_EQ(h.costs.cycles[static_cast<unsigned>(InsnClass::Mul)], 4u);
    EXPECT_EQ(h.costs.cycles[static_cast<unsigned>(InsnClass::Div)], 12u);
    h.code.invalidate_all(); // slots keep the cost they were decoded with
    const uint64_t c0 = h.core.cycles();
    // 1 Alu + 2 Mul + 1 Div + 1 Load (MMU off, aligned) + 1 Store = 1 + 8 + 12 + 4 + 1.
    h.x(5) = CoreHarness::kData;
    h.x(2) = 3;
    h.run(A64("add x0, x1, #1; mul x3, x2, x2; madd x4, x2, x2, x3; udiv x6, x3, x2; "
              "ldr x7, [x5]; str x7, [x5, #8]"));
    EXPECT_EQ(h.core.cycles() - c0, 26u);
    // Simulated time follows cycles at the 1 GHz core clock.
    EXPECT_EQ(h.core.local_time(),
              sc_core::sc_time(static_cast<double>(h.core.cycles()), sc_core::SC_NS));
}

TEST(CostTable, RejectsBadFiles) {
    CostTable t;
    EXPECT_NE(t.load("/nonexistent/cortex.cfg"), "");
    const std::string path = ::testing::TempDir() + "bad.cfg";
    std::ofstream(path) << "Alu = 0\n";
    EXPECT_NE(t.load(path).find("at least 1 cycle"), std::string::npos);
    std::ofstream(path) << "Frobnicate = 3\n";
    EXPECT_NE(t.load(path).find("unknown key"), std::string::npos);
}
