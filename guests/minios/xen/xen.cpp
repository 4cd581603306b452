// Xen discovery and set-up: features, the console for dom0, shared info, then events,
// grants, the domU console ring, VIRQ_TIMER and the xenstore ring.
#include "xen_internal.h"

#include <public/hvm/params.h>

namespace minios::xen {

shared_info_t* shared = nullptr;
vcpu_info_t* vcpu0 = nullptr;

namespace {

bool on_xen = false;
bool dom0 = false;
int hyp_node = -1;

} // namespace

void console_io_write(const char* s, size_t n) {
    bare::xen_console_write(s, n);
}

bool present() {
    return on_xen;
}
bool is_dom0() {
    return dom0;
}

int64_t hvm_get_param(domid_t domid, uint32_t index, uint64_t* value) {
    xen_hvm_param_t p{};
    p.domid = domid;
    p.index = index;
    const int64_t rc = hypercall_ptr(__HYPERVISOR_hvm_op, HVMOP_get_param, &p);
    if (rc == 0) *value = p.value;
    return rc;
}

int64_t hvm_set_param(domid_t domid, uint32_t index, uint64_t value) {
    xen_hvm_param_t p{};
    p.domid = domid;
    p.index = index;
    p.value = value;
    return hypercall_ptr(__HYPERVISOR_hvm_op, HVMOP_set_param, &p);
}

void yield_cpu() {
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}

uint64_t system_time_ns() {
    // vcpu_time_info, when the hypervisor keeps it, relates the counter to its system
    // time (pvclock: system_time + ((counter - tsc_timestamp) << shift) * mul >> 32).
    // Without it, system time is taken to be our counter's time.
    const vcpu_time_info_t* t = vcpu0 ? &vcpu0->time : nullptr;
    for (int tries = 0; t && tries < 4; ++tries) {
        const uint32_t v1 = proto::read_once(t->version);
        arch::rmb();
        if (v1 == 0 || (v1 & 1) || t->tsc_to_system_mul == 0) break;
        const uint64_t stamp = t->tsc_timestamp, sys = t->system_time;
        const uint32_t mul = t->tsc_to_system_mul;
        const int8_t shift = t->tsc_shift;
        arch::rmb();
        if (proto::read_once(t->version) != v1) continue;
        uint64_t delta = arch::counter() - stamp;
        delta = shift >= 0 ? delta << shift : delta >> -shift;
        return sys + static_cast<uint64_t>((static_cast<unsigned __int128>(delta) * mul) >> 32);
    }
    return now_ns();
}

} // namespace minios::xen

namespace minios {

void xen_early_init(const bare::Fdt& fdt) {
    using namespace xen;
    on_xen = true;
    hyp_node = fdt.node("/hypervisor");
    xen_feature_info_t fi{};
    fi.submap_idx = 0;
    if (hypercall_ptr(__HYPERVISOR_xen_version, XENVER_get_features, &fi) == 0)
        dom0 = (fi.submap >> XENFEAT_dom0) & 1;
    mutable_boot_info().dom0 = dom0;
    if (dom0) console_set_sink(console_io_write, "xen-console_io");
}

void xen_init(const bare::Fdt& fdt) {
    using namespace xen;
    // Shared info over one of our own pages (as Linux does); the page's RAM is given up.
    const paddr_t si = alloc_pages(1);
    if (!si) panic("xen: no page for shared info");
    xen_add_to_physmap_t xatp{};
    xatp.domid = DOMID_SELF;
    xatp.space = XENMAPSPACE_shared_info;
    xatp.idx = 0;
    xatp.gpfn = si >> kPageShift;
    const int64_t rc = hypercall_ptr(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &xatp);
    if (rc != 0) panic("xen: add_to_physmap(shared_info) failed: %ld", rc);
    shared = static_cast<shared_info_t*>(phys_to_virt(si));
    vcpu0 = &shared->vcpu_info[0];
    events_init(fdt, hyp_node);
    grant_init(fdt, hyp_node);
    if (!dom0) console_init_ring();
    timer_init_virq();
    if (!dom0) xenbus::init_ring();
}

void xen_shutdown(unsigned reason) {
    sched_shutdown_t s{reason};
    xen::hypercall_ptr(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &s);
    // Still here: the hypervisor refused. Stop this vCPU as quietly as possible.
    for (;;)
        arch::wfi();
}

} // namespace minios
