// Kernel start-up: read the device tree, find RAM and what must not be reused, build the
// final page tables, bring up the console, interrupts, time and (when present) Xen, then
// run app_main() in the first thread.
#include "internal.h"

#include <new>

extern "C" {
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
}

namespace minios {
namespace {

BootInfo info;
alignas(bare::Fdt) char fdt_storage[sizeof(bare::Fdt)];

uint32_t be32(const void* p) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
}
uint64_t be64(const void* p) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    return (uint64_t(be32(b)) << 32) | be32(b + 4);
}

void find_modules(const bare::Fdt& fdt) {
    const int chosen = fdt.node("/chosen");
    if (chosen < 0) return;
    if (const char* args = fdt.prop_string(chosen, "bootargs")) info.bootargs = args;
    for (int n = fdt.first_child(chosen); n >= 0; n = fdt.next_sibling(n)) {
        if (!fdt.is_compatible(n, "multiboot,module") || info.modules == BootInfo::kMaxModules)
            continue;
        Module& m = info.module[info.modules];
        if (!fdt.reg_at(n, 0, &m.addr, &m.size)) continue;
        m.bootargs = fdt.prop_string(n, "bootargs");
        m.node = n;
        ++info.modules;
    }
}

// RAM from the memory nodes; returns the number of bytes found.
uint64_t find_ram(const bare::Fdt& fdt) {
    uint64_t total = 0;
    int depth = 0;
    for (int n = fdt.next_node(-1, &depth); n >= 0; n = fdt.next_node(n, &depth)) {
        const char* type = fdt.prop_string(n, "device_type");
        if (depth != 1 || !type || strcmp(type, "memory") != 0) continue;
        uint64_t base, size;
        for (unsigned i = 0; fdt.reg_at(n, i, &base, &size); ++i) {
            page_alloc_add_ram(base, size);
            if (!map(base, size, MemType::Normal)) panic("cannot map RAM at 0x%lx", base);
            total += size;
        }
    }
    return total;
}

void reserve_boot_data(const bare::Fdt& fdt) {
    page_alloc_reserve(virt_to_phys(__image_start), __image_end - __image_start);
    const paddr_t dtb = virt_to_phys(fdt.base());
    page_alloc_reserve(dtb, fdt.total_size());
    for (unsigned i = 0; i < info.modules; ++i)
        page_alloc_reserve(info.module[i].addr, info.module[i].size);
    // The header's memory reservation block: (address, size) pairs up to a zero pair.
    const uint8_t* h = static_cast<const uint8_t*>(fdt.base());
    for (const uint8_t* r = h + be32(h + 16);; r += 16) {
        const uint64_t a = be64(r), s = be64(r + 8);
        if (!a && !s) break;
        page_alloc_reserve(a, s);
    }
    const int rm = fdt.node("/reserved-memory");
    for (int n = rm >= 0 ? fdt.first_child(rm) : -1; n >= 0; n = fdt.next_sibling(n)) {
        uint64_t a, s;
        for (unsigned i = 0; fdt.reg_at(n, i, &a, &s); ++i)
            page_alloc_reserve(a, s);
    }
    // initrd as Linux loaders describe it.
    const int chosen = fdt.node("/chosen");
    uint32_t l1, l2;
    const void* s = chosen >= 0 ? fdt.prop(chosen, "linux,initrd-start", &l1) : nullptr;
    const void* e = chosen >= 0 ? fdt.prop(chosen, "linux,initrd-end", &l2) : nullptr;
    if (s && e) {
        const uint64_t a = l1 == 8 ? be64(s) : be32(s), b = l2 == 8 ? be64(e) : be32(e);
        if (b > a) {
            page_alloc_reserve(a, b - a);
            info.initrd_addr = a;
            info.initrd_size = b - a;
        }
    }
}

void main_thread(void*) {
    const uint64_t ram_mib = (total_page_count() * kPageSize) >> 20;
    if (info.xen)
        printf("minios: on Xen as %s, EL1, %lu MiB RAM, console %s, timer %s\n",
               info.dom0 ? "dom0" : "domU", ram_mib, console_sink_name(), timer_backend_name());
    else
        printf("minios: native, EL1%s, %lu MiB RAM, console %s, timer %s\n",
               info.entered_at_el2 ? " (dropped from EL2)" : "", ram_mib, console_sink_name(),
               timer_backend_name());
    const int rc = app_main(info);
    printf("minios: app exited with status %d\n", rc);
    power_off();
}

} // namespace

const BootInfo& boot_info() {
    return info;
}
BootInfo& mutable_boot_info() {
    return info;
}

extern "C" void minios_start(uint64_t x0, uint64_t entered_at_el2) {
    for (auto** f = __init_array_start; f != __init_array_end; ++f)
        (*f)();
    auto* fdt = new (fdt_storage) bare::Fdt(bare::find_dtb(x0));
    if (!fdt->valid()) {
        // Without a device tree there is no console to complain on.
        for (;;)
            arch::wfi();
    }
    info.fdt = fdt;
    info.entered_at_el2 = entered_at_el2 != 0;
    const int hyp = fdt->node("/hypervisor");
    info.xen = hyp >= 0 && fdt->is_compatible(hyp, "xen,xen");

    psci_init(*fdt);
    if (info.xen)
        xen_early_init(*fdt); // dom0 prints through console_io from here on
    else
        console_init_native(*fdt);
    find_modules(*fdt);
    const uint64_t ram = find_ram(*fdt);
    if (!ram) panic("no memory node in the device tree");
    reserve_boot_data(*fdt);
    page_alloc_init();
    if (!page_alloc_is_ram(virt_to_phys(fdt->base()))) // kept mapped for its readers
        map(virt_to_phys(fdt->base()), fdt->total_size(), MemType::Normal);
    mmu_init();

    sched_init();
    if (!gic_init(*fdt)) printf("minios: no GICv2 in the device tree: no interrupts\n");
    time_init(*fdt);
    if (info.xen) xen_init(*fdt);
    sched_start(main_thread, nullptr);
}

void power_off() {
    arch::irq_disable();
    if (info.xen) xen_shutdown(0); // SHUTDOWN_poweroff
    psci_system_off();
}

void crash() {
    arch::irq_disable();
    if (info.xen) xen_shutdown(3); // SHUTDOWN_crash
    psci_system_off();
}

} // namespace minios
