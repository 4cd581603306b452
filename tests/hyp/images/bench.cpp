// Trap and interrupt costs as a guest sees them, in virtual-counter time: a null hypercall,
// an emulated distributor read, a trapped system register, an SGI to self, an event-channel
// loopback with its upcall, and a vCPU switch (two vCPUs yielding to each other on one
// pCPU). On armsim (1 GHz core clock, one cycle per instruction by default) nanoseconds are
// cycles.
#include "../../../hypervisor/include/public/sched.h"
#include "../../../hypervisor/include/public/version.h"
#include "suites.h"

#include <bare/bare.h>

using namespace xt;

namespace {
constexpr unsigned kN = 2000;
volatile unsigned g_sgis = 0, g_events = 0;
volatile bool g_partner_go = false, g_partner_done = false;

uint64_t ns(uint64_t ticks) {
    return ticks * 1000000000ull / counter_hz();
}

void report(const char* what, uint64_t ticks, unsigned n) {
    const uint64_t total = ns(ticks);
    printf("bench: %s: %lu ns each (%u in %lu us)\n", what, total / n, n, total / 1000);
}

void partner(unsigned) {
    while (!g_partner_go)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    for (unsigned i = 0; i < kN; ++i)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    g_partner_done = true;
}
} // namespace

void xt::main() {
    gic_init_cpu();
    uint64_t t = counter();
    for (unsigned i = 0; i < kN; ++i)
        hypercall(__HYPERVISOR_xen_version, XENVER_version);
    report("null hypercall round trip", counter() - t, kN);

    t = counter();
    for (unsigned i = 0; i < kN; ++i)
        (void)gicd_read(0x004);
    report("emulated GICD_TYPER read", counter() - t, kN);

    t = counter();
    for (unsigned i = 0; i < kN; ++i) {
        uint64_t v;
        asm volatile("mrs %0, actlr_el1" : "=r"(v));
    }
    report("trapped ACTLR_EL1 read", counter() - t, kN);

    set_irq_handler(3, [](uint32_t) { g_sgis = g_sgis + 1; });
    irq_enable();
    t = counter();
    for (unsigned i = 0; i < kN / 10; ++i) {
        const unsigned want = g_sgis + 1;
        gicd_write(0xf00, (2u << 24) | 3);
        while (g_sgis < want) {
        }
    }
    report("SGI to self, sent to handled", counter() - t, kN / 10);

    events_init();
    set_port_handler([](evtchn_port_t) { g_events = g_events + 1; });
    evtchn_alloc_unbound_t au = {DOMID_SELF, DOMID_SELF, 0};
    evtchn_op(EVTCHNOP_alloc_unbound, &au);
    evtchn_bind_interdomain_t bi = {DOMID_SELF, au.port, 0};
    evtchn_op(EVTCHNOP_bind_interdomain, &bi);
    unmask(au.port);
    const unsigned base = g_events;
    t = counter();
    for (unsigned i = 0; i < kN / 10; ++i) {
        const unsigned want = base + i + 1;
        evtchn_send_t s = {bi.local_port};
        evtchn_op(EVTCHNOP_send, &s);
        while (g_events < want) {
        }
    }
    report("event channel send to upcall handled", counter() - t, kN / 10);
    irq_disable();

    if (nr_cpus() >= 2) {
        cpu_on(1, partner);
        g_partner_go = true;
        t = counter();
        for (unsigned i = 0; i < kN; ++i)
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        const uint64_t dt = counter() - t;
        while (!g_partner_done)
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        report("vCPU switch (yield to the other vCPU on one pCPU)", dt, 2 * kN);
    }
    check(true, "bench.done");
    finish("bench");
}
