/* domctl (toolstack domain control, dom0 only): the subset of xen/include/public/domctl.h
 * (interface version 0x15, Xen 4.17) this hypervisor implements. Plain C. */
#ifndef XEN_PUBLIC_DOMCTL_H
#define XEN_PUBLIC_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

#define XEN_DOMCTL_createdomain 1
#define XEN_DOMCTL_destroydomain 2
#define XEN_DOMCTL_pausedomain 3
#define XEN_DOMCTL_unpausedomain 4
#define XEN_DOMCTL_getdomaininfo 5
#define XEN_DOMCTL_max_mem 11
#define XEN_DOMCTL_setvcpucontext 12
#define XEN_DOMCTL_getvcpucontext 13
#define XEN_DOMCTL_max_vcpus 15

#define XEN_DOMCTL_CDF_hvm (1U << 0)
#define XEN_DOMCTL_CDF_hap (1U << 1)

/* domctl.domain: 0 or >= DOMID_FIRST_RESERVED asks for an id to be allocated. */
struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t flags; /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;
    int32_t max_maptrack_frames;
    uint32_t grant_opts;
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

#define XEN_DOMINF_dying (1U << 0)
#define XEN_DOMINF_hvm_guest (1U << 1)
#define XEN_DOMINF_shutdown (1U << 2)
#define XEN_DOMINF_paused (1U << 3)
#define XEN_DOMINF_blocked (1U << 4)
#define XEN_DOMINF_running (1U << 5)
#define XEN_DOMINF_debugged (1U << 6)
#define XEN_DOMINF_xs_domain (1U << 7)
#define XEN_DOMINF_hap (1U << 8)
#define XEN_DOMINF_shutdownmask 255
#define XEN_DOMINF_shutdownshift 16

/* For getdomaininfo, domctl.domain is the first domain id to look at: the answer is the
 * first existing domain with id >= domctl.domain (as Xen does), so a toolstack can list
 * every domain by iterating; -ESRCH when there is none. */
struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags; /* XEN_DOMINF_* */
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame;
    uint64_t cpu_time; /* ns */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};

struct xen_domctl_max_mem {
    uint64_t max_memkb;
};

struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    xen_guest_handle_t ctxt; /* vcpu_guest_context_t */
};

struct xen_domctl_max_vcpus {
    uint32_t max;
};

struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version; /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_max_vcpus max_vcpus;
        uint8_t pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;

#endif
