// Boot preparation without a board: option specs, image formats, the RAM layout (against
// the addresses QEMU 7.2 uses for the same files), config files.
#include "sim/boot_spec.h"
#include "sim/config_file.h"
#include "sim/layout.h"
#include "sim/loader.h"
#include "sim/options.h"
#include "sim/spec.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

using namespace armsim::sim;

namespace {

constexpr uint64_t kRam = 0x40000000;
constexpr uint64_t kMiB = 1ull << 20;

Image elf_at(uint64_t addr, uint64_t size) {
    Image img;
    img.path = "k.elf";
    img.format = "elf";
    img.entry = addr;
    img.segments.push_back(Segment{addr, std::vector<uint8_t>(16), size});
    return img;
}

// A Linux arm64 Image header (booting.rst) followed by `body` bytes.
std::vector<uint8_t> linux_image(uint64_t text_offset, uint64_t image_size, uint64_t flags = 2,
                                 size_t body = 4096) {
    std::vector<uint8_t> b(64 + body);
    std::memcpy(&b[8], &text_offset, 8);
    std::memcpy(&b[16], &image_size, 8);
    std::memcpy(&b[24], &flags, 8);
    std::memcpy(&b[56], "ARM\x64", 4);
    return b;
}

std::string temp_file(const std::string& name, const std::string& text) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("armsim_boot_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path) << text;
    return path.string();
}

} // namespace

TEST(Spec, SplitsPropertiesAndUnescapesDoubleCommas) {
    const Spec s = parse_spec("module", "a,,b.bin,addr=0x10,bootargs=x=1,,y,flag",
                              {"addr", "bootargs", "flag"});
    EXPECT_EQ(s.first, "a,b.bin");
    ASSERT_NE(s.get("addr"), nullptr);
    EXPECT_EQ(*s.get("addr"), "0x10");
    EXPECT_EQ(*s.get("bootargs"), "x=1,y");
    EXPECT_TRUE(s.has("flag"));
    EXPECT_EQ(*s.get("flag"), "");
    EXPECT_EQ(escape_commas("a,b,,c"), "a,,b,,,,c");
    EXPECT_THROW(parse_spec("module", "f,nope=1", {"addr"}), UsageError);
    EXPECT_THROW(parse_spec("module", "f,addr=1,addr=2", {"addr"}), UsageError);
    EXPECT_THROW(parse_spec("module", ",addr=1", {"addr"}), UsageError);
}

TEST(Spec, Durations) {
    EXPECT_EQ(parse_duration("t", "10ms"), 10'000'000'000ull);
    EXPECT_EQ(parse_duration("t", "2s"), 2'000'000'000'000ull);
    EXPECT_EQ(parse_duration("t", "500us"), 500'000'000ull);
    EXPECT_EQ(parse_duration("t", "7"), 7u);
    for (const char* bad : {"", "s", "1.5s", "10 ms", "3h", "99999999999999999s"})
        EXPECT_THROW(parse_duration("t", bad), UsageError) << bad;
}

TEST(BootSpec, KernelFormats) {
    EXPECT_EQ(parse_kernel_spec("k").format, KernelFormat::Auto);
    const KernelSpec raw = parse_kernel_spec("k.bin,format=raw,addr=0x41000000,entry=0x41000100");
    EXPECT_EQ(raw.format, KernelFormat::Raw);
    EXPECT_EQ(*raw.addr, 0x41000000u);
    EXPECT_EQ(*raw.entry, 0x41000100u);
    EXPECT_THROW(parse_kernel_spec("k,format=zimage"), UsageError);
    EXPECT_THROW(parse_kernel_spec("k,addr=0x41000000"), UsageError); // addr needs raw
}

TEST(BootSpec, ModuleCompatibleFollowsXensInference) {
    std::vector<ModuleSpec> mods = {parse_module_spec("dom0"),
                                    parse_module_spec("initrd"),
                                    parse_module_spec("extra"),
                                    parse_module_spec("pol,compatible=xsm-policy"),
                                    parse_module_spec("k1,domain=d1,bootargs=console=hvc0"),
                                    parse_module_spec("x,compatible=vendor,,blob")};
    const std::vector<DomainSpec> doms = {parse_domain_spec("d1,memory=64M,cpus=2,vpl011")};
    resolve_modules(mods, doms);
    using V = std::vector<std::string>;
    EXPECT_EQ(mods[0].compatible, (V{"multiboot,kernel", "multiboot,module"}));
    EXPECT_EQ(mods[1].compatible, (V{"multiboot,ramdisk", "multiboot,module"}));
    EXPECT_EQ(mods[2].compatible, (V{"multiboot,module"}));
    EXPECT_EQ(mods[3].compatible, (V{"xen,xsm-policy", "multiboot,module"}));
    // The first generic module of a domain is that domain's kernel.
    EXPECT_EQ(mods[4].compatible, (V{"multiboot,kernel", "multiboot,module"}));
    EXPECT_EQ(*mods[4].bootargs, "console=hvc0");
    EXPECT_EQ(mods[5].compatible, (V{"vendor,blob", "multiboot,module"}));
    EXPECT_EQ(doms[0].memory, 64 * kMiB);
    EXPECT_EQ(doms[0].cpus, 2u);
    EXPECT_TRUE(doms[0].vpl011);
}

TEST(BootSpec, RejectsBadDomains) {
    EXPECT_THROW(parse_domain_spec("d1"), UsageError);            // no memory
    EXPECT_THROW(parse_domain_spec("d/1,memory=1M"), UsageError); // not a node name
    EXPECT_THROW(parse_domain_spec("d1,memory=1M,cpus=0"), UsageError);
    std::vector<ModuleSpec> orphan = {parse_module_spec("k,domain=nope")};
    EXPECT_THROW(resolve_modules(orphan, {}), UsageError);
    std::vector<ModuleSpec> none;
    EXPECT_THROW(resolve_modules(none, {parse_domain_spec("d1,memory=1M")}), UsageError);
}

TEST(Loader, LinuxImagePlacementMatchesQemu) {
    // text_offset 0 (kernels since 5.8): QEMU moves it above its 4 KiB boot stub, 2 MiB in.
    Image img = load_linux_image("Image", linux_image(0, 0x20000), kRam);
    EXPECT_EQ(img.format, "image");
    EXPECT_EQ(img.entry, kRam + 2 * kMiB);
    EXPECT_EQ(img.highest(), kRam + 2 * kMiB + 0x20000); // image_size, not file size
    EXPECT_TRUE(img.linux_boot());
    // The old 0x80000 text_offset is used as is.
    EXPECT_EQ(load_linux_image("Image", linux_image(0x80000, 0x20000), kRam).entry, kRam + 0x80000);
    // image_size 0: a pre-3.17 kernel; its text_offset is not trusted (0x80000).
    EXPECT_EQ(load_linux_image("Image", linux_image(0x1234000, 0), kRam).entry, kRam + 0x80000);
    EXPECT_THROW(load_linux_image("Image", linux_image(0, 0x1000, 1), kRam), ImageError); // BE
    EXPECT_THROW(load_linux_image("x", std::vector<uint8_t>(100), kRam), ImageError);
}

TEST(Loader, RawBinaries) {
    const Image img =
        load_raw("r.bin", std::vector<uint8_t>(100, 1), kRam + 0x80000, kRam + 0x80040);
    EXPECT_EQ(img.format, "raw");
    EXPECT_EQ(img.lowest(), kRam + 0x80000);
    EXPECT_EQ(img.entry, kRam + 0x80040);
    EXPECT_THROW(load_raw("r.bin", {}, kRam, kRam), ImageError);
    EXPECT_THROW(load_raw("r.bin", {1}, kRam, kRam + 2), ImageError); // unaligned entry
}

TEST(Loader, AutoDetectionRefusesUnknownFiles) {
    const std::string text = temp_file("notes.txt", "this is not a kernel\n");
    KernelSpec k;
    k.path = text;
    try {
        load_kernel(k, kRam);
        FAIL() << "a text file was accepted";
    } catch (const ImageError& e) {
        EXPECT_NE(std::string(e.what()).find("format=raw"), std::string::npos) << e.what();
    }
    k.format = KernelFormat::Raw;
    EXPECT_EQ(load_kernel(k, kRam).entry, kRam + 0x80000); // QEMU's address for raw files
}

TEST(Layout, ElfKeepsTheDtbAtTheBottomOfRam) {
    const Layout l = plan_layout(elf_at(kRam + 2 * kMiB, 0x30000), {kRam, 512 * kMiB, {}, {}});
    EXPECT_EQ(l.dtb_addr, kRam);
    EXPECT_EQ(l.dtb_room, 2 * kMiB);
    // An ELF that starts at the bottom of RAM: the DTB goes after it, 2 MiB aligned.
    const Layout l2 = plan_layout(elf_at(kRam, 0x30000), {kRam, 512 * kMiB, {}, {}});
    EXPECT_EQ(l2.dtb_addr, kRam + 2 * kMiB);
}

TEST(Layout, LinuxInitrdAndDtbAsQemu) {
    const Image img = load_linux_image("Image", linux_image(0, 0x20000), kRam);
    // 512 MiB: the initrd at 128 MiB, the DTB at the next 2 MiB boundary after it
    // (QEMU 7.2 printed the same: initrd 0x48000000, dtb 0x48200000).
    const Layout l = plan_layout(img, {kRam, 512 * kMiB, 5000, {}});
    EXPECT_EQ(l.initrd_addr, kRam + 128 * kMiB);
    EXPECT_EQ(l.dtb_addr, kRam + 130 * kMiB);
    // 128 MiB of RAM: halfway.
    EXPECT_EQ(plan_layout(img, {kRam, 128 * kMiB, 5000, {}}).initrd_addr, kRam + 64 * kMiB);
    // No initrd: the DTB still sits where the initrd would start.
    EXPECT_EQ(plan_layout(img, {kRam, 512 * kMiB, {}, {}}).dtb_addr, kRam + 128 * kMiB);
    // A kernel reaching past 128 MiB pushes the initrd after it, page aligned.
    Image big = img;
    big.segments[0].memsz = 200 * kMiB + 5;
    EXPECT_EQ(plan_layout(big, {kRam, 512 * kMiB, 100, {}}).initrd_addr, kRam + 202 * kMiB + 4096);
    EXPECT_THROW(plan_layout(img, {kRam, 16 * kMiB, 9 * kMiB, {}}), ImageError);
}

TEST(Layout, ModulesFollowAndAvoidEachOther) {
    LayoutRequest req{kRam, 512 * kMiB, {}, {}};
    req.modules = {{"a", 3 * kMiB, {}}, {"b", 100, kRam + 16 * kMiB}, {"c", 5000, {}}};
    const Layout l = plan_layout(elf_at(kRam + 2 * kMiB, 0x30000), req);
    EXPECT_EQ(l.module_addrs[0], kRam + 4 * kMiB); // after the image, 2 MiB aligned
    EXPECT_EQ(l.module_addrs[1], kRam + 16 * kMiB);
    EXPECT_EQ(l.module_addrs[2], kRam + 8 * kMiB);
}

TEST(Layout, RejectsOverlapsAndModulesOutsideRam) {
    const Image k = elf_at(kRam + 2 * kMiB, 0x30000);
    LayoutRequest overlap{kRam, 512 * kMiB, {}, {{"m", 100, kRam + 2 * kMiB + 0x1000}}};
    EXPECT_THROW(plan_layout(k, overlap), ImageError);
    LayoutRequest on_dtb{kRam, 512 * kMiB, {}, {{"m", 100, kRam + 0x100}}};
    EXPECT_THROW(plan_layout(k, on_dtb), ImageError);
    LayoutRequest two{
        kRam, 512 * kMiB, {}, {{"m", 4 * kMiB, kRam + 8 * kMiB}, {"n", 1, kRam + 9 * kMiB}}};
    EXPECT_THROW(plan_layout(k, two), ImageError);
    LayoutRequest outside{kRam, 512 * kMiB, {}, {{"m", 100, kRam + 512 * kMiB}}};
    EXPECT_THROW(plan_layout(k, outside), ImageError);
    LayoutRequest straddles{kRam, 512 * kMiB, {}, {{"m", 2 * kMiB, kRam + 511 * kMiB}}};
    EXPECT_THROW(plan_layout(k, straddles), ImageError);
    LayoutRequest too_big{kRam, 64 * kMiB, {}, {{"m", 61 * kMiB, {}}}};
    try {
        plan_layout(k, too_big);
        FAIL();
    } catch (const ImageError& e) {
        EXPECT_NE(std::string(e.what()).find("does not fit in RAM"), std::string::npos) << e.what();
    }
}

TEST(ConfigFile, CommentsQuotesVariablesAndRelativePaths) {
    const std::string cfg = temp_file("s.cfg", "# a comment\n"
                                               "  kernel = ${images}/hello.elf\n"
                                               "\n"
                                               "module = mods/dom0.bin,bootargs=x y\n"
                                               "append = \"  spaced  \"\n"
                                               "expect = ^a#b$\n");
    setenv("ARMSIM_IMAGES", "/imgs", 1);
    const auto e = read_config_file(cfg);
    unsetenv("ARMSIM_IMAGES");
    ASSERT_EQ(e.size(), 4u);
    EXPECT_EQ(e[0].key, "kernel");
    EXPECT_EQ(e[0].value, "/imgs/hello.elf");
    EXPECT_EQ(e[0].line, 2u);
    const std::string dir = std::filesystem::path(cfg).parent_path().string();
    EXPECT_EQ(e[1].value, dir + "/mods/dom0.bin,bootargs=x y");
    EXPECT_EQ(e[2].value, "  spaced  ");
    EXPECT_EQ(e[3].value, "^a#b$"); // '#' inside a value is not a comment
}

TEST(ConfigFile, ErrorsNameTheLine) {
    for (const char* text : {"kernel\n", "= x\n", "kernel = ${nope}/x\n", "kernel = ${images\n"}) {
        const std::string cfg = temp_file("bad.cfg", std::string("# ok\n") + text);
        try {
            read_config_file(cfg);
            FAIL() << text;
        } catch (const UsageError& e) {
            EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
        }
    }
}

TEST(Loader, HostileHeadersAreRefused) {
    EXPECT_THROW(load_linux_image("Image", linux_image(0xfffffffffffff000ull, 0x1000), kRam),
                 ImageError);
    EXPECT_THROW(load_linux_image("Image", linux_image(0, ~0ull - 0x1000), kRam), ImageError);
    EXPECT_THROW(load_linux_image("Image", linux_image(0x1234, 0x1000), kRam), ImageError);
    // A segment whose end wraps around the address space is outside RAM.
    Image img = elf_at(kRam + 0x1000, ~0ull - 0x800);
    EXPECT_THROW(check_in_ram(img, kRam, 512 * kMiB), ImageError);
}
