// Virtual timer across deschedules: every vCPU of the domain programs its virtual timer
// over and over; half of them wait in WFI (descheduled: the hypervisor's EL2 timer must wake
// them), half spin (preempted by other vCPUs). Each interrupt must come once, never before
// CVAL, and none may be lost.
#include "../../../hypervisor/include/public/hyp_test.h"
#include "../../../hypervisor/include/public/sched.h"
#include "suites.h"

#include <bare/bare.h>

using namespace xt;

namespace {

constexpr unsigned kRounds = 20;
volatile unsigned g_fired[8], g_early[8], g_done[8];
volatile uint64_t g_cval[8];
volatile uint64_t g_max_late[8];

void handler(uint32_t) {
    const unsigned cpu = cpu_id() & 7;
    const uint64_t now = counter();
    if (now < g_cval[cpu])
        g_early[cpu] = g_early[cpu] + 1;
    else if (now - g_cval[cpu] > g_max_late[cpu])
        g_max_late[cpu] = now - g_cval[cpu];
    g_fired[cpu] = g_fired[cpu] + 1;
    asm volatile("msr cntv_ctl_el0, %0" ::"r"(2ull)); // enabled = 0, masked
}

void worker(unsigned cpu) {
    gic_init_cpu();
    gic_enable(27);
    irq_enable();
    const uint64_t period = counter_hz() / 1000 + cpu * counter_hz() / 20000; // ~1 ms
    for (unsigned i = 0; i < kRounds; ++i) {
        const unsigned want = g_fired[cpu] + 1;
        g_cval[cpu] = counter() + period;
        asm volatile("msr cntv_cval_el0, %0\n msr cntv_ctl_el0, %1\n isb" ::"r"(g_cval[cpu]),
                     "r"(1ull));
        if (cpu % 2 == 0) {
            // Blocks in the hypervisor until the timer is due.
            wait_until([cpu, want] { return g_fired[cpu] >= want; });
        } else {
            bool told = false;
            while (g_fired[cpu] < want) {
                if (!told && counter() > g_cval[cpu] + counter_hz() / 50) {
                    uint64_t ctl, cval;
                    asm volatile("mrs %0, cntv_ctl_el0\n mrs %1, cntv_cval_el0"
                                 : "=r"(ctl), "=r"(cval));
                    // The interrupt may have come while we read: only a real wait is news.
                    if (g_fired[cpu] >= want) break;
                    told = true;
                    printf("vtimer: vCPU %u still waiting 20 ms after its deadline: round %u "
                           "fired %u cval %#lx (hw %#lx) ctl %#lx now %#lx ISPENDR0 %#x "
                           "ISACTIVER0 %#x ISENABLER0 %#x HPPIR %#x RPR %#x DAIF %#lx\n",
                           cpu, i, g_fired[cpu], g_cval[cpu], cval, ctl, counter(),
                           gicd_read(0x200), gicd_read(0x300), gicd_read(0x100), gicc_read(0x18),
                           gicc_read(0x14), [] {
                               uint64_t d;
                               asm volatile("mrs %0, daif" : "=r"(d));
                               return d;
                           }());
                }
            }
        }
    }
    irq_disable();
    g_done[cpu] = 1;
}

void secondary(unsigned cpu) {
    worker(cpu);
}

} // namespace

void suites::vtimer(unsigned vcpus) {
    set_irq_handler(27, handler);
    for (unsigned c = 1; c < vcpus; ++c)
        cpu_on(c, secondary);
    worker(0);
    const uint64_t end = counter() + counter_hz() * 20; // QEMU on a busy host
    for (unsigned c = 1; c < vcpus; ++c)
        while (!g_done[c] && counter() < end)
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    for (unsigned c = 0; c < vcpus; ++c)
        if (!g_done[c]) {
            // The hypervisor's view of the stuck vCPU (its scheduler, timer and vGIC state),
            // when it has test hooks.
            hypercall(__HYPERVISOR_hyp_test, HYP_TEST_debug_dump);
            break;
        }
    for (unsigned c = 0; c < vcpus; ++c) {
        char name[48];
        bare_snprintf(name, sizeof name, "vtimer.vcpu%u_%s", c, c % 2 ? "spinning" : "wfi");
        check(g_done[c] && g_fired[c] == kRounds && g_early[c] == 0, name,
              "done=%u fired=%u early=%u", g_done[c], g_fired[c], g_early[c]);
    }
    uint64_t late = 0;
    for (unsigned c = 0; c < vcpus; ++c)
        if (g_max_late[c] > late) late = g_max_late[c];
    printf("vtimer: %u vCPUs x %u interrupts, worst latency %lu us\n", vcpus, kRounds,
           late * 1000000 / counter_hz());
}
