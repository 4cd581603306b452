// Per-class cycle costs, the timing model of the core (see docs/ARCHITECTURE.md, Timing).
#pragma once

#include "insn_class.h"

#include <array>
#include <cstdint>
#include <string>

namespace armsim::cpu {

struct CostTable {
    std::array<uint16_t, kNumInsnClasses> cycles{};
    uint32_t exception_entry = 0; // extra cycles to take an exception
    uint32_t exception_return = 0;
    uint32_t tlb_walk_level = 0; // per translation-table level read on a TLB miss
    uint32_t mmio_access = 0;    // on top of the device's own latency

    // One cycle per instruction, nothing extra: the default when no file is given.
    static CostTable unit();
    // Parses "key = value" lines (class names of insn_class.h plus the extras above);
    // returns an error message or an empty string.
    std::string load(const std::string& path);
};

} // namespace armsim::cpu
