// The freestanding FDT reader and writer, cross-checked with libfdt; and the boot-info
// parser on a tree laid out as QEMU/armsim give it to a hypervisor.
#include "../fdt_cells.h"
#include "common/boot_info.h"
#include "common/fdt.h"
#include "fake_arch.h"

#include <cstdio>
#include <libfdt.h>
#include <vector>

using namespace hyp;

namespace {
std::vector<uint8_t> libfdt_tree() {
    std::vector<uint8_t> buf(8192);
    void* f = buf.data();
    fdt_create(f, buf.size());
    fdt_add_reservemap_entry(f, 0x40000000, 0x1000);
    fdt_finish_reservemap(f);
    fdt_begin_node(f, "");
    fdt_property_u32(f, "#address-cells", 2);
    fdt_property_u32(f, "#size-cells", 2);
    fdt_begin_node(f, "memory@40000000");
    fdt_property_string(f, "device_type", "memory");
    const uint32_t reg[4] = {0, cpu_to_fdt32(0x40000000), 0, cpu_to_fdt32(0x20000000)};
    fdt_property(f, "reg", reg, sizeof reg);
    fdt_end_node(f);
    fdt_begin_node(f, "cpus");
    fdt_property_u32(f, "#address-cells", 1);
    fdt_property_u32(f, "#size-cells", 0);
    for (uint32_t i = 0; i < 2; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "cpu@%u", i);
        fdt_begin_node(f, name);
        fdt_property_string(f, "device_type", "cpu");
        fdt_property_u32(f, "reg", i);
        fdt_end_node(f);
    }
    fdt_end_node(f);
    fdt_begin_node(f, "intc@8000000");
    fdt_property(f, "compatible", "arm,cortex-a15-gic", sizeof "arm,cortex-a15-gic");
    const uint32_t gic[16] = {0, cpu_to_fdt32(0x08000000), 0, cpu_to_fdt32(0x10000),
                              0, cpu_to_fdt32(0x08010000), 0, cpu_to_fdt32(0x10000),
                              0, cpu_to_fdt32(0x08030000), 0, cpu_to_fdt32(0x10000),
                              0, cpu_to_fdt32(0x08040000), 0, cpu_to_fdt32(0x10000)};
    fdt_property(f, "reg", gic, sizeof gic);
    const uint32_t maint[3] = {cpu_to_fdt32(1), cpu_to_fdt32(9), cpu_to_fdt32(4)};
    fdt_property(f, "interrupts", maint, sizeof maint);
    fdt_end_node(f);
    fdt_begin_node(f, "pl011@9000000");
    fdt_property(f, "compatible", "arm,pl011\0arm,primecell", sizeof "arm,pl011\0arm,primecell");
    const uint32_t uart[4] = {0, cpu_to_fdt32(0x09000000), 0, cpu_to_fdt32(0x1000)};
    fdt_property(f, "reg", uart, sizeof uart);
    const uint32_t irq[3] = {0, cpu_to_fdt32(1), cpu_to_fdt32(4)};
    fdt_property(f, "interrupts", irq, sizeof irq);
    fdt_end_node(f);
    fdt_begin_node(f, "chosen");
    fdt_property_string(f, "xen,xen-bootargs", "dom0_mem=64M dtuart=/pl011@9000000");
    fdt_property_string(f, "stdout-path", "/pl011@9000000");
    // A module node without #address-cells in /chosen: cells inherited from the root.
    fdt_begin_node(f, "module@48000000");
    fdt_property(f, "compatible", "multiboot,kernel\0multiboot,module",
                 sizeof "multiboot,kernel\0multiboot,module");
    const uint32_t k[4] = {0, cpu_to_fdt32(0x48000000), 0, cpu_to_fdt32(0x1234)};
    fdt_property(f, "reg", k, sizeof k);
    fdt_property_string(f, "bootargs", "console=hvc0");
    fdt_end_node(f);
    fdt_begin_node(f, "domU1");
    fdt_property(f, "compatible", "xen,domain", sizeof "xen,domain");
    const uint32_t mem[2] = {0, cpu_to_fdt32(16384)}; // KiB
    fdt_property(f, "memory", mem, sizeof mem);
    fdt_property_u32(f, "cpus", 3);
    fdt_begin_node(f, "module@49000000");
    fdt_property(f, "compatible", "multiboot,kernel\0multiboot,module",
                 sizeof "multiboot,kernel\0multiboot,module");
    const uint32_t k2[4] = {0, cpu_to_fdt32(0x49000000), 0, cpu_to_fdt32(0x4000)};
    fdt_property(f, "reg", k2, sizeof k2);
    fdt_end_node(f);
    fdt_end_node(f);
    fdt_end_node(f);
    fdt_end_node(f);
    fdt_finish(f);
    buf.resize(fdt_totalsize(f));
    return buf;
}
} // namespace

TEST(HypFdt, ReaderWalksALibfdtTree) {
    const auto blob = libfdt_tree();
    FdtReader r;
    ASSERT_TRUE(r.init(blob.data(), blob.size()));
    const int cpu1 = r.node("/cpus/cpu@1");
    ASSERT_GE(cpu1, 0);
    uint32_t v = 0;
    EXPECT_TRUE(r.prop_u32(cpu1, "reg", &v));
    EXPECT_EQ(v, 1u);
    EXPECT_EQ(r.node("/cpus/cpu"), r.node("/cpus/cpu@0")); // unit address optional
    EXPECT_LT(r.node("/cpus/cpu@7"), 0);
    EXPECT_STREQ(r.name(r.parent(cpu1)), "cpus");
    EXPECT_TRUE(r.is_compatible(r.find_compatible(-1, "arm,primecell"), "arm,pl011"));
    uint64_t a, s;
    ASSERT_TRUE(r.reg(r.node("/intc"), 3, &a, &s));
    EXPECT_EQ(a, 0x08040000u);
    EXPECT_EQ(r.num_reserved(), 1u);
    ASSERT_TRUE(r.reserved(0, &a, &s));
    EXPECT_EQ(s, 0x1000u);
}

TEST(HypFdt, ReaderRefusesGarbage) {
    auto blob = libfdt_tree();
    FdtReader r;
    EXPECT_FALSE(r.init(blob.data(), 16)); // smaller than a header
    blob[4] = 0x7f;                        // totalsize beyond the buffer
    EXPECT_FALSE(r.init(blob.data(), blob.size()));
    uint8_t zeros[64] = {};
    EXPECT_FALSE(r.init(zeros, sizeof zeros));
}

TEST(HypFdt, WriterOutputIsValidForLibfdt) {
    std::vector<uint8_t> buf(4096);
    FdtWriter w(buf.data(), buf.size());
    w.begin_node("");
    w.prop_u32("#address-cells", 2);
    w.begin_node("hypervisor");
    w.prop_strings("compatible", "xen,xen-4.17\0xen,xen", sizeof "xen,xen-4.17\0xen,xen");
    w.prop_reg64("reg", 0x38000000, 0x1000000);
    w.prop_u32("#address-cells", 2); // a name used twice: one string in the table
    w.end_node();
    w.end_node();
    const uint32_t size = w.finish();
    ASSERT_GT(size, 0u);
    ASSERT_EQ(fdt_check_header(buf.data()), 0);
    const int node = fdt_path_offset(buf.data(), "/hypervisor");
    ASSERT_GE(node, 0);
    EXPECT_EQ(fdt_node_check_compatible(buf.data(), node, "xen,xen"), 0);
    int len = 0;
    const void* reg = fdt_getprop(buf.data(), node, "reg", &len);
    ASSERT_EQ(len, 16);
    EXPECT_EQ(fdt_cell64(reg, 0), 0x38000000u);
    EXPECT_EQ(fdt_size_dt_strings(buf.data()),
              sizeof "#address-cells" + sizeof "compatible" + sizeof "reg");
}

TEST(HypFdt, WriterOverflowIsReported) {
    uint8_t buf[80];
    FdtWriter w(buf, sizeof buf);
    w.begin_node("");
    w.prop_string("model", "a long string that does not fit in eighty bytes with the header");
    w.end_node();
    EXPECT_EQ(w.finish(), 0u);
    EXPECT_FALSE(w.ok());
}

TEST(HypFdt, BootInfoReadsXensBinding) {
    const auto blob = libfdt_tree();
    FdtReader r;
    ASSERT_TRUE(r.init(blob.data(), blob.size()));
    BootInfo info;
    const char* err = nullptr;
    ASSERT_TRUE(parse_boot_info(r, &info, &err)) << err;
    EXPECT_EQ(info.nr_ram, 1u);
    EXPECT_EQ(info.ram[0].size, 0x20000000u);
    EXPECT_EQ(info.nr_cpus, 2u);
    EXPECT_EQ(info.gicv, 0x08040000u);
    EXPECT_EQ(info.gic_maintenance_ppi, 25u);
    EXPECT_EQ(info.uart, 0x09000000u);
    EXPECT_EQ(info.uart_intid, 33u);
    EXPECT_STREQ(info.cmdline, "dom0_mem=64M dtuart=/pl011@9000000");
    ASSERT_GE(info.dom0_kernel(), 0);
    EXPECT_EQ(info.modules[info.dom0_kernel()].start, 0x48000000u);
    EXPECT_EQ(info.modules[info.dom0_kernel()].size, 0x1234u);
    EXPECT_STREQ(info.modules[info.dom0_kernel()].cmdline, "console=hvc0");
    ASSERT_EQ(info.nr_domains, 1u);
    EXPECT_STREQ(info.domains[0].name, "domU1");
    EXPECT_EQ(info.domains[0].mem_bytes, 16u << 20);
    EXPECT_EQ(info.domains[0].vcpus, 3u);
    ASSERT_GE(info.domains[0].kernel, 0);
    EXPECT_EQ(info.modules[info.domains[0].kernel].start, 0x49000000u);
}
