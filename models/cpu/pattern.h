// Compile-time parsing of the encoding patterns in a64.inc.
//
// A pattern has 32 significant characters, most significant bit first; spaces are
// ignored. '0' and '1' are fixed bits, '-' is a bit the instruction ignores, and any
// letter belongs to a field. The fields are passed to the handler in order of their first
// appearance; a letter may appear in several runs (e.g. ADR's immhi:immlo), which are
// concatenated most significant run first.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace armsim::cpu {

struct FieldRun {
    uint8_t lsb = 0;
    uint8_t width = 0;
};

struct FieldSpec {
    char letter = 0;
    uint8_t width = 0;
    uint8_t nruns = 0;
    FieldRun runs[4]{};
};

struct Spec {
    char bit[32]{}; // bit[i] describes instruction bit i
    uint32_t mask = 0;
    uint32_t value = 0;
    uint8_t nfields = 0;
    FieldSpec fields[8]{};
};

namespace detail {
constexpr bool is_field_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// Referenced only in constant evaluation: a call makes a malformed pattern a compile error.
inline void pattern_error(const char*) {}
} // namespace detail

template <size_t N>
constexpr Spec make_spec(const char (&text)[N]) {
    Spec s{};
    int pos = 31;
    for (size_t i = 0; i + 1 < N; ++i) {
        const char c = text[i];
        if (c == ' ') continue;
        if (pos < 0) detail::pattern_error("pattern longer than 32 bits");
        if (c != '0' && c != '1' && c != '-' && !detail::is_field_char(c))
            detail::pattern_error("bad pattern character");
        s.bit[pos--] = c;
    }
    if (pos != -1) detail::pattern_error("pattern shorter than 32 bits");

    for (int b = 31; b >= 0; --b) {
        const char c = s.bit[b];
        if (c == '0' || c == '1') {
            s.mask |= 1u << b;
            if (c == '1') s.value |= 1u << b;
        }
    }
    // Fields in order of first appearance from the most significant bit.
    for (int b = 31; b >= 0; --b) {
        const char c = s.bit[b];
        if (!detail::is_field_char(c)) continue;
        int f = 0;
        while (f < s.nfields && s.fields[f].letter != c)
            ++f;
        if (f == s.nfields) {
            if (s.nfields == 8) detail::pattern_error("too many fields");
            s.fields[s.nfields++].letter = c;
        }
        FieldSpec& fs = s.fields[f];
        const bool continues_run =
            fs.nruns > 0 && fs.runs[fs.nruns - 1].lsb == b + 1 && s.bit[b + 1] == c;
        if (continues_run) {
            fs.runs[fs.nruns - 1].lsb = static_cast<uint8_t>(b);
            fs.runs[fs.nruns - 1].width++;
        } else {
            if (fs.nruns == 4) detail::pattern_error("field split in too many runs");
            fs.runs[fs.nruns++] = FieldRun{static_cast<uint8_t>(b), 1};
        }
        fs.width++;
    }
    return s;
}

template <FieldSpec F>
constexpr uint32_t extract_field(uint32_t insn) {
    if constexpr (F.nruns == 1) {
        return (insn >> F.runs[0].lsb) & ((1u << F.runs[0].width) - 1u);
    } else {
        uint32_t v = 0;
        for (unsigned r = 0; r < F.nruns; ++r)
            v = (v << F.runs[r].width) | ((insn >> F.runs[r].lsb) & ((1u << F.runs[r].width) - 1u));
        return v;
    }
}

} // namespace armsim::cpu
