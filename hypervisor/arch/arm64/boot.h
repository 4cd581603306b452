// arm64 services the portable start-up uses.
#pragma once

#include "../../common/boot_info.h"

namespace hyp {
struct Domain;
struct GuestRegs;
} // namespace hyp

namespace hyp::arch {

const BootInfo& boot_info();
// Where pCPU `cpu` saves the running guest's registers (top of its stack).
GuestRegs* pcpu_frame(unsigned cpu);
// GIC, EL2 registers, vGIC list registers, timers, console input on the boot pCPU.
void init_primary(const BootInfo& info);
// The same per-CPU part on a secondary pCPU.
void init_secondary(unsigned cpu);
bool start_secondary(unsigned cpu, uint64_t mpidr);
// SPIs dom0 gets: every physical SPI the hypervisor does not use, forwarded with the HW bit.
unsigned host_nr_spis();
void give_host_irqs(Domain* d);
[[noreturn]] void start_idle();

} // namespace hyp::arch
