// A physical SPI forwarded to an EL1 guest with the list register's HW bit: EL2 takes the
// SPI, drops its priority but leaves it active (GICC_CTLR.EOImode), and injects it as a
// hardware virtual interrupt; the guest's EOI through GICV deactivates the physical
// interrupt (IHI 0048B 5.2.1). The SPI is made pending by software (GICD_ISPENDR): INTID 130
// is wired to nothing on QEMU virt. QEMU and armsim must print the same.
#include "../common/gicv2.h"

using namespace gicv2;

namespace {

constexpr unsigned kSpi = 130, kVirq = 77;
alignas(16) uint8_t el1_stack[8192];
volatile unsigned guest_done;

void show(const char* when) {
    bare_printf("%s: SPI pending %u active %u, LR0 %08x ELRSR0 %x EISR0 %x RPR %x\n", when,
                pending(kSpi), active(kSpi), gich(GICH_LR0), gich(GICH_ELRSR0), gich(GICH_EISR0),
                gicc(GICC_RPR));
}

void guest_main() {
    gicv(GICC_PMR, 0xf8);
    gicv(GICC_CTLR, 1);
    asm volatile("hvc #1" ::: "memory"); // please raise the SPI
    wait_until([] { return guest_done != 0; });
    asm volatile("hvc #2" ::: "memory");
}

} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    const unsigned el = bare::current_el();
    if (el == 1 && kind == 1) {
        const uint32_t iar = gicv(GICC_IAR);
        bare_printf("guest: IAR %u\n", iar);
        gicv(GICC_EOIR, iar);
        guest_done = 1;
        return;
    }
    if (el == 2 && kind == 5) {
        const uint32_t iar = gicc(GICC_IAR);
        bare_printf("EL2: IAR %u\n", iar);
        gicc(GICC_EOIR, iar); // priority drop only
        show("after EL2's EOI");
        gich(GICH_LR0, hw_lr(kVirq, iar & 0x3ff, 0xa0, 1));
        show("injected");
        return;
    }
    if (el == 2 && kind == 4 && (f->esr >> 26) == 0x16) {
        if ((f->esr & 0xffff) == 1) {
            gicd(GICD_ISPENDR + 4 * (kSpi / 32), 1u << (kSpi % 32));
            return; // taken at once on return to EL1
        }
        show("after the guest's EOI");
        // The SPI can come again.
        gicd(GICD_ISPENDR + 4 * (kSpi / 32), 1u << (kSpi % 32));
        const uint32_t iar = gicc(GICC_IAR);
        bare_printf("again: IAR %u\n", iar);
        gicc(GICC_EOIR, iar);
        gicc(GICC_DIR, iar);
        show("end");
        bare_power_off();
    }
    bare_printf("unexpected exception %u at EL%u esr %lx\n", unsigned(kind), el, f->esr);
    bare_power_off();
}

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    gicd(GICD_CTLR, 1);
    enable(kSpi, 0x80);
    *reinterpret_cast<volatile uint8_t*>(kGicd + GICD_ITARGETSR + kSpi) = 1;
    cpu_interface_on(1 | (1u << 9)); // EnableGrp0, EOImode: drop and deactivate apart
    gich(GICH_HCR, 1);
    show("start");
    el::enter_el1(guest_main, reinterpret_cast<uint64_t>(el1_stack + sizeof el1_stack), 1ull << 4);
}
