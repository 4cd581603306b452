#include "sim/options.h"

#include <gtest/gtest.h>
#include <vector>

using namespace armsim::sim;

namespace {
Options parse(std::vector<const char*> args) {
    args.insert(args.begin(), "armsim");
    return parse_options(static_cast<int>(args.size()), args.data());
}
} // namespace

TEST(Options, Sizes) {
    EXPECT_EQ(parse_size("512M"), 512ull << 20);
    EXPECT_EQ(parse_size("2G"), 2ull << 30);
    EXPECT_EQ(parse_size("64k"), 64ull << 10);
    EXPECT_EQ(parse_size("1GiB"), 1ull << 30);
    EXPECT_EQ(parse_size("256"), 256ull << 20); // bare number: MiB, like QEMU's -m
    EXPECT_EQ(parse_size("4096B"), 4096u);
    for (const char* bad : {"", "M", "12X", "-1G", "1.5G", "99999999999999999G", " 1G"})
        EXPECT_THROW(parse_size(bad), UsageError) << bad;
}

TEST(Options, Defaults) {
    const Options o = parse({"--kernel", "k.elf"});
    EXPECT_EQ(o.kernel, "k.elf");
    EXPECT_EQ(o.smp, 1u);
    EXPECT_EQ(o.mem, 512ull << 20);
    EXPECT_EQ(o.seed, 0u);
    EXPECT_EQ(o.max_insns, 0u);
}

TEST(Options, Values) {
    const Options o = parse({"--kernel", "k", "--smp", "4", "--mem", "1G", "--seed", "0x2a",
                             "--max-insns", "1000"});
    EXPECT_EQ(o.smp, 4u);
    EXPECT_EQ(o.mem, 1ull << 30);
    EXPECT_EQ(o.seed, 42u);
    EXPECT_EQ(o.max_insns, 1000u);
}

TEST(Options, Rejects) {
    EXPECT_THROW(parse({"--kernel", "k", "--smp", "0"}), UsageError);
    EXPECT_THROW(parse({"--kernel", "k", "--smp", "9"}), UsageError);
    EXPECT_THROW(parse({"--kernel", "k", "--smp", "-1"}), UsageError);
    EXPECT_THROW(parse({"--kernel", "k", "--mem", "4K"}), UsageError); // below 16M
    EXPECT_THROW(parse({"--kernel", "k", "--mem", "zz"}), UsageError);
    EXPECT_THROW(parse({"--kernel", "k", "--seed", "abc"}), UsageError);
    EXPECT_THROW(parse({"--kernel", "k", "--bogus"}), UsageError);
    EXPECT_THROW(parse({}), UsageError); // no kernel
    EXPECT_THROW(parse({"--kernel", "k", "--config", "/nonexistent.cfg"}), UsageError);
}

TEST(Options, HelpNeedsNothingElse) {
    EXPECT_TRUE(parse({"--help"}).help);
    EXPECT_TRUE(parse({"--version"}).version);
}
