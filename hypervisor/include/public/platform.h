/* platform_op (dom0 only): xen/include/public/platform.h, the subset implemented. Plain C. */
#ifndef XEN_PUBLIC_PLATFORM_H
#define XEN_PUBLIC_PLATFORM_H

#include "xen.h"

#define XENPF_INTERFACE_VERSION 0x03000001

#define XENPF_settime64 62
struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;
    uint64_t system_time; /* the system time (ns) at which secs/nsecs was true */
};
typedef struct xenpf_settime64 xenpf_settime64_t;

struct xen_platform_op {
    uint32_t cmd;
    uint32_t interface_version; /* XENPF_INTERFACE_VERSION */
    union {
        struct xenpf_settime64 settime64;
        uint8_t pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;

#endif
