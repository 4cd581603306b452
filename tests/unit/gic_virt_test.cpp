// The GIC's virtualization extensions: list registers (GICH) and the virtual CPU interface
// (GICV), checked against IHI 0048B chapter 5 and the GIC-400 TRM.
#include "gic_harness.h"

#include <gtest/gtest.h>

using namespace armsim;
using G = gic::Gic400;
using O = gic::Output;
using H = test::GicHarness;

namespace {

// A list register (IHI 0048B 5.3.10): state 1 pending, 2 active, 3 both.
uint32_t lr(unsigned vid, uint8_t prio, unsigned state, bool eoi = false, bool grp1 = false) {
    return vid | (eoi ? 1u << 19 : 0) | (uint32_t(prio >> 3) << 23) | (state << 28) |
           (grp1 ? 1u << 30 : 0);
}
uint32_t hw_lr(unsigned vid, unsigned pid, uint8_t prio, unsigned state) {
    return vid | (pid << 10) | (uint32_t(prio >> 3) << 23) | (state << 28) | (1u << 31);
}

constexpr uint32_t kEn = 1, kUie = 2, kLrenpie = 4, kNpie = 8;

// The hypervisor's side enabled and a guest CPU interface with Group 0 on, PMR 0xf8.
void guest_on(H& h, unsigned cpu) {
    h.wr(H::H, cpu, G::GICH_HCR, kEn);
    h.wr(H::V, cpu, G::GICC_CTLR, G::kCtlrEnableGrp0);
    h.wr(H::V, cpu, G::GICC_PMR, 0xf8);
}

} // namespace

TEST(GicVirt, ListRegisterRaisesTheVirtualIrqOfItsCpu) {
    H h(2);
    guest_on(h, 1);
    h.wr(H::H, 1, G::GICH_LR0 + 4, lr(42, 0xa0, 1));
    EXPECT_TRUE(h.line(1, O::VIrq));
    EXPECT_FALSE(h.line(0, O::VIrq));
    EXPECT_FALSE(h.line(1, O::Irq));
    EXPECT_EQ(h.rd(H::H, 1, G::GICH_ELRSR0), 0xdu); // LR1 in use
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_ELRSR0), 0xfu); // CPU 0's list registers are its own
    EXPECT_EQ(h.rd(H::V, 1, G::GICC_HPPIR), 42u);
    // Acknowledge: pending -> active, the priority goes into GICH_APR (5.4).
    EXPECT_EQ(h.rd(H::V, 1, G::GICC_IAR), 42u);
    EXPECT_FALSE(h.line(1, O::VIrq));
    EXPECT_EQ(h.rd(H::H, 1, G::GICH_LR0 + 4), lr(42, 0xa0, 2));
    EXPECT_EQ(h.rd(H::H, 1, G::GICH_APR), 1u << (0xa0 >> 3));
    EXPECT_EQ(h.rd(H::V, 1, G::GICC_APR0), 1u << (0xa0 >> 3));
    EXPECT_EQ(h.rd(H::V, 1, G::GICC_RPR), 0xa0u);
    // EOI (EOImode 0): drop and deactivate; the list register is free again.
    h.wr(H::V, 1, G::GICC_EOIR, 42);
    EXPECT_EQ(h.rd(H::H, 1, G::GICH_LR0 + 4), lr(42, 0xa0, 0));
    EXPECT_EQ(h.rd(H::H, 1, G::GICH_APR), 0u);
    EXPECT_EQ(h.rd(H::H, 1, G::GICH_ELRSR0), 0xfu);
    EXPECT_EQ(h.rd(H::H, 1, G::GICH_EISR0), 0u); // no EOI maintenance was asked for
    EXPECT_EQ(h.gic.bad_accesses(), 0u);
}

TEST(GicVirt, NothingIsSignalledWithoutGichHcrEn) {
    H h(1);
    guest_on(h, 0);
    h.wr(H::H, 0, G::GICH_HCR, 0);
    h.wr(H::H, 0, G::GICH_LR0, lr(42, 0xa0, 1));
    EXPECT_FALSE(h.line(0, O::VIrq));
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_IAR), 1023u);
    h.wr(H::H, 0, G::GICH_HCR, kEn);
    EXPECT_TRUE(h.line(0, O::VIrq));
    // The virtual PMR masks as the physical one does.
    h.wr(H::V, 0, G::GICC_PMR, 0xa0);
    EXPECT_FALSE(h.line(0, O::VIrq));
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_IAR), 1023u);
}

TEST(GicVirt, EoiMaintenanceInterruptOnPpi25) {
    H h(1);
    // The hypervisor takes its maintenance interrupt on the physical interface.
    h.basic_setup();
    h.enable(0, G::kMaintenanceIntid, 0x10);
    guest_on(h, 0);
    h.wr(H::H, 0, G::GICH_LR0 + 8, lr(7, 0x80, 1, /*eoi=*/true));
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_IAR), 7u);
    EXPECT_FALSE(h.line(0, O::Irq));
    h.wr(H::V, 0, G::GICC_EOIR, 7);
    // Invalid with EOI set: in EISR, not in ELRSR; MISR.EOI raises PPI 25 (5.3.4-5.3.7).
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_EISR0), 0x4u);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_ELRSR0), 0xbu);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), 0x1u);
    EXPECT_TRUE(h.line(0, O::Irq));
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_PPISR), 1u << (25 - 16));
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), 25u);
    // The hypervisor empties the list register: the maintenance condition goes away.
    h.wr(H::H, 0, G::GICH_LR0 + 8, 0);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), 0u);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_PPISR), 0u);
    h.wr(H::C, 0, G::GICC_EOIR, 25);
    EXPECT_FALSE(h.line(0, O::Irq));
}

TEST(GicVirt, UnderflowNoPendingAndGroupEnableConditions) {
    H h(1);
    guest_on(h, 0);
    h.wr(H::H, 0, G::GICH_HCR, kEn | kUie | kNpie);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), 0x2u | 0x8u); // no LR valid, none pending
    h.wr(H::H, 0, G::GICH_LR0, lr(1, 0x80, 1));
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), 0x2u); // one valid: still underflow
    h.wr(H::H, 0, G::GICH_LR0 + 4, lr(2, 0x80, 2));
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), 0u);
    h.wr(H::H, 0, G::GICH_LR0, lr(1, 0x80, 2));
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), 0x8u); // active only: no pending
    // VGrp0E/VGrp0D/VGrp1E/VGrp1D follow the guest's GICV_CTLR enables (5.3.1).
    h.wr(H::H, 0, G::GICH_HCR, kEn | (0xfu << 4));
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), (1u << 4) | (1u << 7));
    h.wr(H::V, 0, G::GICC_CTLR, G::kCtlrEnableGrp1);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), (1u << 5) | (1u << 6));
}

TEST(GicVirt, EoiCountCountsEoisWithoutAListRegister) {
    H h(1);
    guest_on(h, 0);
    h.wr(H::H, 0, G::GICH_HCR, kEn | kLrenpie);
    h.wr(H::H, 0, G::GICH_LR0, lr(9, 0x80, 1));
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_IAR), 9u);
    // The hypervisor takes the list register away while the guest handles it (5.3.1:
    // the EOI drops a priority but finds no entry, so EOICount counts it).
    h.wr(H::H, 0, G::GICH_LR0, 0);
    h.wr(H::V, 0, G::GICC_EOIR, 9);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_HCR) >> 27, 1u);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), 0x4u); // LRENP
    // An EOI that drops nothing does not count.
    h.wr(H::V, 0, G::GICC_EOIR, 9);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_HCR) >> 27, 1u);
    // With EOImode 1, DIR without an entry counts.
    h.wr(H::V, 0, G::GICC_CTLR, G::kCtlrEnableGrp0 | G::kCtlrEoiMode);
    h.wr(H::V, 0, G::GICC_DIR, 9);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_HCR) >> 27, 2u);
    h.wr(H::H, 0, G::GICH_HCR, kEn | kLrenpie);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_MISR), 0u);
}

TEST(GicVirt, HardwareInterruptIsDeactivatedByTheGuest) {
    H h(1);
    constexpr unsigned kPhys = 48, kVirt = 30;
    h.basic_setup(G::kCtlrEnableGrp0 | G::kCtlrEoiMode);
    h.enable(0, kPhys, 0x80);
    h.gic.set_spi(kPhys - 32, true);
    // The hypervisor acknowledges and drops the priority, leaving it active (EOImode 1).
    EXPECT_EQ(h.rd(H::C, 0, G::GICC_IAR), kPhys);
    h.wr(H::C, 0, G::GICC_EOIR, kPhys);
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER + 4), 1u << (kPhys - 32));
    guest_on(h, 0);
    h.wr(H::H, 0, G::GICH_LR0, hw_lr(kVirt, kPhys, 0x90, 1));
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_IAR), kVirt); // no CPUID field for hardware entries
    h.gic.set_spi(kPhys - 32, false);
    h.wr(H::V, 0, G::GICC_EOIR, kVirt);
    // The virtual EOI deactivated the physical interrupt (5.2.1); HW entries never ask for
    // EOI maintenance.
    EXPECT_EQ(h.rd(H::D, 0, G::GICD_ISACTIVER + 4), 0u);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_ELRSR0), 0xfu);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_EISR0), 0u);
}

TEST(GicVirt, VirtualSgiCarriesItsSourceAndGroupsMapToVfiq) {
    H h(1);
    guest_on(h, 0);
    h.wr(H::V, 0, G::GICC_CTLR,
         G::kCtlrEnableGrp0 | G::kCtlrEnableGrp1 | G::kCtlrFiqEn | G::kCtlrAckCtl);
    h.wr(H::H, 0, G::GICH_LR0, lr(3, 0x80, 1) | (5u << 10)); // vSGI 3 from vCPU 5
    EXPECT_TRUE(h.line(0, O::VFiq));                         // Group 0 with FIQEn
    EXPECT_FALSE(h.line(0, O::VIrq));
    h.wr(H::H, 0, G::GICH_LR0 + 4, lr(33, 0x40, 1, false, /*grp1=*/true));
    EXPECT_TRUE(h.line(0, O::VIrq)); // higher priority, Group 1
    EXPECT_FALSE(h.line(0, O::VFiq));
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_AIAR), 33u);
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_IAR), 1023u); // 3 (0x80) does not preempt 33 (0x40)
    h.wr(H::V, 0, G::GICC_AEOIR, 33);
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_IAR), 3u | (5u << 10));
}

TEST(GicVirt, VmcrIsTheGuestInterfaceState) {
    H h(1);
    h.wr(H::V, 0, G::GICC_CTLR, 0x21f);
    h.wr(H::V, 0, G::GICC_PMR, 0xa8);
    h.wr(H::V, 0, G::GICC_BPR, 4);
    h.wr(H::V, 0, G::GICC_ABPR, 5);
    // VMCR: VMGrp0En..VEM [9:0], VMABP [20:18], VMBP [23:21], VMPriMask [31:27] (5.3.3).
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_VMCR), 0x21fu | (5u << 18) | (4u << 21) | (0x15u << 27));
    h.wr(H::H, 0, G::GICH_VMCR, 0x1u | (3u << 18) | (2u << 21) | (0x1fu << 27));
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_CTLR), 1u);
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_PMR), 0xf8u);
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_BPR), 2u);
    EXPECT_EQ(h.rd(H::V, 0, G::GICC_ABPR), 3u);
    // GICH_HCR keeps only its defined bits.
    h.wr(H::H, 0, G::GICH_HCR, 0xffffffff);
    EXPECT_EQ(h.rd(H::H, 0, G::GICH_HCR), 0xf80000ffu);
}
