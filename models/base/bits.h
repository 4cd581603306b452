// Bit manipulation helpers shared by the models.
#pragma once

#include <bit>
#include <cstdint>

namespace armsim {

constexpr uint64_t ones(unsigned n) {
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

constexpr uint64_t bits(uint64_t v, unsigned hi, unsigned lo) {
    return (v >> lo) & ones(hi - lo + 1);
}

constexpr bool bit(uint64_t v, unsigned n) {
    return (v >> n) & 1;
}

// Sign-extends the low `width` bits of v.
constexpr int64_t sext(uint64_t v, unsigned width) {
    const unsigned s = 64 - width;
    return static_cast<int64_t>(v << s) >> s;
}

constexpr uint64_t set_bits(uint64_t v, unsigned hi, unsigned lo, uint64_t field) {
    const uint64_t m = ones(hi - lo + 1) << lo;
    return (v & ~m) | ((field << lo) & m);
}

constexpr uint64_t ror64(uint64_t v, unsigned r) {
    return std::rotr(v, static_cast<int>(r & 63));
}
constexpr uint32_t ror32(uint32_t v, unsigned r) {
    return std::rotr(v, static_cast<int>(r & 31));
}

} // namespace armsim
