// Pure helpers shared by the semantics: flag arithmetic, shifts, extends, bit masks.
// Pseudocode names in comments refer to ARM DDI 0487 J1 (shared pseudocode).
#pragma once

#include "../fields.h"
#include "models/base/bits.h"

#include <cstdint>

namespace armsim::cpu::sem {

inline uint32_t nzcv_of(bool n, bool z, bool c, bool v) {
    return (uint32_t(n) << 31) | (uint32_t(z) << 30) | (uint32_t(c) << 29) | (uint32_t(v) << 28);
}

// AddWithCarry() for 64 and 32 bits.
inline uint64_t add_with_carry(bool sf, uint64_t x, uint64_t y, bool carry_in, uint32_t& nzcv) {
    if (sf) {
        const unsigned __int128 u = static_cast<unsigned __int128>(x) + y + carry_in;
        const uint64_t r = static_cast<uint64_t>(u);
        const bool c = (u >> 64) != 0;
        const bool v = ((x ^ r) & (y ^ r)) >> 63;
        nzcv = nzcv_of(r >> 63, r == 0, c, v);
        return r;
    }
    const uint32_t x32 = static_cast<uint32_t>(x), y32 = static_cast<uint32_t>(y);
    const uint64_t u = uint64_t(x32) + y32 + carry_in;
    const uint32_t r = static_cast<uint32_t>(u);
    const bool c = (u >> 32) != 0;
    const bool v = ((x32 ^ r) & (y32 ^ r)) >> 31;
    nzcv = nzcv_of(r >> 31, r == 0, c, v);
    return r;
}

inline uint32_t logic_flags(bool sf, uint64_t r) {
    return sf ? nzcv_of(r >> 63, r == 0, false, false)
              : nzcv_of((r >> 31) & 1, static_cast<uint32_t>(r) == 0, false, false);
}

enum class ShiftType : uint32_t { LSL = 0, LSR = 1, ASR = 2, ROR = 3 };

// ShiftReg(): amount < datasize, guaranteed by the decoder.
inline uint64_t shift_reg(bool sf, uint64_t v, uint32_t type, uint32_t amount) {
    if (amount == 0) return sf ? v : static_cast<uint32_t>(v);
    if (sf) {
        switch (static_cast<ShiftType>(type)) {
        case ShiftType::LSL:
            return v << amount;
        case ShiftType::LSR:
            return v >> amount;
        case ShiftType::ASR:
            return static_cast<uint64_t>(static_cast<int64_t>(v) >> amount);
        default:
            return ror64(v, amount);
        }
    }
    const uint32_t w = static_cast<uint32_t>(v);
    switch (static_cast<ShiftType>(type)) {
    case ShiftType::LSL:
        return static_cast<uint32_t>(w << amount);
    case ShiftType::LSR:
        return w >> amount;
    case ShiftType::ASR:
        return static_cast<uint32_t>(static_cast<int32_t>(w) >> amount);
    default:
        return ror32(w, amount);
    }
}

// ExtendReg(): option<2:0> selects the source width and signedness, then LSL #shift.
inline uint64_t extend_reg(uint64_t v, uint32_t option, uint32_t shift) {
    uint64_t r;
    switch (option) {
    case 0:
        r = static_cast<uint8_t>(v);
        break;
    case 1:
        r = static_cast<uint16_t>(v);
        break;
    case 2:
        r = static_cast<uint32_t>(v);
        break;
    case 3:
        r = v;
        break;
    case 4:
        r = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(v)));
        break;
    case 5:
        r = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(v)));
        break;
    case 6:
        r = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
        break;
    default:
        r = v;
        break;
    }
    return r << shift;
}

// DecodeBitMasks(immN, imms, immr, immediate=TRUE) for logical immediates; returns false for
// reserved encodings. wmask is truncated to the data size.
inline bool decode_logical_imm(bool sf, uint32_t n, uint32_t imms, uint32_t immr, uint64_t& out) {
    const uint32_t combined = (n << 6) | (~imms & 0x3f);
    if (combined == 0) return false;
    const unsigned len = 31 - static_cast<unsigned>(__builtin_clz(combined));
    if (len < 1 || (!sf && len > 5)) return false;
    const uint32_t levels = (1u << len) - 1;
    if ((imms & levels) == levels) return false;
    const unsigned s = imms & levels, r = immr & levels;
    const unsigned esize = 1u << len;
    uint64_t welem = ones(s + 1);
    // ROR within the element.
    if (r != 0) welem = ((welem >> r) | (welem << (esize - r))) & ones(esize);
    uint64_t m = welem;
    for (unsigned e = esize; e < 64; e *= 2)
        m |= m << e;
    out = sf ? m : static_cast<uint32_t>(m);
    return true;
}

} // namespace armsim::cpu::sem
