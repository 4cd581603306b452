// Privileged Xen operations for dom0 (and, where the hypervisor allows, driver domains):
// domain control (domctl, interface version 0x15 as Xen 4.17) and foreign memory. What xl's
// libxc does for a toolstack, in the small. Results are 0 or -XEN_E*.
#pragma once

#include <minios/xen.h>
#include <public/domctl.h>

namespace minios::xenctrl {

struct DomainInfo {
    domid_t domid;
    uint32_t flags; // XEN_DOMINF_*
    uint64_t tot_pages, max_pages;
    uint32_t online_vcpus, max_vcpu_id;
    uint64_t cpu_time_ns;
    bool dying() const { return flags & XEN_DOMINF_dying; }
    bool shutdown() const { return flags & XEN_DOMINF_shutdown; }
    bool paused() const { return flags & XEN_DOMINF_paused; }
    bool blocked() const { return flags & XEN_DOMINF_blocked; }
    bool running() const { return flags & XEN_DOMINF_running; }
    unsigned shutdown_reason() const {
        return (flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    }
};

int64_t domctl(xen_domctl_t& op); // fills in the interface version
// The first domain with an id >= first.
int getdomaininfo(domid_t first, DomainInfo* out);
// Every domain, in id order; returns how many (at most max).
unsigned list_domains(DomainInfo* out, unsigned max);

struct CreateConfig {
    uint32_t max_vcpus = 1;
    uint32_t max_evtchn_port = 1023;
    int32_t max_grant_frames = 32;
    int32_t max_maptrack_frames = 64;
    uint32_t nr_spis = 32;
};
int create_domain(const CreateConfig& cfg, domid_t* domid);
int set_max_vcpus(domid_t domid, uint32_t n);
int set_max_mem(domid_t domid, uint64_t kib);
// AArch64 (64) or AArch32 (32) guest (XEN_DOMCTL_set_address_size).
int set_address_size(domid_t domid, uint32_t bits);
// Stage-2 page-table pool (Xen 4.17 on Arm needs one before populate_physmap).
int set_paging_pool(domid_t domid, uint64_t bytes);
int set_vcpu_context(domid_t domid, uint32_t vcpu, const vcpu_guest_context_t& ctx);
int pause(domid_t domid);
int unpause(domid_t domid);
int destroy(domid_t domid);

// An unbound port in `domid` for `remote` (dom0 setting up a domain's channels).
int alloc_unbound_for(domid_t domid, domid_t remote, evtchn_port_t* port);

// Host memory in pages (XEN_SYSCTL_physinfo); -XEN_ENOSYS where the hypervisor has no
// sysctl.
int physinfo(uint64_t* total_pages, uint64_t* free_pages);

// Guest memory: give `domid` pages at gfns (extents of 2^order pages each).
int populate_physmap(domid_t domid, const xen_pfn_t* gfns, unsigned n, unsigned order);
// Maps n gfns of a foreign domain into our address space (the foreign-mapping window);
// *addr gets the virtual address of the first. All or nothing.
int map_foreign(domid_t domid, const xen_pfn_t* gfns, unsigned n, void** addr);
int unmap_foreign(void* addr, unsigned n);

} // namespace minios::xenctrl
