// PSCI calls, power-off, and the weak defaults of the runtime's hooks.
#include <bare/bare.h>

namespace bare {

int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3) {
    register uint64_t x0 asm("x0") = fn;
    register uint64_t x1 asm("x1") = a1;
    register uint64_t x2 asm("x2") = a2;
    register uint64_t x3 asm("x3") = a3;
    // EL2 talks to the firmware with SMC; at EL1 a hypervisor answers HVC.
    if (current_el() == 2)
        asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    else
        asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return static_cast<int64_t>(x0);
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context) {
    return psci_call(0xc4000003, mpidr, entry, context);
}

unsigned cpu_index() {
    uint64_t v;
    if (current_el() == 2)
        asm volatile("mrs %0, tpidr_el2" : "=r"(v));
    else
        asm volatile("mrs %0, tpidr_el1" : "=r"(v));
    return static_cast<unsigned>(v);
}

} // namespace bare

extern "C" void bare_power_off() {
    bare::psci_call(0x84000008); // SYSTEM_OFF
    for (;;)
        asm volatile("wfi");
}

extern "C" __attribute__((weak)) void bare_secondary_main(uint64_t) {
    for (;;)
        asm volatile("wfi");
}

extern "C" __attribute__((weak)) void bare_exception(BareFrame* f, uint64_t kind) {
    bare_printf("unexpected exception: kind %u esr 0x%lx elr 0x%lx far 0x%lx\n",
                static_cast<unsigned>(kind), f->esr, f->elr, f->far);
    bare_power_off();
}
