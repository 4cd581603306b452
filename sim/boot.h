// Boot preparation: read and check every input file, place the images in RAM the way QEMU
// does (layout.h), build the device tree with /chosen filled in, and decide what the boot
// core starts with. Everything that can be wrong with the input fails here, before the
// board exists, with one line.
#pragma once

#include "loader.h"
#include "options.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace armsim::sim {

class Board;

struct BootPlan {
    Image kernel;
    std::optional<Blob> initrd;
    uint64_t initrd_addr = 0;
    struct Module {
        Blob blob;
        uint64_t addr;
    };
    std::vector<Module> modules;
    std::vector<uint8_t> dtb;
    uint64_t dtb_addr = 0;
    uint64_t entry = 0;
    uint64_t x[4] = {}; // x0..x3 at entry

    // Every input file with its hash, for --record and --replay.
    std::vector<std::pair<std::string, uint64_t>> files;
};

// Throws ImageError (or UsageError) with a one-line message. With --dump-dtb only and no
// kernel, `kernel` stays empty and only the DTB is built.
BootPlan plan_boot(const Options& opt);

// Writes the images and the DTB into the board's RAM and starts core 0 (also used to
// re-load everything for PSCI SYSTEM_RESET).
void apply_boot(Board& board, const BootPlan& plan);

std::string hex64(uint64_t v); // 16 hex digits

} // namespace armsim::sim
