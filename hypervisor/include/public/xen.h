/* Xen guest ABI: hypercall numbers, domain ids, VIRQs, shared_info and vcpu_info.
 *
 * Numbers and layouts follow Xen's public headers (xen/include/public/xen.h, Xen 4.17) for an
 * arm64 guest; this file is written here, not copied. Plain C: it is the contract with C guests.
 * Pointers inside structs are 64-bit guest virtual addresses (see xen_guest_handle_t).
 */
#ifndef XEN_PUBLIC_XEN_H
#define XEN_PUBLIC_XEN_H

#include "arch-arm.h"

/* Hypercall numbers (x16 on arm64; hvc #XEN_HYPERCALL_TAG). */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_argo_op 39
#define __HYPERVISOR_dm_op 41
#define __HYPERVISOR_hypfs_op 42
#define __HYPERVISOR_arch_0 48
#define __HYPERVISOR_arch_7 55

/* Virtual interrupts delivered through event channels ("V." per vCPU, "G." global). */
#define VIRQ_TIMER 0   /* V. */
#define VIRQ_DEBUG 1   /* V. */
#define VIRQ_CONSOLE 2 /* G. (dom0) bytes received on the hypervisor console */
#define VIRQ_DOM_EXC 3 /* G. (dom0) a domain shut down or died */
#define VIRQ_TBUF 4
#define VIRQ_DEBUGGER 6
#define VIRQ_XENOPROF 7
#define VIRQ_CON_RING 8
#define VIRQ_PCPU_STATE 9
#define VIRQ_MEM_EVENT 10
#define VIRQ_ARGO 11
#define VIRQ_ENOMEM 12
#define VIRQ_XENPMU 13
#define NR_VIRQS 24

/* console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* vm_assist. */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_runstate_update_flag 5

typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF 0x7FF0U
#define DOMID_IO 0x7FF1U
#define DOMID_XEN 0x7FF2U
#define DOMID_COW 0x7FF3U
#define DOMID_INVALID 0x7FF4U
#define DOMID_IDLE 0x7FFFU

/* The 2-level event channel ABI: one bit per port in shared_info. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    int8_t pad1[3];
}; /* 32 bytes */
typedef struct vcpu_time_info vcpu_time_info_t;

/* Xen declares an empty `struct arch_vcpu_info arch;` between evtchn_pending_sel and time.
 * It has size 0 in GNU C but 1 in C++, so it is left out: the layout below is the GNU C one
 * (48 bytes on arm64). */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    /* struct arch_shared_info arch: empty on ARM, left out (see vcpu_info). */
};
typedef struct shared_info shared_info_t;

typedef uint8_t xen_domain_handle_t[16];

#endif
