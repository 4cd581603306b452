#include "guest_dt.h"

#include "fdt_writer.h"

namespace guestdt {

size_t build(const Config& c, void* buf, size_t cap) {
    constexpr uint32_t kGicPhandle = 0xfde8;
    constexpr uint32_t kPpi = 1, kLevelHighAllCpus = 0xf08;
    fdt::Writer w(buf, cap);
    w.begin_node("");
    w.prop_u32("#address-cells", 2);
    w.prop_u32("#size-cells", 2);
    static const char kCompat[] = "xen,xenvm-4.17\0xen,xenvm";
    w.prop_strings("compatible", kCompat, sizeof kCompat);
    w.prop_string("model", "XENVM-4.17");
    w.prop_u32("interrupt-parent", kGicPhandle);

    w.begin_node("chosen");
    if (c.bootargs && *c.bootargs) w.prop_string("bootargs", c.bootargs);
    w.end_node();

    w.begin_node("cpus");
    w.prop_u32("#address-cells", 1);
    w.prop_u32("#size-cells", 0);
    for (unsigned i = 0; i < c.vcpus; ++i) {
        char name[16] = "cpu@";
        unsigned v = i, n = 4;
        char digits[8];
        int k = 0;
        do {
            digits[k++] = char('0' + v % 10);
            v /= 10;
        } while (v);
        while (k)
            name[n++] = digits[--k];
        name[n] = 0;
        w.begin_node(name);
        w.prop_string("device_type", "cpu");
        static const char kCpu[] = "arm,armv8";
        w.prop_strings("compatible", kCpu, sizeof kCpu);
        w.prop_string("enable-method", "psci");
        w.prop_u32("reg", i);
        w.end_node();
    }
    w.end_node();

    w.begin_node("psci");
    static const char kPsci[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    w.prop_strings("compatible", kPsci, sizeof kPsci);
    w.prop_string("method", "hvc");
    w.prop_u32("cpu_off", 0x84000002);
    w.prop_u32("cpu_on", 0xc4000003);
    w.end_node();

    char mem[32] = "memory@";
    {
        static const char kHex[] = "0123456789abcdef";
        unsigned n = 7;
        bool started = false;
        for (int s = 60; s >= 0; s -= 4) {
            const unsigned d = unsigned(c.ram_base >> s) & 15;
            if (d || started || s == 0) {
                mem[n++] = kHex[d];
                started = true;
            }
        }
        mem[n] = 0;
    }
    w.begin_node(mem);
    w.prop_string("device_type", "memory");
    const uint32_t reg[4] = {uint32_t(c.ram_base >> 32), uint32_t(c.ram_base),
                             uint32_t(c.ram_size >> 32), uint32_t(c.ram_size)};
    w.prop_cells("reg", reg, 4);
    w.end_node();

    w.begin_node("interrupt-controller@3001000");
    static const char kGic[] = "arm,cortex-a15-gic\0arm,cortex-a9-gic";
    w.prop_strings("compatible", kGic, sizeof kGic);
    w.prop_u32("#interrupt-cells", 3);
    w.prop_u32("#address-cells", 0);
    w.prop_empty("interrupt-controller");
    const uint32_t greg[8] = {uint32_t(c.gicd >> 32), uint32_t(c.gicd), 0, 0x1000,
                              uint32_t(c.gicc >> 32), uint32_t(c.gicc), 0, 0x2000};
    w.prop_cells("reg", greg, 8);
    w.prop_u32("phandle", kGicPhandle);
    w.prop_u32("linux,phandle", kGicPhandle);
    w.end_node();

    w.begin_node("timer");
    static const char kTimer[] = "arm,armv8-timer";
    w.prop_strings("compatible", kTimer, sizeof kTimer);
    // Secure physical, non-secure physical, virtual, hypervisor: PPIs 13, 14, 11, 10.
    const uint32_t irqs[12] = {kPpi, 13, kLevelHighAllCpus, kPpi, 14, kLevelHighAllCpus,
                               kPpi, 11, kLevelHighAllCpus, kPpi, 10, kLevelHighAllCpus};
    w.prop_cells("interrupts", irqs, 12);
    w.end_node();

    w.begin_node("hypervisor");
    static const char kXen[] = "xen,xen-4.17\0xen,xen";
    w.prop_strings("compatible", kXen, sizeof kXen);
    const uint32_t hreg[4] = {uint32_t(c.gnttab_base >> 32), uint32_t(c.gnttab_base),
                              uint32_t(c.gnttab_size >> 32), uint32_t(c.gnttab_size)};
    w.prop_cells("reg", hreg, 4);
    const uint32_t hirq[3] = {kPpi, c.evtchn_ppi, kLevelHighAllCpus};
    w.prop_cells("interrupts", hirq, 3);
    w.end_node();

    w.end_node();
    return w.finish();
}

} // namespace guestdt
