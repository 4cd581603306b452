// Native power control through PSCI 0.2+ (ARM DEN 0022), reached with the conduit the
// device tree's psci node names ("smc" on the virt board booted at EL2).
#include "internal.h"

namespace minios {
namespace {

bool use_hvc = false;
bool present = false;
constexpr uint32_t kSystemOff = 0x84000008;

uint64_t call(uint64_t fn) {
    register uint64_t x0 asm("x0") = fn;
    register uint64_t x1 asm("x1") = 0;
    register uint64_t x2 asm("x2") = 0;
    register uint64_t x3 asm("x3") = 0;
    if (use_hvc)
        asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    else
        asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return x0;
}

} // namespace

void psci_init(const bare::Fdt& fdt) {
    int node = fdt.find_compatible("arm,psci-0.2");
    if (node < 0) node = fdt.find_compatible("arm,psci");
    if (node < 0) return;
    const char* method = fdt.prop_string(node, "method");
    present = method != nullptr;
    use_hvc = method && strcmp(method, "hvc") == 0;
}

void psci_system_off() {
    if (present) call(kSystemOff);
    // No PSCI, or it returned: nothing left but to stop here.
    for (;;)
        arch::wfi();
}

} // namespace minios
