// The bare-metal runtime's vsnprintf (guests/bare/printf.cpp), built for the host: the
// conversions guests print diagnostics with, checked against what C's printf prints for
// the same format (ISO C 7.21.6.1).
#include <bare/bare.h>
#include <gtest/gtest.h>
#include <string>

namespace {

std::string fmt(const char* f, ...) {
    char buf[128];
    va_list ap;
    va_start(ap, f);
    bare_vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

TEST(BarePrintf, AlternateFormPrefixesNonZeroHex) {
    EXPECT_EQ(fmt("%#x", 0x1bu), "0x1b");
    EXPECT_EQ(fmt("%#lx", 0x4000000000ul), "0x4000000000");
    EXPECT_EQ(fmt("%#X", 0xabu), "0XAB");
    EXPECT_EQ(fmt("%#x", 0u), "0"); // C: no prefix for zero
}

TEST(BarePrintf, AlternateFormPrefixCountsInTheWidth) {
    EXPECT_EQ(fmt("%#010x", 0x1fu), "0x0000001f");
    EXPECT_EQ(fmt("%#8x", 0x1fu), "    0x1f");
    EXPECT_EQ(fmt("%-#8x|", 0x1fu), "0x1f    |");
    EXPECT_EQ(fmt("%#-8x|", 0x1fu), "0x1f    |");
}

TEST(BarePrintf, FormatsAfterAnAlternateFormStillConsumeTheirArguments) {
    EXPECT_EQ(fmt("ctl %#lx cval %#lx n %u", 5ul, 0x10ul, 7u), "ctl 0x5 cval 0x10 n 7");
}

TEST(BarePrintf, SignsAndPadding) {
    EXPECT_EQ(fmt("%d", -42), "-42");
    EXPECT_EQ(fmt("%05d", -42), "-0042");
    EXPECT_EQ(fmt("%5d", -42), "  -42");
    EXPECT_EQ(fmt("%-5d|", -42), "-42  |");
    EXPECT_EQ(fmt("%08lx", 0xbeeful), "0000beef");
    EXPECT_EQ(fmt("%s/%c/%%", "ab", 'z'), "ab/z/%");
}

} // namespace
