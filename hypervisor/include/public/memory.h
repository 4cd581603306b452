/* memory_op: xen/include/public/memory.h. Plain C. */
#ifndef XEN_PUBLIC_MEMORY_H
#define XEN_PUBLIC_MEMORY_H

#include "xen.h"

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page 2
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_populate_physmap 6
#define XENMEM_add_to_physmap 7
#define XENMEM_maximum_gpfn 14
#define XENMEM_remove_from_physmap 15
#define XENMEM_add_to_physmap_batch 23

/* increase/decrease_reservation, populate_physmap. */
struct xen_memory_reservation {
    xen_guest_handle_t extent_start; /* xen_pfn_t[nr_extents]: gpfns */
    xen_ulong_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;
    domid_t domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;

#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_range 3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio 5
#define XENMAPIDX_grant_table_status 0x80000000U

struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;  /* gmfn_range only */
    uint32_t space; /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

/* Only XENMAPSPACE_gmfn_foreign is implemented: maps pages of domain foreign_domid
 * (idxs[] are its gfns) at gpfns[] of domid (dom0 only: how a toolstack loads a domU). */
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space;
    uint16_t size;
    domid_t foreign_domid;
    xen_guest_handle_t idxs;  /* xen_ulong_t[size] */
    xen_guest_handle_t gpfns; /* xen_pfn_t[size] */
    xen_guest_handle_t errs;  /* int[size] */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;

struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;

#endif
