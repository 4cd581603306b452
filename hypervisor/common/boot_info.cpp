// Host device tree parsing.
#include "boot_info.h"

#include "lib.h"

namespace hyp {

namespace {

bool read_interrupt(const FdtReader& fdt, int node, unsigned index, unsigned* intid) {
    uint32_t len;
    const auto* p = static_cast<const uint8_t*>(fdt.prop(node, "interrupts", &len));
    if (!p || len < (index + 1) * 12) return false;
    p += index * 12;
    const uint32_t type = be32_load(p), num = be32_load(p + 4);
    *intid = num + (type == 1 ? 16 : 32); // GIC binding: 0 = SPI, 1 = PPI
    return true;
}

// Resolves stdout-path / dtuart=: a path or an alias, options after ':' dropped.
int resolve_uart(const FdtReader& fdt, const char* path) {
    char buf[128];
    size_t i = 0;
    while (path[i] && path[i] != ':' && i + 1 < sizeof buf) {
        buf[i] = path[i];
        ++i;
    }
    buf[i] = 0;
    if (buf[0] == '/') return fdt.node(buf);
    const int aliases = fdt.node("/aliases");
    const char* target = aliases >= 0 ? fdt.prop_string(aliases, buf) : nullptr;
    return target ? fdt.node(target) : -1;
}

ModuleKind module_kind(const FdtReader& fdt, int node) {
    if (fdt.is_compatible(node, "multiboot,kernel") || fdt.is_compatible(node, "xen,linux-zimage"))
        return ModuleKind::Kernel;
    if (fdt.is_compatible(node, "multiboot,ramdisk") || fdt.is_compatible(node, "xen,linux-initrd"))
        return ModuleKind::Ramdisk;
    return ModuleKind::Other;
}

void add_modules_under(const FdtReader& fdt, int parent, int domain, BootInfo* info) {
    for (int c = fdt.first_child(parent); c >= 0; c = fdt.next_sibling(c)) {
        if (!fdt.is_compatible(c, "multiboot,module") && module_kind(fdt, c) == ModuleKind::Other)
            continue;
        if (info->nr_modules == BootInfo::kMaxModules) return;
        BootModule& m = info->modules[info->nr_modules];
        if (!fdt.reg(c, 0, &m.start, &m.size)) continue;
        m.kind = module_kind(fdt, c);
        // QEMU's guest-loader marks the first module it adds "multiboot,kernel" and a second
        // without kernel= as "multiboot,ramdisk"; a bare "multiboot,module" is dom0's kernel
        // when it is the first one (booting.txt: "the first module is the kernel").
        if (m.kind == ModuleKind::Other && domain < 0) {
            bool have_kernel = false;
            for (unsigned k = 0; k < info->nr_modules; ++k)
                have_kernel |=
                    info->modules[k].domain < 0 && info->modules[k].kind == ModuleKind::Kernel;
            m.kind = have_kernel ? ModuleKind::Ramdisk : ModuleKind::Kernel;
        }
        m.cmdline = fdt.prop_string(c, "bootargs");
        m.domain = domain;
        ++info->nr_modules;
    }
}

} // namespace

int BootInfo::dom0_kernel() const {
    for (unsigned i = 0; i < nr_modules; ++i)
        if (modules[i].domain < 0 && modules[i].kind == ModuleKind::Kernel)
            return static_cast<int>(i);
    return -1;
}

int BootInfo::dom0_ramdisk() const {
    for (unsigned i = 0; i < nr_modules; ++i)
        if (modules[i].domain < 0 && modules[i].kind == ModuleKind::Ramdisk)
            return static_cast<int>(i);
    return -1;
}

bool parse_boot_info(const FdtReader& fdt, BootInfo* info, const char** err) {
    info->dtb_size = fdt.total_size();
    // RAM: every node with device_type = "memory".
    for (int n = fdt.first_child(fdt.root()); n >= 0; n = fdt.next_sibling(n)) {
        const char* dt = fdt.prop_string(n, "device_type");
        if (!dt || strcmp(dt, "memory") != 0) continue;
        for (unsigned i = 0; info->nr_ram < BootInfo::kMaxBanks; ++i) {
            MemBank b;
            if (!fdt.reg(n, i, &b.base, &b.size)) break;
            if (b.size) info->ram[info->nr_ram++] = b;
        }
    }
    if (info->nr_ram == 0) {
        *err = "no memory node";
        return false;
    }
    // CPUs.
    const int cpus = fdt.node("/cpus");
    for (int c = fdt.first_child(cpus); c >= 0 && info->nr_cpus < BootInfo::kMaxCpus;
         c = fdt.next_sibling(c)) {
        const char* dt = fdt.prop_string(c, "device_type");
        if (!dt || strcmp(dt, "cpu") != 0) continue;
        uint32_t len;
        const void* r = fdt.prop(c, "reg", &len);
        if (!r) continue;
        info->cpu_mpidr[info->nr_cpus++] =
            FdtReader::read_cells(r, len >= 8 && fdt.address_cells(cpus) == 2 ? 2 : 1);
    }
    if (info->nr_cpus == 0) info->cpu_mpidr[info->nr_cpus++] = 0;
    // GICv2: distributor, CPU interface, hypervisor interface, virtual CPU interface.
    int gic = fdt.find_compatible(-1, "arm,gic-400");
    if (gic < 0) gic = fdt.find_compatible(-1, "arm,cortex-a15-gic");
    uint64_t size;
    if (gic < 0 || !fdt.reg(gic, 0, &info->gicd, &size) || !fdt.reg(gic, 1, &info->gicc, &size) ||
        !fdt.reg(gic, 2, &info->gich, &size) || !fdt.reg(gic, 3, &info->gicv, &info->gicv_size)) {
        *err = "no GICv2 with virtualization extensions (gic-version=2,virtualization=on)";
        return false;
    }
    read_interrupt(fdt, gic, 0, &info->gic_maintenance_ppi);
    // PSCI conduit.
    const int psci = fdt.find_compatible(-1, "arm,psci-0.2");
    const char* method = psci >= 0 ? fdt.prop_string(psci, "method") : nullptr;
    info->psci_hvc = method && strcmp(method, "hvc") == 0;
    // /chosen: our command line, modules, dom0less domains.
    const int chosen = fdt.node("/chosen");
    if (chosen >= 0) {
        const char* xa = fdt.prop_string(chosen, "xen,xen-bootargs");
        const char* ba = fdt.prop_string(chosen, "bootargs");
        info->cmdline = xa ? xa : (ba ? ba : "");
        info->dom0_cmdline = fdt.prop_string(chosen, "xen,dom0-bootargs");
        add_modules_under(fdt, chosen, -1, info);
        for (int c = fdt.first_child(chosen); c >= 0; c = fdt.next_sibling(c)) {
            if (!fdt.is_compatible(c, "xen,domain") || info->nr_domains == BootInfo::kMaxDomains)
                continue;
            BootDomain& d = info->domains[info->nr_domains];
            d.name = fdt.name(c);
            uint32_t len;
            const void* mem = fdt.prop(c, "memory", &len);
            if (mem) d.mem_bytes = FdtReader::read_cells(mem, len >= 8 ? 2 : 1) * 1024;
            uint32_t vcpus = 1;
            fdt.prop_u32(c, "cpus", &vcpus);
            d.vcpus = vcpus;
            const unsigned first = info->nr_modules;
            add_modules_under(fdt, c, static_cast<int>(info->nr_domains), info);
            for (unsigned m = first; m < info->nr_modules; ++m) {
                if (info->modules[m].kind == ModuleKind::Kernel && d.kernel < 0)
                    d.kernel = static_cast<int>(m);
                else if (info->modules[m].kind == ModuleKind::Ramdisk && d.ramdisk < 0)
                    d.ramdisk = static_cast<int>(m);
            }
            ++info->nr_domains;
        }
    }
    // Console UART: dtuart= on our command line, else /chosen/stdout-path, else the first
    // PL011.
    int uart = -1;
    char dtuart[96];
    if (cmdline_get(info->cmdline, "dtuart", dtuart, sizeof dtuart))
        uart = resolve_uart(fdt, dtuart);
    if (uart < 0 && chosen >= 0) {
        const char* sp = fdt.prop_string(chosen, "stdout-path");
        if (sp) uart = resolve_uart(fdt, sp);
    }
    if (uart < 0) uart = fdt.find_compatible(-1, "arm,pl011");
    if (uart >= 0) {
        fdt.reg(uart, 0, &info->uart, &size);
        read_interrupt(fdt, uart, 0, &info->uart_intid);
    }
    return true;
}

} // namespace hyp
