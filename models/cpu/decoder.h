// The A64 decoder: the table of a64.inc, compiled into handlers at build time.
//
// Each entry's handler extracts the pattern's fields from the instruction word with
// constant shifts, converts them to the semantic template's typed parameters (checked at
// compile time against the field widths), runs the semantics on the interpreter backend
// and, unless the entry is kWritesPc, steps PC. A handler that raises an exception in the
// middle does so by throwing (Core::raise), which skips the PC step.
#pragma once

#include "code_cache.h"
#include "insn_class.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace armsim::cpu {

struct InsnDesc {
    std::string_view name;
    std::string_view pattern;
    uint32_t mask;
    uint32_t value;
    Handler fn;
    InsnClass cls;
    uint32_t flags;
};

// The entries in table order.
std::span<const InsnDesc> a64_table();
// The entry that executes `insn`: the most specific matching one, or the UNALLOCATED entry.
const InsnDesc& a64_decode(uint32_t insn);
// The entry for unallocated encodings (raises UNDEFINED).
const InsnDesc& a64_unallocated();

// Pairs of entries allowed to match the same word (the more specific one wins).
struct AllowedOverlap {
    std::string_view specific, general;
};
std::span<const AllowedOverlap> a64_allowed_overlaps();

} // namespace armsim::cpu
