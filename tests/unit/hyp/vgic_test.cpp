// The vGIC's list-register management on a fake GICH: priority order, overflow with the
// underflow maintenance interrupt, SGI sources one at a time, retargeting in flight, the HW
// bit, level sources, and the distributor registers (ARM IHI 0048B).
#include "fake_arch.h"

using namespace hyp;

namespace {
constexpr uint32_t kPending = 1u << 28, kActive = 2u << 28, kHw = 1u << 31, kEoi = 1u << 19;
unsigned lr_intid(uint32_t lr) {
    return lr & 0x3ff;
}
} // namespace

class VgicTest : public HypTest {
protected:
    void SetUp() override {
        HypTest::SetUp();
        d = make_domain(2, 1 << 20);
        v0 = &d->vcpus[0];
        v1 = &d->vcpus[1];
        fake::run_on(0, v0);
        vgic::dist_write(v0, 0x000, 4, 1); // GICD_CTLR.Enable
    }
    void enable(unsigned intid, uint8_t prio) {
        vgic::dist_write(v0, 0x400 + intid, 1, prio);
        vgic::dist_write(v0, 0x100 + 4 * (intid / 32), 4, 1u << (intid % 32));
    }
    volatile uint32_t* lr() { return fake::state().gich.lr; }
    Domain* d;
    Vcpu *v0, *v1;
};

TEST_F(VgicTest, PendingInterruptsFillListRegistersByPriority) {
    const uint8_t prios[6] = {0xa0, 0x20, 0xe0, 0x40, 0x80, 0x60};
    for (unsigned i = 0; i < 6; ++i) {
        enable(40 + i, prios[i]);
        vgic::inject_spi(d, 40 + i);
    }
    vgic::flush(v0);
    // Four list registers: 0x20 (41), 0x40 (43), 0x60 (45), 0x80 (44).
    EXPECT_EQ(lr_intid(lr()[0]), 41u);
    EXPECT_EQ(lr_intid(lr()[1]), 43u);
    EXPECT_EQ(lr_intid(lr()[2]), 45u);
    EXPECT_EQ(lr_intid(lr()[3]), 44u);
    EXPECT_EQ(lr()[0] & (3u << 28), kPending);
    EXPECT_EQ((lr()[1] >> 23) & 0x1f, 0x40u >> 3);
    EXPECT_EQ(fake::state().gich.hcr, 3u); // En | UIE: two more wait
    // The guest takes and EOIs all four; the next entry holds the other two.
    for (unsigned i = 0; i < 4; ++i)
        lr()[i] = 0;
    vgic::fold(v0);
    EXPECT_EQ(fake::state().gich.hcr, 1u);
    vgic::flush(v0);
    EXPECT_EQ(lr_intid(lr()[0]), 40u);
    EXPECT_EQ(lr_intid(lr()[1]), 42u);
    EXPECT_EQ(fake::state().gich.hcr, 1u);
}

TEST_F(VgicTest, ActiveInterruptsStayInListRegistersFirst) {
    enable(50, 0xf0);
    vgic::inject_spi(d, 50);
    vgic::flush(v0);
    lr()[0] = (lr()[0] & ~(3u << 28)) | kActive; // acknowledged
    vgic::fold(v0);
    for (unsigned i = 0; i < 4; ++i) {
        enable(51 + i, 0x10);
        vgic::inject_spi(d, 51 + i);
    }
    vgic::flush(v0);
    EXPECT_EQ(lr_intid(lr()[0]), 50u);
    EXPECT_EQ(lr()[0] & (3u << 28), kActive);
    EXPECT_EQ(vgic::dist_read(v0, 0x300 + 4, 4) >> (50 - 32), 1u); // ISACTIVER1 bit 18
}

TEST_F(VgicTest, SgiSourcesAreDeliveredOneAtATime) {
    vgic::send_sgi(v0, 2, 0, 3);                        // from v0 to itself
    vgic::send_sgi(v1, 0, 1 << 0, 3);                   // from v1 to v0
    EXPECT_EQ(vgic::dist_read(v0, 0xf20, 4) >> 24, 3u); // SPENDSGIR0, SGI 3: sources 0 and 1
    vgic::flush(v0);
    unsigned sgi_lrs = 0;
    for (unsigned i = 0; i < 4; ++i)
        sgi_lrs += lr_intid(lr()[i]) == 3 && (lr()[i] & (3u << 28));
    EXPECT_EQ(sgi_lrs, 1u) << "never two LRs with the same virtual ID";
    EXPECT_EQ((lr()[0] >> 10) & 7, 0u);
    EXPECT_TRUE(lr()[0] & kEoi); // the other source waits for this EOI
    lr()[0] = 0;
    vgic::fold(v0);
    vgic::flush(v0);
    EXPECT_EQ(lr_intid(lr()[0]), 3u);
    EXPECT_EQ((lr()[0] >> 10) & 7, 1u);
    EXPECT_FALSE(lr()[0] & kEoi);
}

TEST_F(VgicTest, RetargetingInFlightMovesTheNextInstance) {
    enable(60, 0x80);
    vgic::inject_spi(d, 60);
    vgic::flush(v0);
    lr()[0] = (lr()[0] & ~(3u << 28)) | kActive; // v0 is handling it
    vgic::fold(v0);
    vgic::dist_write(v0, 0x800 + 60, 1, 2);              // ITARGETSR: vCPU 1
    vgic::dist_write(v0, 0x200 + 4, 4, 1u << (60 - 32)); // pending again
    vgic::flush(v0);
    EXPECT_EQ(lr_intid(lr()[0]), 60u);
    EXPECT_EQ(lr()[0] & (3u << 28), kActive) << "the pending instance is not v0's";
    EXPECT_TRUE(lr()[0] & kEoi);
    lr()[0] = 0; // v0 EOIs
    vgic::fold(v0);
    EXPECT_TRUE(vgic::vcpu_has_pending(v1));
    EXPECT_FALSE(vgic::vcpu_has_pending(v0));
    fake::run_on(1, v1);
    fake::state().gich = GichRegs{};
    vgic::flush(v1);
    EXPECT_EQ(lr_intid(lr()[0]), 60u);
    EXPECT_EQ(lr()[0] & (3u << 28), kPending);
}

TEST_F(VgicTest, HardwareInterruptsCarryThePhysicalId) {
    enable(27, 0xa0);
    vgic::inject_hw(v0, 27, 27);
    EXPECT_TRUE(vgic::irq_in_flight(v0, 27));
    vgic::flush(v0);
    EXPECT_TRUE(lr()[0] & kHw);
    EXPECT_EQ((lr()[0] >> 10) & 0x3ff, 27u);
    lr()[0] = kHw | (27u << 10) | 27; // the guest EOI'd: the GIC deactivated the physical one
    vgic::fold(v0);
    EXPECT_FALSE(vgic::irq_in_flight(v0, 27));
}

TEST_F(VgicTest, LevelSourcesAreResampledOnEoi) {
    enable(31, 0xa0);
    v0->vinfo->evtchn_upcall_pending = 1;
    vgic::update_level(v0, 31);
    vgic::flush(v0);
    EXPECT_EQ(lr_intid(lr()[0]), 31u);
    EXPECT_TRUE(lr()[0] & kEoi);
    lr()[0] = 0; // taken and EOI'd while the guest still had events pending
    vgic::fold(v0);
    vgic::flush(v0);
    EXPECT_EQ(lr_intid(lr()[0]), 31u) << "still high: delivered again";
    lr()[0] = 0;
    v0->vinfo->evtchn_upcall_pending = 0;
    vgic::fold(v0);
    vgic::flush(v0);
    EXPECT_EQ(lr()[0], 0u);
}

TEST_F(VgicTest, DistributorRegisters) {
    EXPECT_EQ(vgic::dist_read(v0, 0x004, 4), (1u << 5) | 1u); // 2 CPUs, 64 lines
    EXPECT_EQ(vgic::dist_read(v0, 0xfe8, 4), 0x2bu);
    EXPECT_EQ(vgic::dist_read(v1, 0x800, 4), 0x02020202u); // PPI targets: self
    vgic::dist_write(v0, 0x400 + 45, 1, 0xff);
    EXPECT_EQ(vgic::dist_read(v0, 0x400 + 44, 4) >> 8, 0xf8u);  // five priority bits
    EXPECT_EQ(vgic::dist_read(v0, 0x100, 4) & 0xffff, 0xffffu); // SGIs always enabled
    EXPECT_EQ(vgic::dist_read(v0, 0x00c, 4), 0u);               // reserved: RAZ
    EXPECT_EQ(vgic::dist_read(v0, 0x100, 2), 0u);               // wrong size: RAZ
    EXPECT_NE(fake::state().console.find("vGICD read of 2 bytes at 0x100"), std::string::npos);
    // ICPENDR takes back a pending interrupt before the guest sees it.
    enable(33, 0x80);
    vgic::inject_spi(d, 33);
    vgic::dist_write(v0, 0x280 + 4, 4, 1u << 1);
    vgic::flush(v0);
    EXPECT_EQ(lr()[0], 0u);
    // A disabled pending interrupt is not delivered until enabled.
    vgic::dist_write(v0, 0x180 + 4, 4, 1u << 2);
    vgic::inject_spi(d, 34);
    vgic::flush(v0);
    EXPECT_EQ(lr()[0], 0u);
    enable(34, 0x80);
    vgic::flush(v0);
    EXPECT_EQ(lr_intid(lr()[0]), 34u);
}

TEST_F(VgicTest, ExitsLeaveValidListRegistersAlone) {
    // Rewriting a pending LR withdraws the virtual IRQ and signals it afresh: a guest
    // trapping (WFI) faster than the signalling latency would never take it.
    enable(40, 0x80);
    vgic::inject_spi(d, 40);
    vgic::flush(v0);
    const uint32_t pending = lr()[0];
    EXPECT_EQ(pending & (3u << 28), kPending);
    vgic::fold(v0); // an exit with nothing taken
    EXPECT_EQ(lr()[0], pending);
    vgic::flush(v0);
    EXPECT_EQ(lr()[0], pending);
    // Taken meanwhile, and a new interrupt: the active one keeps its LR.
    lr()[0] = (pending & ~(3u << 28)) | kActive;
    enable(41, 0x40);
    vgic::inject_spi(d, 41);
    vgic::fold(v0);
    vgic::flush(v0);
    EXPECT_EQ(lr_intid(lr()[0]), 40u);
    EXPECT_EQ(lr()[0] & (3u << 28), kActive);
    EXPECT_EQ(lr_intid(lr()[1]), 41u);
    // EOI'd: the invalid LR is cleared (and with it any EOI maintenance request).
    lr()[0] = 0x80000u | 40;
    vgic::fold(v0);
    EXPECT_EQ(lr()[0], 0u);
}
