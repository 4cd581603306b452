#include "sim/options.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>
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
    const Options o = parse(
        {"--kernel", "k", "--smp", "4", "--mem", "1G", "--seed", "0x2a", "--max-insns", "1000"});
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

TEST(Options, BootOptions) {
    const Options o = parse({"--kernel", "xen.elf", "--hyp-append", "console=dtuart", "--append",
                             "root=/dev/ram", "--module", "dom0,bootargs=a,,b", "--module",
                             "domu,domain=d1", "--domain", "d1,memory=32M"});
    EXPECT_EQ(o.kernel, "xen.elf");
    EXPECT_EQ(o.hyp_append, "console=dtuart");
    EXPECT_EQ(o.append, "root=/dev/ram");
    ASSERT_EQ(o.modules.size(), 2u);
    EXPECT_EQ(*o.modules[0].bootargs, "a,b");
    EXPECT_EQ(o.modules[1].domain, "d1");
    ASSERT_EQ(o.domains.size(), 1u);
    EXPECT_EQ(o.domains[0].memory, 32ull << 20);
}

TEST(Options, RunControl) {
    Options o =
        parse({"--kernel", "k", "--interleave", "fine:7", "--timeout", "3ms", "--quantum-jitter",
               "0", "--expect", "a.*b", "--expect", "c", "--forbid", "panic", "--stop-on", "done"});
    EXPECT_EQ(o.interleave, Interleave::Fine);
    EXPECT_EQ(o.fine_slice, 7u);
    EXPECT_EQ(o.timeout_ps, 3'000'000'000ull);
    EXPECT_EQ(o.quantum_jitter, 0u);
    EXPECT_EQ(o.expect.size(), 2u);
    EXPECT_EQ(o.forbid.size(), 1u);
    EXPECT_EQ(o.stop_on.size(), 1u);
    EXPECT_EQ(parse({"--kernel", "k", "--interleave", "fine"}).fine_slice, 4u);
    EXPECT_EQ(parse({"--kernel", "k"}).interleave, Interleave::Quantum);
    EXPECT_THROW(parse({"--kernel", "k", "--interleave", "fine:0"}), UsageError);
    EXPECT_THROW(parse({"--kernel", "k", "--interleave", "coarse"}), UsageError);
    EXPECT_THROW(parse({"--kernel", "k", "--quantum-jitter", "95"}), UsageError);
    EXPECT_THROW(parse({"--kernel", "k", "--expect", "(unclosed"}), UsageError);
    EXPECT_THROW(parse({"--kernel", "k", "--config", "a.cfg", "--replay", "b.rec"}), UsageError);
}

TEST(Options, EffectiveOptionsForRecordsAreAbsoluteAndSorted) {
    const Options o = parse({"--kernel", "k.elf", "--seed", "9", "--trace", "t.json"});
    bool saw_kernel = false, saw_seed = false;
    std::string prev;
    for (const auto& [key, value] : o.effective) {
        EXPECT_LE(prev, key);
        prev = key;
        EXPECT_NE(key, "trace"); // observation is not part of a run's identity
        if (key == "kernel") {
            saw_kernel = true;
            EXPECT_EQ(value.front(), '/');
        }
        if (key == "seed") {
            saw_seed = true;
            EXPECT_EQ(value, "9");
        }
    }
    EXPECT_TRUE(saw_kernel);
    EXPECT_TRUE(saw_seed);
}

namespace {
std::string write_cfg(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("armsim_options_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path) << text;
    return path.string();
}
} // namespace

TEST(Options, ConfigFileAndCommandLine) {
    const std::string cfg = write_cfg("s.cfg", "kernel = k.elf\n"
                                               "smp = 2\n"
                                               "seed = 5\n"
                                               "expect = from the file\n"
                                               "module = m.bin,bootargs=a b\n");
    const Options o = parse({"--config", cfg.c_str(), "--smp", "4", "--expect", "from argv"});
    EXPECT_EQ(o.smp, 4u);           // the command line wins
    EXPECT_EQ(o.seed, 5u);          // the file fills in the rest
    EXPECT_EQ(o.expect.size(), 2u); // repeatable options add up
    // Relative input paths are relative to the config file.
    const std::string dir = std::filesystem::path(cfg).parent_path().string();
    EXPECT_EQ(o.kernel, dir + "/k.elf");
    ASSERT_EQ(o.modules.size(), 1u);
    EXPECT_EQ(o.modules[0].path, dir + "/m.bin");
    EXPECT_EQ(*o.modules[0].bootargs, "a b");
}

TEST(Options, ReplayNeedsARecord) {
    const std::string plain = write_cfg("plain.cfg", "kernel = k.elf\n");
    EXPECT_THROW(parse({"--replay", plain.c_str()}), UsageError);
    const std::string rec = write_cfg("r.rec", "kernel = \"/abs/k.elf\"\n"
                                               "image-hash = 0123456789abcdef:/abs/k.elf\n"
                                               "expect-digest = 00000000000000aa\n");
    const Options o = parse({"--replay", rec.c_str()});
    ASSERT_EQ(o.image_hashes.size(), 1u);
    EXPECT_EQ(o.image_hashes[0].first, "/abs/k.elf");
    EXPECT_EQ(o.image_hashes[0].second, "0123456789abcdef");
    EXPECT_EQ(o.expect_digest, "00000000000000aa");
    const std::string bad = write_cfg("bad.rec", "kernel = k\nimage-hash = nocolon\n");
    EXPECT_THROW(parse({"--replay", bad.c_str()}), UsageError);
}
