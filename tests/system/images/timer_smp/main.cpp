// Per-core timers on 4 cores: each core arms its own virtual timer (PPI 27, banked) for
// (cpu + 1) * 2 ms and sleeps in WFI; each must be woken by its own timer, not earlier, and
// only once. Core 0 reports for all. QEMU and armsim must print the same.
#include "../common/gicv2.h"

using namespace gicv2;

namespace {
constexpr unsigned kCpus = 4, kVirtTimer = 27;
volatile unsigned up[kCpus], done[kCpus];
volatile uint32_t iar_seen[kCpus], irqs[kCpus];
volatile uint64_t slept[kCpus];

void sleep_on_timer(unsigned me) {
    WRITE_SYSREG(hcr_el2, (1ull << 31) | (1ull << 4));
    enable(kVirtTimer, 0x80); // banked: this core's PPI 27
    cpu_interface_on();
    const uint64_t freq = READ_SYSREG(cntfrq_el0);
    const uint64_t t0 = READ_SYSREG(cntvct_el0);
    const uint64_t ticks = (me + 1) * 2 * freq / 1000;
    WRITE_SYSREG(cntv_cval_el0, t0 + ticks);
    WRITE_SYSREG(cntv_ctl_el0, 1);
    wait_until([me] { return irqs[me] != 0; });
    slept[me] = READ_SYSREG(cntvct_el0) - t0 >= ticks;
    done[me] = 1;
    asm volatile("dsb sy; sev" ::: "memory");
}
} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    expect_irq(f, kind);
    const unsigned me = bare::cpu_index();
    const uint32_t iar = gicc(GICC_IAR);
    WRITE_SYSREG(cntv_ctl_el0, 0);
    gicc(GICC_EOIR, iar);
    iar_seen[me] = iar;
    irqs[me] = irqs[me] + 1;
}

extern "C" void bare_secondary_main(uint64_t cpu) {
    up[cpu] = 1;
    asm volatile("dsb sy; sev" ::: "memory"); // core 0 waits in WFE for this
    while (!up[0])
        asm volatile("wfe" ::: "memory");
    sleep_on_timer(static_cast<unsigned>(cpu));
    for (;;)
        wfi();
}

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    gicd(GICD_CTLR, 1);
    for (unsigned c = 1; c < kCpus; ++c) {
        bare::psci_cpu_on(c, reinterpret_cast<uint64_t>(bare_secondary_entry), c);
        while (!up[c])
            asm volatile("wfe" ::: "memory");
    }
    up[0] = 1;
    asm volatile("dsb sy; sev" ::: "memory");
    sleep_on_timer(0);
    for (unsigned c = 1; c < kCpus; ++c)
        while (!done[c])
            asm volatile("wfe" ::: "memory");
    for (unsigned c = 0; c < kCpus; ++c)
        bare_printf("core %u: INTID %u, %u interrupt(s), slept %s\n", c, iar_seen[c], irqs[c],
                    slept[c] ? "long enough" : "TOO LITTLE");
}
