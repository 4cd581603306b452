// The generic timer's event stream wakes WFE: with CNTKCTL_EL1.EVNTEN and nothing else going
// on, each WFE ends at the next event (every 2^(EVNTI+1) counts) instead of never. QEMU's WFE
// does not sleep, so what is printed does not depend on time; on armsim the test also checks
// the simulated time, which shows the WFEs really slept (system.timer_evtstrm).
#include "../common/gicv2.h"

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    constexpr unsigned kEvnti = 10; // an event each 2048 counts (32.8 us)
    WRITE_SYSREG(cntkctl_el1, (kEvnti << 4) | (1u << 2));
    for (unsigned i = 0; i < 8; ++i) {
        asm volatile("sevl; wfe" ::: "memory"); // clear the event register
        asm volatile("wfe" ::: "memory");       // sleep until the next event
    }
    WRITE_SYSREG(cntkctl_el1, 0);
    bare_printf("8 WFEs woken by the event stream\n");
}
