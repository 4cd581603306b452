// The encoding table (a64.inc): no two entries may match the same word unless the pair is
// listed (DESIGN.md lesson 2), and known encodings decode to the right entry.
#include "models/cpu/decoder.h"

#include <gtest/gtest.h>
#include <string>

using namespace armsim::cpu;

namespace {

bool allowed(std::string_view a, std::string_view b) {
    for (const AllowedOverlap& o : a64_allowed_overlaps())
        if ((o.specific == a && o.general == b) || (o.specific == b && o.general == a)) return true;
    return false;
}

} // namespace

TEST(Decoder, NoUnlistedOverlaps) {
    const auto table = a64_table();
    std::string problems;
    for (size_t i = 0; i < table.size(); ++i) {
        for (size_t j = i + 1; j < table.size(); ++j) {
            const InsnDesc& a = table[i];
            const InsnDesc& b = table[j];
            // Two patterns can match one word iff they agree on the bits both fix.
            const uint32_t common = a.mask & b.mask;
            if ((a.value & common) != (b.value & common)) continue;
            if (!allowed(a.name, b.name))
                problems += std::string(a.name) + " / " + std::string(b.name) + "\n";
        }
    }
    EXPECT_TRUE(problems.empty()) << "overlapping encodings:\n" << problems;
}

TEST(Decoder, AllowedOverlapsAreRealAndSpecificWins) {
    for (const AllowedOverlap& o : a64_allowed_overlaps()) {
        const InsnDesc* s = nullptr;
        const InsnDesc* g = nullptr;
        for (const InsnDesc& d : a64_table()) {
            if (d.name == o.specific) s = &d;
            if (d.name == o.general) g = &d;
        }
        ASSERT_NE(s, nullptr) << o.specific;
        ASSERT_NE(g, nullptr) << o.general;
        // The specific entry's words all match the general one, and decode picks it.
        EXPECT_EQ(s->value & g->mask, g->value) << o.specific;
        EXPECT_EQ(a64_decode(s->value).name, s->name);
    }
}

TEST(Decoder, NamesAreUnique) {
    const auto table = a64_table();
    for (size_t i = 0; i < table.size(); ++i)
        for (size_t j = i + 1; j < table.size(); ++j)
            EXPECT_NE(table[i].name, table[j].name);
}

// Encodings assembled by GNU as (aarch64-linux-gnu-as), written down by hand.
TEST(Decoder, KnownEncodings) {
    struct Case {
        uint32_t word;
        const char* name;
        const char* text;
    };
    const Case cases[] = {
        {0x91000420, "ADD_imm", "add x0, x1, #1"},
        {0xf100041f, "SUBS_imm", "cmp x0, #1"},
        {0xd2800020, "MOVZ", "mov x0, #1"},
        {0xf2a00020, "MOVK", "movk x0, #1, lsl #16"},
        {0x92400c20, "AND_imm", "and x0, x1, #0xf"},
        {0xd343fc20, "UBFM", "lsr x0, x1, #3"},
        {0x8b020020, "ADD_sreg", "add x0, x1, x2"},
        {0x8b224020, "ADD_ereg", "add x0, x1, w2, uxtw"},
        {0x9ac20820, "UDIV", "udiv x0, x1, x2"},
        {0x9b027c20, "MADD", "mul x0, x1, x2"},
        {0x9a821020, "CSEL", "csel x0, x1, x2, ne"},
        {0x14000000, "B_uncond", "b ."},
        {0x94000000, "BL", "bl ."},
        {0x54000001, "B_cond", "b.ne ."},
        {0xb4000000, "CBZ", "cbz x0, ."},
        {0x36000000, "TBZ", "tbz w0, #0, ."},
        {0xd65f03c0, "RET", "ret"},
        {0xd69f03e0, "ERET", "eret"},
        {0xd4000001, "SVC", "svc #0"},
        {0xd4000002, "HVC", "hvc #0"},
        {0xd4000003, "SMC", "smc #0"},
        {0xd45e0000, "HLT", "hlt #0xf000"},
        {0xd503201f, "NOP", "nop"},
        {0xd503207f, "WFI", "wfi"},
        {0xd503233f, "HINT", "paciasp (a v8.3 hint: NOP here)"},
        {0xd5033fdf, "ISB", "isb"},
        {0xd5033bbf, "DMB", "dmb ish"},
        {0xd5384240, "MRS", "mrs x0, CurrentEL"},
        {0xd51c1000, "MSR_reg", "msr sctlr_el2, x0"},
        {0xd50343ff, "MSR_imm", "msr daifclr, #3"},
        {0xd508871f, "SYS", "tlbi vmalle1"},
        {0xf9400020, "LDRx_uimm", "ldr x0, [x1]"},
        {0xb9000020, "STRw_uimm", "str w0, [x1]"},
        {0x39400020, "LDRB_uimm", "ldrb w0, [x1]"},
        {0xf8408420, "LDRx_post", "ldr x0, [x1], #8"},
        {0xf81f0fe0, "STRx_pre", "str x0, [sp, #-16]!"},
        {0xf8627820, "LDRx_reg", "ldr x0, [x1, x2, lsl #3]"},
        {0xa9bf7bfd, "STPx_pre", "stp x29, x30, [sp, #-16]!"},
        {0xa8c17bfd, "LDPx_post", "ldp x29, x30, [sp], #16"},
        {0xc85f7c20, "LDXR", "ldxr x0, [x1]"},
        {0xc8027c20, "STXR", "stxr w2, x0, [x1]"},
        {0xc8dffc20, "LDAR", "ldar x0, [x1]"},
        {0x58000000, "LDRx_lit", "ldr x0, ."},
        {0x1e602820, "FP_SIMD", "fadd d0, d1, d0"},
        {0x3d800000, "FP_SIMD", "str q0, [x0]"},
        {0x9ac24c20, "CRC32X", "crc32x w0, w1, x2"},
        {0xdac01020, "CLZ", "clz x0, x1"},
        {0x00000000, "UNALLOCATED", "udf #0"},
    };
    for (const Case& c : cases)
        EXPECT_EQ(a64_decode(c.word).name, c.name) << c.text << " (0x" << std::hex << c.word << ")";
}

// Encodings of later architecture versions fall in spaces ARMv8.0 leaves unallocated: they
// must decode as UNDEFINED (as on a Cortex-A57 and in QEMU for it), never as a neighbour.
TEST(Decoder, LaterArchitectureEncodingsAreUnallocated) {
    struct Case {
        uint32_t word;
        const char* text;
    };
    const Case cases[] = {
        {0xb8200041, "ldadd w0, w1, [x2] (v8.1 LSE)"},
        {0xf8208041, "swp x0, x1, [x2] (v8.1 LSE)"},
        {0xc8e0fc41, "casal x0, x1, [x2] (v8.1 LSE)"},
        {0x48207c82, "casp w0, w1, w2, w3, [x4] (v8.1 LSE)"},
        {0xb8bfc020, "ldapr w0, [x1] (v8.3 RCPC)"},
        {0x19000020, "stlurb w0, [x1] (v8.4 RCPC2)"},
        {0xdac10020, "pacia x0, x1 (v8.3 PAuth)"},
        {0x9ac13020, "pacga x0, x1, x1 (v8.3 PAuth)"},
        {0x3a00080d, "setf8 w0 (v8.4 FlagM)"},
    };
    for (const Case& c : cases)
        EXPECT_EQ(a64_decode(c.word).name, "UNALLOCATED") << c.text;
    EXPECT_EQ(a64_decode(0xd503233f).name, "HINT"); // paciasp: a hint space NOP on v8.0
}
