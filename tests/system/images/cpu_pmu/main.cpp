// In-guest measurements with the cycle counter, printed for the test to compare with
// numbers derived by hand from the cost table in use (tests/system/CMakeLists.txt): with
// the default table every instruction costs 1 cycle; models/cpu/cortex-a57.cfg gives each
// class its own cost. Also checks that simulated time follows cycles: the generic counter
// (62.5 MHz) advances one tick per 16 cycles of the 1 GHz core clock.
#include <bare/bare.h>

extern "C" char pmu_vectors[];

namespace {

uint64_t mul_loop() { // MRS + MOVZ + 100 x (MUL + SUBS + B.NE)
    uint64_t t0, t1;
    asm volatile("mrs %0, pmccntr_el0\n"
                 "mov x2, #100\n"
                 "1: mul x3, x3, x3\n"
                 "subs x2, x2, #1\n"
                 "b.ne 1b\n"
                 "mrs %1, pmccntr_el0"
                 : "=&r"(t0), "=r"(t1)
                 :
                 : "x2", "x3", "cc");
    return t1 - t0;
}

uint64_t load_loop(const uint64_t* p) { // MRS + MOVZ + 50 x (LDR + SUBS + B.NE)
    uint64_t t0, t1;
    asm volatile("mrs %0, pmccntr_el0\n"
                 "mov x2, #50\n"
                 "1: ldr x3, [%2]\n"
                 "subs x2, x2, #1\n"
                 "b.ne 1b\n"
                 "mrs %1, pmccntr_el0"
                 : "=&r"(t0), "=r"(t1)
                 : "r"(p)
                 : "x2", "x3", "cc", "memory");
    return t1 - t0;
}

uint64_t div_loop() { // MRS + MOVZ + 20 x (UDIV + SUBS + B.NE)
    uint64_t t0, t1;
    asm volatile("mrs %0, pmccntr_el0\n"
                 "mov x2, #20\n"
                 "1: udiv x3, x2, x2\n"
                 "subs x2, x2, #1\n"
                 "b.ne 1b\n"
                 "mrs %1, pmccntr_el0"
                 : "=&r"(t0), "=r"(t1)
                 :
                 : "x2", "x3", "cc");
    return t1 - t0;
}

uint64_t svc_round_trip() { // MRS + SVC + entry + ERET + return
    uint64_t old, t0, t1;
    asm volatile("mrs %0, vbar_el2; msr vbar_el2, %1; isb" : "=&r"(old) : "r"(pmu_vectors));
    asm volatile("mrs %0, pmccntr_el0\n"
                 "svc #0\n"
                 "mrs %1, pmccntr_el0"
                 : "=&r"(t0), "=r"(t1));
    asm volatile("msr vbar_el2, %0; isb" ::"r"(old));
    return t1 - t0;
}

} // namespace

extern "C" void bare_main(uint64_t x0) {
    bare::boot_console(x0);
    // Count at EL2 (PMCCFILTR_EL0.NSH), enable the cycle counter, reset it.
    asm volatile(
        "msr pmccfiltr_el0, %0; msr pmcntenset_el0, %1; msr pmcr_el0, %2; isb" ::"r"(1ull << 27),
        "r"(1ull << 31), "r"(5ull));
    static uint64_t word = 42;
    bare_printf("mul loop: %lu cycles\n", mul_loop());
    bare_printf("load loop: %lu cycles\n", load_loop(&word));
    bare_printf("div loop: %lu cycles\n", div_loop());
    bare_printf("svc round trip: %lu cycles\n", svc_round_trip());

    // 20000 iterations, then compare the cycle count with the generic counter's ticks.
    uint64_t c0, c1, v0, v1;
    asm volatile("isb; mrs %0, cntvct_el0; mrs %1, pmccntr_el0" : "=r"(v0), "=r"(c0));
    for (unsigned i = 0; i < 20000; ++i)
        asm volatile("" ::: "memory");
    asm volatile("isb; mrs %0, cntvct_el0; mrs %1, pmccntr_el0" : "=r"(v1), "=r"(c1));
    const uint64_t cycles = c1 - c0, ticks = v1 - v0;
    const int64_t diff = static_cast<int64_t>(cycles) - static_cast<int64_t>(16 * ticks);
    bare_printf("cycles per counter tick: %s\n",
                cycles > 10000 && diff > -64 && diff < 64 ? "16" : "not 16");
}
