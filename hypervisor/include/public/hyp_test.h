/* NOT part of Xen's ABI: test hooks of this hypervisor, enabled only when its command line
 * has "testhooks", for in-guest tests that need to reach hardware the guest cannot touch.
 * Plain C. */
#ifndef HYP_PUBLIC_HYP_TEST_H
#define HYP_PUBLIC_HYP_TEST_H

#include "xen.h"

/* hvc #0xEA1 with x16 = __HYPERVISOR_hyp_test, x0 = command, x1.. = arguments. */
#define __HYPERVISOR_hyp_test (__HYPERVISOR_arch_0 + 1)

/* Software-pends physical SPI x1, which must be forwarded to the caller (dom0's
 * interrupts): exercises the physical path with the list-register HW bit. */
#define HYP_TEST_pend_phys_irq 0
/* Returns bit 0 = physical SPI/PPI x1 pending, bit 1 = active, on the calling pCPU. */
#define HYP_TEST_phys_irq_state 1
/* Returns the pCPU the calling vCPU runs on. */
#define HYP_TEST_current_pcpu 2
/* Returns the calling vCPU's migration count (scheduler statistics). */
#define HYP_TEST_vcpu_migrations 3
/* Logs every pCPU's and vCPU's scheduler, timer and vGIC state on the hypervisor console
 * (what debug_dump_ms= prints), for a test that finds a vCPU stuck. */
#define HYP_TEST_debug_dump 4

#endif
