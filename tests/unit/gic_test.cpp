// GIC-400 distributor and CPU interface, driven through the TLM sockets. Expected values come
// from the GICv2 architecture specification (IHI 0048B) and the GIC-400 TRM (DDI 0471B);
// each test names the section it checks.
#include "gic_harness.h"

#include <gtest/gtest.h>

using namespace armsim;
using G = gic::Gic400;
using O = gic::Output;
using H = test::GicHarness;

namespace {
constexpr unsigned kSpi = 40; // an SPI nothing drives but the test
}

TEST(Gic, IdentificationRegisters) {
    H h(4);
    // TYPER: ITLinesNumber = 288/32 - 1, CPUNumber = 3, SecurityExtn = 0 (4.3.2).
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_TYPER), 8u | (3u << 5));
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_IIDR), 0x0200143bu); // GIC-400 TRM 3.2.2
    EXPECT_EQ(h.rd(H::C, 2, G::GICC_IIDR), 0x0202143bu);
    EXPECT_EQ(h.rd(H::V, 2, G::GICC_IIDR), 0x0202143bu);
    EXPECT_EQ(h.rd(H::D, 0, 0xfe8), 0x2bu); // PIDR2: ArchRev 2
    EXPECT_EQ(h.rd(H::D, 0, 0xff0), 0x0du); // CIDR0
    // GICH_VTR: 5 priority bits, 5 preemption bits, 4 list registers (GIC-400 TRM 3.4.2).
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_VTR), 0x90000003u);
    EXPECT_EQ(h.gic.bad_accesses(), 0u);
}

TEST(Gic, ResetValuesOfTheCpuInterface) {
    H h(2);
    // GIC-400 TRM 3.3: BPR 2, ABPR 3, RPR 0xff (idle), IAR/HPPIR spurious.
    EXPECT_EQ(h.rd(H::C, 1, G::GICC_BPR), 2u);
    EXPECT_EQ(h.rd(H::C, 1, G::GICC_ABPR), 3u);
    EXPECT_EQ(h.rd(H::C, 1, G::GICC_RPR), 0xffu);
    EXPECT_EQ(h.rd(H::C, 1, G::GICC_HPPIR), 1023u);
    EXPECT_EQ(h.rd(H::C, 1, G::GICC_IAR), 1023u);
    // SGIs are always enabled and edge-triggered (GICD_ISENABLER0 0x0000ffff, ICFGR0).
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_ISENABLER), 0xffffu);
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_ICFGR), 0xaaaaaaaau);
    h.wr(H::D, 1, G::GICD_ICENABLER, 0xffffffff);
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_ISENABLER), 0xffffu);
}

TEST(Gic, FivePriorityBitsAndBinaryPointMinima) {
    H h(1);
    h.wr(H::D, 0, G::GICD_IPRIORITYR + 32, 0xffffffff);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_IPRIORITYR + 32), 0xf8f8f8f8u); // bits [2:0] RAZ/WI
    h.wr(H::C, 0, G::GICC_PMR, 0xff);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_PMR), 0xf8u);
    h.wr(H::C, 0, G::GICC_BPR, 0);
    h.wr(H::C, 0, G::GICC_ABPR, 0);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_BPR), 2u); // below the minimum: the minimum (3.3.3)
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_ABPR), 3u);
    // Byte access to IPRIORITYR addresses one interrupt (4.3.11).
    h.access(H::D, 0, G::GICD_IPRIORITYR + 34, true, 0x40, 1);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_IPRIORITYR + 32), 0xf840f8f8u);
    EXPECT_EQ(h.access(H::D, 0, G::GICD_IPRIORITYR + 34, false, 0, 1), 0x40u);
}

TEST(Gic, SgiTargetListFilters) {
    H h(4);
    // Filter 0: the list (CPUs 1 and 2), SGI 3, from CPU 0 (4.3.15).
    h.wr(H::D, 0, G::GICD_SGIR, (0u << 24) | (0x6u << 16) | 3);
    for (unsigned c = 0; c < 4; ++c)
        EXPECT_EQ(h.rd(H::D, c, G::GICD_ISPENDR) & 8u, (c == 1 || c == 2) ? 8u : 0u) << c;
    // SPENDSGIR0 byte 3 of CPU 1: pending from CPU 0.
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_SPENDSGIR) >> 24, 0x01u);
    // Filter 1: everyone but the sender (CPU 2), SGI 7.
    h.wr(H::D, 2, G::GICD_SGIR, (1u << 24) | 7);
    for (unsigned c = 0; c < 4; ++c)
        EXPECT_EQ(h.rd(H::D, c, G::GICD_ISPENDR) & 0x80u, c != 2 ? 0x80u : 0u) << c;
    // Filter 2: only the sender (CPU 3), SGI 9; the list field is ignored.
    h.wr(H::D, 3, G::GICD_SGIR, (2u << 24) | (0xffu << 16) | 9);
    for (unsigned c = 0; c < 4; ++c)
        EXPECT_EQ(h.rd(H::D, c, G::GICD_ISPENDR) & 0x200u, c == 3 ? 0x200u : 0u) << c;
    // Filter 3 is reserved: nothing happens, the write is counted.
    h.wr(H::D, 0, G::GICD_SGIR, (3u << 24) | 10);
    for (unsigned c = 0; c < 4; ++c)
        EXPECT_EQ(h.rd(H::D, c, G::GICD_ISPENDR) & 0x400u, 0u);
    EXPECT_EQ(h.gic.bad_accesses(), 1u);
    // A list naming CPUs that do not exist reaches only those that do.
    h.wr(H::D, 0, G::GICD_SGIR, (0xf0u << 16) | 11);
    for (unsigned c = 0; c < 4; ++c)
        EXPECT_EQ(h.rd(H::D, c, G::GICD_ISPENDR) & 0x800u, 0u);
}

TEST(Gic, SgiPendingPerSourceAcknowledgedOneSourceAtATime) {
    H h(4);
    h.basic_setup();
    h.enable(0, 5, 0x80);
    for (unsigned from : {3u, 1u, 2u})
        h.wr(H::D, from, G::GICD_SGIR, (1u << 16) | 5);                   // SGI 5 to CPU 0
    EXPECT_EQ((h.rd(H::D, 0, G::GICD_SPENDSGIR + 4) >> 8) & 0xff, 0x0eu); // sources 1, 2, 3
    EXPECT_TRUE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_HPPIR), 5u | (1u << 10)); // lowest source first
    // CPENDSGIR clears one source without acknowledging.
    h.access(H::D, 0, G::GICD_CPENDSGIR + 5, true, 0x02, 1);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 5u | (2u << 10));
    // Active and still pending from CPU 3: not signalled until deactivated (3.2.4).
    EXPECT_FALSE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 1023u);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER) & 0x20u, 0x20u);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISPENDR) & 0x20u, 0x20u);
    h.wr(H::C, 0, G::GICC_EOIR, 5u | (2u << 10));
    EXPECT_TRUE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 5u | (3u << 10));
    h.wr(H::C, 0, G::GICC_EOIR, 5u | (3u << 10));
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISPENDR) & 0x20u, 0u);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER), 0u);
    EXPECT_FALSE(h.line(0, O::Irq));
    // ISPENDR/ICPENDR do not touch SGIs (4.3.7, 4.3.8).
    h.wr(H::D, 0, G::GICD_ISPENDR, 0xffff);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISPENDR), 0u);
}

TEST(Gic, LevelSensitiveSpiFollowsItsInput) {
    H h(1);
    h.basic_setup();
    h.enable(0, kSpi, 0xa0);
    h.gic.set_spi(kSpi - 32, true);
    EXPECT_TRUE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_SPISR), 1u << (kSpi - 32)); // GIC-400 TRM 3.2.13
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), kSpi);
    // Acknowledged with the input still high: active and pending (3.2.4).
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISPENDR + 4), 1u << (kSpi - 32));
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER + 4), 1u << (kSpi - 32));
    EXPECT_FALSE(h.line(0, O::Irq));
    // The device deasserts: no longer pending. ICPENDR cannot clear an asserted level.
    h.gic.set_spi(kSpi - 32, false);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISPENDR + 4), 0u);
    h.wr(H::C, 0, G::GICC_EOIR, kSpi);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER + 4), 0u);
    h.gic.set_spi(kSpi - 32, true);
    h.wr(H::D, 0, G::GICD_ICPENDR + 4, 1u << (kSpi - 32));
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISPENDR + 4), 1u << (kSpi - 32));
    // Software-set pending on a level interrupt stays until cleared or acknowledged.
    h.gic.set_spi(kSpi - 32, false);
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << (kSpi - 32));
    EXPECT_TRUE(h.line(0, O::Irq));
    h.wr(H::D, 0, G::GICD_ICPENDR + 4, 1u << (kSpi - 32));
    EXPECT_FALSE(h.line(0, O::Irq));
}

TEST(Gic, EdgeTriggeredSpiLatchesARisingEdge) {
    H h(1);
    h.basic_setup();
    h.enable(0, kSpi, 0xa0);
    h.wr(H::D, 0, G::GICD_ICFGR + 4 * (kSpi / 16), 2u << (2 * (kSpi % 16)));
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ICFGR + 4 * (kSpi / 16)), 2u << (2 * (kSpi % 16)));
    h.gic.set_spi(kSpi - 32, true);
    h.gic.set_spi(kSpi - 32, false);
    EXPECT_TRUE(h.line(0, O::Irq)); // still pending after the pulse
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), kSpi);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISPENDR + 4), 0u);
    // A new edge while active: active and pending; signalled again after EOI.
    h.gic.set_spi(kSpi - 32, true);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISPENDR + 4), 1u << (kSpi - 32));
    EXPECT_FALSE(h.line(0, O::Irq));
    h.wr(H::C, 0, G::GICC_EOIR, kSpi);
    EXPECT_TRUE(h.line(0, O::Irq));
}

TEST(Gic, SpiGoesToOneOfItsTargets) {
    H h(2);
    h.basic_setup();
    h.enable(0, kSpi, 0xa0);
    h.target(kSpi, 0x3);
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_ITARGETSR + kSpi), 0x3u);
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << (kSpi - 32));
    EXPECT_TRUE(h.line(0, O::Irq));
    EXPECT_TRUE(h.line(1, O::Irq));
    // CPU 1 acknowledges first: CPU 0 no longer sees it (1-N model, 3.1.1).
    EXPECT_EQ(h.rd(H::C, 1, G::GICC_IAR), kSpi);
    EXPECT_FALSE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 1023u);
    h.wr(H::C, 1, G::GICC_EOIR, kSpi);
    // SGI/PPI target fields read as the reader's own bit and ignore writes (4.3.12).
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_ITARGETSR + 24), 0x02020202u);
    h.wr(H::D, 1, G::GICD_ITARGETSR + 24, 0);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ITARGETSR + 24), 0x01010101u);
    // Retargeting follows at once; bits of CPU interfaces that do not exist are RAZ/WI
    // (4.3.12; QEMU keeps them).
    h.target(kSpi, 0xfe);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ITARGETSR + kSpi), 0x2u);
}

TEST(Gic, UniprocessorTargetsAreRazWi) {
    H h(1);
    h.target(kSpi, 0xff);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ITARGETSR + 32), 0u);
    h.basic_setup();
    h.enable(0, kSpi, 0xa0);
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << (kSpi - 32));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), kSpi); // still delivered to the only CPU
}

TEST(Gic, PriorityMaskAndPreemptionByGroupPriority) {
    H h(1);
    h.basic_setup();
    h.enable(0, 40, 0x80);
    h.enable(0, 41, 0x40);
    h.enable(0, 42, 0x48);
    h.wr(H::C, 0, G::GICC_PMR, 0x80);
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << 8); // 40 at priority 0x80: masked by PMR 0x80
    EXPECT_FALSE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_HPPIR), 1023u);
    h.wr(H::C, 0, G::GICC_PMR, 0x88);
    EXPECT_TRUE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 40u);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_RPR), 0x80u);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_APR0), 1u << (0x80 >> 3));
    // 41 (0x40) preempts 40 (0x80) with BPR 2: group priorities 0x40 < 0x80 (3.3.3).
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << 9);
    EXPECT_TRUE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 41u);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_RPR), 0x40u);
    // 42 (0x48) does not preempt 41 with BPR 5 (group priority bits [7:6]: both 0x40).
    h.wr(H::C, 0, G::GICC_BPR, 5);
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << 10);
    EXPECT_FALSE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_HPPIR), 42u); // pending, just not signalled
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 1023u);
    // EOI drops to 40's priority: now 42 (0x48 < 0x80) preempts.
    h.wr(H::C, 0, G::GICC_EOIR, 41);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_RPR), 0x80u);
    EXPECT_TRUE(h.line(0, O::Irq));
    h.wr(H::C, 0, G::GICC_EOIR, 40);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_RPR), 0xffu);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 42u);
}

TEST(Gic, EoiModeSplitsPriorityDropFromDeactivation) {
    H h(1);
    h.basic_setup(G::kCtlrEnableGrp0 | G::kCtlrEoiMode);
    h.enable(0, kSpi, 0xa0);
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << (kSpi - 32));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), kSpi);
    h.wr(H::C, 0, G::GICC_EOIR, kSpi);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_RPR), 0xffu);                       // dropped
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER + 4), 1u << (kSpi - 32)); // still active
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << (kSpi - 32));
    EXPECT_FALSE(h.line(0, O::Irq)); // active: not forwarded again
    h.wr(H::C, 0, G::GICC_DIR, kSpi);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER + 4), 0u);
    EXPECT_TRUE(h.line(0, O::Irq));
    // With EOImode 0 a DIR write is ignored (UNPREDICTABLE, 4.4.15).
    h.wr(H::C, 0, G::GICC_CTLR, G::kCtlrEnableGrp0);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), kSpi);
    h.wr(H::C, 0, G::GICC_DIR, kSpi);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER + 4), 1u << (kSpi - 32));
    h.wr(H::C, 0, G::GICC_EOIR, kSpi);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER + 4), 0u);
    // An EOI of the spurious ID is ignored.
    h.wr(H::C, 0, G::GICC_EOIR, 1023);
    EXPECT_EQ(h.gic.bad_accesses(), 0u);
}

TEST(Gic, GroupsFiqAndTheAliasedRegisters) {
    H h(1);
    h.basic_setup(G::kCtlrEnableGrp0 | G::kCtlrEnableGrp1 | G::kCtlrFiqEn);
    h.enable(0, 40, 0x80);
    h.enable(0, 41, 0x40);
    h.wr(H::D, 0, G::GICD_IGROUPR + 4, 1u << 9); // 41 in Group 1
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_IGROUPR + 4), 1u << 9);
    // Group 0 with FIQEn signals FIQ (3.2.1).
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << 8);
    EXPECT_TRUE(h.line(0, O::Fiq));
    EXPECT_FALSE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_AIAR), 1023u); // AIAR: Group 1 only
    // Group 1, higher priority: IRQ; IAR without AckCtl answers 1022 and leaves it pending.
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << 9);
    EXPECT_TRUE(h.line(0, O::Irq));
    EXPECT_FALSE(h.line(0, O::Fiq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_HPPIR), 1022u);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 1022u);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_AHPPIR), 41u);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_AIAR), 41u);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_NSAPR0), 1u << (0x40 >> 3)); // Group 1 active priority
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_APR0), 0u);
    h.wr(H::C, 0, G::GICC_AEOIR, 41);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_NSAPR0), 0u);
    // Group 0 again: FIQ; with AckCtl, IAR acknowledges either group.
    EXPECT_TRUE(h.line(0, O::Fiq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 40u);
    h.wr(H::C, 0, G::GICC_EOIR, 40);
    // Group 1 is disabled in the distributor: not forwarded, not even to HPPIR (4.3.1).
    h.wr(H::D, 0, G::GICD_CTLR, 1);
    h.wr(H::D, 0, G::GICD_ISPENDR + 4, 1u << 9);
    EXPECT_FALSE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_HPPIR), 1023u);
    h.wr(H::D, 0, G::GICD_CTLR, 3);
    EXPECT_TRUE(h.line(0, O::Irq));
}

TEST(Gic, PpisAreBankedPerCpu) {
    H h(2);
    h.basic_setup();
    h.enable(1, 27, 0x20);
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_ISENABLER), 0xffffu | (1u << 27));
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISENABLER), 0xffffu);
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_IPRIORITYR + 24), 0x20000000u);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_IPRIORITYR + 24), 0u);
    h.gic.set_ppi(1, 27, true);
    h.gic.set_ppi(0, 27, true); // enabled only on CPU 1
    EXPECT_TRUE(h.line(1, O::Irq));
    EXPECT_FALSE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_PPISR), 1u << (27 - 16)); // GIC-400 TRM 3.2.12
    EXPECT_EQ(h.rd(H::C, 1, G::GICC_IAR), 27u);
    h.gic.set_ppi(1, 27, false);
    h.wr(H::C, 1, G::GICC_EOIR, 27);
    EXPECT_FALSE(h.line(1, O::Irq));
}

TEST(Gic, UnsupportedAccessesAreRazWiAndCounted) {
    H h(1);
    tlm::tlm_response_status st;
    // Byte read of a word-only register, halfword, doubleword, misaligned word.
    EXPECT_EQ(h.access(H::D, 0, G::GICD_TYPER, false, 0, 1, &st), 0u);
    EXPECT_EQ(st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(h.access(H::D, 0, G::GICD_TYPER, false, 0, 2), 0u);
    EXPECT_EQ(h.access(H::D, 0, G::GICD_IPRIORITYR, false, 0, 8), 0u);
    EXPECT_EQ(h.access(H::C, 0, G::GICC_CTLR + 1, false, 0, 4), 0u);
    h.access(H::C, 0, G::GICC_PMR, true, 0xff, 1); // GICC is word-only
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_PMR), 0u);
    EXPECT_EQ(h.gic.bad_accesses(), 5u);
    // Reserved offsets, reads of write-only and writes of read-only registers.
    EXPECT_EQ(h.rd(H::D, 0, 0x00c), 0u);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_SGIR), 0u);
    h.wr(H::D, 0, G::GICD_TYPER, 0);
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_EOIR), 0u);
    h.wr(H::C, 0, G::GICC_IAR, 0);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISENABLER + 4 * 9), 0u); // INTIDs 288.. do not exist
    EXPECT_EQ(h.rd(H::H, 0, 0x110), 0u);                     // GICH_LR4: not implemented
    EXPECT_EQ(h.rd(H::V, 0, 0x800), 0u);
    EXPECT_EQ(h.gic.bad_accesses(), 13u);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_TYPER), 8u); // and nothing changed
}

// Lines change inside the transaction that changes the state, so a core sees the effect of
// its own access at its own (local) time.
TEST(Gic, LinesChangeWithinTheTransaction) {
    H h(1);
    h.basic_setup();
    h.enable(0, kSpi, 0xa0);
    sc_core::sc_start(sc_core::sc_time(5, sc_core::SC_US));
    h.gic.set_spi(kSpi - 32, true);                   // a device at the kernel's time
    h.offset = sc_core::sc_time(300, sc_core::SC_NS); // a core 300 ns ahead acknowledges
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), kSpi);
    ASSERT_EQ(h.edges.size(), 2u);
    EXPECT_EQ(h.edges[0].ps, 5'000'000u);
    EXPECT_TRUE(h.edges[0].level);
    EXPECT_EQ(h.edges[1].ps, 5'300'000u);
    EXPECT_FALSE(h.edges[1].level);
}

// With a delivery delay (race hunting), a rising edge reaches the core after a delay drawn from
// the seed; a falling edge at once; an interrupt withdrawn before delivery never arrives.
TEST(Gic, SeededDeliveryDelayHoldsRisingEdgesOnly) {
    gic::GicConfig cfg;
    cfg.num_cpus = 1;
    cfg.max_delivery_delay_ps = 1'000'000;
    cfg.seed = 42;
    H h(cfg);
    h.basic_setup();
    h.enable(0, kSpi, 0xa0);
    h.gic.set_spi(kSpi - 32, true);
    EXPECT_TRUE(h.line(0, O::Irq)); // the GIC's own view changes at once
    EXPECT_TRUE(h.edges.empty());
    sc_core::sc_start(sc_core::sc_time(2, sc_core::SC_US));
    ASSERT_EQ(h.edges.size(), 1u);
    EXPECT_TRUE(h.edges[0].level);
    EXPECT_EQ(h.edges[0].ps, Rng(42, "gic").below(1'000'001)); // the seed's first draw
    h.gic.set_spi(kSpi - 32, false);
    ASSERT_EQ(h.edges.size(), 2u);
    EXPECT_FALSE(h.edges[1].level);
    EXPECT_EQ(h.edges[1].ps, 2'000'000u);
    h.gic.set_spi(kSpi - 32, true);
    h.gic.set_spi(kSpi - 32, false);
    sc_core::sc_start(sc_core::sc_time(2, sc_core::SC_US));
    EXPECT_EQ(h.edges.size(), 2u);
}

TEST(Gic, ResetRestoresRegistersAndLowersLinesButKeepsInputWires) {
    H h(2);
    h.basic_setup();
    h.enable(1, 27, 0x20);
    h.enable(0, kSpi, 0x40);
    h.target(kSpi, 2);
    h.gic.set_ppi(1, 27, true);
    h.wr(H::D, 0, G::GICD_SGIR, (1u << 16) | 4);
    h.wr(H::H, 1, G::GICH_HCR, 1);
    h.wr(H::V, 1, G::GICC_CTLR, 1);
    h.wr(H::V, 1, G::GICC_PMR, 0xf8);
    h.wr(H::H, 1, G::GICH_LR0, (1u << 28) | 99);
    EXPECT_TRUE(h.line(1, O::Irq));
    EXPECT_TRUE(h.line(1, O::VIrq));
    h.gic.reset();
    EXPECT_FALSE(h.line(1, O::Irq));
    EXPECT_FALSE(h.line(1, O::VIrq));
    EXPECT_EQ(h.edges.back().level, false);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_CTLR), 0u);
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_ISENABLER), 0xffffu);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ITARGETSR + kSpi), 0u);
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_SPENDSGIR + 4), 0u);
    EXPECT_EQ(h.rd(H::C, 1, G::GICC_PMR), 0u);
    EXPECT_EQ(h.rd(H::C, 1, G::GICC_BPR), 2u);
    EXPECT_EQ(h.rd(H::H, 1, G::GICH_LR0), 0u);
    EXPECT_EQ(h.rd(H::H, 1, G::GICH_ELRSR0), 0xfu);
    // The timer's wire is still high: it is pending once software enables it again.
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_PPISR), 1u << (27 - 16));
    EXPECT_EQ(h.rd(H::D, 1, G::GICD_ISPENDR), 1u << 27);
}
