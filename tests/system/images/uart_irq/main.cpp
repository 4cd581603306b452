// The PL011's interrupt reaches the core through the GIC as SPI 1 (INTID 33): the transmit
// interrupt, raised once a character has left, is taken, identified by UARTMIS, cleared
// with UARTICR and completed. QEMU and armsim must print the same.
#include "../common/gicv2.h"

using namespace gicv2;

namespace {
constexpr uint64_t kUart = 0x09000000;
constexpr uint32_t UARTDR = 0x00, UARTIMSC = 0x38, UARTRIS = 0x3c, UARTMIS = 0x40, UARTICR = 0x44;
constexpr uint32_t kTxIm = 1u << 5;
constexpr unsigned kUartIntid = 33;
volatile uint32_t seen_iar, seen_mis;
} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    expect_irq(f, kind);
    const uint32_t iar = gicc(GICC_IAR);
    seen_mis = reg(kUart, UARTMIS);
    reg(kUart, UARTIMSC) = 0;
    reg(kUart, UARTICR) = kTxIm;
    seen_iar = iar;
    gicc(GICC_EOIR, iar);
}

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    gicd(GICD_CTLR, 1);
    enable(kUartIntid, 0x80);
    *reinterpret_cast<volatile uint8_t*>(kGicd + GICD_ITARGETSR + kUartIntid) = 1;
    cpu_interface_on();
    WRITE_SYSREG(hcr_el2, (1ull << 31) | (1ull << 4));
    reg(kUart, UARTICR) = 0x7ff;
    reg(kUart, UARTIMSC) = kTxIm;
    reg(kUart, UARTDR) = '*';
    wait_until([] { return seen_iar != 0; });
    bare_printf("\nINTID %u, UARTMIS %x, now RIS&TX %x, SPI pending %u\n", seen_iar, seen_mis,
                reg(kUart, UARTRIS) & kTxIm, pending(kUartIntid));
}
