// The hypervisor's serial console: a PL011 (ARM DDI 0183), transmit polled, receive by
// interrupt (the characters go to dom0 through CONSOLEIO_read and VIRQ_CONSOLE).
#include "uart.h"

namespace hyp::arch {

namespace {
volatile uint32_t* g_uart = nullptr;
constexpr unsigned kDr = 0x00 / 4, kFr = 0x18 / 4, kImsc = 0x38 / 4, kIcr = 0x44 / 4;
constexpr uint32_t kFrTxff = 1u << 5, kFrRxfe = 1u << 4;
constexpr uint32_t kIntRx = 1u << 4, kIntRt = 1u << 6;

void uart_putc(char c) {
    if (!g_uart) return;
    while (g_uart[kFr] & kFrTxff) {
    }
    g_uart[kDr] = static_cast<uint8_t>(c);
}
} // namespace

void uart_init(uint64_t base) {
    g_uart = reinterpret_cast<volatile uint32_t*>(base);
}

void uart_write(const char* s, size_t n) {
    for (size_t i = 0; i < n; ++i)
        uart_putc(s[i]);
}

void uart_enable_rx_irq() {
    if (g_uart) g_uart[kImsc] = kIntRx | kIntRt;
}

int uart_getc() {
    if (!g_uart || (g_uart[kFr] & kFrRxfe)) return -1;
    return static_cast<int>(g_uart[kDr] & 0xff);
}

void uart_ack_irq() {
    if (g_uart) g_uart[kIcr] = kIntRx | kIntRt;
}

} // namespace hyp::arch
