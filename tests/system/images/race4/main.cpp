// A deliberately racy 4-core workload for the determinism tests. Core 0 starts cores 1-3
// with PSCI CPU_ON; every core then does kIters unsynchronised read-modify-write
// increments of one shared counter and appends its number to a shared log through a racy
// index. How many increments get lost and in which order the log fills depend only on how
// the cores interleave: the same seed must print the same, other seeds something else.
// No interrupts, no atomics (each core raises its own done flag; core 0 waits for them).
#include <bare/bare.h>

namespace {

constexpr unsigned kCores = 4;
constexpr unsigned kIters = 1500;
constexpr unsigned kLog = kCores * kIters;

volatile uint32_t counter;
volatile uint32_t log_len;
volatile uint8_t order[kLog];
volatile uint32_t done[kCores];
volatile uint32_t started;

void work(unsigned me) {
    for (unsigned i = 0; i < kIters; ++i) {
        const uint32_t c = counter; // read ...
        counter = c + 1;            // ... write: another core may have written in between
        const uint32_t n = log_len;
        if (n < kLog) order[n] = static_cast<uint8_t>(me);
        log_len = n + 1;
    }
    asm volatile("dmb ish" ::: "memory");
    done[me] = 1;
}

} // namespace

extern "C" void bare_secondary_main(uint64_t cpu) {
    work(static_cast<unsigned>(cpu));
    for (;;)
        asm volatile("wfi");
}

extern "C" void bare_main(uint64_t x0) {
    bare::boot_console(x0);
    for (unsigned i = 1; i < kCores; ++i) {
        const int64_t r =
            bare::psci_cpu_on(i, reinterpret_cast<uint64_t>(&bare_secondary_entry), i);
        if (r != 0) {
            bare_printf("race4: CPU_ON %u failed: %ld\n", i, static_cast<long>(r));
            return;
        }
    }
    work(0);
    for (unsigned i = 1; i < kCores; ++i)
        while (!done[i]) {
        }
    asm volatile("dmb ish" ::: "memory");
    const uint32_t total = kCores * kIters;
    uint64_t h = 0xcbf29ce484222325ull;
    unsigned switches = 0;
    const unsigned n = log_len < kLog ? log_len : kLog;
    for (unsigned i = 0; i < n; ++i) {
        h = (h ^ order[i]) * 0x100000001b3ull;
        switches += i && order[i] != order[i - 1];
    }
    bare_printf("race4: counter %u of %u (%u increments lost)\n", counter, total, total - counter);
    bare_printf("race4: log %u entries, %u switches between cores, order hash %016lx\n", n,
                switches, h);
    bare_printf("race4: done\n");
}
