// dom0 of the dom0less scenario: watches the two boot-time domUs, reboots domU2 once
// (SCHEDOP_remote_shutdown, reboot: the hypervisor rebuilds it from its boot modules), and
// powers the machine off when both have finished.
#include "../../../hypervisor/include/public/domctl.h"
#include "../../../hypervisor/include/public/grant_table.h"
#include "../../../hypervisor/include/public/sched.h"
#include "dl_proto.h"
#include "suites.h"

using namespace xt;

namespace {
volatile unsigned g_dom_exc = 0;
void on_port(evtchn_port_t) {
    g_dom_exc = g_dom_exc + 1;
}

bool info(domid_t id, xen_domctl_getdomaininfo& out) {
    xen_domctl_t d = {};
    d.cmd = XEN_DOMCTL_getdomaininfo;
    d.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    d.domain = id;
    if (hypercall(__HYPERVISOR_domctl, reinterpret_cast<uint64_t>(&d)) || d.domain != id)
        return false;
    out = d.u.getdomaininfo;
    return true;
}

bool shut_down(domid_t id, unsigned* reason) {
    xen_domctl_getdomaininfo i;
    if (!info(id, i) || !(i.flags & XEN_DOMINF_shutdown)) return false;
    *reason = (i.flags >> XEN_DOMINF_shutdownshift) & 0xff;
    return true;
}

// Maps domU `id`'s xenstore page (granted to dom0 by the hypervisor).
DlPage* map_store(domid_t id, uint64_t at, grant_handle_t* h) {
    gnttab_map_grant_ref_t m = {at, GNTMAP_host_map, GNTTAB_RESERVED_XENSTORE, id, 0, 0, 0};
    hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, reinterpret_cast<uint64_t>(&m),
              1);
    *h = m.handle;
    return m.status == GNTST_okay ? reinterpret_cast<DlPage*>(at) : nullptr;
}
void unmap(uint64_t at, grant_handle_t h) {
    gnttab_unmap_grant_ref_t u = {at, 0, h, 0};
    hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, reinterpret_cast<uint64_t>(&u),
              1);
}
} // namespace

void xt::main() {
    printf("dom0: %u vCPUs, watching domU1 and domU2\n", nr_cpus());
    gic_init_cpu();
    events_init();
    set_port_handler(on_port);
    evtchn_bind_virq_t bv = {VIRQ_DOM_EXC, 0, 0};
    const int64_t rb = evtchn_op(EVTCHNOP_bind_virq, &bv);
    check(rb == 0, "dl.dom0.bind_dom_exc", "%ld", rb);
    unmask(bv.port);
    irq_enable();
    xen_domctl_getdomaininfo i1, i2;
    check(info(1, i1) && info(2, i2), "dl.dom0.domus_exist");
    check(i1.nr_online_vcpus >= 1 && i1.max_vcpu_id == 3 && i2.max_vcpu_id == 2,
          "dl.dom0.domu_vcpus", "domU1 %u, domU2 %u", i1.max_vcpu_id + 1, i2.max_vcpu_id + 1);
    // domU2 waits for a go: reboot its first incarnation instead, let the second one run.
    constexpr uint64_t kMapAt = GUEST_MAGIC_BASE + 0x50000;
    auto wait_magic = [&](grant_handle_t* h) -> DlPage* {
        const uint64_t t0 = counter();
        while (counter() - t0 < 20 * counter_hz()) {
            if (DlPage* p = map_store(2, kMapAt, h)) {
                if (p->magic == kDlMagic) return p;
                unmap(kMapAt, *h);
            }
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        }
        return nullptr;
    };
    grant_handle_t h;
    DlPage* p = wait_magic(&h);
    check(p != nullptr, "dl.dom0.domu2_started");
    if (p) {
        unmap(kMapAt, h);
        sched_remote_shutdown_t rs = {2, SHUTDOWN_reboot};
        check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown,
                        reinterpret_cast<uint64_t>(&rs)) == 0,
              "dl.dom0.reboot_domu2");
        // The new incarnation: same domid, running again (not shut down, not dying).
        const uint64_t t0 = counter();
        xen_domctl_getdomaininfo i;
        while (!(info(2, i) && !(i.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying))) &&
               counter() - t0 < 20 * counter_hz())
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        p = wait_magic(&h);
        check(p != nullptr, "dl.dom0.domu2_rebooted");
        if (p) {
            p->go = 1;
            dsb();
            unmap(kMapAt, h);
        }
    }
    // Both finish with poweroff (domU2 in its second life).
    unsigned r1 = 99, r2 = 99;
    const uint64_t end = counter() + 60 * counter_hz();
    bool d1 = false, d2 = false;
    while (!(d1 && d2) && counter() < end) {
        const unsigned seen = g_dom_exc;
        d1 = shut_down(1, &r1);
        d2 = shut_down(2, &r2);
        if (!(d1 && d2)) {
            // A DOM_EXC after `seen` was read is never missed: it changes the count.
            wait_until([seen] { return g_dom_exc != seen; });
        }
    }
    check(d1 && r1 == SHUTDOWN_poweroff, "dl.dom0.domu1_done", "reason %u", r1);
    check(d2 && r2 == SHUTDOWN_poweroff, "dl.dom0.domu2_done", "reason %u", r2);
    if (info(1, i1) && info(2, i2))
        printf("dl: cpu time domU1 %lu us, domU2 %lu us\n", i1.cpu_time / 1000, i2.cpu_time / 1000);
    finish("dom0");
}
