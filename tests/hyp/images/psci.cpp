// PSCI for guests (ARM DEN 0022D) over HVC.
#include "../../../hypervisor/include/public/sched.h"
#include "suites.h"

using namespace xt;

namespace {
constexpr uint64_t kVersion = 0x84000000, kCpuOff = 0x84000002, kCpuOn = 0xc4000003,
                   kAffinityInfo = 0xc4000004, kMigrateInfoType = 0x84000006,
                   kFeatures = 0x8400000a, kMigrate = 0xc4000005;
volatile unsigned g_entered = 0;
volatile uint64_t g_context = 0;

void secondary(unsigned cpu) {
    g_context = cpu;
    g_entered = g_entered + 1;
    // Returning powers the vCPU off (CPU_OFF in the runtime).
}

bool wait_off(uint64_t mpidr) {
    const uint64_t end = counter() + 10 * counter_hz(); // QEMU on a busy host
    while (counter() < end) {
        if (psci(kAffinityInfo, mpidr, 0) == 1) return true;
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    }
    return false;
}
} // namespace

void suites::psci() {
    check(xt::psci(kVersion) == 0x10000, "psci.version");
    check(xt::psci(kFeatures, kCpuOn) == 0, "psci.features_cpu_on");
    check(xt::psci(kFeatures, kMigrate) == -1, "psci.features_migrate");
    check(xt::psci(kMigrateInfoType) == 2, "psci.migrate_info_type");
    check(xt::psci(0x8400001f) == -1, "psci.unknown_function");
    check(xt::psci(kAffinityInfo, 0, 0) == 0, "psci.affinity_self_on");
    check(xt::psci(kCpuOn, 0x7, 0x40200000, 0) == -2, "psci.cpu_on_nonexistent");
    check(xt::psci(kCpuOn, 0xff00, 0x40200000, 0) == -2, "psci.cpu_on_bad_mpidr");
    check(xt::psci(kCpuOn, 0, 0x40200000, 0) == -4, "psci.cpu_on_self_already_on");
    check(xt::psci(kAffinityInfo, 7, 0) == -2, "psci.affinity_nonexistent");
    if (nr_cpus() < 2) return;
    check(wait_off(1), "psci.affinity_off_before", "affinity %ld", xt::psci(kAffinityInfo, 1, 0));
    g_entered = 0;
    check(cpu_on(1, secondary) == 0, "psci.cpu_on");
    const uint64_t end = counter() + 10 * counter_hz(); // QEMU on a busy host
    while (!g_entered && counter() < end)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    check(g_entered == 1 && g_context == 1, "psci.cpu_on_entered_with_context");
    check(wait_off(1), "psci.cpu_off");
    // Off again: it can be started again, fresh.
    check(cpu_on(1, secondary) == 0, "psci.cpu_on_again");
    const uint64_t end2 = counter() + 10 * counter_hz(); // QEMU on a busy host
    while (g_entered < 2 && counter() < end2)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    check(g_entered == 2, "psci.cpu_on_again_entered");
    wait_off(1);
    (void)kCpuOff;
}
