// dom0 of the dom0-domu scenario: the ABI, event-channel and grant suites, the physical
// interrupt path, a toolstack lifecycle, then ping-pong and grant copy with the domU; waits
// for the domU to finish (VIRQ_DOM_EXC) and powers off.
#include "../../../hypervisor/include/public/domctl.h"
#include "../../../hypervisor/include/public/grant_table.h"
#include "../../../hypervisor/include/public/hvm/params.h"
#include "../../../hypervisor/include/public/sched.h"
#include "interdomain.h"
#include "suites.h"

using namespace xt;

namespace suites {
void toolstack();
}

namespace {

volatile unsigned g_events[1024];
void on_port(evtchn_port_t p) {
    if (p < 1024) g_events[p] = g_events[p] + 1;
}

int64_t domctl(xen_domctl_t& d) {
    d.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return hypercall(__HYPERVISOR_domctl, reinterpret_cast<uint64_t>(&d));
}

domid_t find_domu() {
    xen_domctl_t d = {};
    d.cmd = XEN_DOMCTL_getdomaininfo;
    d.domain = 1;
    return domctl(d) == 0 ? d.domain : 0;
}

alignas(4096) uint8_t g_copy[4096];
constexpr uint64_t kRingAt = GUEST_MAGIC_BASE + 0x50000;

void interdomain(domid_t domu, evtchn_port_t dom_exc) {
    (void)dom_exc;
    xen_hvm_param_t p = {domu, 0, HVM_PARAM_STORE_EVTCHN, 0};
    int64_t r = hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, reinterpret_cast<uint64_t>(&p));
    check(r == 0 && p.value, "dom0.domu_store_evtchn", "r=%ld port=%lu", r, p.value);
    evtchn_bind_interdomain_t bi = {domu, static_cast<evtchn_port_t>(p.value), 0};
    r = evtchn_op(EVTCHNOP_bind_interdomain, &bi);
    check(r == 0, "dom0.bind_to_domu", "%ld", r);
    const evtchn_port_t port = bi.local_port;
    unmask(port);
    gnttab_map_grant_ref_t m = {kRingAt, GNTMAP_host_map, GNTTAB_RESERVED_XENSTORE, domu, 0, 0, 0};
    hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, reinterpret_cast<uint64_t>(&m),
              1);
    check(m.status == GNTST_okay, "dom0.map_domu_store_page", "status %d", m.status);
    if (m.status != GNTST_okay) return;
    auto* pp = reinterpret_cast<PingPage*>(kRingAt);
    const uint64_t end = counter() + 5 * counter_hz();
    while (pp->magic != kPingMagic && counter() < end)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    check(pp->magic == kPingMagic, "dom0.domu_listening");
    // Ping-pong: each round trip is two event-channel sends and two upcalls.
    const uint64_t t0 = counter();
    unsigned done = 0;
    for (unsigned i = 1; i <= kPingRounds; ++i) {
        pp->seq_dom0 = i;
        dsb();
        evtchn_send_t s = {port};
        evtchn_op(EVTCHNOP_send, &s);
        const uint64_t until = counter() + 10 * counter_hz(); // QEMU on a busy host
        while (pp->seq_domu != i && counter() < until)
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        if (pp->seq_domu != i) {
            printf("pingpong: round %u: domU at %u, events %u, pending %lx mask %lx upcall %u\n", i,
                   pp->seq_domu, g_events[port], shinfo()->evtchn_pending[0],
                   shinfo()->evtchn_mask[0], vinfo(0)->evtchn_upcall_pending);
            break;
        }
        ++done;
    }
    const uint64_t t1 = counter();
    check(done == kPingRounds, "dom0.pingpong", "%u of %u", done, kPingRounds);
    if (done) printf("pingpong: %u round trips, %lu ticks each\n", done, (t1 - t0) / done);
    // Copy the domU's granted page.
    gnttab_copy_t c = {};
    c.source.u.ref = pp->copy_ref;
    c.source.domid = domu;
    c.dest.u.gmfn = reinterpret_cast<uint64_t>(g_copy) >> 12;
    c.dest.domid = DOMID_SELF;
    c.len = 4096;
    c.flags = GNTCOPY_source_gref;
    hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_copy, reinterpret_cast<uint64_t>(&c), 1);
    bool same = c.status == GNTST_okay;
    for (unsigned i = 0; same && i < 4096; ++i)
        same = g_copy[i] == pattern_byte(i);
    check(same, "dom0.grant_copy_from_domu", "status %d", c.status);
    pp->seq_dom0 = kPingDone;
    dsb();
    evtchn_send_t s = {port};
    evtchn_op(EVTCHNOP_send, &s);
    gnttab_unmap_grant_ref_t u = {kRingAt, 0, m.handle, 0};
    hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, reinterpret_cast<uint64_t>(&u),
              1);
    check(u.status == GNTST_okay, "dom0.unmap_domu_page");
}

} // namespace

void xt::main() {
    printf("dom0: %u vCPUs\n", nr_cpus());
    suites::abi();
    suites::evtchn();
    suites::grant_self();
    suites::hw_irq();
    set_port_handler(on_port);
    irq_enable();
    evtchn_bind_virq_t bv = {VIRQ_DOM_EXC, 0, 0};
    check(evtchn_op(EVTCHNOP_bind_virq, &bv) == 0, "dom0.bind_dom_exc");
    unmask(bv.port);
    suites::toolstack();
    const domid_t domu = find_domu();
    check(domu != 0, "dom0.found_domu", "domid %u", domu);
    if (domu) interdomain(domu, bv.port);
    // Wait for the domU to finish its own tests.
    xen_domctl_t d = {};
    const uint64_t end = counter() + 20 * counter_hz();
    bool down = false;
    while (!down && counter() < end) {
        const unsigned seen = g_events[bv.port];
        d = {};
        d.cmd = XEN_DOMCTL_getdomaininfo;
        d.domain = domu;
        down =
            domctl(d) == 0 && d.domain == domu && (d.u.getdomaininfo.flags & XEN_DOMINF_shutdown);
        const evtchn_port_t port = bv.port;
        if (!down) wait_until([port, seen] { return g_events[port] != seen; });
    }
    check(down &&
              ((d.u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift) & 0xff) == SHUTDOWN_poweroff,
          "dom0.domu_shut_down");
    finish("dom0");
}
