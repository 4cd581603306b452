// The interpreter backend of the instruction semantics.
//
// Semantics (sem/*.h) are templates on a backend B. They read and write registers, flags
// and memory only through B, and they branch on run-time values only through B
// (select, branch_if, ...), so a code-generating backend (the planned LLVM JIT) can
// instantiate the same templates and emit IR instead of executing. Decode-time fields are
// plain integers and may steer the C++ control flow freely.
//
// Interp executes directly on a Core; everything here is inline.
#pragma once

#include "core.h"
#include "fields.h"

#include <cstdint>

namespace armsim::cpu {

// kCondTable[cond] has bit n set when the condition holds for NZCV == n.
constexpr uint16_t cond_mask(unsigned cond) {
    uint16_t m = 0;
    for (unsigned f = 0; f < 16; ++f) {
        const bool n = f & 8, z = f & 4, c = f & 2, v = f & 1;
        bool r = false;
        switch (cond >> 1) {
        case 0:
            r = z;
            break;
        case 1:
            r = c;
            break;
        case 2:
            r = n;
            break;
        case 3:
            r = v;
            break;
        case 4:
            r = c && !z;
            break;
        case 5:
            r = n == v;
            break;
        case 6:
            r = n == v && !z;
            break;
        case 7:
            r = true;
            break;
        }
        if ((cond & 1) && cond != 15) r = !r;
        if (r) m |= static_cast<uint16_t>(1u << f);
    }
    return m;
}
inline constexpr uint16_t kCondTable[16] = {
    cond_mask(0),  cond_mask(1),  cond_mask(2),  cond_mask(3), cond_mask(4),  cond_mask(5),
    cond_mask(6),  cond_mask(7),  cond_mask(8),  cond_mask(9), cond_mask(10), cond_mask(11),
    cond_mask(12), cond_mask(13), cond_mask(14), cond_mask(15)};

struct Interp {
    Core& c;

    using U64 = uint64_t;
    using U32 = uint32_t;
    using Flag = bool;

    // --- registers ------------------------------------------------------------------------
    uint64_t X(Reg r) const { return c.st.x[r.idx]; }
    uint32_t W(Reg r) const { return static_cast<uint32_t>(c.st.x[r.idx]); }
    uint64_t XSP(Reg r) const { return r.idx == 31 ? c.st.sp : c.st.x[r.idx]; }
    void setX(Reg r, uint64_t v) {
        c.st.x[r.idx] = v;
        c.st.x[31] = 0;
    }
    void setW(Reg r, uint32_t v) { setX(r, v); }
    void setXSP(Reg r, uint64_t v) {
        if (r.idx == 31)
            c.st.sp = v;
        else
            c.st.x[r.idx] = v;
    }
    // Register by width: 64-bit when sf, else the W view zero-extended.
    uint64_t R(bool sf, Reg r) const { return sf ? X(r) : W(r); }
    void setR(bool sf, Reg r, uint64_t v) { setX(r, sf ? v : static_cast<uint32_t>(v)); }
    uint64_t RSP(bool sf, Reg r) const { return sf ? XSP(r) : static_cast<uint32_t>(XSP(r)); }
    void setRSP(bool sf, Reg r, uint64_t v) { setXSP(r, sf ? v : static_cast<uint32_t>(v)); }

    // --- flags ----------------------------------------------------------------------------
    uint32_t nzcv() const { return c.st.nzcv; }
    void set_nzcv(uint32_t v) { c.st.nzcv = v & 0xf0000000u; }
    bool cond(Cond cc) const { return (kCondTable[cc.v] >> (c.st.nzcv >> 28)) & 1; }
    bool carry() const { return (c.st.nzcv >> 29) & 1; }

    // --- values ---------------------------------------------------------------------------
    template <class T>
    static T select(bool p, T a, T b) {
        return p ? a : b;
    }

    // --- control flow ---------------------------------------------------------------------
    uint64_t pc() const { return c.st.pc; }
    void branch(uint64_t target) { c.st.pc = target; }
    void branch_if(bool p, uint64_t target) { c.st.pc = p ? target : c.st.pc + 4; }
    // Register-indirect branches: a misaligned target faults at the next fetch.
    void branch_indirect(uint64_t target) {
        c.st.pc = target;
        if (target & 3) c.invalidate_fetch();
    }

    // --- memory ---------------------------------------------------------------------------
    template <class T>
    T load(uint64_t va, uint32_t isyn) {
        return c.read<T>(va, isyn);
    }
    template <class T>
    void store(uint64_t va, T v, uint32_t isyn) {
        c.write<T>(va, v, isyn);
    }
    template <class T>
    T load_special(uint64_t va, unsigned flags, uint32_t isyn) {
        return c.read_special<T>(va, flags, isyn);
    }
    template <class T>
    void store_special(uint64_t va, T v, unsigned flags, uint32_t isyn) {
        c.write_special<T>(va, v, flags, isyn);
    }
    void check_sp_alignment(Reg n, uint64_t addr) {
        if (n.idx == 31) c.check_sp_alignment(addr);
    }

    // --- everything else goes to the core (helpers a JIT would call) ----------------------
    [[noreturn]] void undefined() { c.undefined(); }
    Core& core() { return c; }
};

} // namespace armsim::cpu
