// The hypervisor's PL011 console.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace hyp::arch {

void uart_init(uint64_t base);
void uart_write(const char* s, size_t n);
void uart_enable_rx_irq();
int uart_getc(); // -1 when the receive FIFO is empty
void uart_ack_irq();

} // namespace hyp::arch
