// Exclusive monitors across cores (ARM DDI 0487 B2.9: the global monitor is cleared by any
// other observer's store to the marked granule, and clearing it is a WFE wake-up event,
// D1.16.1), SEV between cores, and WFI/WFE waking in simulated time.
#include "a64_snippets.h"
#include "core_harness.h"

#include <gtest/gtest.h>

using namespace armsim::test;
using namespace armsim::cpu;
using namespace sc_core;

namespace {
constexpr uint64_t D = CoreHarness::kData;
constexpr uint64_t K0 = CoreHarness::kCode, K1 = CoreHarness::kCode + 0x1000;

// Two cores running snippets synchronously, core 0 from K0 and core 1 from K1, both with
// X1 = D, the granule the tests contend for.
struct TwoCores {
    CoreHarness h{2};
    Core& c0 = *h.cores[0];
    Core& c1 = *h.cores[1];
    TwoCores() { c0.st.x[1] = c1.st.x[1] = D; }
    void on_c0(const std::vector<uint32_t>& code) { h.run_on(c0, code, K0); }
    void on_c1(const std::vector<uint32_t>& code) { h.run_on(c1, code, K1); }
};
} // namespace

TEST(Monitor, AnotherCoresStoreClearsTheReservation) {
    TwoCores t;
    Core& c1 = t.c1;
    t.h.put64(D, 7);
    t.on_c1(A64("ldxr x0, [x1]"));
    EXPECT_TRUE(c1.exclusive_marked());
    EXPECT_FALSE(c1.event_register());
    // Core 0 writes the same value back: the value is unchanged, the reservation is gone
    // (a value-comparing monitor would let the store-exclusive succeed: the ABA case).
    t.on_c0(A64("ldr x2, [x1]; str x2, [x1]"));
    EXPECT_FALSE(c1.exclusive_marked());
    EXPECT_TRUE(c1.event_register()); // clearing the global monitor is an event
    c1.st.x[0] = 9;
    t.on_c1(A64("stxr w3, x0, [x1]"));
    EXPECT_EQ(c1.st.x[3], 1u);
    EXPECT_EQ(t.h.get64(D), 7u);
}

TEST(Monitor, StoresToOtherGranulesLeaveIt) {
    TwoCores t;
    t.on_c1(A64("ldxr x0, [x1]"));
    t.on_c0(A64("str x2, [x1, #64]; strb w2, [x1, #-1]")); // the next and previous granules
    EXPECT_TRUE(t.c1.exclusive_marked());
    t.on_c1(A64("add x0, x0, #1; stxr w3, x0, [x1]"));
    EXPECT_EQ(t.c1.st.x[3], 0u);
    EXPECT_EQ(t.h.get64(D), 1u);
}

TEST(Monitor, ASuccessfulStoreExclusiveClearsTheOthers) {
    TwoCores t;
    t.on_c1(A64("ldxr x0, [x1]"));
    t.on_c0(A64("ldxr x0, [x1]; add x0, x0, #5; stxr w3, x0, [x1]"));
    EXPECT_EQ(t.c0.st.x[3], 0u);
    t.on_c1(A64("add x0, x0, #1; stxr w3, x0, [x1]"));
    EXPECT_EQ(t.c1.st.x[3], 1u); // lost the race
    EXPECT_EQ(t.h.get64(D), 5u);
}

// Simulated time: the cores run in their SystemC threads.
TEST(Monitor, WfeWakesWhenTheLockWordIsWritten) {
    CoreHarness h(2);
    Core& c0 = *h.cores[0];
    Core& c1 = *h.cores[1];
    // Core 1: take a reservation on the lock word, wait for an event, then count.
    h.load(K1, A64("ldaxr w0, [x1]; wfe; mov x5, #1; 1: wfi; b 1b"));
    h.load(K0, A64("stlr wzr, [x1]; 1: wfi; b 1b"));
    h.put32(D, 1);
    c1.power_on(K1, 2, 0);
    c1.st.x[1] = D;
    sc_start(1, SC_US);
    EXPECT_TRUE(c1.sleeping());
    EXPECT_EQ(c1.st.x[5], 0u);
    sc_spawn([&] {
        c0.power_on(K0, 2, 0);
        c0.st.x[1] = D;
    });
    sc_start(1, SC_US);
    EXPECT_EQ(h.get32(D), 0u);
    EXPECT_EQ(c1.st.x[5], 1u); // woken by the store clearing its reservation
}

TEST(Monitor, SevWakesOtherCores) {
    CoreHarness h(2);
    Core& c0 = *h.cores[0];
    Core& c1 = *h.cores[1];
    h.load(K1, A64("wfe; mov x5, #1; 1: wfi; b 1b"));
    h.load(K0, A64("sev; 1: wfi; b 1b"));
    c1.power_on(K1, 2, 0);
    sc_start(1, SC_US);
    EXPECT_EQ(c1.st.x[5], 0u);
    sc_spawn([&] { c0.power_on(K0, 2, 0); });
    sc_start(1, SC_US);
    EXPECT_EQ(c1.st.x[5], 1u);
}

TEST(Monitor, WfiWakesOnAnInterruptEvenWhenMasked) {
    CoreHarness h(1);
    Core& c = h.core;
    h.load(K0, A64("wfi; mov x5, #1; 1: b 1b"));
    c.power_on(K0, 2, 0); // PSTATE.DAIF all masked after reset
    sc_start(2, SC_US);
    EXPECT_TRUE(c.sleeping());
    EXPECT_EQ(c.st.x[5], 0u);
    sc_spawn([&] { c.set_line(IrqLine::Irq, true); });
    sc_start(1, SC_US);
    EXPECT_EQ(c.st.x[5], 1u); // woke, and (masked) took no exception
    EXPECT_EQ(c.exceptions_taken(), 0u);
}
