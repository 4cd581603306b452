/* sysctl (host-wide control, dom0 only): the subset of xen/include/public/sysctl.h
 * (interface version 0x15, Xen 4.17) a toolstack's "free memory" needs. Plain C. */
#ifndef XEN_PUBLIC_SYSCTL_H
#define XEN_PUBLIC_SYSCTL_H

#include "xen.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

#define XEN_SYSCTL_physinfo 3

#define XEN_SYSCTL_PHYSCAP_hvm (1u << 0)
#define XEN_SYSCTL_PHYSCAP_pv (1u << 1)
#define XEN_SYSCTL_PHYSCAP_directio (1u << 2)
#define XEN_SYSCTL_PHYSCAP_hap (1u << 3)
#define XEN_SYSCTL_PHYSCAP_shadow (1u << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1u << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1 (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2 (1u << 9)
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus; /* online */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;      /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities; /* XEN_SYSCTL_PHYSCAP_{X86,ARM}_* */
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;
    uint64_t max_mfn;
    uint32_t hw_cap[8];
};
typedef struct xen_sysctl_physinfo xen_sysctl_physinfo_t;

struct xen_sysctl {
    uint32_t cmd;
    uint32_t interface_version; /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_physinfo physinfo;
        uint8_t pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;

#endif
