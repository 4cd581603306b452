// PSCI SYSTEM_RESET: boots three times and powers off. A counter in RAM outside the image
// survives the resets (neither QEMU nor armsim clears RAM); the image's .data is loaded
// again each time; secondaries are off again after a reset. Prints the same on both.
#include <bare/bare.h>

namespace {
constexpr uint64_t kMagic = 0x7265736574746573ull;
volatile uint64_t* const slot = reinterpret_cast<volatile uint64_t*>(0x47f00000);
volatile int data_word = 42; // the loader restores it; this program changes it
volatile uint32_t secondary_ran;
} // namespace

extern "C" void bare_secondary_main(uint64_t) {
    secondary_ran = 1;
    for (;;)
        asm volatile("wfi");
}

extern "C" void bare_main(uint64_t x0) {
    bare::boot_console(x0);
    const uint64_t boots = slot[0] == kMagic ? slot[1] + 1 : 1;
    slot[0] = kMagic;
    slot[1] = boots;
    const int64_t cpu1 = bare::psci_call(0xc4000004, 1, 0); // AFFINITY_INFO: 1 = OFF
    bare_printf("reset test: boot %lu at EL%u, data %d, cpu1 %s\n", boots, bare::current_el(),
                data_word,
                cpu1 == 1   ? "off"
                : cpu1 == 0 ? "on"
                            : "?");
    data_word = 0;
    if (boots >= 3) {
        bare_printf("reset test: done\n");
        return; // powers off
    }
    bare::psci_cpu_on(1, reinterpret_cast<uint64_t>(&bare_secondary_entry), 1);
    while (!secondary_ran) {
    }
    bare_printf("reset test: cpu1 started, resetting\n");
    bare::psci_call(0x84000009); // SYSTEM_RESET: does not return
    bare_printf("reset test: SYSTEM_RESET returned\n");
}
