// PSCI calls to firmware (ARM DEN 0022D): SMC on QEMU virt with virtualization=on and on
// armsim.
#include "psci_fw.h"

namespace hyp::psci_fw {

namespace {
bool g_hvc = false;
}

void set_conduit_hvc(bool hvc) {
    g_hvc = hvc;
}

int64_t call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3) {
    register uint64_t x0 asm("x0") = fn;
    register uint64_t x1 asm("x1") = a1;
    register uint64_t x2 asm("x2") = a2;
    register uint64_t x3 asm("x3") = a3;
    if (g_hvc)
        asm volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    else
        asm volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    return static_cast<int64_t>(x0);
}

int64_t cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context) {
    return call(kCpuOn, mpidr, entry, context);
}

void system_off() {
    call(kSystemOff);
}
void system_reset() {
    call(kSystemReset);
}

} // namespace hyp::psci_fw
