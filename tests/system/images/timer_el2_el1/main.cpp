// The EL2 physical timer (PPI 26) at EL2 and the EL1 physical (PPI 30) and virtual (PPI 27)
// timers at EL1: ISTATUS and IMASK, TVAL as a signed down-counter, the interrupts through the
// GIC, and CNTHCTL_EL2 trapping EL1's physical timer and counter to EL2. Everything printed
// is independent of timing, so QEMU and armsim must print the same.
#include "../common/gicv2.h"

using namespace gicv2;

namespace {

constexpr unsigned kHypTimer = 26, kVirtTimer = 27, kPhysTimer = 30;
alignas(16) uint8_t el1_stack[8192];
volatile unsigned last_irq;
volatile unsigned irqs;

// Waits for ISTATUS with the interrupt masked by IMASK.
template <class Read>
void wait_istatus(Read ctl) {
    while (!(ctl() & 4))
        ;
}

void el1_main();

} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    const unsigned el = bare::current_el();
    if (kind == 1 || kind == 5) { // IRQ from the current or a lower EL
        const uint32_t iar = gicc(GICC_IAR);
        const unsigned id = iar & 0x3ff;
        // Silence the source before EOI: the timer outputs are level-sensitive.
        if (id == kHypTimer)
            WRITE_SYSREG(cnthp_ctl_el2, 0);
        else if (id == kPhysTimer)
            WRITE_SYSREG(cntp_ctl_el0, 0);
        else if (id == kVirtTimer)
            WRITE_SYSREG(cntv_ctl_el0, 0);
        bare_printf("irq %u taken at EL%u, pending after disable %u\n", id, el, pending(id));
        gicc(GICC_EOIR, iar);
        last_irq = id;
        irqs = irqs + 1;
        return;
    }
    const unsigned ec = static_cast<unsigned>(f->esr >> 26);
    if (el == 2 && kind == 4 && ec == 0x16) { // HVC from EL1: requests
        const unsigned imm = f->esr & 0xffff;
        if (imm == 1) {
            WRITE_SYSREG(cnthctl_el2, 1); // EL1PCTEN only: EL1's physical timer traps
        } else if (imm == 2) {
            WRITE_SYSREG(cnthctl_el2, 2); // EL1PCEN only: the physical counter traps
        } else {
            bare_printf("done\n");
            bare_power_off();
        }
        return;
    }
    if (el == 2 && kind == 4 && ec == 0x18) { // trapped MRS/MSR
        bare_printf("EL1 access trapped to EL2: esr %lx\n", f->esr);
        f->elr += 4;
        return;
    }
    bare_printf("unexpected exception %u at EL%u esr %lx elr %lx\n", unsigned(kind), el, f->esr,
                f->elr);
    bare_power_off();
}

namespace {

void el2_part() {
    // Physical IRQs go to EL2 (IMO) so the EL2 timer interrupts EL2 itself.
    WRITE_SYSREG(hcr_el2, (1ull << 31) | (1ull << 4));
    const uint64_t t0 = READ_SYSREG(cntpct_el0);
    // Bounds wide enough for a host that stalls QEMU for a few milliseconds (10 ms = 625000).
    WRITE_SYSREG(cnthp_tval_el2, 1000000);
    const uint64_t cval = READ_SYSREG(cnthp_cval_el2);
    const int32_t tval = static_cast<int32_t>(READ_SYSREG(cnthp_tval_el2));
    bare_printf("CNTHP: CVAL - count %s, TVAL %s\n",
                cval - t0 >= 1000000 && cval - t0 < 1000000 + 625000 ? "ok" : "WRONG",
                tval > 1000000 - 625000 && tval <= 1000000 ? "ok" : "WRONG");
    WRITE_SYSREG(cnthp_ctl_el2, 3); // ENABLE | IMASK
    wait_istatus([] { return READ_SYSREG(cnthp_ctl_el2); });
    bare_printf("CNTHP_CTL %lx, TVAL <= 0: %u, PPI 26 pending %u\n", READ_SYSREG(cnthp_ctl_el2),
                static_cast<int32_t>(READ_SYSREG(cnthp_tval_el2)) <= 0, pending(kHypTimer));
    WRITE_SYSREG(cnthp_ctl_el2, 1); // unmask: the output rises
    bare_printf("unmasked: CNTHP_CTL %lx, PPI 26 pending %u\n", READ_SYSREG(cnthp_ctl_el2),
                pending(kHypTimer));
    wait_until([] { return last_irq == kHypTimer; });
    // Disabled, the timer reports ISTATUS clear.
    bare_printf("disabled: CNTHP_CTL %lx\n", READ_SYSREG(cnthp_ctl_el2));

    // Going to sleep with the next expiry 1 ms away.
    WRITE_SYSREG(cnthp_tval_el2, 62500);
    WRITE_SYSREG(cnthp_ctl_el2, 1);
    wait_until([] { return irqs == 2; });
    const uint64_t slept = READ_SYSREG(cntpct_el0) - t0;
    bare_printf("slept %s\n", slept >= 62500 ? "at least 1 ms" : "too little");
}

void el1_main() {
    // EL1 physical timer.
    WRITE_SYSREG(cntp_tval_el0, 2000);
    WRITE_SYSREG(cntp_ctl_el0, 3);
    wait_istatus([] { return READ_SYSREG(cntp_ctl_el0); });
    bare_printf("EL1 CNTP_CTL %lx, PPI 30 pending %u\n", READ_SYSREG(cntp_ctl_el0),
                pending(kPhysTimer));
    WRITE_SYSREG(cntp_ctl_el0, 1);
    wait_until([] { return last_irq == kPhysTimer; });

    // Virtual timer: CNTVOFF_EL2 is 0 here, so CNTVCT follows CNTPCT.
    const uint64_t p = READ_SYSREG(cntpct_el0), v = READ_SYSREG(cntvct_el0);
    bare_printf("CNTVCT - CNTPCT %s\n", v - p < 625000 ? "small" : "WRONG");
    WRITE_SYSREG(cntv_cval_el0, READ_SYSREG(cntvct_el0) + 1250000); // 20 ms
    WRITE_SYSREG(cntv_ctl_el0, 1);
    bare_printf("EL1 CNTV_CTL %lx before expiry\n", READ_SYSREG(cntv_ctl_el0));
    wait_until([] { return last_irq == kVirtTimer; });

    // CNTHCTL_EL2.EL1PCEN = 0: the EL1 physical timer registers trap (EC 0x18).
    asm volatile("hvc #1" ::: "memory");
    uint64_t x;
    asm volatile("mrs x5, cntp_ctl_el0; mov %0, x5" : "=r"(x)::"x5", "memory");
    asm volatile("mov x7, #1; msr cntp_cval_el0, x7" ::: "x7", "memory");
    asm volatile("mrs x6, cntvct_el0" ::: "x6", "memory"); // not trapped in ARMv8.0
    // CNTHCTL_EL2.EL1PCTEN = 0: the physical counter traps.
    asm volatile("hvc #2" ::: "memory");
    asm volatile("mrs x3, cntpct_el0" ::: "x3", "memory");
    asm volatile("hvc #3" ::: "memory");
}

} // namespace

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    gicd(GICD_CTLR, 1);
    enable(kHypTimer, 0x80);
    enable(kVirtTimer, 0x80);
    enable(kPhysTimer, 0x80);
    cpu_interface_on();
    bare_printf("CNTFRQ %lu\n", READ_SYSREG(cntfrq_el0));
    el2_part();
    // EL1 with physical IRQs routed to EL1 (IMO clear) and EL1 timer access allowed.
    WRITE_SYSREG(cnthctl_el2, 3);
    WRITE_SYSREG(cntvoff_el2, 0);
    el::enter_el1(el1_main, reinterpret_cast<uint64_t>(el1_stack + sizeof el1_stack), 0);
}
