// Interrupt-driven console input: the PL011's receive interrupt (SPI 1, INTID 33) through
// the GIC wakes the core from WFI; the handler drains the receive FIFO and echoes each
// line in capitals until "quit". With "fifo" in /chosen/bootargs the FIFOs are on and the
// receive timeout interrupt (RTIM) reports a short tail below the trigger level; without it
// the UART keeps its one-character holding register, which QEMU and armsim agree on even
// when input arrives before the program starts (QEMU drops what is queued when FEN
// changes, as the tests/unit PL011 model does).
#include "../common/gicv2.h"

using namespace gicv2;

namespace {

constexpr unsigned kUartIntid = 33;
volatile uint32_t* const uart = reinterpret_cast<volatile uint32_t*>(0x09000000);
constexpr unsigned kDr = 0x00 / 4, kFr = 0x18 / 4, kLcrH = 0x2c / 4, kImsc = 0x38 / 4,
                   kMis = 0x40 / 4, kIcr = 0x44 / 4;
constexpr uint32_t kRxfe = 1u << 4, kRxim = 1u << 4, kRtim = 1u << 6;

char line[128];
unsigned len;
volatile bool done;
unsigned lines;

void got(char c) {
    if (c == '\r') return;
    if (c != '\n') {
        if (len + 1 < sizeof line)
            line[len++] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        return;
    }
    line[len] = 0;
    ++lines;
    bare_printf("echo %u: %s\n", lines, line);
    if (strcmp(line, "QUIT") == 0) done = true;
    len = 0;
}

} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    expect_irq(f, kind);
    const uint32_t iar = gicc(GICC_IAR);
    if ((iar & 0x3ff) == kUartIntid) {
        while (!(uart[kFr] & kRxfe))
            got(static_cast<char>(uart[kDr] & 0xff));
        uart[kIcr] = kRxim | kRtim;
    }
    gicc(GICC_EOIR, iar);
}

extern "C" void bare_main(uint64_t dtb) {
    const bare::Fdt fdt = bare::boot_console(dtb);
    const char* args = fdt.prop_string(fdt.node("/chosen"), "bootargs");
    const bool fifo = args && strcmp(args, "fifo") == 0;
    if (fifo) uart[kLcrH] = (1u << 4) | (3u << 5); // FEN, 8 bits
    uart[kImsc] = kRxim | (fifo ? kRtim : 0);
    gicd(GICD_CTLR, 1);
    enable(kUartIntid, 0x80);
    *reinterpret_cast<volatile uint8_t*>(kGicd + GICD_ITARGETSR + kUartIntid) = 1;
    cpu_interface_on();
    // Physical IRQs are taken at EL2 only when routed there (HCR_EL2.IMO; D1.13.1).
    asm volatile("msr hcr_el2, %0\n isb" ::"r"(uint64_t(1) << 4));
    bare_printf("serial echo: ready (%s)\n", fifo ? "FIFO" : "holding register");
    irq_enable();
    while (!done)
        asm volatile("wfi");
    irq_disable();
    bare_printf("serial echo: %u lines, bye (MIS %x)\n", lines, uart[kMis]);
}
