// Time from the virtual counter (CNTVCT_EL0) and the scheduler's one-shot timer: the EL1
// virtual timer natively, or whatever backend Xen support installs (VIRQ_TIMER).
#include "internal.h"

namespace minios {
namespace {

uint64_t freq = 0;
uint64_t ns_mult = 0;    // ns = ticks * ns_mult >> 32
uint64_t ticks_mult = 0; // ticks = ns * ticks_mult >> 32
const TimerBackend* backend = nullptr;

uint64_t mul_shift32(uint64_t a, uint64_t b) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 32);
}

// --- the EL1 virtual timer on its PPI ----------------------------------------------------
void vtimer_program(uint64_t deadline_ns) {
    if (!deadline_ns) {
        MINIOS_WRITE_SYSREG(cntv_ctl_el0, 0);
        return;
    }
    // Round up so the interrupt never comes before the deadline.
    MINIOS_WRITE_SYSREG(cntv_cval_el0, ns_to_ticks(deadline_ns) + 1);
    MINIOS_WRITE_SYSREG(cntv_ctl_el0, 1); // ENABLE, not masked
    arch::isb();
}

void vtimer_irq(unsigned, void*) {
    // Level-sensitive: silence it before EOI; the scheduler re-arms it.
    MINIOS_WRITE_SYSREG(cntv_ctl_el0, 0);
    arch::isb();
    sched_on_timer();
}

const TimerBackend vtimer_backend = {"arch-vtimer", vtimer_program};
bool vtimer_ok = false;

} // namespace

void time_init(const bare::Fdt& fdt) {
    const int node = fdt.find_compatible("arm,armv8-timer");
    // CNTFRQ_EL0 is UNKNOWN at reset and set by firmware; the DT may override it.
    freq = node >= 0 ? fdt.prop_u32(node, "clock-frequency", 0) : 0;
    if (!freq) freq = MINIOS_READ_SYSREG(cntfrq_el0) & 0xffffffff;
    if (!freq) panic("no counter frequency (CNTFRQ_EL0 = 0 and no clock-frequency in the DT)");
    ns_mult = (uint64_t(1000000000) << 32) / freq;
    ticks_mult = (freq << 32) / 1000000000;
    if (!ticks_mult) ticks_mult = 1;
    MINIOS_WRITE_SYSREG(cntv_ctl_el0, 0);
    // Interrupt specifiers: secure physical, non-secure physical, virtual, hypervisor.
    const int ppi = node >= 0 ? dt_interrupt(fdt, node, 2) : -1;
    if (ppi >= 0 && irq_register(static_cast<unsigned>(ppi), vtimer_irq, nullptr)) {
        vtimer_ok = true;
        backend = &vtimer_backend;
    }
}

uint64_t counter_frequency() {
    return freq;
}
uint64_t now_ns() {
    return mul_shift32(arch::counter(), ns_mult);
}
uint64_t ns_to_ticks(uint64_t ns) {
    return mul_shift32(ns, ticks_mult);
}

void timer_program(uint64_t deadline_ns) {
    if (backend) backend->program(deadline_ns);
}

void timer_set_backend(const TimerBackend* b) {
    if (backend) backend->program(0);
    backend = b ? b : (vtimer_ok ? &vtimer_backend : nullptr);
}

const char* timer_backend_name() {
    return backend ? backend->name : "none";
}

} // namespace minios
