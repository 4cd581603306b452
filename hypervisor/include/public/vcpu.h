/* vcpu_op: xen/include/public/vcpu.h. Plain C. */
#ifndef XEN_PUBLIC_VCPU_H
#define XEN_PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise 0
#define VCPUOP_up 1
#define VCPUOP_down 2
#define VCPUOP_is_up 3
#define VCPUOP_get_runstate_info 4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer 6
#define VCPUOP_stop_periodic_timer 7
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9
#define VCPUOP_register_vcpu_info 10
#define VCPUOP_send_nmi 11
#define VCPUOP_get_physid 12
#define VCPUOP_register_vcpu_time_memory_area 13

#define RUNSTATE_running 0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked 2
#define RUNSTATE_offline 3

struct vcpu_runstate_info {
    int state;
    uint64_t state_entry_time; /* ns of system time */
    uint64_t time[4];          /* ns spent in each RUNSTATE_* */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
/* Set in state_entry_time while an update is in progress (VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

struct vcpu_register_runstate_memory_area {
    uint64_t addr; /* guest virtual address of a vcpu_runstate_info */
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;

struct vcpu_register_vcpu_info {
    uint64_t mfn;    /* guest frame number of the page holding the vcpu_info */
    uint32_t offset; /* offset in that page */
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;

#endif
