// Data processing: immediate and register forms (ARM DDI 0487 C4.1.2, C4.1.5).
// Handler parameters follow the order of fields in the a64.inc pattern.
#pragma once

#include "common.h"

namespace armsim::cpu::sem {

// --- PC-relative addressing ---------------------------------------------------------------

template <class B>
void ADR(B& b, Imm<2> immlo, Imm<19> immhi, Reg d) {
    const int64_t off = sext((uint64_t(immhi) << 2) | immlo, 21);
    b.setX(d, b.pc() + static_cast<uint64_t>(off));
}

template <class B>
void ADRP(B& b, Imm<2> immlo, Imm<19> immhi, Reg d) {
    const int64_t off = sext((uint64_t(immhi) << 2) | immlo, 21) * 4096;
    b.setX(d, (b.pc() & ~0xfffull) + static_cast<uint64_t>(off));
}

// --- Add/subtract: the part the immediate, shifted and extended forms share --------------

// op1 + op2 or op1 - op2 (as op1 + NOT(op2) + 1), with NZCV (C3.4.1 AddWithCarry).
template <bool Sub>
inline uint64_t addsub_flags(bool sf, uint64_t op1, uint64_t op2, uint32_t& nzcv) {
    return Sub ? add_with_carry(sf, op1, ~op2, true, nzcv)
               : add_with_carry(sf, op1, op2, false, nzcv);
}

// Writes the result of ADD/SUB(S). Rd = 31 names SP in the forms without flags when
// SpDest (immediate, extended register) and XZR otherwise (shifted register, and every
// flag-setting form). Inline templates: the handler compiles to what a hand-written one
// would, so sharing this costs the instruction loop nothing.
template <bool Sub, bool SetFlags, bool SpDest, class B>
inline void addsub_write(B& b, bool sf, Reg d, uint64_t op1, uint64_t op2) {
    if constexpr (SetFlags) {
        uint32_t f;
        const uint64_t r = addsub_flags<Sub>(sf, op1, op2, f);
        b.set_nzcv(f);
        b.setR(sf, d, r);
    } else if constexpr (SpDest) {
        b.setRSP(sf, d, Sub ? op1 - op2 : op1 + op2);
    } else {
        b.setR(sf, d, Sub ? op1 - op2 : op1 + op2);
    }
}

// --- Add/subtract (immediate) -------------------------------------------------------------

template <class B, bool Sub, bool SetFlags>
void addsub_imm(B& b, Bit sf, Bit sh, Imm<12> imm12, Reg n, Reg d) {
    const uint64_t imm = uint64_t(imm12) << (sh ? 12 : 0);
    addsub_write<Sub, SetFlags, true>(b, sf, d, b.RSP(sf, n), imm);
}
template <class B>
void ADD_imm(B& b, Bit sf, Bit sh, Imm<12> i, Reg n, Reg d) {
    addsub_imm<B, false, false>(b, sf, sh, i, n, d);
}
template <class B>
void ADDS_imm(B& b, Bit sf, Bit sh, Imm<12> i, Reg n, Reg d) {
    addsub_imm<B, false, true>(b, sf, sh, i, n, d);
}
template <class B>
void SUB_imm(B& b, Bit sf, Bit sh, Imm<12> i, Reg n, Reg d) {
    addsub_imm<B, true, false>(b, sf, sh, i, n, d);
}
template <class B>
void SUBS_imm(B& b, Bit sf, Bit sh, Imm<12> i, Reg n, Reg d) {
    addsub_imm<B, true, true>(b, sf, sh, i, n, d);
}

// --- Logical (immediate) ------------------------------------------------------------------

enum class LogicOp { And, Orr, Eor, Ands };

template <class B, LogicOp Op>
void logical_imm(B& b, Bit sf, Bit nbit, Imm<6> immr, Imm<6> imms, Reg n, Reg d) {
    if (!sf && nbit) b.undefined();
    uint64_t imm;
    if (!decode_logical_imm(sf, nbit, imms, immr, imm)) b.undefined();
    const uint64_t op1 = b.R(sf, n);
    switch (Op) {
    case LogicOp::And:
        b.setRSP(sf, d, op1 & imm);
        break;
    case LogicOp::Orr:
        b.setRSP(sf, d, op1 | imm);
        break;
    case LogicOp::Eor:
        b.setRSP(sf, d, op1 ^ imm);
        break;
    case LogicOp::Ands: {
        const uint64_t r = op1 & imm;
        b.set_nzcv(logic_flags(sf, r));
        b.setR(sf, d, r);
        break;
    }
    }
}
template <class B>
void AND_imm(B& b, Bit sf, Bit N, Imm<6> r, Imm<6> s, Reg n, Reg d) {
    logical_imm<B, LogicOp::And>(b, sf, N, r, s, n, d);
}
template <class B>
void ORR_imm(B& b, Bit sf, Bit N, Imm<6> r, Imm<6> s, Reg n, Reg d) {
    logical_imm<B, LogicOp::Orr>(b, sf, N, r, s, n, d);
}
template <class B>
void EOR_imm(B& b, Bit sf, Bit N, Imm<6> r, Imm<6> s, Reg n, Reg d) {
    logical_imm<B, LogicOp::Eor>(b, sf, N, r, s, n, d);
}
template <class B>
void ANDS_imm(B& b, Bit sf, Bit N, Imm<6> r, Imm<6> s, Reg n, Reg d) {
    logical_imm<B, LogicOp::Ands>(b, sf, N, r, s, n, d);
}

// --- Move wide (immediate) ----------------------------------------------------------------

template <class B>
void MOVN(B& b, Bit sf, Imm<2> hw, Imm<16> imm16, Reg d) {
    if (!sf && (hw & 2)) b.undefined();
    b.setR(sf, d, ~(uint64_t(imm16) << (hw * 16)));
}
template <class B>
void MOVZ(B& b, Bit sf, Imm<2> hw, Imm<16> imm16, Reg d) {
    if (!sf && (hw & 2)) b.undefined();
    b.setR(sf, d, uint64_t(imm16) << (hw * 16));
}
template <class B>
void MOVK(B& b, Bit sf, Imm<2> hw, Imm<16> imm16, Reg d) {
    if (!sf && (hw & 2)) b.undefined();
    const unsigned pos = hw * 16;
    b.setR(sf, d, (b.X(d) & ~(0xffffull << pos)) | (uint64_t(imm16) << pos));
}

// --- Bitfield -----------------------------------------------------------------------------
// Closed forms of the DecodeBitMasks(immediate=FALSE) pseudocode: with S >= R the field
// src<S:R> moves to the bottom; with S < R, src<S:0> moves up to bit (datasize - R).

inline bool bitfield_reserved(bool sf, uint32_t nbit, uint32_t immr, uint32_t imms) {
    if (sf != (nbit != 0)) return true;
    return !sf && ((immr | imms) & 0x20);
}

enum class BitfieldOp { Signed, Insert, Unsigned };

template <class B, BitfieldOp Op>
void bitfield(B& b, Bit sf, Bit nbit, Imm<6> immr, Imm<6> imms, Reg n, Reg d) {
    if (bitfield_reserved(sf, nbit, immr, imms)) b.undefined();
    const unsigned size = sf ? 64 : 32;
    const unsigned r = immr, s = imms;
    // The field's width, its bits at the bottom, and the bit it lands on.
    const unsigned width = s >= r ? s - r + 1 : s + 1;
    const uint64_t field = (s >= r ? b.X(n) >> r : b.X(n)) & ones(width);
    const unsigned pos = s >= r ? 0 : size - r;
    uint64_t res;
    if constexpr (Op == BitfieldOp::Signed) {
        res = static_cast<uint64_t>(sext(field, width)) << pos;
    } else if constexpr (Op == BitfieldOp::Unsigned) {
        res = field << pos;
    } else {
        const uint64_t m = ones(width) << pos;
        res = (b.X(d) & ~m) | (field << pos);
    }
    b.setR(sf, d, res);
}
template <class B>
void SBFM(B& b, Bit sf, Bit N, Imm<6> r, Imm<6> s, Reg n, Reg d) {
    bitfield<B, BitfieldOp::Signed>(b, sf, N, r, s, n, d);
}
template <class B>
void BFM(B& b, Bit sf, Bit N, Imm<6> r, Imm<6> s, Reg n, Reg d) {
    bitfield<B, BitfieldOp::Insert>(b, sf, N, r, s, n, d);
}
template <class B>
void UBFM(B& b, Bit sf, Bit N, Imm<6> r, Imm<6> s, Reg n, Reg d) {
    bitfield<B, BitfieldOp::Unsigned>(b, sf, N, r, s, n, d);
}

template <class B>
void EXTR(B& b, Bit sf, Bit nbit, Reg m, Imm<6> imms, Reg n, Reg d) {
    if (sf != nbit || (!sf && (imms & 0x20))) b.undefined();
    const unsigned lsb = imms;
    if (sf) {
        const uint64_t lo = b.X(m), hi = b.X(n);
        b.setX(d, lsb == 0 ? lo : (lo >> lsb) | (hi << (64 - lsb)));
    } else {
        const uint32_t lo = b.W(m), hi = b.W(n);
        b.setW(d, lsb == 0 ? lo : (lo >> lsb) | (hi << (32 - lsb)));
    }
}

// --- Logical (shifted register) -----------------------------------------------------------

template <class B, LogicOp Op, bool Invert>
void logical_sreg(B& b, Bit sf, Imm<2> shift, Reg m, Imm<6> imm6, Reg n, Reg d) {
    if (!sf && (imm6 & 0x20)) b.undefined();
    uint64_t op2 = shift_reg(sf, b.X(m), shift, imm6);
    if (Invert) op2 = ~op2;
    const uint64_t op1 = b.X(n);
    uint64_t r;
    switch (Op) {
    case LogicOp::And:
        r = op1 & op2;
        break;
    case LogicOp::Orr:
        r = op1 | op2;
        break;
    case LogicOp::Eor:
        r = op1 ^ op2;
        break;
    default:
        r = op1 & op2;
        break;
    }
    if (Op == LogicOp::Ands) b.set_nzcv(logic_flags(sf, r));
    b.setR(sf, d, r);
}
#define ARMSIM_LOGICAL_SREG(NAME, OP, INV)                                                         \
    template <class B>                                                                             \
    void NAME(B& b, Bit sf, Imm<2> sh, Reg m, Imm<6> a, Reg n, Reg d) {                            \
        logical_sreg<B, LogicOp::OP, INV>(b, sf, sh, m, a, n, d);                                  \
    }
ARMSIM_LOGICAL_SREG(AND_sreg, And, false)
ARMSIM_LOGICAL_SREG(BIC_sreg, And, true)
ARMSIM_LOGICAL_SREG(ORR_sreg, Orr, false)
ARMSIM_LOGICAL_SREG(ORN_sreg, Orr, true)
ARMSIM_LOGICAL_SREG(EOR_sreg, Eor, false)
ARMSIM_LOGICAL_SREG(EON_sreg, Eor, true)
ARMSIM_LOGICAL_SREG(ANDS_sreg, Ands, false)
ARMSIM_LOGICAL_SREG(BICS_sreg, Ands, true)
#undef ARMSIM_LOGICAL_SREG

// --- Add/subtract (shifted register) ------------------------------------------------------

template <class B, bool Sub, bool SetFlags>
void addsub_sreg(B& b, Bit sf, Imm<2> shift, Reg m, Imm<6> imm6, Reg n, Reg d) {
    if (shift == 3 || (!sf && (imm6 & 0x20))) b.undefined();
    const uint64_t op2 = shift_reg(sf, b.X(m), shift, imm6);
    addsub_write<Sub, SetFlags, false>(b, sf, d, b.R(sf, n), op2);
}
template <class B>
void ADD_sreg(B& b, Bit sf, Imm<2> s, Reg m, Imm<6> a, Reg n, Reg d) {
    addsub_sreg<B, false, false>(b, sf, s, m, a, n, d);
}
template <class B>
void ADDS_sreg(B& b, Bit sf, Imm<2> s, Reg m, Imm<6> a, Reg n, Reg d) {
    addsub_sreg<B, false, true>(b, sf, s, m, a, n, d);
}
template <class B>
void SUB_sreg(B& b, Bit sf, Imm<2> s, Reg m, Imm<6> a, Reg n, Reg d) {
    addsub_sreg<B, true, false>(b, sf, s, m, a, n, d);
}
template <class B>
void SUBS_sreg(B& b, Bit sf, Imm<2> s, Reg m, Imm<6> a, Reg n, Reg d) {
    addsub_sreg<B, true, true>(b, sf, s, m, a, n, d);
}

// --- Add/subtract (extended register) -----------------------------------------------------

template <class B, bool Sub, bool SetFlags>
void addsub_ereg(B& b, Bit sf, Reg m, Imm<3> option, Imm<3> imm3, Reg n, Reg d) {
    if (imm3 > 4) b.undefined();
    const uint64_t op2 = extend_reg(b.X(m), option, imm3);
    addsub_write<Sub, SetFlags, true>(b, sf, d, b.RSP(sf, n), op2);
}
template <class B>
void ADD_ereg(B& b, Bit sf, Reg m, Imm<3> o, Imm<3> i, Reg n, Reg d) {
    addsub_ereg<B, false, false>(b, sf, m, o, i, n, d);
}
template <class B>
void ADDS_ereg(B& b, Bit sf, Reg m, Imm<3> o, Imm<3> i, Reg n, Reg d) {
    addsub_ereg<B, false, true>(b, sf, m, o, i, n, d);
}
template <class B>
void SUB_ereg(B& b, Bit sf, Reg m, Imm<3> o, Imm<3> i, Reg n, Reg d) {
    addsub_ereg<B, true, false>(b, sf, m, o, i, n, d);
}
template <class B>
void SUBS_ereg(B& b, Bit sf, Reg m, Imm<3> o, Imm<3> i, Reg n, Reg d) {
    addsub_ereg<B, true, true>(b, sf, m, o, i, n, d);
}

// --- Add/subtract with carry --------------------------------------------------------------

template <class B, bool Sub, bool SetFlags>
void addsub_carry(B& b, Bit sf, Reg m, Reg n, Reg d) {
    uint64_t op2 = b.R(sf, m);
    if (Sub) op2 = ~op2;
    uint32_t f;
    const uint64_t r = add_with_carry(sf, b.R(sf, n), op2, b.carry(), f);
    if (SetFlags) b.set_nzcv(f);
    b.setR(sf, d, r);
}
template <class B>
void ADC(B& b, Bit sf, Reg m, Reg n, Reg d) {
    addsub_carry<B, false, false>(b, sf, m, n, d);
}
template <class B>
void ADCS(B& b, Bit sf, Reg m, Reg n, Reg d) {
    addsub_carry<B, false, true>(b, sf, m, n, d);
}
template <class B>
void SBC(B& b, Bit sf, Reg m, Reg n, Reg d) {
    addsub_carry<B, true, false>(b, sf, m, n, d);
}
template <class B>
void SBCS(B& b, Bit sf, Reg m, Reg n, Reg d) {
    addsub_carry<B, true, true>(b, sf, m, n, d);
}

// --- Conditional compare ------------------------------------------------------------------

template <class B, bool Sub>
void ccmp(B& b, bool sf, uint64_t op2, Cond cc, Reg n, uint32_t nzcv_imm) {
    if (b.cond(cc)) {
        uint32_t f;
        addsub_flags<Sub>(sf, b.R(sf, n), op2, f);
        b.set_nzcv(f);
    } else {
        b.set_nzcv(nzcv_imm << 28);
    }
}
template <class B>
void CCMN_reg(B& b, Bit sf, Reg m, Cond c, Reg n, Imm<4> f) {
    ccmp<B, false>(b, sf, b.R(sf, m), c, n, f);
}
template <class B>
void CCMP_reg(B& b, Bit sf, Reg m, Cond c, Reg n, Imm<4> f) {
    ccmp<B, true>(b, sf, b.R(sf, m), c, n, f);
}
template <class B>
void CCMN_imm(B& b, Bit sf, Imm<5> i, Cond c, Reg n, Imm<4> f) {
    ccmp<B, false>(b, sf, i, c, n, f);
}
template <class B>
void CCMP_imm(B& b, Bit sf, Imm<5> i, Cond c, Reg n, Imm<4> f) {
    ccmp<B, true>(b, sf, i, c, n, f);
}

// --- Conditional select -------------------------------------------------------------------

template <class B>
void CSEL(B& b, Bit sf, Reg m, Cond c, Reg n, Reg d) {
    b.setR(sf, d, b.select(b.cond(c), b.X(n), b.X(m)));
}
template <class B>
void CSINC(B& b, Bit sf, Reg m, Cond c, Reg n, Reg d) {
    b.setR(sf, d, b.select(b.cond(c), b.X(n), b.X(m) + 1));
}
template <class B>
void CSINV(B& b, Bit sf, Reg m, Cond c, Reg n, Reg d) {
    b.setR(sf, d, b.select(b.cond(c), b.X(n), ~b.X(m)));
}
template <class B>
void CSNEG(B& b, Bit sf, Reg m, Cond c, Reg n, Reg d) {
    b.setR(sf, d, b.select(b.cond(c), b.X(n), 0 - b.X(m)));
}

// --- Data processing (3 source) -----------------------------------------------------------

template <class B>
void MADD(B& b, Bit sf, Reg m, Reg a, Reg n, Reg d) {
    b.setR(sf, d, b.X(a) + b.X(n) * b.X(m));
}
template <class B>
void MSUB(B& b, Bit sf, Reg m, Reg a, Reg n, Reg d) {
    b.setR(sf, d, b.X(a) - b.X(n) * b.X(m));
}
template <class B>
void SMADDL(B& b, Reg m, Reg a, Reg n, Reg d) {
    const int64_t p = int64_t(int32_t(b.W(n))) * int64_t(int32_t(b.W(m)));
    b.setX(d, b.X(a) + uint64_t(p));
}
template <class B>
void SMSUBL(B& b, Reg m, Reg a, Reg n, Reg d) {
    const int64_t p = int64_t(int32_t(b.W(n))) * int64_t(int32_t(b.W(m)));
    b.setX(d, b.X(a) - uint64_t(p));
}
template <class B>
void UMADDL(B& b, Reg m, Reg a, Reg n, Reg d) {
    b.setX(d, b.X(a) + uint64_t(b.W(n)) * uint64_t(b.W(m)));
}
template <class B>
void UMSUBL(B& b, Reg m, Reg a, Reg n, Reg d) {
    b.setX(d, b.X(a) - uint64_t(b.W(n)) * uint64_t(b.W(m)));
}
template <class B>
void SMULH(B& b, Reg m, Reg n, Reg d) {
    const __int128 p = __int128(int64_t(b.X(n))) * __int128(int64_t(b.X(m)));
    b.setX(d, uint64_t(p >> 64));
}
template <class B>
void UMULH(B& b, Reg m, Reg n, Reg d) {
    const unsigned __int128 p = (unsigned __int128)b.X(n) * b.X(m);
    b.setX(d, uint64_t(p >> 64));
}

// --- Data processing (2 source) -----------------------------------------------------------

template <class B>
void UDIV(B& b, Bit sf, Reg m, Reg n, Reg d) {
    const uint64_t den = b.R(sf, m);
    b.setR(sf, d, den == 0 ? 0 : b.R(sf, n) / den); // division by zero gives 0 (C3.4.8)
}
template <class B>
void SDIV(B& b, Bit sf, Reg m, Reg n, Reg d) {
    if (sf) {
        const int64_t num = int64_t(b.X(n)), den = int64_t(b.X(m));
        int64_t q;
        if (den == 0)
            q = 0;
        else if (den == -1)
            q = int64_t(0 - uint64_t(num)); // INT64_MIN / -1 wraps to INT64_MIN
        else
            q = num / den;
        b.setX(d, uint64_t(q));
    } else {
        const int32_t num = int32_t(b.W(n)), den = int32_t(b.W(m));
        int32_t q;
        if (den == 0)
            q = 0;
        else if (den == -1)
            q = int32_t(0 - uint32_t(num));
        else
            q = num / den;
        b.setW(d, uint32_t(q));
    }
}
template <class B, ShiftType T>
void shiftv(B& b, bool sf, Reg m, Reg n, Reg d) {
    const unsigned amount = b.X(m) & (sf ? 63 : 31); // amount is taken modulo the data size
    b.setR(sf, d, shift_reg(sf, b.X(n), uint32_t(T), amount));
}
template <class B>
void LSLV(B& b, Bit sf, Reg m, Reg n, Reg d) {
    shiftv<B, ShiftType::LSL>(b, sf, m, n, d);
}
template <class B>
void LSRV(B& b, Bit sf, Reg m, Reg n, Reg d) {
    shiftv<B, ShiftType::LSR>(b, sf, m, n, d);
}
template <class B>
void ASRV(B& b, Bit sf, Reg m, Reg n, Reg d) {
    shiftv<B, ShiftType::ASR>(b, sf, m, n, d);
}
template <class B>
void RORV(B& b, Bit sf, Reg m, Reg n, Reg d) {
    shiftv<B, ShiftType::ROR>(b, sf, m, n, d);
}

// CRC32 (polynomial 0x04C11DB7) and CRC32C (0x1EDC6F41), bit-reflected as the pseudocode's
// BitReverse() dance amounts to.
inline uint32_t crc32_update(uint32_t acc, uint64_t val, unsigned bytes, uint32_t poly_reflected) {
    for (unsigned i = 0; i < bytes; ++i) {
        acc ^= uint8_t(val >> (8 * i));
        for (int k = 0; k < 8; ++k)
            acc = (acc >> 1) ^ (poly_reflected & (0u - (acc & 1)));
    }
    return acc;
}
template <class B, unsigned Bytes, bool Castagnoli>
void crc32(B& b, Reg m, Reg n, Reg d) {
    const uint32_t poly = Castagnoli ? 0x82f63b78u : 0xedb88320u;
    b.setW(d, crc32_update(b.W(n), b.X(m), Bytes, poly));
}
template <class B>
void CRC32B(B& b, Reg m, Reg n, Reg d) {
    crc32<B, 1, false>(b, m, n, d);
}
template <class B>
void CRC32H(B& b, Reg m, Reg n, Reg d) {
    crc32<B, 2, false>(b, m, n, d);
}
template <class B>
void CRC32W(B& b, Reg m, Reg n, Reg d) {
    crc32<B, 4, false>(b, m, n, d);
}
template <class B>
void CRC32X(B& b, Reg m, Reg n, Reg d) {
    crc32<B, 8, false>(b, m, n, d);
}
template <class B>
void CRC32CB(B& b, Reg m, Reg n, Reg d) {
    crc32<B, 1, true>(b, m, n, d);
}
template <class B>
void CRC32CH(B& b, Reg m, Reg n, Reg d) {
    crc32<B, 2, true>(b, m, n, d);
}
template <class B>
void CRC32CW(B& b, Reg m, Reg n, Reg d) {
    crc32<B, 4, true>(b, m, n, d);
}
template <class B>
void CRC32CX(B& b, Reg m, Reg n, Reg d) {
    crc32<B, 8, true>(b, m, n, d);
}

// --- Data processing (1 source) -----------------------------------------------------------

template <class B>
void RBIT(B& b, Bit sf, Reg n, Reg d) {
    uint64_t v = b.X(n), r = 0;
    const unsigned size = sf ? 64 : 32;
    for (unsigned i = 0; i < size; ++i)
        r |= ((v >> i) & 1) << (size - 1 - i);
    b.setR(sf, d, r);
}
template <class B>
void REV16(B& b, Bit sf, Reg n, Reg d) {
    const uint64_t v = b.X(n);
    b.setR(sf, d, ((v & 0x00ff00ff00ff00ffull) << 8) | ((v >> 8) & 0x00ff00ff00ff00ffull));
}
// REV32 (64-bit) and REV (32-bit) are the same operation on each word.
template <class B>
void REV32(B& b, Bit sf, Reg n, Reg d) {
    const uint64_t v = b.X(n);
    const uint64_t r = uint64_t(__builtin_bswap32(uint32_t(v))) |
                       (uint64_t(__builtin_bswap32(uint32_t(v >> 32))) << 32);
    b.setR(sf, d, r);
}
template <class B>
void REV64(B& b, Reg n, Reg d) {
    b.setX(d, __builtin_bswap64(b.X(n)));
}
template <class B>
void CLZ(B& b, Bit sf, Reg n, Reg d) {
    const uint64_t v = b.R(sf, n);
    const unsigned size = sf ? 64 : 32;
    b.setR(sf, d, v == 0 ? size : unsigned(__builtin_clzll(v)) - (64 - size));
}
template <class B>
void CLS(B& b, Bit sf, Reg n, Reg d) {
    const unsigned size = sf ? 64 : 32;
    const uint64_t v = b.R(sf, n);
    // CountLeadingSignBits(x) = CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>)
    const uint64_t x = ((v >> 1) ^ v) & ones(size - 1);
    const unsigned lz = x == 0 ? size - 1 : unsigned(__builtin_clzll(x)) - (64 - (size - 1));
    b.setR(sf, d, lz);
}

} // namespace armsim::cpu::sem
