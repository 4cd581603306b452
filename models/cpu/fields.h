// Typed instruction fields. A handler's parameter types say what each encoding field is;
// the decoder checks at compile time that the pattern's field widths match them.
#pragma once

#include <cstdint>

namespace armsim::cpu {

// A general-purpose register number. Whether 31 means XZR or SP is the handler's choice
// (Interp::X vs Interp::XSP), as in the ARM ARM pseudocode.
struct Reg {
    static constexpr unsigned width = 5;
    uint32_t idx;
    constexpr bool is31() const { return idx == 31; }
};

// An unsigned immediate of N bits, exactly as encoded.
template <unsigned N>
struct Imm {
    static constexpr unsigned width = N;
    uint32_t v;
    constexpr operator uint32_t() const { return v; }
};

// A condition code field (cond<3:0>).
struct Cond {
    static constexpr unsigned width = 4;
    uint32_t v;
};

// A single-bit field (sf, N, S ...).
struct Bit {
    static constexpr unsigned width = 1;
    uint32_t v;
    constexpr operator bool() const { return v != 0; }
};

} // namespace armsim::cpu
