// An idle machine: every core waits in WFI, the only thing that will happen is the EL2 timer
// of core 0 one simulated second from now. The simulator must skip the idle time instead of
// executing it (the test checks the instruction count and reports the host time).
#include "../common/gicv2.h"

using namespace gicv2;

namespace {
constexpr unsigned kHypTimer = 26;
volatile unsigned woke;
volatile unsigned up[8];
} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    expect_irq(f, kind);
    const uint32_t iar = gicc(GICC_IAR);
    WRITE_SYSREG(cnthp_ctl_el2, 0);
    gicc(GICC_EOIR, iar);
    woke = iar;
}

extern "C" void bare_secondary_main(uint64_t cpu) {
    up[cpu] = 1;
    for (;;)
        wfi();
}

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    unsigned cpus = 1;
    while (cpus < 8 &&
           bare::psci_cpu_on(cpus, reinterpret_cast<uint64_t>(bare_secondary_entry), cpus) == 0) {
        while (!up[cpus])
            ;
        ++cpus;
    }
    gicd(GICD_CTLR, 1);
    enable(kHypTimer, 0x80);
    cpu_interface_on();
    WRITE_SYSREG(hcr_el2, (1ull << 31) | (1ull << 4));
    const uint64_t t0 = READ_SYSREG(cntpct_el0);
    WRITE_SYSREG(cnthp_tval_el2, READ_SYSREG(cntfrq_el0)); // one second
    WRITE_SYSREG(cnthp_ctl_el2, 1);
    wait_until([] { return woke != 0; });
    const uint64_t ticks = READ_SYSREG(cntpct_el0) - t0;
    bare_printf("%u cores idle, woken by INTID %u after %s\n", cpus, woke,
                ticks >= READ_SYSREG(cntfrq_el0) ? "at least 1 s" : "LESS than 1 s");
}
