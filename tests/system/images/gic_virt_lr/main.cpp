// Virtual interrupts: EL2 injects through the list registers, an EL1 "guest" acknowledges
// and completes them through GICV (the virtual CPU interface), and EL2 observes the
// maintenance interrupt (PPI 25) with MISR, EISR and ELRSR: an EOI maintenance request, an
// underflow, and an EOI that finds no list register (EOICount). The guest asks EL2 for each
// step with HVC #n. QEMU and armsim must print the same.
#include "../common/gicv2.h"

using namespace gicv2;

namespace {

constexpr unsigned kMaintenance = 25;
alignas(16) uint8_t el1_stack[8192];
volatile uint32_t guest_iar[8];
volatile unsigned guest_irqs;
volatile unsigned take_back; // EL2 empties LR0 while the guest handles its interrupt

constexpr uint32_t kHcrEn = 1, kHcrUie = 2, kHcrLrenpie = 4;

void show_state(const char* when) {
    bare_printf("%s: HCR %08x MISR %x EISR0 %x ELRSR0 %x APR %x LR0 %08x LR1 %08x\n", when,
                gich(GICH_HCR), gich(GICH_MISR), gich(GICH_EISR0), gich(GICH_ELRSR0),
                gich(GICH_APR), gich(GICH_LR0), gich(GICH_LR0 + 4));
}

void el2_request(unsigned n) {
    switch (n) {
    case 1: // an interrupt that asks for EOI maintenance
        gich(GICH_LR0, lr(42, 0xa0, 1, /*eoi=*/true));
        show_state("injected 42");
        break;
    case 2: // two interrupts and the underflow interrupt
        gich(GICH_HCR, kHcrEn | kHcrUie);
        gich(GICH_LR0, lr(50, 0x90, 1));
        gich(GICH_LR0 + 4, lr(51, 0x98, 1));
        show_state("injected 50, 51");
        break;
    case 3: // one the hypervisor will take back before the guest's EOI
        gich(GICH_HCR, kHcrEn | kHcrLrenpie);
        gich(GICH_LR0, lr(60, 0x80, 1));
        break;
    case 4: // take it back
        gich(GICH_LR0, 0);
        show_state("taken back");
        break;
    default:
        show_state("end");
        bare_power_off();
    }
}

void guest_main() {
    gicv(GICC_PMR, 0xf8);
    gicv(GICC_CTLR, 1);
    bare_printf("guest: GICV_CTLR %x PMR %x, VMCR %08x\n", gicv(GICC_CTLR), gicv(GICC_PMR),
                gich(GICH_VMCR));
    asm volatile("hvc #1" ::: "memory");
    wait_until([] { return guest_irqs == 1; });
    asm volatile("hvc #2" ::: "memory");
    wait_until([] { return guest_irqs == 3; });
    take_back = 1;
    asm volatile("hvc #3" ::: "memory");
    wait_until([] { return guest_irqs == 4; });
    for (unsigned i = 0; i < guest_irqs; ++i)
        bare_printf("guest took %u\n", guest_iar[i]);
    asm volatile("hvc #9" ::: "memory");
}

} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    const unsigned el = bare::current_el();
    if (el == 1 && kind == 1) { // the guest's virtual IRQ
        const uint32_t iar = gicv(GICC_IAR);
        bare_printf("guest: IAR %u RPR %x\n", iar, gicv(GICC_RPR));
        guest_iar[guest_irqs] = iar;
        if (take_back) asm volatile("hvc #4" ::: "memory");
        gicv(GICC_EOIR, iar);
        asm volatile("isb" ::: "memory");
        bare_printf("guest: EOI %u done\n", iar);
        guest_irqs = guest_irqs + 1;
        return;
    }
    if (el == 2 && kind == 5) { // a physical IRQ while the guest runs
        const uint32_t iar = gicc(GICC_IAR);
        if (iar != kMaintenance) {
            bare_printf("unexpected physical irq %u\n", iar);
            bare_power_off();
        }
        show_state("maintenance");
        const uint32_t misr = gich(GICH_MISR);
        if (misr & 1) // EOI: free the list registers that asked for it
            for (unsigned i = 0; i < 4; ++i)
                if (gich(GICH_EISR0) & (1u << i)) gich(GICH_LR0 + 4 * i, 0);
        if (misr & 2) // underflow: nothing more to inject
            gich(GICH_HCR, gich(GICH_HCR) & ~kHcrUie);
        if (misr & 4) // EOIs without an entry: reset the count
            gich(GICH_HCR, kHcrEn);
        bare_printf("after handling: MISR %x\n", gich(GICH_MISR));
        gicc(GICC_EOIR, iar);
        return;
    }
    if (el == 2 && kind == 4 && (f->esr >> 26) == 0x16) {
        el2_request(f->esr & 0xffff);
        return;
    }
    bare_printf("unexpected exception %u at EL%u esr %lx\n", unsigned(kind), el, f->esr);
    bare_power_off();
}

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    gicd(GICD_CTLR, 1);
    enable(kMaintenance, 0x80);
    cpu_interface_on();
    bare_printf("GICH_VTR %08x\n", gich(GICH_VTR));
    gich(GICH_HCR, kHcrEn);
    show_state("start");
    // Physical IRQs to EL2, virtual IRQs to the guest (HCR_EL2.IMO).
    el::enter_el1(guest_main, reinterpret_cast<uint64_t>(el1_stack + sizeof el1_stack), 1ull << 4);
}
