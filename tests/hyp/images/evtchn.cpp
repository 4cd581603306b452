// Event channels inside one domain: loopback interdomain channels, masking, IPIs between
// vCPUs, VIRQ bindings, status, close, poll.
#include "../../../hypervisor/include/public/errno.h"
#include "../../../hypervisor/include/public/sched.h"
#include "suites.h"

using namespace xt;

namespace {

volatile unsigned g_hits[2][64];
volatile bool g_helper_ready = false, g_helper_stop = false;

void on_port(evtchn_port_t port) {
    const unsigned cpu = cpu_id() & 1;
    if (port < 64) g_hits[cpu][port] = g_hits[cpu][port] + 1;
}

void helper(unsigned) {
    gic_init_cpu();
    events_init();
    irq_enable();
    g_helper_ready = true;
    wait_until([] { return g_helper_stop; });
    irq_disable();
}

bool wait_for(volatile unsigned* v, unsigned want, uint64_t ticks) {
    const uint64_t end = counter() + ticks;
    while (*v < want && counter() < end)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    return *v >= want;
}

} // namespace

void suites::evtchn() {
    const uint64_t tmo = 10 * counter_hz(); // generous: QEMU runs on a busy host
    gic_init_cpu();
    events_init();
    set_port_handler(on_port);
    irq_enable();

    evtchn_alloc_unbound_t au = {DOMID_SELF, DOMID_SELF, 0};
    int64_t r = evtchn_op(EVTCHNOP_alloc_unbound, &au);
    check(r == 0 && au.port > 0, "evtchn.alloc_unbound", "r=%ld port=%u", r, au.port);
    evtchn_bind_interdomain_t bi = {DOMID_SELF, au.port, 0};
    r = evtchn_op(EVTCHNOP_bind_interdomain, &bi);
    check(r == 0 && bi.local_port != au.port, "evtchn.bind_interdomain", "r=%ld", r);
    const evtchn_port_t a = au.port, b = bi.local_port;
    // bind_interdomain signals the new local port once.
    unmask(b);
    check(wait_for(&g_hits[0][b], 1, tmo), "evtchn.bind_signals_local");
    unmask(a);
    const unsigned before = g_hits[0][b];
    evtchn_send_t s = {a};
    check(evtchn_op(EVTCHNOP_send, &s) == 0 && wait_for(&g_hits[0][b], before + 1, tmo),
          "evtchn.send_loopback");
    s.port = b;
    check(evtchn_op(EVTCHNOP_send, &s) == 0 && wait_for(&g_hits[0][a], 1, tmo),
          "evtchn.send_reverse");

    evtchn_status_t st = {DOMID_SELF, a, 0, 0, {}};
    r = evtchn_op(EVTCHNOP_status, &st);
    check(r == 0 && st.status == EVTCHNSTAT_interdomain && st.u.interdomain.port == b,
          "evtchn.status_interdomain", "r=%ld status=%u", r, st.status);

    // A masked port stays pending without an upcall; unmasking delivers it.
    mask(b);
    const unsigned masked_before = g_hits[0][b];
    s.port = a;
    evtchn_op(EVTCHNOP_send, &s);
    delay_ticks(counter_hz() / 100); // long enough for a wrongly delivered upcall
    const bool pending = shinfo()->evtchn_pending[b / 64] & (1ull << (b % 64));
    check(g_hits[0][b] == masked_before && pending, "evtchn.mask_holds");
    unmask(b);
    check(wait_for(&g_hits[0][b], masked_before + 1, tmo), "evtchn.unmask_delivers");

    // SCHEDOP_poll: returns at once for a pending port, after the timeout otherwise.
    mask(a);
    s.port = b;
    evtchn_op(EVTCHNOP_send, &s);
    evtchn_port_t ports[1] = {a};
    sched_poll_t poll = {reinterpret_cast<uint64_t>(ports), 1, 0};
    check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, reinterpret_cast<uint64_t>(&poll)) == 0,
          "evtchn.poll_pending");
    shinfo()->evtchn_pending[a / 64] &= ~(1ull << (a % 64));
    poll.timeout = 1; // already in the past (system time in ns)
    check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, reinterpret_cast<uint64_t>(&poll)) == 0,
          "evtchn.poll_timeout");
    unmask(a);

    // VIRQs.
    evtchn_bind_virq_t bv = {VIRQ_TIMER, 0, 0};
    check(evtchn_op(EVTCHNOP_bind_virq, &bv) == 0 && bv.port, "evtchn.bind_virq_timer");
    check(evtchn_op(EVTCHNOP_bind_virq, &bv) == -XEN_EEXIST, "evtchn.bind_virq_twice");
    evtchn_bind_virq_t bc = {VIRQ_CONSOLE, 0, 0};
    check(evtchn_op(EVTCHNOP_bind_virq, &bc) == 0, "evtchn.bind_virq_console");
    evtchn_bind_virq_t bg = {VIRQ_DOM_EXC, 1, 0};
    check(evtchn_op(EVTCHNOP_bind_virq, &bg) == -XEN_EINVAL, "evtchn.global_virq_vcpu1");
    evtchn_bind_virq_t bx = {NR_VIRQS, 0, 0};
    check(evtchn_op(EVTCHNOP_bind_virq, &bx) == -XEN_EINVAL, "evtchn.bad_virq");

    // IPIs and vCPU binding need the second vCPU.
    if (nr_cpus() >= 2 && cpu_on(1, helper) == 0) {
        const uint64_t end = counter() + tmo;
        while (!g_helper_ready && counter() < end)
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        evtchn_bind_ipi_t ipi = {1, 0};
        r = evtchn_op(EVTCHNOP_bind_ipi, &ipi);
        check(r == 0, "evtchn.bind_ipi", "%ld", r);
        unmask(ipi.port);
        s.port = ipi.port;
        evtchn_op(EVTCHNOP_send, &s);
        check(wait_for(&g_hits[1][ipi.port], 1, tmo), "evtchn.ipi_to_vcpu1");
        evtchn_bind_vcpu_t bvc = {b, 1};
        check(evtchn_op(EVTCHNOP_bind_vcpu, &bvc) == 0, "evtchn.bind_vcpu");
        s.port = a;
        evtchn_op(EVTCHNOP_send, &s);
        check(wait_for(&g_hits[1][b], 1, tmo), "evtchn.rebound_to_vcpu1");
        bvc = {bv.port, 1};
        check(evtchn_op(EVTCHNOP_bind_vcpu, &bvc) == -XEN_EINVAL, "evtchn.bind_vcpu_pervcpu_virq");
        g_helper_stop = true;
    }

    // Close: the other end becomes unbound; sending on a closed port fails.
    evtchn_close_t c = {a};
    check(evtchn_op(EVTCHNOP_close, &c) == 0, "evtchn.close");
    st = {DOMID_SELF, b, 0, 0, {}};
    evtchn_op(EVTCHNOP_status, &st);
    check(st.status == EVTCHNSTAT_unbound, "evtchn.peer_unbound", "status=%u", st.status);
    s.port = a;
    check(evtchn_op(EVTCHNOP_send, &s) == -XEN_EINVAL, "evtchn.send_closed");
    s.port = 0;
    check(evtchn_op(EVTCHNOP_send, &s) == -XEN_EINVAL, "evtchn.send_port0");
    s.port = 100000;
    check(evtchn_op(EVTCHNOP_send, &s) == -XEN_EINVAL, "evtchn.send_out_of_range");
    // The FIFO ABI is not offered: guests fall back to 2-level.
    uint8_t ctl[24] = {};
    check(evtchn_op(EVTCHNOP_init_control, ctl) == -XEN_ENOSYS, "evtchn.init_control_enosys");
    irq_disable();
}
