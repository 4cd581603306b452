// The virtual GIC as a guest sees it (GICv2, IHI 0048B): SGIs with their source, PPIs from
// the timers, SPIs pended through the distributor, priorities, PMR, active/pending state,
// retargeting an interrupt in flight, more pending interrupts than list registers.
#include "../../../hypervisor/include/public/sched.h"
#include "suites.h"

using namespace xt;

namespace {

constexpr uint32_t GICD_TYPER = 0x004, GICD_IIDR = 0x008, GICD_ISPENDR = 0x200,
                   GICD_ICPENDR = 0x280, GICD_ISACTIVER = 0x300, GICD_ITARGETSR = 0x800,
                   GICD_SGIR = 0xf00, GICD_PIDR2 = 0xfe8;
constexpr uint32_t GICC_PMR = 0x004;

volatile unsigned g_order[16];
volatile unsigned g_norder = 0;
volatile uint32_t g_last_iar[2];
volatile unsigned g_count[2][64];
volatile bool g_active_seen = false, g_pending_in_handler = false;
volatile bool g_helper_ready = false, g_helper_stop = false;

void record(uint32_t iar) {
    const unsigned id = iar & 0x3ff, cpu = cpu_id() & 1;
    g_last_iar[cpu] = iar;
    if (id < 64) g_count[cpu][id] = g_count[cpu][id] + 1;
    const unsigned n = g_norder;
    if (n < 16) {
        g_order[n] = id;
        g_norder = n + 1;
    }
}

void spi_pend(unsigned id) {
    gicd_write(GICD_ISPENDR + 4 * (id / 32), 1u << (id % 32));
}
bool spi_bit(uint32_t reg, unsigned id) {
    return (gicd_read(reg + 4 * (id / 32)) >> (id % 32)) & 1;
}

bool wait_count(unsigned cpu, unsigned id, unsigned want) {
    const uint64_t end = counter() + 10 * counter_hz(); // QEMU on a busy host
    while (g_count[cpu][id] < want && counter() < end)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    return g_count[cpu][id] >= want;
}

// SPI 36's handler checks the active/pending state from inside, then pends itself again.
void active_pending_handler(uint32_t iar) {
    record(iar);
    if (g_count[cpu_id() & 1][36] == 1) {
        g_active_seen = spi_bit(GICD_ISACTIVER, 36);
        spi_pend(36);
        g_pending_in_handler = spi_bit(GICD_ISPENDR, 36);
    }
}

// SPI 38 is retargeted to vCPU 1 while vCPU 0 handles it, and pended again.
void retarget_handler(uint32_t iar) {
    record(iar);
    if (cpu_id() == 0 && g_count[0][38] == 1) {
        gicd_write8(GICD_ITARGETSR + 38, 2);
        spi_pend(38);
    }
}

void vtimer_handler(uint32_t iar) {
    record(iar);
    asm volatile("msr cntv_ctl_el0, %0" ::"r"(0ull)); // quieten the level
}

void ptimer_handler(uint32_t iar) {
    record(iar);
    asm volatile("msr cntp_ctl_el0, %0" ::"r"(0ull));
}

void helper(unsigned) {
    gic_init_cpu();
    for (unsigned id = 0; id < 16; ++id)
        set_irq_handler(id, record);
    irq_enable();
    g_helper_ready = true;
    wait_until([] { return g_helper_stop; });
}

} // namespace

void suites::vgic() {
    gic_init_cpu();
    const uint32_t typer = gicd_read(GICD_TYPER);
    check(((typer >> 5) & 7) + 1 == nr_cpus(), "vgic.typer_cpus", "typer %#x", typer);
    check((typer & 0x1f) >= 1, "vgic.typer_lines", "typer %#x", typer);
    check(gicd_read(GICD_PIDR2) == 0x2b && gicd_read(GICD_IIDR) != 0, "vgic.id_registers");
    for (unsigned id = 0; id < 64; ++id)
        set_irq_handler(id, record);

    // SGI to self: the source in GICC_IAR[12:10] is this vCPU.
    gic_enable(5);
    irq_enable();
    gicd_write(GICD_SGIR, (2u << 24) | 5);
    check(wait_count(0, 5, 1) && ((g_last_iar[0] >> 10) & 7) == 0, "vgic.sgi_self");

    // Two sources of the same SGI while masked: both arrive, one at a time.
    if (nr_cpus() >= 2 && cpu_on(1, helper) == 0) {
        while (!g_helper_ready)
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        gicd_write(GICD_SGIR, (2u << 16) | 6); // to vCPU 1
        check(wait_count(1, 6, 1) && ((g_last_iar[1] >> 10) & 7) == 0, "vgic.sgi_other_vcpu");
        irq_disable();
        gic_enable(7);
        gicd_write(GICD_SGIR, (2u << 24) | 7);    // SGI 7 from ourselves
        gicd_write(0xf20 + 4, 1u << (8 * 3 + 1)); // GICD_SPENDSGIR1: and from vCPU 1
        const uint32_t spend = gicd_read(0xf20 + 4);
        check(((spend >> 24) & 3) == 3, "vgic.sgi_two_sources_pending", "SPENDSGIR1 %#x", spend);
        const unsigned before = g_count[0][7];
        irq_enable();
        check(wait_count(0, 7, before + 2), "vgic.sgi_two_sources_delivered", "%u",
              g_count[0][7] - before);
    }

    // A PPI from the virtual timer.
    set_irq_handler(27, vtimer_handler);
    gic_enable(27);
    asm volatile("msr cntv_tval_el0, %0\n msr cntv_ctl_el0, %1" ::"r"(counter_hz() / 1000),
                 "r"(1ull));
    check(wait_count(0, 27, 1), "vgic.ppi_vtimer");
    // A PPI from the emulated physical timer.
    set_irq_handler(30, ptimer_handler);
    gic_enable(30);
    asm volatile("msr cntp_tval_el0, %0\n msr cntp_ctl_el0, %1" ::"r"(counter_hz() / 1000),
                 "r"(1ull));
    check(wait_count(0, 30, 1), "vgic.ppi_ptimer");

    // SPI pended through GICD_ISPENDR.
    gic_enable(33);
    spi_pend(33);
    check(wait_count(0, 33, 1), "vgic.spi_ispendr");

    // Disabled: stays pending, arrives when enabled.
    gic_disable(34);
    spi_pend(34);
    delay_ticks(counter_hz() / 200);
    check(g_count[0][34] == 0 && spi_bit(GICD_ISPENDR, 34), "vgic.disabled_stays_pending");
    gic_enable(34);
    check(wait_count(0, 34, 1), "vgic.enable_delivers");

    // ICPENDR removes a pending interrupt.
    irq_disable();
    gic_enable(35);
    spi_pend(35);
    gicd_write(GICD_ICPENDR + 4, 1u << 3);
    irq_enable();
    delay_ticks(counter_hz() / 200);
    check(g_count[0][35] == 0 && !spi_bit(GICD_ISPENDR, 35), "vgic.icpendr");

    // Active inside the handler; pending again while active: delivered twice.
    set_irq_handler(36, active_pending_handler);
    gic_enable(36);
    spi_pend(36);
    check(wait_count(0, 36, 2) && g_active_seen && g_pending_in_handler, "vgic.active_pending",
          "count=%u active=%d pending=%d", g_count[0][36], g_active_seen, g_pending_in_handler);

    // Priorities: the higher one (lower value) first, whatever the INTID order.
    irq_disable();
    gic_enable(40, 0x80);
    gic_enable(41, 0x40);
    gic_enable(42, 0xc0);
    spi_pend(40);
    spi_pend(41);
    spi_pend(42);
    g_norder = 0;
    irq_enable();
    wait_count(0, 42, 1);
    check(g_norder >= 3 && g_order[0] == 41 && g_order[1] == 40 && g_order[2] == 42,
          "vgic.priority_order", "%u %u %u", g_order[0], g_order[1], g_order[2]);

    // PMR masks by priority.
    gicc_write(GICC_PMR, 0x60);
    gic_enable(43, 0x80);
    spi_pend(43);
    delay_ticks(counter_hz() / 200);
    const bool held = g_count[0][43] == 0;
    gicc_write(GICC_PMR, 0xff);
    check(held && wait_count(0, 43, 1), "vgic.pmr");

    // More pending interrupts than list registers (4 on a GIC-400): all arrive, in order.
    irq_disable();
    for (unsigned id = 44; id < 52; ++id) {
        gic_enable(id, static_cast<uint8_t>(0xf0 - 8 * (id - 44)));
        spi_pend(id);
    }
    g_norder = 0;
    irq_enable();
    wait_count(0, 44, 1);
    bool ordered = g_norder == 8;
    for (unsigned i = 0; ordered && i < 8; ++i)
        ordered = g_order[i] == 51 - i;
    check(ordered, "vgic.lr_overflow", "n=%u first=%u last=%u", g_norder, g_order[0], g_order[7]);

    // Retargeting an SPI that is in flight on vCPU 0: its next instance goes to vCPU 1.
    if (nr_cpus() >= 2 && g_helper_ready) {
        set_irq_handler(38, retarget_handler);
        gicd_write8(GICD_ITARGETSR + 38, 1);
        gic_enable(38);
        spi_pend(38);
        check(wait_count(0, 38, 1) && wait_count(1, 38, 1) && g_count[0][38] == 1,
              "vgic.retarget_in_flight", "v0=%u v1=%u", g_count[0][38], g_count[1][38]);
        g_helper_stop = true;
        gicd_write(GICD_SGIR, (2u << 16) | 9); // wake it up to notice
    }
    irq_disable();
}
