// domctl and foreign memory for dom0 (see minios/xenctrl.h).
#include "xen_internal.h"

#include <minios/xenctrl.h>
#include <public/sysctl.h>

namespace minios::xenctrl {

int64_t domctl(xen_domctl_t& op) {
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return xen::hypercall(__HYPERVISOR_domctl, reinterpret_cast<uint64_t>(&op));
}

namespace {
// A domctl for `domid` with its argument union zeroed.
xen_domctl_t domctl_op(uint32_t cmd, domid_t domid) {
    xen_domctl_t op{};
    op.cmd = cmd;
    op.domain = domid;
    return op;
}
} // namespace

int getdomaininfo(domid_t first, DomainInfo* out) {
    xen_domctl_t op = domctl_op(XEN_DOMCTL_getdomaininfo, first);
    const int64_t rc = domctl(op);
    if (rc) return static_cast<int>(rc);
    const auto& i = op.u.getdomaininfo;
    out->domid = i.domain;
    out->flags = i.flags;
    out->tot_pages = i.tot_pages;
    out->max_pages = i.max_pages;
    out->online_vcpus = i.nr_online_vcpus;
    out->max_vcpu_id = i.max_vcpu_id;
    out->cpu_time_ns = i.cpu_time;
    return 0;
}

unsigned list_domains(DomainInfo* out, unsigned max) {
    unsigned n = 0;
    uint32_t next = 0;
    while (n < max && next < DOMID_FIRST_RESERVED) {
        DomainInfo d;
        if (getdomaininfo(static_cast<domid_t>(next), &d) != 0) break;
        if (d.domid < next) break; // a hypervisor answering only for exact ids would loop otherwise
        out[n++] = d;
        next = uint32_t(d.domid) + 1;
    }
    return n;
}

int create_domain(const CreateConfig& cfg, domid_t* domid) {
    xen_domctl_t op = domctl_op(XEN_DOMCTL_createdomain, 0); // let the hypervisor pick the id
    auto& c = op.u.createdomain;
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap; // what every Arm guest is
    c.max_vcpus = cfg.max_vcpus;
    c.max_evtchn_port = cfg.max_evtchn_port;
    c.max_grant_frames = cfg.max_grant_frames;
    c.max_maptrack_frames = cfg.max_maptrack_frames;
    c.grant_opts = 1; // the highest grant-table version it may use (version 0 is refused)
    c.arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V2;
    c.arch.nr_spis = cfg.nr_spis;
    const int64_t rc = domctl(op);
    if (rc == 0) *domid = op.domain;
    return static_cast<int>(rc);
}

int set_max_vcpus(domid_t domid, uint32_t n) {
    xen_domctl_t op = domctl_op(XEN_DOMCTL_max_vcpus, domid);
    op.u.max_vcpus.max = n;
    return static_cast<int>(domctl(op));
}

namespace {
// A domctl whose argument struct our public headers do not declare: its bytes go at the
// start of the union.
int domctl_raw(uint32_t cmd, domid_t domid, const void* arg, size_t size) {
    xen_domctl_t op = domctl_op(cmd, domid);
    memcpy(op.u.pad, arg, size);
    return static_cast<int>(domctl(op));
}
} // namespace

int set_paging_pool(domid_t domid, uint64_t bytes) {
    // XEN_DOMCTL_set_paging_mempool_size (86), struct xen_domctl_paging_mempool { uint64
    // size; } (Xen 4.17's domctl.h): the pool Xen on Arm takes a domain's stage-2 tables
    // from. Hypervisors without it answer -ENOSYS, which is fine.
    constexpr uint32_t kSetPagingMempoolSize = 86;
    return domctl_raw(kSetPagingMempoolSize, domid, &bytes, sizeof bytes);
}

int set_address_size(domid_t domid, uint32_t bits) {
    // XEN_DOMCTL_set_address_size (35), struct xen_domctl_address_size { uint32 size; }
    // (Xen's domctl.h): Xen on Arm creates domains 32-bit until told otherwise.
    constexpr uint32_t kSetAddressSize = 35;
    return domctl_raw(kSetAddressSize, domid, &bits, sizeof bits);
}

int set_max_mem(domid_t domid, uint64_t kib) {
    xen_domctl_t op = domctl_op(XEN_DOMCTL_max_mem, domid);
    op.u.max_mem.max_memkb = kib;
    return static_cast<int>(domctl(op));
}

int set_vcpu_context(domid_t domid, uint32_t vcpu, const vcpu_guest_context_t& ctx) {
    xen_domctl_t op = domctl_op(XEN_DOMCTL_setvcpucontext, domid);
    op.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
    return static_cast<int>(domctl(op));
}

namespace {
int simple(uint32_t cmd, domid_t domid) {
    xen_domctl_t op = domctl_op(cmd, domid);
    return static_cast<int>(domctl(op));
}
} // namespace

int pause(domid_t domid) {
    return simple(XEN_DOMCTL_pausedomain, domid);
}
int unpause(domid_t domid) {
    return simple(XEN_DOMCTL_unpausedomain, domid);
}
int destroy(domid_t domid) {
    return simple(XEN_DOMCTL_destroydomain, domid);
}

int alloc_unbound_for(domid_t domid, domid_t remote, evtchn_port_t* port) {
    evtchn_alloc_unbound_t op{};
    op.dom = domid;
    op.remote_dom = remote;
    const int64_t rc =
        xen::hypercall_ptr(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &op);
    if (rc == 0) *port = op.port;
    return static_cast<int>(rc);
}

int physinfo(uint64_t* total_pages, uint64_t* free_pages) {
    xen_sysctl_t op{};
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    const int64_t rc = xen::hypercall(__HYPERVISOR_sysctl, reinterpret_cast<uint64_t>(&op));
    if (rc) return static_cast<int>(rc);
    *total_pages = op.u.physinfo.total_pages;
    *free_pages = op.u.physinfo.free_pages;
    return 0;
}

int populate_physmap(domid_t domid, const xen_pfn_t* gfns, unsigned n, unsigned order) {
    // The hypervisor writes the list back (machine frames for PV): give it our copy.
    auto* list = static_cast<xen_pfn_t*>(malloc(n * sizeof(xen_pfn_t)));
    if (!list) return -XEN_ENOMEM;
    memcpy(list, gfns, n * sizeof(xen_pfn_t));
    xen_memory_reservation_t r{};
    set_xen_guest_handle(r.extent_start, list);
    r.nr_extents = n;
    r.extent_order = order;
    r.domid = domid;
    const int64_t rc = xen::hypercall_ptr(__HYPERVISOR_memory_op, XENMEM_populate_physmap, &r);
    free(list);
    // The hypercall returns how many extents it populated.
    if (rc < 0) return static_cast<int>(rc);
    return uint64_t(rc) == n ? 0 : -XEN_ENOMEM;
}

int map_foreign(domid_t domid, const xen_pfn_t* gfns, unsigned n, void** addr) {
    if (n == 0 || n > 0xffff) return -XEN_EINVAL;
    const paddr_t where = xen::window_alloc(n);
    if (!where) return -XEN_ENOSPC;
    auto* idxs = static_cast<xen_ulong_t*>(malloc(n * sizeof(xen_ulong_t)));
    auto* gpfns = static_cast<xen_pfn_t*>(malloc(n * sizeof(xen_pfn_t)));
    auto* errs = static_cast<int*>(calloc(n, sizeof(int)));
    int rc = (!idxs || !gpfns || !errs) ? -XEN_ENOMEM : 0;
    if (rc == 0) {
        for (unsigned i = 0; i < n; ++i) {
            idxs[i] = gfns[i];
            gpfns[i] = (where >> kPageShift) + i;
        }
        xen_add_to_physmap_batch_t b{};
        b.domid = DOMID_SELF;
        b.space = XENMAPSPACE_gmfn_foreign;
        b.size = static_cast<uint16_t>(n);
        b.foreign_domid = domid;
        set_xen_guest_handle(b.idxs, idxs);
        set_xen_guest_handle(b.gpfns, gpfns);
        set_xen_guest_handle(b.errs, errs);
        rc = static_cast<int>(
            xen::hypercall_ptr(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, &b));
        for (unsigned i = 0; rc == 0 && i < n; ++i)
            if (errs[i]) rc = errs[i];
        if (rc != 0) {
            // Undo whatever got mapped.
            for (unsigned i = 0; i < n; ++i) {
                xen_remove_from_physmap_t x{DOMID_SELF, gpfns[i]};
                xen::hypercall_ptr(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, &x);
            }
        }
    }
    free(idxs);
    free(gpfns);
    free(errs);
    if (rc != 0) {
        xen::window_free(where, n);
        return rc;
    }
    *addr = phys_to_virt(where);
    return 0;
}

int unmap_foreign(void* addr, unsigned n) {
    int rc = 0;
    for (unsigned i = 0; i < n; ++i) {
        xen_remove_from_physmap_t x{DOMID_SELF, (virt_to_phys(addr) >> kPageShift) + i};
        const int64_t r =
            xen::hypercall_ptr(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, &x);
        if (r) rc = static_cast<int>(r);
    }
    xen::window_free(virt_to_phys(addr), n);
    return rc;
}

} // namespace minios::xenctrl
