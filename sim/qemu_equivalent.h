// The QEMU command line that boots the same files the same way (for tools/run-on-qemu).
//
// QEMU says natively what it can: -kernel, -initrd, -append, -smp, -m, and
// `-device guest-loader` (QEMU >= 5.2) for a dom0 kernel (with bootargs) and ramdisk. For
// what it cannot say (xen,xen-bootargs, dom0less domains, other module kinds, --dtb) it
// gets armsim's own device tree with -dtb and the modules through `-device loader`; QEMU
// then only re-adds the memory node and, with -initrd, the initrd properties.
#pragma once

#include "boot.h"
#include "options.h"

#include <string>
#include <vector>

namespace armsim::sim {

struct QemuCommand {
    std::vector<std::string> argv;
    bool uses_armsim_dtb = false;   // argv passes the --dump-dtb file with -dtb
    std::vector<std::string> notes; // differences QEMU cannot avoid
};

// Throws UsageError when the device tree is needed and no --dump-dtb file was given.
QemuCommand qemu_command(const Options& opt, const BootPlan& plan);

// {"argv": [...], "uses_armsim_dtb": ..., "notes": [...], "expect": [...], "forbid": [...],
//  "stop_on": [...], "timeout_ps": N, "max_insns": N, "serial_in": "..."}
std::string qemu_equivalent_json(const Options& opt, const BootPlan& plan);

} // namespace armsim::sim
