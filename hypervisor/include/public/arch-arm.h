/* Xen guest ABI, arm64 part: calling convention, handles, guest physical memory map.
 * Follows xen/include/public/arch-arm.h (Xen 4.17); written here. Plain C.
 *
 * Hypercall: hvc #0xEA1, number in x16, arguments x0..x4, result in x0.
 */
#ifndef XEN_PUBLIC_ARCH_ARM_H
#define XEN_PUBLIC_ARCH_ARM_H

#include <stdint.h>

#define XEN_HYPERCALL_TAG 0xEA1

typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;
typedef uint64_t xen_callback_t;

/* A guest pointer stored in a hypercall argument struct: always 8 bytes, 8-byte aligned,
 * a guest virtual address. */
typedef uint64_t xen_guest_handle_t;
#define set_xen_guest_handle(hnd, val) ((hnd) = (uint64_t)(uintptr_t)(val))

#define XEN_LEGACY_MAX_VCPUS 1

/* The guest physical address space every domain sees (arch-arm.h "Virtual machine
 * platform"). Guests must discover it from their device tree; these are the values the
 * hypervisor uses. */
#define GUEST_GICD_BASE 0x03001000ULL
#define GUEST_GICD_SIZE 0x00001000ULL
#define GUEST_GICC_BASE 0x03002000ULL
#define GUEST_GICC_SIZE 0x00002000ULL
#define GUEST_PL011_BASE 0x22000000ULL
#define GUEST_PL011_SIZE 0x00001000ULL
#define GUEST_GNTTAB_BASE 0x38000000ULL
#define GUEST_GNTTAB_SIZE 0x01000000ULL
#define GUEST_MAGIC_BASE 0x39000000ULL
#define GUEST_MAGIC_SIZE 0x01000000ULL
#define GUEST_RAM0_BASE 0x40000000ULL
#define GUEST_RAM0_SIZE 0xc0000000ULL

#define GUEST_TIMER_VIRT_PPI 27
#define GUEST_TIMER_PHYS_S_PPI 29
#define GUEST_TIMER_PHYS_NS_PPI 30
#define GUEST_EVTCHN_PPI 31

/* Pages in the magic region (libxl's offsets): console ring, xenstore ring. */
#define GUEST_CONSOLE_PFN_OFFSET 0
#define GUEST_XENSTORE_PFN_OFFSET 1

/* PSTATE for a new vCPU: EL1h with D, A, I, F masked. */
#define PSR_GUEST64_INIT 0x3c5ULL

/* vCPU register state for XEN_DOMCTL_setvcpucontext / VCPUOP_initialise (arm64 view of
 * struct vcpu_guest_core_regs: x0..x30, pc, cpsr, then the EL1 registers). */
struct vcpu_guest_core_regs {
    uint64_t x[31];
    uint64_t pc64;
    uint32_t cpsr;
    uint32_t spsr_el1;
    uint32_t spsr_fiq, spsr_irq, spsr_und, spsr_abt; /* AArch32 only */
    uint64_t sp_el0;
    uint64_t sp_el1, elr_el1;
};
typedef struct vcpu_guest_core_regs vcpu_guest_core_regs_t;

#define VGCF_online (1U << 0)
struct vcpu_guest_context {
    uint32_t flags;
    struct vcpu_guest_core_regs user_regs;
    uint32_t sctlr;
    uint64_t ttbcr, ttbr0, ttbr1;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

#define XEN_DOMCTL_CONFIG_GIC_NATIVE 0
#define XEN_DOMCTL_CONFIG_GIC_V2 1
#define XEN_DOMCTL_CONFIG_GIC_V3 2
struct xen_arch_domainconfig {
    uint8_t gic_version;
    uint16_t tee_type;
    uint32_t nr_spis;
    uint32_t clock_frequency;
};

#endif
