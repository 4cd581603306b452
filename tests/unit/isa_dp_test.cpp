// Data processing (ARM DDI 0487 C4.1.2 immediate, C4.1.5 register): every group, with flags
// and the corner cases of the pseudocode. Expected values are worked out by hand from the
// pseudocode (AddWithCarry, DecodeBitMasks, ShiftReg, ExtendReg, ...), never by running
// the simulator. Reserved encodings no assembler produces are written as words.
#include "a64_snippets.h"
#include "core_harness.h"

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
    h.x(1) = 1;
    h.run(A64("add x0, x1, #0xfff, lsl #12"));
    EXPECT_EQ(h.x(0), 0xfff001u);
    h.x(1) = 0xffffffffffffffff;
    h.run(A64("add w0, w1, #1")); // 32-bit wraps, the upper half is zeroed
    EXPECT_EQ(h.x(0), 0u);
    h.x(1) = 0x1000;
    h.run(A64("add sp, x1, #8")); // Rd = 31 is SP for ADD (immediate)
    EXPECT_EQ(h.core.st.sp, 0x1008u);
    h.run(A64("add x0, sp, #0")); // mov x0, sp
    EXPECT_EQ(h.x(0), 0x1008u);
    h.x(1) = 0xabcdef0012345678;
    h.run(A64("add wsp, w1, #0")); // a 32-bit SP write is zero-extended
    EXPECT_EQ(h.core.st.sp, 0x12345678u);
}

TEST(DataProcessing, AddSubImmediateFlags) {
    CoreHarness h;
    h.x(1) = kAll;
    h.run(A64("cmn x1, #1")); // adds xzr: -1 + 1 = 0 with carry out
    EXPECT_EQ(h.nzcv(), Z | C);
    EXPECT_EQ(h.x(31), 0u);
    h.x(1) = 0;
    h.run(A64("subs w0, w1, #1")); // 0 - 1: borrow (C = 0), negative
    EXPECT_EQ(h.x(0), 0xffffffffu);
    EXPECT_EQ(h.nzcv(), N);
    h.x(1) = kMin64;
    h.run(A64("subs x0, x1, #1")); // INT64_MIN - 1 overflows
    EXPECT_EQ(h.x(0), 0x7fffffffffffffffu);
    EXPECT_EQ(h.nzcv(), C | V);
    h.x(1) = 0x7fffffff;
    h.run(A64("adds w0, w1, #1")); // INT32_MAX + 1 overflows in 32 bits only
    EXPECT_EQ(h.x(0), 0x80000000u);
    EXPECT_EQ(h.nzcv(), N | V);
}

// --- logical immediate ---------------------------------------------------------------------

TEST(DataProcessing, LogicalImmediate) {
    CoreHarness h;
    h.x(1) = kAll;
    h.run(A64("and x0, x1, #0xff00ff00ff00ff00"));
    EXPECT_EQ(h.x(0), 0xff00ff00ff00ff00u);
    h.run(A64("orr w0, wzr, #0x80000001"));
    EXPECT_EQ(h.x(0), 0x80000001u);
    h.x(1) = 0xffff;
    h.run(A64("eor x0, x1, #0x5555555555555555"));
    EXPECT_EQ(h.x(0), 0x555555555555aaaau);
    h.x(1) = 0x12345678;
    h.run(A64("and sp, x1, #0xfffffffffffffff0")); // Rd = 31 is SP except for ANDS
    EXPECT_EQ(h.core.st.sp, 0x12345670u);
}

TEST(DataProcessing, AndsClearsCarryAndOverflow) {
    CoreHarness h;
    h.core.st.nzcv = 0xf0000000;
    h.x(1) = kAll;
    h.run(A64("ands x0, x1, #0x8000000000000000"));
    EXPECT_EQ(h.x(0), kMin64);
    EXPECT_EQ(h.nzcv(), N);
    h.x(1) = 2;
    h.run(A64("tst w1, #1"));
    EXPECT_EQ(h.nzcv(), Z);
}

TEST(DataProcessing, ReservedLogicalImmediatesAreUndefined) {
    CoreHarness h;
    expect_undefined(h, 0x12400020); // and w0, w1, #imm with N = 1 (32-bit)
    expect_undefined(h, 0x9240fc20); // and x0, x1 with N=1, imms=111111: all-ones element
}

// --- move wide -----------------------------------------------------------------------------

TEST(DataProcessing, MoveWide) {
    CoreHarness h;
    h.run(A64("movz x0, #0x1234, lsl #48"));
    EXPECT_EQ(h.x(0), 0x1234000000000000u);
    h.run(A64("movn x0, #0"));
    EXPECT_EQ(h.x(0), kAll);
    h.run(A64("movn w0, #0"));
    EXPECT_EQ(h.x(0), 0xffffffffu);
    h.run(A64("movn w0, #1, lsl #16"));
    EXPECT_EQ(h.x(0), 0xfffeffffu);
    h.x(0) = 0x1111222233334444;
    h.run(A64("movk x0, #0xbeef, lsl #16"));
    EXPECT_EQ(h.x(0), 0x11112222beef4444u);
    h.x(0) = 0xffffffff00001111;
    h.run(A64("movk w0, #0xbeef")); // keeps W bits [31:16], zeroes the upper half
    EXPECT_EQ(h.x(0), 0xbeefu);
    expect_undefined(h, 0x52c00000); // movz w0 with hw = 2
}

// --- bitfield and extract ------------------------------------------------------------------

TEST(DataProcessing, BitfieldMoves) {
    CoreHarness h;
    h.x(1) = 0xf123456789abcdef;
    h.run(A64("ubfx x0, x1, #60, #4"));
    EXPECT_EQ(h.x(0), 0xfu);
    h.x(1) = 0x80000000;
    h.run(A64("sbfx w0, w1, #31, #1"));
    EXPECT_EQ(h.x(0), 0xffffffffu);
    h.x(1) = 1;
    h.run(A64("sbfiz x0, x1, #63, #1")); // a 1-bit field of 1 is -1, placed at bit 63
    EXPECT_EQ(h.x(0), kMin64);
    h.x(0) = kAll;
    h.x(1) = 0x1234;
    h.run(A64("bfxil x0, x1, #8, #8"));
    EXPECT_EQ(h.x(0), 0xffffffffffffff12u);
    h.x(0) = 0xffffffff00000000;
    h.x(1) = 0xab;
    h.run(A64("bfi w0, w1, #24, #8")); // 32-bit BFM zeroes the upper half
    EXPECT_EQ(h.x(0), 0xab000000u);
    h.x(1) = kMin64;
    h.run(A64("asr x0, x1, #63"));
    EXPECT_EQ(h.x(0), kAll);
    h.x(1) = 3;
    h.run(A64("lsl w0, w1, #31"));
    EXPECT_EQ(h.x(0), 0x80000000u);
    h.x(1) = 0x80;
    h.run(A64("sxtb x0, w1"));
    EXPECT_EQ(h.x(0), 0xffffffffffffff80u);
    h.x(1) = 0x12345678;
    h.run(A64("uxth w0, w1"));
    EXPECT_EQ(h.x(0), 0x5678u);
    h.x(1) = 0x8000000080000000;
    h.run(A64("sxtw x0, w1"));
    EXPECT_EQ(h.x(0), 0xffffffff80000000u);
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
    h.x(1) = 0x1111;
    h.x(2) = 0x2222;
    h.run(A64("extr x0, x1, x2, #0"));
    EXPECT_EQ(h.x(0), 0x2222u);
    h.x(1) = 1;
    h.x(2) = 0x80000000;
    h.run(A64("extr w0, w1, w2, #31")); // (w2 >> 31) | (w1 << 1)
    EXPECT_EQ(h.x(0), 3u);
    h.x(1) = 1;
    h.run(A64("ror x0, x1, #1"));
    EXPECT_EQ(h.x(0), kMin64);
}

// --- logical and add/sub, shifted and extended register -------------------------------------

TEST(DataProcessing, LogicalShiftedRegister) {
    CoreHarness h;
    h.x(1) = kAll;
    h.x(2) = 0xf;
    h.run(A64("bic x0, x1, x2, ror #4")); // ror(0xf, 4) = 0xf000...; AND NOT
    EXPECT_EQ(h.x(0), 0x0fffffffffffffffu);
    h.x(1) = 0;
    h.run(A64("mvn w0, w1"));
    EXPECT_EQ(h.x(0), 0xffffffffu);
    h.x(1) = 0;
    h.x(2) = 1;
    h.run(A64("eon x0, x1, x2, lsl #63"));
    EXPECT_EQ(h.x(0), 0x7fffffffffffffffu);
    h.core.st.nzcv = 0xf0000000;
    h.x(1) = 0xffffffff;
    h.x(2) = 0x80000000;
    h.run(A64("bics w0, w1, w2, asr #31")); // asr gives all ones, inverted: 0
    EXPECT_EQ(h.x(0), 0u);
    EXPECT_EQ(h.nzcv(), Z);
    h.x(1) = 0x00000000ffffffff;
    h.x(2) = 0x00000000ffffffff;
    h.run(A64("orr x0, x1, x2, lsl #32"));
    EXPECT_EQ(h.x(0), kAll);
    expect_undefined(h, 0x0a028020); // and w0, w1, w2, lsl #32 (imm6 >= 32 in 32-bit)
}

TEST(DataProcessing, AddSubShiftedRegister) {
    CoreHarness h;
    h.x(1) = 5;
    h.x(2) = kMin64;
    h.run(A64("add x0, x1, x2, asr #63")); // 5 + (-1)
    EXPECT_EQ(h.x(0), 4u);
    h.x(1) = 0;
    h.x(2) = 1;
    h.run(A64("subs w0, w1, w2, lsl #31")); // 0 - INT32_MIN: borrow and overflow
    EXPECT_EQ(h.x(0), 0x80000000u);
    EXPECT_EQ(h.nzcv(), N | V);
    h.x(1) = 1;
    h.run(A64("neg x0, x1"));
    EXPECT_EQ(h.x(0), kAll);
    h.x(1) = 42;
    h.x(2) = 42;
    h.run(A64("cmp x1, x2"));
    EXPECT_EQ(h.nzcv(), Z | C);
    expect_undefined(h, 0x8bc20020); // add x0, x1, x2 with shift = 0b11 (ROR reserved)
}

TEST(DataProcessing, AddSubExtendedRegister) {
    CoreHarness h;
    h.x(1) = 0x1000;
    h.x(2) = 0xffffffff; // -1 as a W register
    h.run(A64("add x0, x1, w2, sxtw #2"));
    EXPECT_EQ(h.x(0), 0xffcu);
    h.x(2) = 0x1ff;
    h.run(A64("add x0, x1, w2, uxtb"));
    EXPECT_EQ(h.x(0), 0x10ffu);
    h.core.st.sp = 0x10000;
    h.x(2) = 0x10001;
    h.run(A64("sub sp, sp, w2, uxth #4")); // uxth gives 1, << 4 = 16
    EXPECT_EQ(h.core.st.sp, 0xfff0u);
    h.x(1) = 0;
    h.x(2) = 0x8000;
    h.run(A64("adds w0, w1, w2, sxth"));
    EXPECT_EQ(h.x(0), 0xffff8000u);
    EXPECT_EQ(h.nzcv(), N);
    h.core.st.sp = 5;
    h.x(1) = 5;
    h.run(A64("cmp sp, x1")); // subs xzr, sp, x1, uxtx
    EXPECT_EQ(h.nzcv(), Z | C);
    h.core.st.sp = 0x100;
    h.x(1) = kAll;
    h.run(A64("add x0, sp, x1, sxtx #4"));
    EXPECT_EQ(h.x(0), 0xf0u);
    expect_undefined(h, 0x8b227420); // add x0, x1, x2, uxtx #5: imm3 > 4 is reserved
}

TEST(DataProcessing, AddSubWithCarry) {
    CoreHarness h;
    h.core.st.nzcv = C << 28;
    h.x(1) = 1;
    h.x(2) = 2;
    h.run(A64("adc x0, x1, x2"));
    EXPECT_EQ(h.x(0), 4u);
    h.core.st.nzcv = C << 28;
    h.x(1) = kAll;
    h.x(2) = 0;
    h.run(A64("adcs x0, x1, x2"));
    EXPECT_EQ(h.x(0), 0u);
    EXPECT_EQ(h.nzcv(), Z | C);
    h.core.st.nzcv = 0;
    h.x(1) = 5;
    h.x(2) = 3;
    h.run(A64("sbc w0, w1, w2")); // 5 - 3 - NOT(C)
    EXPECT_EQ(h.x(0), 1u);
    h.core.st.nzcv = C << 28;
    h.x(1) = 0;
    h.x(2) = 0;
    h.run(A64("sbcs x0, x1, x2"));
    EXPECT_EQ(h.x(0), 0u);
    EXPECT_EQ(h.nzcv(), Z | C);
    h.core.st.nzcv = 0;
    h.x(1) = 0;
    h.run(A64("ngc w0, w1"));
    EXPECT_EQ(h.x(0), 0xffffffffu);
    h.core.st.nzcv = C << 28;
    h.x(1) = 0x7fffffff;
    h.x(2) = 0;
    h.run(A64("adcs w0, w1, w2")); // the carry-in alone overflows
    EXPECT_EQ(h.x(0), 0x80000000u);
    EXPECT_EQ(h.nzcv(), N | V);
}

// --- conditional compare and select --------------------------------------------------------

TEST(DataProcessing, ConditionalCompare) {
    CoreHarness h;
    h.core.st.nzcv = 0; // Z clear: "eq" fails, the immediate flags are taken
    h.x(1) = 1;
    h.x(2) = 1;
    h.run(A64("ccmp x1, x2, #5, eq"));
    EXPECT_EQ(h.nzcv(), 5u);
    h.core.st.nzcv = Z << 28;
    h.run(A64("ccmp x1, x2, #5, eq"));
    EXPECT_EQ(h.nzcv(), Z | C);
    h.core.st.nzcv = 0;  // "ne" holds
    h.x(1) = 0xffffffe1; // -31
    h.run(A64("ccmn w1, #31, #0, ne"));
    EXPECT_EQ(h.nzcv(), Z | C);
    h.core.st.nzcv = 0;
    h.x(1) = 1;
    h.x(2) = 2;
    h.run(A64("ccmp x1, x2, #0, al")); // 1 - 2: negative, borrow
    EXPECT_EQ(h.nzcv(), N);
    h.core.st.nzcv = 0;
    h.run(A64("ccmp x1, x2, #0, nv")); // NV (0b1111) also means "always" in A64
    EXPECT_EQ(h.nzcv(), N);
}

TEST(DataProcessing, ConditionalSelect) {
    CoreHarness h;
    h.core.st.nzcv = 0;
    h.x(1) = 7;
    h.x(2) = kAll;
    h.run(A64("csinc x0, x1, x2, eq")); // false: x2 + 1 wraps
    EXPECT_EQ(h.x(0), 0u);
    h.core.st.nzcv = Z << 28;
    h.x(2) = 0;
    h.run(A64("csinv w0, w1, w2, ne"));
    EXPECT_EQ(h.x(0), 0xffffffffu);
    h.core.st.nzcv = N << 28; // N != V: "lt" holds
    h.x(1) = 11;
    h.run(A64("csneg x0, x1, x2, lt"));
    EXPECT_EQ(h.x(0), 11u);
    h.core.st.nzcv = 0;
    h.x(2) = 3;
    h.run(A64("csneg x0, x1, x2, lt"));
    EXPECT_EQ(h.x(0), 0xfffffffffffffffdu);
    h.core.st.nzcv = C << 28;
    h.run(A64("cset w0, hi"));
    EXPECT_EQ(h.x(0), 1u);
    h.core.st.nzcv = (N | V) << 28;
    h.run(A64("csetm x0, ge"));
    EXPECT_EQ(h.x(0), kAll);
    h.core.st.nzcv = 0;
    h.x(1) = 0x1234;
    h.run(A64("csel x0, x1, x2, nv"));
    EXPECT_EQ(h.x(0), 0x1234u);
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
    h.x(1) = 3;
    h.x(2) = 4;
    h.x(3) = 5;
    h.run(A64("madd x0, x1, x2, x3"));
    EXPECT_EQ(h.x(0), 17u);
    h.x(1) = 2;
    h.x(2) = 3;
    h.x(3) = 1;
    h.run(A64("msub w0, w1, w2, w3"));
    EXPECT_EQ(h.x(0), 0xfffffffbu);
    h.x(1) = 0xffffffff00000002;
    h.x(2) = 0xffffffff00000003;
    h.run(A64("mul w0, w1, w2"));
    EXPECT_EQ(h.x(0), 6u);
    h.x(1) = 0xfffffffe; // -2
    h.x(2) = 3;
    h.x(3) = 10;
    h.run(A64("smaddl x0, w1, w2, x3"));
    EXPECT_EQ(h.x(0), 4u);
    h.x(1) = 0xffffffff;
    h.x(2) = 0xffffffff;
    h.run(A64("umull x0, w1, w2"));
    EXPECT_EQ(h.x(0), 0xfffffffe00000001u);
    h.x(1) = 0x80000000;
    h.x(2) = 0x80000000;
    h.x(3) = 0;
    h.run(A64("smsubl x0, w1, w2, x3")); // 0 - 2^62
    EXPECT_EQ(h.x(0), 0xc000000000000000u);
    h.x(1) = 2;
    h.x(2) = 3;
    h.x(3) = 5;
    h.run(A64("umsubl x0, w1, w2, x3"));
    EXPECT_EQ(h.x(0), kAll);
    h.x(1) = kMin64;
    h.x(2) = kMin64;
    h.run(A64("smulh x0, x1, x2")); // 2^126: high half 2^62
    EXPECT_EQ(h.x(0), 0x4000000000000000u);
    h.x(1) = kAll;
    h.x(2) = 1;
    h.run(A64("smulh x0, x1, x2")); // -1: high half all ones
    EXPECT_EQ(h.x(0), kAll);
    h.x(1) = kAll;
    h.x(2) = 2;
    h.run(A64("umulh x0, x1, x2"));
    EXPECT_EQ(h.x(0), 1u);
}

TEST(DataProcessing, Divide) {
    CoreHarness h;
    h.x(1) = 0x80000000;
    h.x(2) = 0xffffffff;
    h.run(A64("sdiv w0, w1, w2")); // INT32_MIN / -1 = INT32_MIN, no trap
    EXPECT_EQ(h.x(0), 0x80000000u);
    h.x(1) = kMin64;
    h.x(2) = kAll;
    h.run(A64("sdiv x0, x1, x2"));
    EXPECT_EQ(h.x(0), kMin64);
    h.x(1) = static_cast<uint64_t>(-7);
    h.x(2) = 2;
    h.run(A64("sdiv x0, x1, x2")); // rounds toward zero
    EXPECT_EQ(h.x(0), static_cast<uint64_t>(-3));
    h.x(1) = 7;
    h.x(2) = static_cast<uint64_t>(-2);
    h.run(A64("sdiv x0, x1, x2"));
    EXPECT_EQ(h.x(0), static_cast<uint64_t>(-3));
    h.x(1) = 0xffffffff;
    h.x(2) = 0;
    h.run(A64("udiv w0, w1, w2")); // division by zero gives zero
    EXPECT_EQ(h.x(0), 0u);
    h.run(A64("sdiv w0, w1, w2"));
    EXPECT_EQ(h.x(0), 0u);
    h.x(1) = 0x100000010;
    h.x(2) = 0x100000002;
    h.run(A64("udiv w0, w1, w2")); // only the W halves take part
    EXPECT_EQ(h.x(0), 8u);
}

TEST(DataProcessing, ShiftByRegisterIsModuloDataSize) {
    CoreHarness h;
    h.x(1) = 0x80000001;
    h.x(2) = 33;
    h.run(A64("lsl w0, w1, w2")); // 33 mod 32 = 1
    EXPECT_EQ(h.x(0), 2u);
    h.x(1) = kMin64;
    h.x(2) = 127;
    h.run(A64("lsr x0, x1, x2")); // 127 mod 64 = 63
    EXPECT_EQ(h.x(0), 1u);
    h.x(1) = 0x80000000;
    h.x(2) = 31;
    h.run(A64("asr w0, w1, w2"));
    EXPECT_EQ(h.x(0), 0xffffffffu);
    h.x(1) = 0x1234;
    h.x(2) = 64;
    h.run(A64("ror x0, x1, x2")); // 64 mod 64 = 0
    EXPECT_EQ(h.x(0), 0x1234u);
    h.x(1) = 1;
    h.x(2) = 4;
    h.run(A64("ror w0, w1, w2"));
    EXPECT_EQ(h.x(0), 0x10000000u);
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
    h.x(1) = 0x0f;
    h.run(A64("rbit x0, x1"));
    EXPECT_EQ(h.x(0), 0xf000000000000000u);
    h.x(1) = 0xffffffff00000001;
    h.run(A64("rbit w0, w1"));
    EXPECT_EQ(h.x(0), 0x80000000u);
    h.x(1) = 0x11223344;
    h.run(A64("rev16 w0, w1"));
    EXPECT_EQ(h.x(0), 0x22114433u);
    h.x(1) = 0x1122334455667788;
    h.run(A64("rev16 x0, x1"));
    EXPECT_EQ(h.x(0), 0x2211443366558877u);
    h.run(A64("rev32 x0, x1"));
    EXPECT_EQ(h.x(0), 0x4433221188776655u);
    h.run(A64("rev x0, x1"));
    EXPECT_EQ(h.x(0), 0x8877665544332211u);
    h.run(A64("rev w0, w1"));
    EXPECT_EQ(h.x(0), 0x88776655u);
}

TEST(DataProcessing, CountLeadingBits) {
    CoreHarness h;
    h.x(1) = 0;
    h.run(A64("clz w0, w1"));
    EXPECT_EQ(h.x(0), 32u);
    h.run(A64("clz x0, x1"));
    EXPECT_EQ(h.x(0), 64u);
    h.x(1) = 1;
    h.run(A64("clz x0, x1"));
    EXPECT_EQ(h.x(0), 63u);
    h.x(1) = 0;
    h.run(A64("cls x0, x1"));
    EXPECT_EQ(h.x(0), 63u);
    h.x(1) = kAll;
    h.run(A64("cls x0, x1"));
    EXPECT_EQ(h.x(0), 63u);
    h.x(1) = 1;
    h.run(A64("cls x0, x1"));
    EXPECT_EQ(h.x(0), 62u);
    h.x(1) = 0x7fffffff;
    h.run(A64("cls w0, w1"));
    EXPECT_EQ(h.x(0), 0u);
    h.x(1) = 0xc0000000;
    h.run(A64("cls w0, w1"));
    EXPECT_EQ(h.x(0), 1u);
}

TEST(DataProcessing, PcRelativeAddresses) {
    CoreHarness h;
    h.run(A64("adr x0, . + 0x100"));
    EXPECT_EQ(h.x(0), CoreHarness::kCode + 0x100);
    h.run(A64("adr x0, . - 4"));
    EXPECT_EQ(h.x(0), CoreHarness::kCode - 4);
    h.run({0xf0000000}); // adrp x0, +3 pages: immlo = 3, immhi = 0 (a word: ADRP
                         // needs the final address, which an assembled snippet lacks)
    EXPECT_EQ(h.x(0), (CoreHarness::kCode & ~0xfffull) + 0x3000);
    h.run({0xf0ffffe0}); // adrp x0, -1 page (imm = all ones: immlo 3, immhi 0x7ffff)
    EXPECT_EQ(h.x(0), (CoreHarness::kCode & ~0xfffull) - 0x1000);
}

TEST(DataProcessing, WritesToXzrAreDiscarded) {
    CoreHarness h;
    h.x(1) = 5;
    h.run(A64("add xzr, x1, x1, lsl #1"));
    EXPECT_EQ(h.x(31), 0u);
    h.run(A64("mov x0, xzr"));
    EXPECT_EQ(h.x(0), 0u);
}
