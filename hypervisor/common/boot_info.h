// What the hypervisor learns from the host device tree at boot (Xen's reading of it:
// docs/misc/arm/device-tree/booting.txt): RAM, CPUs, the GIC, the console UART, its own
// command line (xen,xen-bootargs), dom0's modules under /chosen (multiboot,kernel /
// multiboot,ramdisk) and dom0less domains (/chosen nodes compatible with "xen,domain").
#pragma once

#include "fdt.h"
#include "types.h"

namespace hyp {

struct MemBank {
    uint64_t base = 0, size = 0;
};

enum class ModuleKind : uint8_t { Kernel, Ramdisk, Other };

struct BootModule {
    ModuleKind kind = ModuleKind::Other;
    uint64_t start = 0, size = 0;
    const char* cmdline = nullptr; // the module node's bootargs
    int domain = -1;               // index into BootInfo::domains, -1 = dom0
};

// A /chosen/<node> with compatible = "xen,domain" (dom0less).
struct BootDomain {
    const char* name = "";
    uint64_t mem_bytes = 0;        // "memory" (KiB in the DT)
    unsigned vcpus = 1;            // "cpus"
    int kernel = -1, ramdisk = -1; // module indices
};

struct BootInfo {
    static constexpr unsigned kMaxBanks = 4, kMaxCpus = 8, kMaxModules = 16, kMaxDomains = 8;

    uint64_t dtb_pa = 0, dtb_size = 0;
    MemBank ram[kMaxBanks];
    unsigned nr_ram = 0;
    uint64_t cpu_mpidr[kMaxCpus] = {};
    unsigned nr_cpus = 0;
    const char* cmdline = ""; // xen,xen-bootargs (or /chosen/bootargs)
    const char* dom0_cmdline = nullptr;
    BootModule modules[kMaxModules];
    unsigned nr_modules = 0;
    BootDomain domains[kMaxDomains];
    unsigned nr_domains = 0;

    uint64_t gicd = 0, gicc = 0, gich = 0, gicv = 0, gicv_size = 0;
    unsigned gic_maintenance_ppi = 25;
    uint64_t uart = 0;
    unsigned uart_intid = 0;
    bool psci_hvc = false;

    int dom0_kernel() const; // module index of dom0's kernel, -1 when none
    int dom0_ramdisk() const;
};

// Parses the host tree; returns false with `err` set when something essential is missing.
bool parse_boot_info(const FdtReader& fdt, BootInfo* info, const char** err);

} // namespace hyp
