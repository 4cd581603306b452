// Runtime for in-guest test images of the hypervisor: an EL1 kernel (arm64 Image header)
// that talks Xen's ABI directly. Console through console_io, PASS/FAIL lines the scenario
// checks, the vGIC and timers as the guest sees them, PSCI, event channels, expected faults.
#pragma once

#include "../../../../hypervisor/include/public/event_channel.h"
#include "../../../../hypervisor/include/public/xen.h"

#include <bare/cpu.h>
#include <bare/xen.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

namespace xt {

// --- provided by the test image ---------------------------------------------------------
// main() runs on vCPU 0 with the DTB parsed; its return value is ignored (call finish()).
void main();

// --- hypercalls ---------------------------------------------------------------------------
inline int64_t hypercall(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                         uint64_t a3 = 0, uint64_t a4 = 0) {
    return bare::xen_hypercall(nr, a0, a1, a2, a3, a4);
}
int64_t psci(uint64_t fn, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0);

// --- console and results --------------------------------------------------------------------
void printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void check(bool ok, const char* name, const char* fmt = " ", ...)
    __attribute__((format(printf, 3, 4)));
// Prints "RESULT: <name> <n> passed, <m> failed" and shuts the domain down (poweroff).
[[noreturn]] void finish(const char* name);
[[noreturn]] void power_off();
unsigned failures();

// --- platform -------------------------------------------------------------------------------
unsigned cpu_id(); // vCPU index (TPIDR_EL1)
unsigned nr_cpus();
const void* dtb();
uint64_t counter();    // CNTVCT
uint64_t counter_hz(); // CNTFRQ
void delay_ticks(uint64_t ticks);
// Starts vCPU `cpu` in fn(cpu) (PSCI CPU_ON, context id = cpu).
int64_t cpu_on(unsigned cpu, void (*fn)(unsigned));
using bare::irq_disable;
using bare::irq_enable;
inline void dsb() {
    asm volatile("dsb sy" ::: "memory");
}
inline void wfi() {
    asm volatile("wfi" ::: "memory");
}
// Sleeps in WFI until done() holds. Interrupts are masked from the check to the WFI (which
// still wakes on a pending interrupt), so an interrupt handler that makes done() true
// cannot run between the check and the WFI and leave us waiting for the next one.
template <class F>
void wait_until(F done) {
    for (;;) {
        irq_disable();
        if (done()) {
            irq_enable();
            return;
        }
        wfi();
        irq_enable(); // take what woke us
    }
}

// --- GIC (the virtual one under the hypervisor) --------------------------------------------------
struct Gic {
    uint64_t dist = 0, cpu = 0;
};
const Gic& gic();
uint32_t gicd_read(uint32_t off);
void gicd_write(uint32_t off, uint32_t val);
void gicd_write8(uint32_t off, uint8_t val);
uint8_t gicd_read8(uint32_t off);
uint32_t gicc_read(uint32_t off);
void gicc_write(uint32_t off, uint32_t val);
// Enables the distributor (once) and this vCPU's CPU interface (PMR open, EOImode 0).
void gic_init_cpu();
void gic_enable(unsigned intid, uint8_t prio = 0xa0);
void gic_disable(unsigned intid);
// Per-interrupt handler called from the IRQ vector with the acknowledged IAR; the runtime
// writes EOIR after it returns.
using IrqHandler = void (*)(uint32_t iar);
void set_irq_handler(unsigned intid, IrqHandler h);
// Counts of interrupts taken per INTID on this vCPU.
unsigned irq_count(unsigned intid);

// --- expected faults ----------------------------------------------------------------------------
// Arms the next synchronous exception to be recorded (instead of failing the test) and
// stepped over; returns whether one happened during fn().
struct Fault {
    bool hit = false;
    uint64_t esr = 0, far = 0, elr = 0;
};
Fault expect_fault(void (*fn)(void*), void* arg);

// --- Xen services -----------------------------------------------------------------------------
// Maps shared_info at a free gfn and registers this vCPU's vcpu_info; binds PPI 31.
void events_init();
shared_info_t* shinfo();
vcpu_info_t* vinfo(unsigned cpu);
// Called for every pending port the upcall finds (after clearing its pending bit).
using PortHandler = void (*)(evtchn_port_t port);
void set_port_handler(PortHandler h);
int64_t evtchn_op(unsigned cmd, void* arg);
void mask(evtchn_port_t p);
void unmask(evtchn_port_t p);

} // namespace xt
