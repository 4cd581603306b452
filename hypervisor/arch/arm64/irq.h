// Physical interrupts: who owns each one (the hypervisor or a domain it is forwarded to)
// and the dispatch of everything the GIC signals to EL2.
#pragma once

#include <stdint.h>

namespace hyp::arch {

void irq_init(unsigned uart_intid);
// Forwards physical SPI `intid` to domain `domid` (as the same virtual INTID, LR HW bit).
bool irq_route_to_domain(unsigned intid, uint16_t domid);
// Owner of a physical SPI (DOMID_INVALID when none).
uint16_t irq_owner(unsigned intid);
void irq_release(unsigned intid);
// Software-pends a physical SPI (test hook).
void irq_pend(unsigned intid);

} // namespace hyp::arch
