// The generated device tree and the /chosen boot information, read back with libfdt.
#include "fdt_cells.h"
#include "sim/dtb.h"

#include <gtest/gtest.h>
#include <libfdt.h>
#include <string>

using namespace armsim::sim;

namespace {

std::vector<uint8_t> board_dtb(unsigned smp = 2) {
    DtbConfig c;
    c.smp = smp;
    c.ram_base = 0x40000000;
    c.ram_size = 512ull << 20;
    for (unsigned i = 0; i < smp; ++i)
        c.mpidrs.push_back(0x80000000ull | i);
    return build_dtb(c);
}

std::string prop_str(const void* fdt, const char* path, const char* name) {
    const int n = fdt_path_offset(fdt, path);
    if (n < 0) return "<no node " + std::string(path) + ">";
    int len = 0;
    const char* v = static_cast<const char*>(fdt_getprop(fdt, n, name, &len));
    return v ? std::string(v, len > 0 ? len - 1 : 0) : "<none>";
}

uint64_t prop_u64(const void* fdt, const char* path, const char* name) {
    int len = 0;
    const void* v = fdt_getprop(fdt, fdt_path_offset(fdt, path), name, &len);
    if (!v || len != 8) return ~0ull;
    return fdt_cell64(v, 0);
}

} // namespace

TEST(Dtb, BoardTreeHasWhatLinuxNeeds) {
    const auto blob = board_dtb(2);
    const void* fdt = blob.data();
    ASSERT_EQ(check_dtb(blob), "");
    EXPECT_EQ(prop_str(fdt, "/psci", "method"), "smc");
    EXPECT_EQ(prop_str(fdt, "/cpus/cpu@1", "enable-method"), "psci");
    EXPECT_GE(fdt_path_offset(fdt, "/cpus/cpu-map/socket0/cluster0/core1"), 0);
    EXPECT_EQ(prop_str(fdt, "/intc@8000000", "compatible"), "arm,cortex-a15-gic");
    EXPECT_EQ(prop_str(fdt, "/pl011@9000000", "clock-names"), std::string("uartclk\0apb_pclk", 16));
    EXPECT_EQ(prop_str(fdt, "/chosen", "stdout-path"), "/pl011@9000000");
    int len = 0;
    EXPECT_NE(fdt_getprop(fdt, fdt_path_offset(fdt, "/timer"), "interrupts", &len), nullptr);
    EXPECT_EQ(len, 4 * 3 * 4); // four timers: secure, physical, virtual, hypervisor
}

TEST(Dtb, ChosenGetsBootInformation) {
    ChosenInfo info;
    info.bootargs = "console=ttyAMA0";
    info.hyp_bootargs = "dom0_mem=128M";
    info.initrd = {{0x48000000, 0x48001000}};
    info.seed = 7;
    info.modules.push_back(
        {{"multiboot,kernel", "multiboot,module"}, 0x40400000, 0x1234, "root=x", ""});
    info.modules.push_back({{"multiboot,ramdisk", "multiboot,module"}, 0x40600000, 0x100, {}, ""});
    info.domains.push_back({"domU1", 64ull << 20, 2, true});
    info.modules.push_back(
        {{"multiboot,kernel", "multiboot,module"}, 0x40800000, 0x200, "d", "domU1"});
    const auto blob = fill_chosen(board_dtb(), info);
    ASSERT_EQ(check_dtb(blob), "");
    const void* fdt = blob.data();
    EXPECT_EQ(prop_str(fdt, "/chosen", "bootargs"), "console=ttyAMA0");
    EXPECT_EQ(prop_str(fdt, "/chosen", "xen,xen-bootargs"), "dom0_mem=128M");
    EXPECT_EQ(prop_str(fdt, "/chosen", "stdout-path"), "/pl011@9000000"); // kept
    EXPECT_EQ(prop_u64(fdt, "/chosen", "linux,initrd-start"), 0x48000000u);
    EXPECT_EQ(prop_u64(fdt, "/chosen", "linux,initrd-end"), 0x48001000u);
    EXPECT_NE(prop_u64(fdt, "/chosen", "kaslr-seed"), ~0ull);
    EXPECT_EQ(prop_str(fdt, "/chosen/module@40400000", "compatible"),
              std::string("multiboot,kernel\0multiboot,module", 33));
    EXPECT_EQ(prop_str(fdt, "/chosen/module@40400000", "bootargs"), "root=x");
    EXPECT_EQ(prop_str(fdt, "/chosen/module@40600000", "bootargs"), "<none>");
    int len = 0;
    const void* reg =
        fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen/module@40400000"), "reg", &len);
    ASSERT_EQ(len, 16);
    EXPECT_EQ(fdt_cell64(reg, 0), 0x40400000u);
    EXPECT_EQ(fdt_cell64(reg, 1), 0x1234u);
    EXPECT_EQ(prop_str(fdt, "/chosen/domU1", "compatible"), "xen,domain");
    EXPECT_EQ(prop_u64(fdt, "/chosen/domU1", "memory"), 65536u); // KiB
    EXPECT_EQ(prop_str(fdt, "/chosen/domU1/module@40800000", "bootargs"), "d");
    EXPECT_NE(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen/domU1"), "vpl011", &len), nullptr);
    // Modules appear in the order given.
    const int chosen = fdt_path_offset(fdt, "/chosen");
    std::vector<std::string> names;
    for (int n = fdt_first_subnode(fdt, chosen); n >= 0; n = fdt_next_subnode(fdt, n))
        names.push_back(fdt_get_name(fdt, n, nullptr));
    EXPECT_EQ(names, (std::vector<std::string>{"module@40400000", "module@40600000", "domU1"}));
}

TEST(Dtb, SeedsFollowTheRunSeed) {
    ChosenInfo a, b, c;
    a.seed = b.seed = 1;
    c.seed = 2;
    const auto ta = fill_chosen(board_dtb(), a), tb = fill_chosen(board_dtb(), b),
               tc = fill_chosen(board_dtb(), c);
    EXPECT_EQ(ta, tb);
    EXPECT_NE(prop_u64(ta.data(), "/chosen", "kaslr-seed"),
              prop_u64(tc.data(), "/chosen", "kaslr-seed"));
}

TEST(Dtb, ChosenIsCreatedInAForeignTree) {
    // A minimal user tree without /chosen (as --dtb might pass).
    std::vector<uint8_t> blob(1024);
    ASSERT_EQ(fdt_create_empty_tree(blob.data(), int(blob.size())), 0);
    ChosenInfo info;
    info.bootargs = "x";
    const auto out = fill_chosen(blob, info);
    EXPECT_EQ(prop_str(out.data(), "/chosen", "bootargs"), "x");
}

TEST(Dtb, CheckRejectsCorruptBlobs) {
    auto blob = board_dtb();
    EXPECT_NE(check_dtb(std::vector<uint8_t>(blob.begin(), blob.begin() + 20)), "");
    auto bad_magic = blob;
    bad_magic[0] = 0;
    EXPECT_NE(check_dtb(bad_magic), "");
    auto truncated = blob;
    truncated.resize(blob.size() - 64);
    EXPECT_NE(check_dtb(truncated), "");
}
