// Shared state of the mini-OS's Xen support (not for apps).
#pragma once

#include "../kernel/internal.h"

#include <minios/xen.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

namespace minios::xen {

extern shared_info_t* shared;
extern vcpu_info_t* vcpu0;

void events_init(const bare::Fdt& fdt, int hyp_node);
void grant_init(const bare::Fdt& fdt, int hyp_node);
void console_init_ring();
// A console sink on console_io (dom0's console, or a domU's without a PV console ring).
void console_io_write(const char* s, size_t n);
void timer_init_virq();
// Pages of the foreign-mapping window (grant maps, foreign memory); 0 when none is left.
paddr_t window_alloc(unsigned pages);
void window_free(paddr_t addr, unsigned pages);
// Xen's system time now (ns), as the hypervisor counts it for set_timer_op and friends.
uint64_t system_time_ns();

} // namespace minios::xen

namespace minios::xenbus {
void init_ring(); // domU: the store ring from the HVM params
} // namespace minios::xenbus
