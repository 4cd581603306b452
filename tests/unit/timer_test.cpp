// The generic timer, reached the way software reaches it: MRS/MSR instructions on a core
// (through the core's system-register table and SysRegDevice). Times are exact: the counter
// runs at 62.5 MHz, 16 ns per tick.
#include "core_harness.h"
#include "models/cpu/sysregs.h"
#include "models/timer/generic_timer.h"

#include <gtest/gtest.h>
#include <vector>

using namespace armsim;
using cpu::SysReg;
using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_US;

namespace {

uint32_t key(SysReg r) {
    return cpu::sysreg_info(r).key;
}
uint32_t mrs(SysReg r, unsigned rt) {
    return 0xd5200000u | (key(r) << 5) | rt;
}
uint32_t msr(SysReg r, unsigned rt) {
    return 0xd5000000u | (key(r) << 5) | rt;
}

struct Edge {
    uint64_t ps;
    unsigned intid;
    bool level;
};

// The timer first: its processes must exist before the core harness ends elaboration.
struct TimerHarness {
    timer::GenericTimer timer{"timer", timer::TimerConfig{}};
    test::CoreHarness h;
    std::vector<Edge> edges;
    std::vector<uint64_t> events;

    TimerHarness() {
        h.core.set_timer_sysregs(&timer);
        timer.on_irq([this](unsigned cpu, unsigned intid, bool level) {
            EXPECT_EQ(cpu, 0u);
            edges.push_back({sc_core::sc_time_stamp().value(), intid, level});
        });
        timer.on_event([this](unsigned) { events.push_back(sc_core::sc_time_stamp().value()); });
    }
    uint64_t read(SysReg r) {
        h.run({mrs(r, 0)});
        return h.x(0);
    }
    void write(SysReg r, uint64_t v) {
        h.x(1) = v;
        h.run({msr(r, 1)});
    }
    // Runs the kernel to an absolute time; the core has not run ahead.
    void run_to(sc_time t) { sc_core::sc_start(t - sc_core::sc_time_stamp()); }
};

} // namespace

TEST(Timer, CounterIsSimulatedTimeAtCntfrq) {
    TimerHarness t;
    EXPECT_EQ(t.read(SysReg::CNTFRQ_EL0), 62'500'000u);
    t.run_to(sc_time(16, SC_US));
    // The core ran two 1-cycle instructions (2 ns) ahead of the kernel: 16.002 us.
    EXPECT_EQ(t.read(SysReg::CNTPCT_EL0), 1000u);
    t.run_to(sc_time(1, sc_core::SC_MS));
    EXPECT_EQ(t.read(SysReg::CNTPCT_EL0), 62'500u);
    EXPECT_EQ(t.timer.count_at(15'999), 0u);
    EXPECT_EQ(t.timer.count_at(16'000), 1u);
    EXPECT_EQ(t.timer.time_of(625), 10'000'000u); // 10 us in ps
}

TEST(Timer, PhysicalTimerFiresAtItsCompareValue) {
    TimerHarness t;
    t.write(SysReg::CNTP_CVAL_EL0, 625); // 10 us
    t.write(SysReg::CNTP_CTL_EL0, 1);
    EXPECT_EQ(t.read(SysReg::CNTP_CTL_EL0), 1u); // ISTATUS clear
    t.run_to(sc_time(20, SC_US));
    ASSERT_EQ(t.edges.size(), 1u);
    EXPECT_EQ(t.edges[0].ps, 10'000'000u);
    EXPECT_EQ(t.edges[0].intid, 30u);
    EXPECT_TRUE(t.edges[0].level);
    EXPECT_EQ(t.read(SysReg::CNTP_CTL_EL0), 5u); // ENABLE | ISTATUS
    // TVAL counts down past zero: CVAL - CNTPCT = 625 - 1250, as 32 bits.
    EXPECT_EQ(t.read(SysReg::CNTP_TVAL_EL0), static_cast<uint32_t>(625 - 1250));
    // Disabling drops the output and clears ISTATUS.
    t.write(SysReg::CNTP_CTL_EL0, 0);
    ASSERT_EQ(t.edges.size(), 2u);
    EXPECT_FALSE(t.edges[1].level);
    EXPECT_EQ(t.read(SysReg::CNTP_CTL_EL0), 0u);
}

TEST(Timer, ImaskHidesTheOutputButNotIstatus) {
    TimerHarness t;
    t.write(SysReg::CNTHP_CVAL_EL2, 100);
    t.write(SysReg::CNTHP_CTL_EL2, 3); // ENABLE | IMASK
    t.run_to(sc_time(5, SC_US));
    EXPECT_TRUE(t.edges.empty());
    EXPECT_EQ(t.read(SysReg::CNTHP_CTL_EL2), 7u);
    t.write(SysReg::CNTHP_CTL_EL2, 1); // unmask: the output rises at once
    ASSERT_EQ(t.edges.size(), 1u);
    EXPECT_EQ(t.edges[0].intid, 26u);
    EXPECT_TRUE(t.edges[0].level);
    // A later compare value lowers it again and schedules the next firing.
    t.write(SysReg::CNTHP_CVAL_EL2, 1000); // 16 us
    ASSERT_EQ(t.edges.size(), 2u);
    EXPECT_FALSE(t.edges[1].level);
    t.run_to(sc_time(20, SC_US));
    ASSERT_EQ(t.edges.size(), 3u);
    EXPECT_EQ(t.edges[2].ps, 16'000'000u);
}

TEST(Timer, TvalIsASigned32BitDelta) {
    TimerHarness t;
    t.run_to(sc_time(1600, SC_NS));             // count 100 (the core is 0-2 ns ahead: still 100)
    t.write(SysReg::CNTP_TVAL_EL0, 0xfffffff6); // -10: CVAL = 90, already met
    EXPECT_EQ(t.read(SysReg::CNTP_CVAL_EL0), 90u);
    t.write(SysReg::CNTP_TVAL_EL0, 0x1'0000'0064); // bits [63:32] ignored: +100
    EXPECT_EQ(t.read(SysReg::CNTP_CVAL_EL0), 200u);
    EXPECT_EQ(t.read(SysReg::CNTP_TVAL_EL0), 100u);
    t.write(SysReg::CNTP_CTL_EL0, 1);
    t.run_to(sc_time(10, SC_US));
    ASSERT_EQ(t.edges.size(), 1u);
    EXPECT_EQ(t.edges[0].ps, 3'200'000u); // count 200
}

TEST(Timer, VirtualTimerCountsFromTheOffset) {
    TimerHarness t;
    t.run_to(sc_time(10, SC_US)); // count 625
    t.write(SysReg::CNTVOFF_EL2, 600);
    EXPECT_EQ(t.read(SysReg::CNTVCT_EL0), 25u);
    t.write(SysReg::CNTV_CVAL_EL0, 50);
    t.write(SysReg::CNTV_CTL_EL0, 1);
    // Moving the offset moves the deadline: CNTVCT reaches 50 at count 660, not 650.
    t.write(SysReg::CNTVOFF_EL2, 610);
    t.run_to(sc_time(20, SC_US));
    ASSERT_EQ(t.edges.size(), 1u);
    EXPECT_EQ(t.edges[0].intid, 27u);
    EXPECT_EQ(t.edges[0].ps, 10'560'000u);
    // The condition compares 64-bit unsigned values: an offset above the count makes CNTVCT
    // wrap to a huge value, which is past any small CVAL (D10.2.4).
    t.write(SysReg::CNTV_CTL_EL0, 0);
    t.write(SysReg::CNTV_CTL_EL0, 1);
    t.write(SysReg::CNTVOFF_EL2, 0x1'0000'0000);
    EXPECT_EQ(t.read(SysReg::CNTV_CTL_EL0), 5u);
}

TEST(Timer, EventStreamOnTheVirtualCounter) {
    TimerHarness t;
    // EVNTEN, EVNTDIR 0 (0 -> 1), EVNTI 4: bit 4 of CNTVCT rises at 16, 48, 80, ... (D10.2.3)
    t.write(SysReg::CNTKCTL_EL1, (4u << 4) | (1u << 2));
    t.run_to(sc_time(1400, SC_NS));
    ASSERT_EQ(t.events.size(), 3u);
    EXPECT_EQ(t.events[0], 256'000u);
    EXPECT_EQ(t.events[1], 768'000u);
    EXPECT_EQ(t.events[2], 1'280'000u);
    // EVNTDIR 1 (1 -> 0) on the EL2 stream: at multiples of 32 ticks (512 ns).
    t.write(SysReg::CNTKCTL_EL1, 0);
    t.write(SysReg::CNTHCTL_EL2, 3u | (4u << 4) | (1u << 3) | (1u << 2));
    t.events.clear();
    t.run_to(sc_time(2500, SC_NS));
    ASSERT_EQ(t.events.size(), 2u);
    EXPECT_EQ(t.events[0], 1'536'000u);
    EXPECT_EQ(t.events[1], 2'048'000u);
}

TEST(Timer, El1PhysicalTimerAccessTrapsByCnthctl) {
    TimerHarness t;
    t.write(SysReg::CNTHCTL_EL2, 0); // EL1PCEN = EL1PCTEN = 0
    t.h.core.sysreg_ref(SysReg::VBAR_EL2) = test::CoreHarness::kRamBase + 0x20000;
    t.h.core.sysreg_ref(SysReg::HCR_EL2) = 1ull << 31; // RW: EL1 is AArch64
    t.h.core.set_el_sp(1, true);
    t.h.run({mrs(SysReg::CNTP_CTL_EL0, 5)});
    EXPECT_EQ(t.h.core.st.el, 2u);
    // EC 0x18, IL, ISS: Op0 3, Op2 1, Op1 3, CRn 14, Rt 5, CRm 2, read (D13.2.37).
    EXPECT_EQ(t.h.core.sysreg(SysReg::ESR_EL2), (0x18u << 26) | (1u << 25) | (3u << 20) |
                                                    (1u << 17) | (3u << 14) | (14u << 10) |
                                                    (5u << 5) | (2u << 1) | 1u);
    // The virtual timer and counter are not controlled by CNTHCTL_EL2 in ARMv8.0.
    t.h.core.set_el_sp(1, true);
    t.h.run({mrs(SysReg::CNTVCT_EL0, 3)});
    EXPECT_EQ(t.h.core.st.el, 1u);
    t.h.run({mrs(SysReg::CNTPCT_EL0, 3)});
    EXPECT_EQ(t.h.core.st.el, 2u);
    EXPECT_EQ(t.h.core.sysreg(SysReg::ESR_EL2) & 0x3ffffffu,
              (1u << 25) | (3u << 20) | (1u << 17) | (3u << 14) | (14u << 10) | (3u << 5) | 1u);
}

TEST(Timer, El0AccessTrapsByCntkctl) {
    TimerHarness t;
    t.h.core.sysreg_ref(SysReg::VBAR_EL1) = test::CoreHarness::kRamBase + 0x30000;
    t.h.core.sysreg_ref(SysReg::VBAR_EL2) = test::CoreHarness::kRamBase + 0x20000;
    t.h.core.sysreg_ref(SysReg::HCR_EL2) = 1ull << 31;
    t.write(SysReg::CNTKCTL_EL1, 1u << 1); // EL0VCTEN only
    t.h.core.set_el_sp(0, false);
    t.h.run({mrs(SysReg::CNTVCT_EL0, 2)});
    EXPECT_EQ(t.h.core.st.el, 0u);           // allowed
    t.h.run({msr(SysReg::CNTV_CTL_EL0, 2)}); // EL0VTEN = 0: to EL1
    EXPECT_EQ(t.h.core.st.el, 1u);
    EXPECT_EQ(t.h.core.sysreg(SysReg::ESR_EL1) >> 26, 0x18u);
    EXPECT_EQ(t.h.core.sysreg(SysReg::ESR_EL1) & 1u, 0u); // a write
    // With HCR_EL2.TGE the same trap goes to EL2.
    t.h.core.sysreg_ref(SysReg::HCR_EL2) = (1ull << 31) | (1ull << 27);
    t.h.core.set_el_sp(0, false);
    t.h.run({mrs(SysReg::CNTPCT_EL0, 2)}); // EL0PCTEN = 0
    EXPECT_EQ(t.h.core.st.el, 2u);
    EXPECT_EQ(t.h.core.sysreg(SysReg::ESR_EL2) >> 26, 0x18u);
}

TEST(Timer, CoreResetDisablesItsTimers) {
    TimerHarness t;
    t.write(SysReg::CNTV_CVAL_EL0, 0);
    t.write(SysReg::CNTV_CTL_EL0, 1);
    ASSERT_EQ(t.edges.size(), 1u);
    t.h.core.reset(test::CoreHarness::kCode);
    ASSERT_EQ(t.edges.size(), 2u);
    EXPECT_FALSE(t.edges[1].level);
    EXPECT_EQ(t.read(SysReg::CNTV_CTL_EL0), 0u);
}

TEST(Timer, CounterAtAFrequencyThatDoesNotDivideAPicosecond) {
    // 24 MHz: a tick is 41666.67 ps. The counter shows n at the first picosecond at or after
    // n ticks, and a timer fires exactly then.
    timer::TimerConfig cfg;
    cfg.frequency_hz = 24'000'000;
    timer::GenericTimer t("timer", cfg);
    std::vector<uint64_t> rises;
    t.on_irq([&](unsigned, unsigned, bool level) {
        if (level) rises.push_back(sc_core::sc_time_stamp().value());
    });
    test::CoreHarness h;
    h.core.set_timer_sysregs(&t);
    EXPECT_EQ(t.count_at(41'666), 0u);
    EXPECT_EQ(t.count_at(41'667), 1u);
    EXPECT_EQ(t.time_of(1), 41'667u);
    EXPECT_EQ(t.time_of(3), 125'000u);
    h.x(1) = 3;
    h.run({msr(SysReg::CNTP_CVAL_EL0, 1)});
    h.x(1) = 1;
    h.run({msr(SysReg::CNTP_CTL_EL0, 1)});
    h.run({mrs(SysReg::CNTFRQ_EL0, 0)});
    EXPECT_EQ(h.x(0), 24'000'000u);
    sc_core::sc_start(sc_time(1, SC_US));
    ASSERT_EQ(rises.size(), 1u);
    EXPECT_EQ(rises[0], 125'000u);
}

TEST(Timer, SystemResetDisablesEveryTimer) {
    TimerHarness t;
    t.write(SysReg::CNTHP_CVAL_EL2, 0);
    t.write(SysReg::CNTHP_CTL_EL2, 1);
    t.write(SysReg::CNTKCTL_EL1, 0x3);
    ASSERT_EQ(t.edges.size(), 1u);
    t.timer.reset();
    ASSERT_EQ(t.edges.size(), 2u);
    EXPECT_FALSE(t.edges[1].level);
    EXPECT_EQ(t.read(SysReg::CNTHP_CTL_EL2), 0u);
    EXPECT_EQ(t.read(SysReg::CNTKCTL_EL1), 0u);
    EXPECT_EQ(t.read(SysReg::CNTHCTL_EL2), 3u);
}
