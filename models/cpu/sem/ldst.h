// Loads and stores (ARM DDI 0487 C4.1.4): single register in every addressing mode,
// pairs, literal, exclusives and acquire/release.
//
// The instruction syndrome for data aborts (ISS[24:14]: ISV, SAS, SSE, SRT, SF, AR) is a
// decode-time constant computed here and handed to the memory access, so a stage-2 fault
// carries what a hypervisor needs to emulate the access (D13.2.37).
#pragma once

#include "common.h"

namespace armsim::cpu::sem {

enum class Ld { Store, Zero, Signed64, Signed32, Prefetch };

constexpr uint32_t isyn(bool valid, unsigned size_bytes, bool sign, unsigned rt, bool sf,
                        bool ar = false) {
    if (!valid) return 0;
    const unsigned sas = size_bytes == 1 ? 0 : size_bytes == 2 ? 1 : size_bytes == 4 ? 2 : 3;
    return (1u << 24) | (sas << 22) | (uint32_t(sign) << 21) | (rt << 16) | (uint32_t(sf) << 15) |
           (uint32_t(ar) << 14);
}

template <unsigned Size>
struct UInt;
template <>
struct UInt<1> {
    using T = uint8_t;
};
template <>
struct UInt<2> {
    using T = uint16_t;
};
template <>
struct UInt<4> {
    using T = uint32_t;
};
template <>
struct UInt<8> {
    using T = uint64_t;
};

// One access of a single-register load/store at `addr`.
template <class B, unsigned Size, Ld Kind>
void ldst_access(B& b, uint64_t addr, Reg t, unsigned flags, bool syn_valid = true) {
    using T = typename UInt<Size>::T;
    constexpr bool sign = Kind == Ld::Signed64 || Kind == Ld::Signed32;
    constexpr bool sf = Kind == Ld::Signed64 || (Kind != Ld::Signed32 && Size == 8);
    const uint32_t syn = isyn(syn_valid, Size, sign, t.idx, sf);
    if constexpr (Kind == Ld::Prefetch) {
        (void)addr; // PRFM is a hint; it never faults
    } else if constexpr (Kind == Ld::Store) {
        const T v = static_cast<T>(b.X(t));
        if (flags)
            b.template store_special<T>(addr, v, flags, syn);
        else
            b.template store<T>(addr, v, syn);
    } else {
        const T v =
            flags ? b.template load_special<T>(addr, flags, syn) : b.template load<T>(addr, syn);
        if constexpr (Kind == Ld::Zero) {
            b.setX(t, uint64_t(v));
        } else {
            using S = std::make_signed_t<T>;
            const int64_t s = static_cast<S>(v);
            b.setR(Kind == Ld::Signed64, t, uint64_t(s));
        }
    }
}

// Register (unsigned offset): address = Rn|SP + imm12 * size.
template <class B, unsigned Size, Ld Kind>
void ldst_uimm(B& b, Imm<12> imm12, Reg n, Reg t) {
    const uint64_t base = b.XSP(n);
    b.check_sp_alignment(n, base); // CheckSPAlignment() looks at SP itself, not SP + offset
    const uint64_t addr = base + uint64_t(imm12) * Size;
    ldst_access<B, Size, Kind>(b, addr, t, 0);
}
// Unscaled (STUR/LDUR) and unprivileged (STTR/LDTR) forms: address = Rn|SP + simm9.
template <class B, unsigned Size, Ld Kind, unsigned Flags>
void ldst_simm(B& b, Imm<9> imm9, Reg n, Reg t) {
    const uint64_t base = b.XSP(n);
    b.check_sp_alignment(n, base);
    const uint64_t addr = base + uint64_t(sext(imm9, 9));
    ldst_access<B, Size, Kind>(b, addr, t, Flags);
}
// Pre- and post-indexed forms write the address back. Writeback to the transfer register
// is CONSTRAINED UNPREDICTABLE (C6.2.x); like QEMU we let the writeback happen last for
// stores and the load win for loads.
template <class B, unsigned Size, Ld Kind, bool Post>
void ldst_index(B& b, Imm<9> imm9, Reg n, Reg t) {
    const uint64_t base = b.XSP(n);
    const uint64_t offset = uint64_t(sext(imm9, 9));
    const uint64_t addr = Post ? base : base + offset;
    b.check_sp_alignment(n, base);
    if constexpr (Kind == Ld::Store || Kind == Ld::Prefetch) {
        ldst_access<B, Size, Kind>(b, addr, t, 0, false); // writeback: no valid syndrome
        b.setXSP(n, base + offset);
    } else {
        // Access first: a fault must leave the base register unchanged.
        using T = typename UInt<Size>::T;
        const T v = b.template load<T>(addr, 0);
        b.setXSP(n, base + offset);
        if constexpr (Kind == Ld::Zero) {
            b.setX(t, uint64_t(v));
        } else {
            using S = std::make_signed_t<T>;
            b.setR(Kind == Ld::Signed64, t, uint64_t(int64_t(static_cast<S>(v))));
        }
    }
}
// Register offset: address = Rn|SP + ExtendReg(Rm, option, S ? log2(size) : 0).
template <class B, unsigned Size, Ld Kind>
void ldst_reg(B& b, Reg m, Imm<3> option, Bit s, Reg n, Reg t) {
    if (!(option & 2)) // option<1> == 0 is reserved (UXTB/UXTH/SXTB/SXTH)
        b.undefined();
    constexpr unsigned scale = Size == 1 ? 0 : Size == 2 ? 1 : Size == 4 ? 2 : 3;
    const uint64_t base = b.XSP(n);
    b.check_sp_alignment(n, base);
    const uint64_t addr = base + extend_reg(b.X(m), option, s ? scale : 0);
    ldst_access<B, Size, Kind>(b, addr, t, 0);
}

// Declares NAME_uimm, NAME_unscaled, NAME_post, NAME_pre, NAME_reg.
#define ARMSIM_LDST_FORMS(NAME, SIZE, KIND)                                                        \
    template <class B>                                                                             \
    void NAME##_uimm(B& b, Imm<12> i, Reg n, Reg t) {                                              \
        ldst_uimm<B, SIZE, Ld::KIND>(b, i, n, t);                                                  \
    }                                                                                              \
    template <class B>                                                                             \
    void NAME##_unscaled(B& b, Imm<9> i, Reg n, Reg t) {                                           \
        ldst_simm<B, SIZE, Ld::KIND, 0>(b, i, n, t);                                               \
    }                                                                                              \
    template <class B>                                                                             \
    void NAME##_post(B& b, Imm<9> i, Reg n, Reg t) {                                               \
        ldst_index<B, SIZE, Ld::KIND, true>(b, i, n, t);                                           \
    }                                                                                              \
    template <class B>                                                                             \
    void NAME##_pre(B& b, Imm<9> i, Reg n, Reg t) {                                                \
        ldst_index<B, SIZE, Ld::KIND, false>(b, i, n, t);                                          \
    }                                                                                              \
    template <class B>                                                                             \
    void NAME##_reg(B& b, Reg m, Imm<3> o, Bit s, Reg n, Reg t) {                                  \
        ldst_reg<B, SIZE, Ld::KIND>(b, m, o, s, n, t);                                             \
    }
#define ARMSIM_LDST_UNPRIV(NAME, SIZE, KIND)                                                       \
    template <class B>                                                                             \
    void NAME(B& b, Imm<9> i, Reg n, Reg t) {                                                      \
        ldst_simm<B, SIZE, Ld::KIND, 1 /* Core::kUnpriv */>(b, i, n, t);                           \
    }

ARMSIM_LDST_FORMS(STRB, 1, Store)
ARMSIM_LDST_FORMS(LDRB, 1, Zero)
ARMSIM_LDST_FORMS(LDRSBx, 1, Signed64)
ARMSIM_LDST_FORMS(LDRSBw, 1, Signed32)
ARMSIM_LDST_FORMS(STRH, 2, Store)
ARMSIM_LDST_FORMS(LDRH, 2, Zero)
ARMSIM_LDST_FORMS(LDRSHx, 2, Signed64)
ARMSIM_LDST_FORMS(LDRSHw, 2, Signed32)
ARMSIM_LDST_FORMS(STRw, 4, Store)
ARMSIM_LDST_FORMS(LDRw, 4, Zero)
ARMSIM_LDST_FORMS(LDRSW, 4, Signed64)
ARMSIM_LDST_FORMS(STRx, 8, Store)
ARMSIM_LDST_FORMS(LDRx, 8, Zero)
ARMSIM_LDST_FORMS(PRFM, 8, Prefetch)
ARMSIM_LDST_UNPRIV(STTRB, 1, Store)
ARMSIM_LDST_UNPRIV(LDTRB, 1, Zero)
ARMSIM_LDST_UNPRIV(LDTRSBx, 1, Signed64)
ARMSIM_LDST_UNPRIV(LDTRSBw, 1, Signed32)
ARMSIM_LDST_UNPRIV(STTRH, 2, Store)
ARMSIM_LDST_UNPRIV(LDTRH, 2, Zero)
ARMSIM_LDST_UNPRIV(LDTRSHx, 2, Signed64)
ARMSIM_LDST_UNPRIV(LDTRSHw, 2, Signed32)
ARMSIM_LDST_UNPRIV(STTRw, 4, Store)
ARMSIM_LDST_UNPRIV(LDTRw, 4, Zero)
ARMSIM_LDST_UNPRIV(LDTRSW, 4, Signed64)
ARMSIM_LDST_UNPRIV(STTRx, 8, Store)
ARMSIM_LDST_UNPRIV(LDTRx, 8, Zero)
#undef ARMSIM_LDST_FORMS
#undef ARMSIM_LDST_UNPRIV

// --- Load register (literal) --------------------------------------------------------------

template <class B>
void LDRw_lit(B& b, Imm<19> imm19, Reg t) {
    const uint64_t addr = b.pc() + uint64_t(sext(uint64_t(imm19) << 2, 21));
    b.setX(t, b.template load<uint32_t>(addr, isyn(true, 4, false, t.idx, false)));
}
template <class B>
void LDRx_lit(B& b, Imm<19> imm19, Reg t) {
    const uint64_t addr = b.pc() + uint64_t(sext(uint64_t(imm19) << 2, 21));
    b.setX(t, b.template load<uint64_t>(addr, isyn(true, 8, false, t.idx, true)));
}
template <class B>
void LDRSW_lit(B& b, Imm<19> imm19, Reg t) {
    const uint64_t addr = b.pc() + uint64_t(sext(uint64_t(imm19) << 2, 21));
    const int32_t v = int32_t(b.template load<uint32_t>(addr, isyn(true, 4, true, t.idx, true)));
    b.setX(t, uint64_t(int64_t(v)));
}
template <class B>
void PRFM_lit(B&, Imm<19>, Reg) {}

// --- Load/store pair ----------------------------------------------------------------------

enum class PairMode { Offset, Post, Pre };

template <class B, unsigned Size, bool Load, bool SignedW, PairMode Mode>
void ldst_pair(B& b, Imm<7> imm7, Reg t2, Reg n, Reg t) {
    using T = typename UInt<Size>::T;
    const uint64_t base = b.XSP(n);
    const uint64_t offset = uint64_t(sext(imm7, 7)) * Size;
    const uint64_t addr = Mode == PairMode::Post ? base : base + offset;
    b.check_sp_alignment(n, base);
    if constexpr (Load) {
        // LDP with t == t2 is CONSTRAINED UNPREDICTABLE; we take UNDEFINED like the
        // ARM ARM's preferred choice (C6.2.129).
        if (t.idx == t2.idx) b.undefined();
        const T v1 = b.template load<T>(addr, 0);
        const T v2 = b.template load<T>(addr + Size, 0);
        if (Mode != PairMode::Offset) b.setXSP(n, base + offset);
        if constexpr (SignedW) {
            b.setX(t, uint64_t(int64_t(int32_t(v1))));
            b.setX(t2, uint64_t(int64_t(int32_t(v2))));
        } else {
            b.setX(t, uint64_t(v1));
            b.setX(t2, uint64_t(v2));
        }
    } else {
        const T v1 = static_cast<T>(b.X(t)), v2 = static_cast<T>(b.X(t2));
        b.template store<T>(addr, v1, 0);
        b.template store<T>(addr + Size, v2, 0);
        if (Mode != PairMode::Offset) b.setXSP(n, base + offset);
    }
}
#define ARMSIM_PAIR(NAME, SIZE, LOAD, SW)                                                          \
    template <class B>                                                                             \
    void NAME##_off(B& b, Imm<7> i, Reg t2, Reg n, Reg t) {                                        \
        ldst_pair<B, SIZE, LOAD, SW, PairMode::Offset>(b, i, t2, n, t);                            \
    }                                                                                              \
    template <class B>                                                                             \
    void NAME##_post(B& b, Imm<7> i, Reg t2, Reg n, Reg t) {                                       \
        ldst_pair<B, SIZE, LOAD, SW, PairMode::Post>(b, i, t2, n, t);                              \
    }                                                                                              \
    template <class B>                                                                             \
    void NAME##_pre(B& b, Imm<7> i, Reg t2, Reg n, Reg t) {                                        \
        ldst_pair<B, SIZE, LOAD, SW, PairMode::Pre>(b, i, t2, n, t);                               \
    }
ARMSIM_PAIR(STPw, 4, false, false)
ARMSIM_PAIR(LDPw, 4, true, false)
ARMSIM_PAIR(LDPSW, 4, true, true)
ARMSIM_PAIR(STPx, 8, false, false)
ARMSIM_PAIR(LDPx, 8, true, false)
#undef ARMSIM_PAIR
// Non-temporal pairs: same access, a hint about caching only.
template <class B>
void STNPw(B& b, Imm<7> i, Reg t2, Reg n, Reg t) {
    ldst_pair<B, 4, false, false, PairMode::Offset>(b, i, t2, n, t);
}
template <class B>
void LDNPw(B& b, Imm<7> i, Reg t2, Reg n, Reg t) {
    ldst_pair<B, 4, true, false, PairMode::Offset>(b, i, t2, n, t);
}
template <class B>
void STNPx(B& b, Imm<7> i, Reg t2, Reg n, Reg t) {
    ldst_pair<B, 8, false, false, PairMode::Offset>(b, i, t2, n, t);
}
template <class B>
void LDNPx(B& b, Imm<7> i, Reg t2, Reg n, Reg t) {
    ldst_pair<B, 8, true, false, PairMode::Offset>(b, i, t2, n, t);
}

// --- Exclusives and acquire/release -------------------------------------------------------
// size<1:0> selects B/H/W/X; the core does the monitor and the atomicity.

template <class B>
void LDXR(B& b, Imm<2> size, Reg n, Reg t) {
    const uint64_t addr = b.XSP(n);
    b.check_sp_alignment(n, addr);
    auto& c = b.core();
    uint64_t v;
    switch (size) {
    case 0:
        v = c.template load_exclusive<uint8_t>(addr, false);
        break;
    case 1:
        v = c.template load_exclusive<uint16_t>(addr, false);
        break;
    case 2:
        v = c.template load_exclusive<uint32_t>(addr, false);
        break;
    default:
        v = c.template load_exclusive<uint64_t>(addr, false);
        break;
    }
    b.setX(t, v);
}
template <class B>
void LDAXR(B& b, Imm<2> size, Reg n, Reg t) {
    LDXR(b, size, n, t);
}

template <class B>
void STXR(B& b, Imm<2> size, Reg s, Reg n, Reg t) {
    const uint64_t addr = b.XSP(n);
    b.check_sp_alignment(n, addr);
    auto& c = b.core();
    const uint64_t v = b.X(t);
    bool ok;
    switch (size) {
    case 0:
        ok = c.template store_exclusive<uint8_t>(addr, uint8_t(v), false);
        break;
    case 1:
        ok = c.template store_exclusive<uint16_t>(addr, uint16_t(v), false);
        break;
    case 2:
        ok = c.template store_exclusive<uint32_t>(addr, uint32_t(v), false);
        break;
    default:
        ok = c.template store_exclusive<uint64_t>(addr, v, false);
        break;
    }
    b.setX(s, ok ? 0 : 1);
}
template <class B>
void STLXR(B& b, Imm<2> size, Reg s, Reg n, Reg t) {
    STXR(b, size, s, n, t);
}

template <class B>
void LDXP(B& b, Bit sz, Reg t2, Reg n, Reg t) {
    if (t.idx == t2.idx) b.undefined();
    const uint64_t addr = b.XSP(n);
    b.check_sp_alignment(n, addr);
    uint64_t v0, v1;
    b.core().load_exclusive_pair(addr, sz ? 8 : 4, v0, v1);
    b.setX(t, v0);
    b.setX(t2, v1);
}
template <class B>
void LDAXP(B& b, Bit sz, Reg t2, Reg n, Reg t) {
    LDXP(b, sz, t2, n, t);
}
template <class B>
void STXP(B& b, Bit sz, Reg s, Reg t2, Reg n, Reg t) {
    const uint64_t addr = b.XSP(n);
    b.check_sp_alignment(n, addr);
    const bool ok = b.core().store_exclusive_pair(addr, b.X(t), b.X(t2), sz ? 8 : 4);
    b.setX(s, ok ? 0 : 1);
}
template <class B>
void STLXP(B& b, Bit sz, Reg s, Reg t2, Reg n, Reg t) {
    STXP(b, sz, s, t2, n, t);
}

template <class B>
void LDAR(B& b, Imm<2> size, Reg n, Reg t) {
    const uint64_t addr = b.XSP(n);
    b.check_sp_alignment(n, addr);
    constexpr unsigned f = 2; // Core::kAligned
    uint64_t v;
    switch (size) {
    case 0:
        v = b.template load_special<uint8_t>(addr, f, isyn(true, 1, false, t.idx, false, true));
        break;
    case 1:
        v = b.template load_special<uint16_t>(addr, f, isyn(true, 2, false, t.idx, false, true));
        break;
    case 2:
        v = b.template load_special<uint32_t>(addr, f, isyn(true, 4, false, t.idx, false, true));
        break;
    default:
        v = b.template load_special<uint64_t>(addr, f, isyn(true, 8, false, t.idx, true, true));
        break;
    }
    b.setX(t, v);
}
template <class B>
void STLR(B& b, Imm<2> size, Reg n, Reg t) {
    const uint64_t addr = b.XSP(n);
    b.check_sp_alignment(n, addr);
    constexpr unsigned f = 2; // Core::kAligned
    const uint64_t v = b.X(t);
    switch (size) {
    case 0:
        b.template store_special<uint8_t>(addr, uint8_t(v), f,
                                          isyn(true, 1, false, t.idx, false, true));
        break;
    case 1:
        b.template store_special<uint16_t>(addr, uint16_t(v), f,
                                           isyn(true, 2, false, t.idx, false, true));
        break;
    case 2:
        b.template store_special<uint32_t>(addr, uint32_t(v), f,
                                           isyn(true, 4, false, t.idx, false, true));
        break;
    default:
        b.template store_special<uint64_t>(addr, v, f, isyn(true, 8, false, t.idx, true, true));
        break;
    }
}

} // namespace armsim::cpu::sem
