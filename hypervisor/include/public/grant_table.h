/* Grant tables (version 1): xen/include/public/grant_table.h. Plain C. */
#ifndef XEN_PUBLIC_GRANT_TABLE_H
#define XEN_PUBLIC_GRANT_TABLE_H

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* A shared grant entry, written by the granting domain. */
struct grant_entry_v1 {
    uint16_t flags; /* GTF_* */
    domid_t domid;  /* who may use the grant */
    uint32_t frame; /* guest frame number in the granting domain */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

#define GTF_invalid (0U << 0)
#define GTF_permit_access (1U << 0)
#define GTF_accept_transfer (2U << 0)
#define GTF_transitive (3U << 0)
#define GTF_type_mask (3U << 0)
#define GTF_readonly (1U << 2)
#define GTF_reading (1U << 3)
#define GTF_writing (1U << 4)

#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12

#define GNTMAP_device_map (1U << 0)
#define GNTMAP_host_map (1U << 1)
#define GNTMAP_readonly (1U << 2)
#define GNTMAP_application_map (1U << 3)
#define GNTMAP_contains_pte (1U << 4)

/* On ARM host_addr is the guest physical address (IPA) where the frame is mapped. */
struct gnttab_map_grant_ref {
    uint64_t host_addr;    /* IN */
    uint32_t flags;        /* IN: GNTMAP_* */
    grant_ref_t ref;       /* IN */
    domid_t dom;           /* IN */
    int16_t status;        /* OUT: GNTST_* */
    grant_handle_t handle; /* OUT */
    uint64_t dev_bus_addr; /* OUT */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status; /* OUT */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;

struct gnttab_setup_table {
    domid_t dom;                   /* IN */
    uint32_t nr_frames;            /* IN */
    int16_t status;                /* OUT */
    xen_guest_handle_t frame_list; /* IN: xen_pfn_t[nr_frames], OUT: their gfns */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;

#define GNTCOPY_source_gref (1U << 0)
#define GNTCOPY_dest_gref (1U << 1)
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};
struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags; /* GNTCOPY_* */
    int16_t status; /* OUT */
};
typedef struct gnttab_copy gnttab_copy_t;

struct gnttab_query_size {
    domid_t dom;            /* IN */
    uint32_t nr_frames;     /* OUT */
    uint32_t max_nr_frames; /* OUT */
    int16_t status;         /* OUT */
};
typedef struct gnttab_query_size gnttab_query_size_t;

struct gnttab_set_version {
    uint32_t version; /* IN/OUT */
};
typedef struct gnttab_set_version gnttab_set_version_t;

struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version;
};
typedef struct gnttab_get_version gnttab_get_version_t;

#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

#endif
