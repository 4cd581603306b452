// The generic timer's event stream wakes WFE: with CNTKCTL_EL1.EVNTEN and nothing else
// going on, each WFE ends within one event period (2^(EVNTI+1) counts), instead of never.
// On QEMU (whose WFE does not sleep) the same lines come out.
#include "../common/gicv2.h"

extern "C" void bare_main(uint64_t dtb) {
    bare::Fdt fdt(bare::find_dtb(dtb));
    bare::console_init(fdt);
    constexpr unsigned kEvnti = 10; // an event each 2048 counts (32.8 us)
    constexpr uint64_t kPeriod = 2ull << kEvnti;
    WRITE_SYSREG(cntkctl_el1, (kEvnti << 4) | (1u << 2));
    unsigned within = 0;
    for (unsigned i = 0; i < 8; ++i) {
        asm volatile("sevl; wfe" ::: "memory"); // clear the event register
        const uint64_t t0 = READ_SYSREG(cntvct_el0);
        asm volatile("wfe" ::: "memory");
        const uint64_t t1 = READ_SYSREG(cntvct_el0);
        within += t1 - t0 <= kPeriod + 100;
    }
    WRITE_SYSREG(cntkctl_el1, 0);
    bare_printf("8 WFEs, %u of them ended within one event-stream period\n", within);
}
