// Physical interrupt dispatch and ownership.
#include "irq.h"

#include "../../common/arch.h"
#include "../../common/console.h"
#include "../../common/domain.h"
#include "../../common/percpu.h"
#include "gic.h"
#include "traps.h"
#include "uart.h"
#include "vtimer.h"

namespace hyp::arch {

namespace {
uint16_t g_owner[1020];
unsigned g_uart_intid = 0;

void uart_irq() {
    for (int c; (c = uart_getc()) >= 0;)
        console_input_push(static_cast<char>(c));
    uart_ack_irq();
    if (Domain* d0 = domain::dom0()) evtchn::send_global_virq(d0, VIRQ_CONSOLE);
}
} // namespace

void irq_init(unsigned uart_intid) {
    for (auto& o : g_owner)
        o = DOMID_INVALID;
    g_uart_intid = uart_intid;
    if (uart_intid >= 32 && uart_intid < gic::nr_lines()) {
        g_owner[uart_intid] = DOMID_XEN;
        gic::set_target(uart_intid, 0);
        gic::enable(uart_intid, true);
        uart_enable_rx_irq();
    }
}

bool irq_route_to_domain(unsigned intid, uint16_t domid) {
    if (intid < 32 || intid >= gic::nr_lines() || g_owner[intid] != DOMID_INVALID) return false;
    g_owner[intid] = domid;
    return true;
}

uint16_t irq_owner(unsigned intid) {
    return intid < 1020 ? g_owner[intid] : DOMID_INVALID;
}

void irq_release(unsigned intid) {
    if (intid >= 32 && intid < 1020 && g_owner[intid] != DOMID_XEN) g_owner[intid] = DOMID_INVALID;
}

void irq_pend(unsigned intid) {
    gic::set_pending(intid);
}

void handle_irqs() {
    Pcpu& p = this_pcpu();
    for (;;) {
        const uint32_t iar = gic::ack();
        const unsigned id = iar & 0x3ff;
        if (id >= 1020) return;
        ++p.irqs;
        if (id == kPpiVirtTimer) {
            vtimer_irq(iar);
            continue;
        }
        if (id >= 32 && g_owner[id] != DOMID_XEN && g_owner[id] != DOMID_INVALID) {
            // A device interrupt of a domain: priority drop now, deactivation by the
            // guest's EOI through the LR HW bit.
            gic::eoi(iar);
            if (Domain* d = domain::lookup(g_owner[id]))
                vgic::inject_spi_hw(d, id, id);
            else
                gic::deactivate(iar);
            continue;
        }
        switch (id) {
        case gic::kSgiKick:
            break; // the sender set our softirqs
        case kPpiMaintenance:
            break; // the LRs were folded on entry; they are refilled on the way out
        case kPpiHypTimer:
            timer_program(0); // drop the level; timers_run reprograms
            raise_softirq(p.id, kSoftirqTimer);
            break;
        default:
            if (id == g_uart_intid)
                uart_irq();
            else
                log("spurious physical interrupt %u on pCPU %u", id, p.id);
            break;
        }
        gic::eoi(iar);
        gic::deactivate(iar);
    }
}

} // namespace hyp::arch

namespace hyp::vgic {

void hw_spi_enable(unsigned intid, bool on) {
    gic::enable(intid, on);
}
void hw_spi_route(unsigned intid, unsigned cpu) {
    gic::set_target(intid, cpu);
}
void hw_spi_edge(unsigned intid, bool edge) {
    gic::set_edge(intid, edge);
}
void hw_spi_release(unsigned intid) {
    gic::enable(intid, false);
    hyp::arch::irq_release(intid);
}

} // namespace hyp::vgic
