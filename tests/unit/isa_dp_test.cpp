// Data processing (ARM DDI 0487 C4.1.2 immediate, C4.1.5 register): every group, with flags
// and the corner cases of the pseudocode. Expected values are worked out by hand from the
// pseudocode (AddWithCarry, DecodeBitMasks, ShiftReg, ExtendReg, ...), never by running
// the simulator. Reserved encodings no assembler produces are written as words.
#include "a64_snippets.h"
#include "core_harness.h"
#include "insn_cases.h"

#include <gtest/gtest.h>

using namespace armsim::test;
using namespace armsim::cpu;

namespace {
constexpr uint32_t N = 8, Z = 4, C = 2, V = 1;
constexpr uint64_t kMin64 = 0x8000000000000000ull, kAll = ~0ull;

// Runs `words` expecting UNDEFINED (EC 0 at EL2, ELR at the instruction).
void expect_undefined(CoreHarness& h, uint32_t word) {
    const uint64_t before = h.exceptions();
    h.run({word});
    EXPECT_EQ(h.exceptions(), before + 1) << std::hex << word;
    EXPECT_EQ(h.esr(2), 0x02000000u) << std::hex << word; // EC 0, IL 1, ISS 0
    EXPECT_EQ(h.elr(2), CoreHarness::kCode);
    EXPECT_EQ(h.core.st.pc, CoreHarness::kVectors + CoreHarness::kCurSpx);
}
} // namespace

// --- add/sub immediate -----------------------------------------------------------------------

TEST(DataProcessing, AddSubImmediate) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("add x0, x1, #0xfff, lsl #12"), {{1, 1}}, {{0, 0xfff001u}}},
        // 32-bit wraps, the upper half is zeroed
        {A64("add w0, w1, #1"), {{1, 0xffffffffffffffff}}, {{0, 0u}}},
        // Rd = 31 is SP for ADD (immediate)
        {A64("add sp, x1, #8"), {{1, 0x1000}}, {{kSp, 0x1008u}}},
        // mov x0, sp
        {A64("add x0, sp, #0"), {}, {{0, 0x1008u}}},
        // a 32-bit SP write is zero-extended
        {A64("add wsp, w1, #0"), {{1, 0xabcdef0012345678}}, {{kSp, 0x12345678u}}},
    };
    run_cases(h, cases);
}

TEST(DataProcessing, AddSubImmediateFlags) {
    CoreHarness h;
    const InsnCase cases[] = {
        // adds xzr: -1 + 1 = 0 with carry out
        {A64("cmn x1, #1"), {{1, kAll}}, {{kNzcv, Z | C}, {31, 0u}}},
        // 0 - 1: borrow (C = 0), negative
        {A64("subs w0, w1, #1"), {{1, 0}}, {{0, 0xffffffffu}, {kNzcv, N}}},
        // INT64_MIN - 1 overflows
        {A64("subs x0, x1, #1"), {{1, kMin64}}, {{0, 0x7fffffffffffffffu}, {kNzcv, C | V}}},
        // INT32_MAX + 1 overflows in 32 bits only
        {A64("adds w0, w1, #1"), {{1, 0x7fffffff}}, {{0, 0x80000000u}, {kNzcv, N | V}}},
    };
    run_cases(h, cases);
}

// --- logical immediate ---------------------------------------------------------------------

TEST(DataProcessing, LogicalImmediate) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("and x0, x1, #0xff00ff00ff00ff00"), {{1, kAll}}, {{0, 0xff00ff00ff00ff00u}}},
        {A64("orr w0, wzr, #0x80000001"), {}, {{0, 0x80000001u}}},
        {A64("eor x0, x1, #0x5555555555555555"), {{1, 0xffff}}, {{0, 0x555555555555aaaau}}},
        // Rd = 31 is SP except for ANDS
        {A64("and sp, x1, #0xfffffffffffffff0"), {{1, 0x12345678}}, {{kSp, 0x12345670u}}},
    };
    run_cases(h, cases);
}

TEST(DataProcessing, AndsClearsCarryAndOverflow) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("ands x0, x1, #0x8000000000000000"),
         {{kNzcv, 0xf}, {1, kAll}},
         {{0, kMin64}, {kNzcv, N}}},
        {A64("tst w1, #1"), {{1, 2}}, {{kNzcv, Z}}},
    };
    run_cases(h, cases);
}

TEST(DataProcessing, ReservedLogicalImmediatesAreUndefined) {
    CoreHarness h;
    expect_undefined(h, 0x12400020); // and w0, w1, #imm with N = 1 (32-bit)
    expect_undefined(h, 0x9240fc20); // and x0, x1 with N=1, imms=111111: all-ones element
}

// --- move wide -----------------------------------------------------------------------------

TEST(DataProcessing, MoveWide) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("movz x0, #0x1234, lsl #48"), {}, {{0, 0x1234000000000000u}}},
        {A64("movn x0, #0"), {}, {{0, kAll}}},
        {A64("movn w0, #0"), {}, {{0, 0xffffffffu}}},
        {A64("movn w0, #1, lsl #16"), {}, {{0, 0xfffeffffu}}},
        {A64("movk x0, #0xbeef, lsl #16"), {{0, 0x1111222233334444}}, {{0, 0x11112222beef4444u}}},
        // keeps W bits [31:16], zeroes the upper half
        {A64("movk w0, #0xbeef"), {{0, 0xffffffff00001111}}, {{0, 0xbeefu}}},
    };
    run_cases(h, cases);
    expect_undefined(h, 0x52c00000); // movz w0 with hw = 2
}

// --- bitfield and extract ------------------------------------------------------------------

TEST(DataProcessing, BitfieldMoves) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("ubfx x0, x1, #60, #4"), {{1, 0xf123456789abcdef}}, {{0, 0xfu}}},
        {A64("sbfx w0, w1, #31, #1"), {{1, 0x80000000}}, {{0, 0xffffffffu}}},
        // a 1-bit field of 1 is -1, placed at bit 63
        {A64("sbfiz x0, x1, #63, #1"), {{1, 1}}, {{0, kMin64}}},
        {A64("bfxil x0, x1, #8, #8"), {{0, kAll}, {1, 0x1234}}, {{0, 0xffffffffffffff12u}}},
        // 32-bit BFM zeroes the upper half
        {A64("bfi w0, w1, #24, #8"), {{0, 0xffffffff00000000}, {1, 0xab}}, {{0, 0xab000000u}}},
        {A64("asr x0, x1, #63"), {{1, kMin64}}, {{0, kAll}}},
        {A64("lsl w0, w1, #31"), {{1, 3}}, {{0, 0x80000000u}}},
        {A64("sxtb x0, w1"), {{1, 0x80}}, {{0, 0xffffffffffffff80u}}},
        {A64("uxth w0, w1"), {{1, 0x12345678}}, {{0, 0x5678u}}},
        {A64("sxtw x0, w1"), {{1, 0x8000000080000000}}, {{0, 0xffffffff80000000u}}},
    };
    run_cases(h, cases);
}

TEST(DataProcessing, ReservedBitfieldsAreUndefined) {
    CoreHarness h;
    expect_undefined(h, 0x93000020); // sbfm x0, x1 with N = 0 (sf != N)
    expect_undefined(h, 0x13200020); // sbfm w0, w1 with immr<5> = 1
    expect_undefined(h, 0x13008020); // sbfm w0, w1 with imms<5> = 1
    expect_undefined(h, 0x93820020); // extr x0, x1, x2, #0 with N = 0 (sf != N)
    expect_undefined(h, 0x13828020); // extr w0, w1, w2, #32 (imms<5> = 1 in 32-bit)
}

TEST(DataProcessing, Extract) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("extr x0, x1, x2, #0"), {{1, 0x1111}, {2, 0x2222}}, {{0, 0x2222u}}},
        // (w2 >> 31) | (w1 << 1)
        {A64("extr w0, w1, w2, #31"), {{1, 1}, {2, 0x80000000}}, {{0, 3u}}},
        {A64("ror x0, x1, #1"), {{1, 1}}, {{0, kMin64}}},
    };
    run_cases(h, cases);
}

// --- logical and add/sub, shifted and extended register -------------------------------------

TEST(DataProcessing, LogicalShiftedRegister) {
    CoreHarness h;
    const InsnCase cases[] = {
        // ror(0xf, 4) = 0xf000...; AND NOT
        {A64("bic x0, x1, x2, ror #4"), {{1, kAll}, {2, 0xf}}, {{0, 0x0fffffffffffffffu}}},
        {A64("mvn w0, w1"), {{1, 0}}, {{0, 0xffffffffu}}},
        {A64("eon x0, x1, x2, lsl #63"), {{1, 0}, {2, 1}}, {{0, 0x7fffffffffffffffu}}},
        // asr gives all ones, inverted: 0
        {A64("bics w0, w1, w2, asr #31"),
         {{kNzcv, 0xf}, {1, 0xffffffff}, {2, 0x80000000}},
         {{0, 0u}, {kNzcv, Z}}},
        {A64("orr x0, x1, x2, lsl #32"),
         {{1, 0x00000000ffffffff}, {2, 0x00000000ffffffff}},
         {{0, kAll}}},
    };
    run_cases(h, cases);
    expect_undefined(h, 0x0a028020); // and w0, w1, w2, lsl #32 (imm6 >= 32 in 32-bit)
}

TEST(DataProcessing, AddSubShiftedRegister) {
    CoreHarness h;
    const InsnCase cases[] = {
        // 5 + (-1)
        {A64("add x0, x1, x2, asr #63"), {{1, 5}, {2, kMin64}}, {{0, 4u}}},
        // 0 - INT32_MIN: borrow and overflow
        {A64("subs w0, w1, w2, lsl #31"), {{1, 0}, {2, 1}}, {{0, 0x80000000u}, {kNzcv, N | V}}},
        {A64("neg x0, x1"), {{1, 1}}, {{0, kAll}}},
        {A64("cmp x1, x2"), {{1, 42}, {2, 42}}, {{kNzcv, Z | C}}},
    };
    run_cases(h, cases);
    expect_undefined(h, 0x8bc20020); // add x0, x1, x2 with shift = 0b11 (ROR reserved)
}

TEST(DataProcessing, AddSubExtendedRegister) {
    CoreHarness h;
    const InsnCase cases[] = {
        // -1 as a W register
        {A64("add x0, x1, w2, sxtw #2"), {{1, 0x1000}, {2, 0xffffffff}}, {{0, 0xffcu}}},
        {A64("add x0, x1, w2, uxtb"), {{2, 0x1ff}}, {{0, 0x10ffu}}},
        // uxth gives 1, << 4 = 16
        {A64("sub sp, sp, w2, uxth #4"), {{kSp, 0x10000}, {2, 0x10001}}, {{kSp, 0xfff0u}}},
        {A64("adds w0, w1, w2, sxth"), {{1, 0}, {2, 0x8000}}, {{0, 0xffff8000u}, {kNzcv, N}}},
        // subs xzr, sp, x1, uxtx
        {A64("cmp sp, x1"), {{kSp, 5}, {1, 5}}, {{kNzcv, Z | C}}},
        {A64("add x0, sp, x1, sxtx #4"), {{kSp, 0x100}, {1, kAll}}, {{0, 0xf0u}}},
    };
    run_cases(h, cases);
    expect_undefined(h, 0x8b227420); // add x0, x1, x2, uxtx #5: imm3 > 4 is reserved
}

TEST(DataProcessing, AddSubWithCarry) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("adc x0, x1, x2"), {{kNzcv, C}, {1, 1}, {2, 2}}, {{0, 4u}}},
        {A64("adcs x0, x1, x2"), {{kNzcv, C}, {1, kAll}, {2, 0}}, {{0, 0u}, {kNzcv, Z | C}}},
        // 5 - 3 - NOT(C)
        {A64("sbc w0, w1, w2"), {{kNzcv, 0}, {1, 5}, {2, 3}}, {{0, 1u}}},
        {A64("sbcs x0, x1, x2"), {{kNzcv, C}, {1, 0}, {2, 0}}, {{0, 0u}, {kNzcv, Z | C}}},
        {A64("ngc w0, w1"), {{kNzcv, 0}, {1, 0}}, {{0, 0xffffffffu}}},
        // the carry-in alone overflows
        {A64("adcs w0, w1, w2"),
         {{kNzcv, C}, {1, 0x7fffffff}, {2, 0}},
         {{0, 0x80000000u}, {kNzcv, N | V}}},
    };
    run_cases(h, cases);
}

// --- conditional compare and select --------------------------------------------------------

TEST(DataProcessing, ConditionalCompare) {
    CoreHarness h;
    const InsnCase cases[] = {
        // Z clear: "eq" fails, the immediate flags are taken
        {A64("ccmp x1, x2, #5, eq"), {{kNzcv, 0}, {1, 1}, {2, 1}}, {{kNzcv, 5u}}},
        {A64("ccmp x1, x2, #5, eq"), {{kNzcv, Z}}, {{kNzcv, Z | C}}},
        // "ne" holds
        // -31
        {A64("ccmn w1, #31, #0, ne"), {{kNzcv, 0}, {1, 0xffffffe1}}, {{kNzcv, Z | C}}},
        // 1 - 2: negative, borrow
        {A64("ccmp x1, x2, #0, al"), {{kNzcv, 0}, {1, 1}, {2, 2}}, {{kNzcv, N}}},
        // NV (0b1111) also means "always" in A64
        {A64("ccmp x1, x2, #0, nv"), {{kNzcv, 0}}, {{kNzcv, N}}},
    };
    run_cases(h, cases);
}

TEST(DataProcessing, ConditionalSelect) {
    CoreHarness h;
    const InsnCase cases[] = {
        // false: x2 + 1 wraps
        {A64("csinc x0, x1, x2, eq"), {{kNzcv, 0}, {1, 7}, {2, kAll}}, {{0, 0u}}},
        {A64("csinv w0, w1, w2, ne"), {{kNzcv, Z}, {2, 0}}, {{0, 0xffffffffu}}},
        // N != V: "lt" holds
        {A64("csneg x0, x1, x2, lt"), {{kNzcv, N}, {1, 11}}, {{0, 11u}}},
        {A64("csneg x0, x1, x2, lt"), {{kNzcv, 0}, {2, 3}}, {{0, 0xfffffffffffffffdu}}},
        {A64("cset w0, hi"), {{kNzcv, C}}, {{0, 1u}}},
        {A64("csetm x0, ge"), {{kNzcv, (N | V)}}, {{0, kAll}}},
        {A64("csel x0, x1, x2, nv"), {{kNzcv, 0}, {1, 0x1234}}, {{0, 0x1234u}}},
    };
    run_cases(h, cases);
}

// Every condition code against every NZCV value (C1.2.4, table C1-1).
TEST(DataProcessing, AllConditionCodes) {
    CoreHarness h;
    const char* names[] = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
                           "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};
    const std::vector<uint32_t>* words[16] = {
        &A64("cset x0, eq"),           &A64("cset x0, ne"), &A64("cset x0, cs"),
        &A64("cset x0, cc"),           &A64("cset x0, mi"), &A64("cset x0, pl"),
        &A64("cset x0, vs"),           &A64("cset x0, vc"), &A64("cset x0, hi"),
        &A64("cset x0, ls"),           &A64("cset x0, ge"), &A64("cset x0, lt"),
        &A64("cset x0, gt"),           &A64("cset x0, le"), &A64("csinc x0, xzr, xzr, nv"),
        &A64("csinc x0, xzr, xzr, al")};
    for (unsigned f = 0; f < 16; ++f) {
        const bool n = f & 8, z = f & 4, c = f & 2, v = f & 1;
        const bool holds[16] = {
            z,    !z,      c,          !c,     n,      !n,           v,
            !v,   c && !z, !(c && !z), n == v, n != v, !z && n == v, !(!z && n == v),
            true, true};
        for (unsigned cc = 0; cc < 16; ++cc) {
            h.core.st.nzcv = f << 28;
            h.x(0) = 99;
            h.run(*words[cc]);
            // cset is csinc xzr, xzr with the inverted condition: 1 when cc holds. The last
            // two rows are csinc with nv/al themselves: always true, so they give 0.
            const uint64_t want = cc < 14 ? holds[cc] : 0;
            EXPECT_EQ(h.x(0), want) << names[cc] << " nzcv=" << f;
        }
    }
}

// --- multiply and divide -------------------------------------------------------------------

TEST(DataProcessing, Multiply) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("madd x0, x1, x2, x3"), {{1, 3}, {2, 4}, {3, 5}}, {{0, 17u}}},
        {A64("msub w0, w1, w2, w3"), {{1, 2}, {2, 3}, {3, 1}}, {{0, 0xfffffffbu}}},
        {A64("mul w0, w1, w2"), {{1, 0xffffffff00000002}, {2, 0xffffffff00000003}}, {{0, 6u}}},
        // -2
        {A64("smaddl x0, w1, w2, x3"), {{1, 0xfffffffe}, {2, 3}, {3, 10}}, {{0, 4u}}},
        {A64("umull x0, w1, w2"), {{1, 0xffffffff}, {2, 0xffffffff}}, {{0, 0xfffffffe00000001u}}},
        // 0 - 2^62
        {A64("smsubl x0, w1, w2, x3"),
         {{1, 0x80000000}, {2, 0x80000000}, {3, 0}},
         {{0, 0xc000000000000000u}}},
        {A64("umsubl x0, w1, w2, x3"), {{1, 2}, {2, 3}, {3, 5}}, {{0, kAll}}},
        // 2^126: high half 2^62
        {A64("smulh x0, x1, x2"), {{1, kMin64}, {2, kMin64}}, {{0, 0x4000000000000000u}}},
        // -1: high half all ones
        {A64("smulh x0, x1, x2"), {{1, kAll}, {2, 1}}, {{0, kAll}}},
        {A64("umulh x0, x1, x2"), {{1, kAll}, {2, 2}}, {{0, 1u}}},
    };
    run_cases(h, cases);
}

TEST(DataProcessing, Divide) {
    CoreHarness h;
    const InsnCase cases[] = {
        // INT32_MIN / -1 = INT32_MIN, no trap
        {A64("sdiv w0, w1, w2"), {{1, 0x80000000}, {2, 0xffffffff}}, {{0, 0x80000000u}}},
        {A64("sdiv x0, x1, x2"), {{1, kMin64}, {2, kAll}}, {{0, kMin64}}},
        // rounds toward zero
        {A64("sdiv x0, x1, x2"),
         {{1, static_cast<uint64_t>(-7)}, {2, 2}},
         {{0, static_cast<uint64_t>(-3)}}},
        {A64("sdiv x0, x1, x2"),
         {{1, 7}, {2, static_cast<uint64_t>(-2)}},
         {{0, static_cast<uint64_t>(-3)}}},
        // division by zero gives zero
        {A64("udiv w0, w1, w2"), {{1, 0xffffffff}, {2, 0}}, {{0, 0u}}},
        {A64("sdiv w0, w1, w2"), {}, {{0, 0u}}},
        // only the W halves take part
        {A64("udiv w0, w1, w2"), {{1, 0x100000010}, {2, 0x100000002}}, {{0, 8u}}},
    };
    run_cases(h, cases);
}

TEST(DataProcessing, ShiftByRegisterIsModuloDataSize) {
    CoreHarness h;
    const InsnCase cases[] = {
        // 33 mod 32 = 1
        {A64("lsl w0, w1, w2"), {{1, 0x80000001}, {2, 33}}, {{0, 2u}}},
        // 127 mod 64 = 63
        {A64("lsr x0, x1, x2"), {{1, kMin64}, {2, 127}}, {{0, 1u}}},
        {A64("asr w0, w1, w2"), {{1, 0x80000000}, {2, 31}}, {{0, 0xffffffffu}}},
        // 64 mod 64 = 0
        {A64("ror x0, x1, x2"), {{1, 0x1234}, {2, 64}}, {{0, 0x1234u}}},
        {A64("ror w0, w1, w2"), {{1, 1}, {2, 4}}, {{0, 0x10000000u}}},
    };
    run_cases(h, cases);
}

// --- CRC32 -----------------------------------------------------------------------------------
// The check values of the two polynomials over "123456789": CRC-32 0xCBF43926, CRC-32C
// 0xE3069283 (initial value and final XOR 0xffffffff, which the instructions leave to
// software). Each width must give the same answer for the same bytes.
TEST(DataProcessing, Crc32CheckValues) {
    CoreHarness h;
    struct Case {
        const std::vector<uint32_t>& code;
        uint32_t check;
    } cases[] = {
        {A64("crc32x w0, w0, x1; crc32b w0, w0, w3"), 0xcbf43926},
        {A64("crc32w w0, w0, w1; crc32w w0, w0, w2; crc32b w0, w0, w3"), 0xcbf43926},
        {A64("crc32h w0, w0, w1; lsr x1, x1, #16; crc32h w0, w0, w1; crc32w w0, w0, w2; "
             "crc32b w0, w0, w3"),
         0xcbf43926},
        {A64("crc32cx w0, w0, x1; crc32cb w0, w0, w3"), 0xe3069283},
        {A64("crc32cw w0, w0, w1; crc32cw w0, w0, w2; crc32cb w0, w0, w3"), 0xe3069283},
        {A64("crc32ch w0, w0, w1; lsr x1, x1, #16; crc32ch w0, w0, w1; crc32cw w0, w0, w2; "
             "crc32cb w0, w0, w3"),
         0xe3069283},
    };
    for (const Case& c : cases) {
        h.x(0) = 0xdeadbeefffffffff; // only W0 is the accumulator
        h.x(1) = 0x3837363534333231; // "12345678", little-endian
        h.x(2) = 0x38373635;         // "5678"
        h.x(3) = 0xabcd39;           // "9" in the low byte
        h.run(c.code);
        EXPECT_EQ(h.x(0) ^ 0xffffffffu, c.check);
    }
}

// --- one-source ------------------------------------------------------------------------------

TEST(DataProcessing, BitAndByteReverse) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("rbit x0, x1"), {{1, 0x0f}}, {{0, 0xf000000000000000u}}},
        {A64("rbit w0, w1"), {{1, 0xffffffff00000001}}, {{0, 0x80000000u}}},
        {A64("rev16 w0, w1"), {{1, 0x11223344}}, {{0, 0x22114433u}}},
        {A64("rev16 x0, x1"), {{1, 0x1122334455667788}}, {{0, 0x2211443366558877u}}},
        {A64("rev32 x0, x1"), {}, {{0, 0x4433221188776655u}}},
        {A64("rev x0, x1"), {}, {{0, 0x8877665544332211u}}},
        {A64("rev w0, w1"), {}, {{0, 0x88776655u}}},
    };
    run_cases(h, cases);
}

TEST(DataProcessing, CountLeadingBits) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("clz w0, w1"), {{1, 0}}, {{0, 32u}}},
        {A64("clz x0, x1"), {}, {{0, 64u}}},
        {A64("clz x0, x1"), {{1, 1}}, {{0, 63u}}},
        {A64("cls x0, x1"), {{1, 0}}, {{0, 63u}}},
        {A64("cls x0, x1"), {{1, kAll}}, {{0, 63u}}},
        {A64("cls x0, x1"), {{1, 1}}, {{0, 62u}}},
        {A64("cls w0, w1"), {{1, 0x7fffffff}}, {{0, 0u}}},
        {A64("cls w0, w1"), {{1, 0xc0000000}}, {{0, 1u}}},
    };
    run_cases(h, cases);
}

TEST(DataProcessing, PcRelativeAddresses) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("adr x0, . + 0x100"), {}, {{0, CoreHarness::kCode + 0x100}}},
        {A64("adr x0, . - 4"), {}, {{0, CoreHarness::kCode - 4}}},
    };
    run_cases(h, cases);
    h.run({0xf0000000}); // adrp x0, +3 pages: immlo = 3, immhi = 0 (a word: ADRP
                         // needs the final address, which an assembled snippet lacks)
    EXPECT_EQ(h.x(0), (CoreHarness::kCode & ~0xfffull) + 0x3000);
    h.run({0xf0ffffe0}); // adrp x0, -1 page (imm = all ones: immlo 3, immhi 0x7ffff)
    EXPECT_EQ(h.x(0), (CoreHarness::kCode & ~0xfffull) - 0x1000);
}

TEST(DataProcessing, WritesToXzrAreDiscarded) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("add xzr, x1, x1, lsl #1"), {{1, 5}}, {{31, 0u}}},
        {A64("mov x0, xzr"), {}, {{0, 0u}}},
    };
    run_cases(h, cases);
}
