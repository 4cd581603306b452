// The flattened device tree handed to the guest, generated with libfdt for the board as
// configured.
#pragma once

#include "boot_spec.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace armsim::sim {

struct DtbConfig {
    unsigned smp = 1;
    uint64_t ram_base = 0;
    uint64_t ram_size = 0;
    std::vector<uint64_t> mpidrs;
};

// The board's hardware: memory, cpus (PSCI enable-method, cpu-map), GIC with its four
// regions and maintenance interrupt, timer, PL011 with its clocks, PMU, PSCI; /chosen has
// only stdout-path (fill_chosen adds the boot information).
std::vector<uint8_t> build_dtb(const DtbConfig& cfg);

// What the boot loader tells the kernel through /chosen.
struct ChosenInfo {
    std::string bootargs;                                // bootargs, when not empty
    std::string hyp_bootargs;                            // xen,xen-bootargs, when not empty
    std::optional<std::pair<uint64_t, uint64_t>> initrd; // linux,initrd-start/end
    struct Module {
        std::vector<std::string> compatible;
        uint64_t addr = 0, size = 0;
        std::optional<std::string> bootargs;
        std::string domain; // "" = directly under /chosen
    };
    std::vector<Module> modules;
    std::vector<DomainSpec> domains;
    std::optional<uint64_t> seed; // rng-seed and kaslr-seed derived from the run's seed
};

// Returns `dtb` with /chosen filled in (created when missing): bootargs, initrd, the
// multiboot module nodes (Xen's docs/misc/arm/device-tree/booting.txt) and xen,domain
// nodes for dom0less domains. Works on generated and user-supplied trees alike.
std::vector<uint8_t> fill_chosen(const std::vector<uint8_t>& dtb, const ChosenInfo& info);
// Checks a DTB from a file (fdt_check_header and a full structure walk); returns an error
// message or an empty string.
std::string check_dtb(const std::vector<uint8_t>& blob);

} // namespace armsim::sim
