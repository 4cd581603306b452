// Start-up: memory, interrupt controller, pCPUs, domains; then every pCPU enters its idle
// loop and the scheduler takes over.
#include "setup.h"

#include "../arch/arm64/boot.h"
#include "arch.h"
#include "console.h"
#include "domain_build.h"
#include "hypercall.h"
#include "page_alloc.h"
#include "percpu.h"

namespace hyp {

namespace {

// Hypervisor metadata (page bitmaps and PageInfo) is carved from RAM right after the
// image, before the allocator exists.
uint64_t g_bump = 0;
void* bump_alloc(uint64_t bytes, void*) {
    void* p = reinterpret_cast<void*>(g_bump);
    g_bump = align_up(g_bump + bytes, kPageSize);
    return p;
}

volatile bool g_go = false;

// debug_dump_ms=N: one dump of every vCPU's state N ms after boot (for hangs).
Timer g_dump_timer;
void dump_fn(void*) {
    debug_dump();
}

uint64_t param_u64(const char* cmdline, const char* key, uint64_t def, bool size = false) {
    char v[32];
    uint64_t x;
    if (cmdline_get(cmdline, key, v, sizeof v) && parse_u64(v, &x, nullptr, size)) return x;
    return def;
}

void init_memory(const BootInfo& info, uint64_t image_start, uint64_t image_end) {
    g_bump = align_up(image_end, kPageSize);
    for (unsigned i = 0; i < info.nr_ram; ++i) {
        const uint64_t base = align_up(info.ram[i].base, kPageSize);
        const uint64_t end = align_down(info.ram[i].base + info.ram[i].size, kPageSize);
        if (end > base && !g_pages.add_bank(Hpa(base), end - base, bump_alloc, nullptr))
            panic("cannot register RAM bank %u", i);
    }
    g_pages.reserve(Hpa(image_start), g_bump - image_start);
    g_pages.reserve(Hpa(info.dtb_pa), info.dtb_size);
    for (unsigned i = 0; i < info.nr_modules; ++i) {
        const BootModule& m = info.modules[i];
        if (m.start < info.dtb_pa + info.dtb_size && info.dtb_pa < m.start + m.size)
            log("warning: module %u (%#lx+%#lx) overlaps the device tree at %#lx: the boot "
                "loader placed one over the other",
                i, m.start, m.size, info.dtb_pa);
        g_pages.reserve(Hpa(m.start), m.size);
    }
    log("Memory: %lu MiB free of %lu MiB", (g_pages.free_pages() << kPageShift) >> 20,
        (g_pages.total_pages() << kPageShift) >> 20);
}

void init_pcpus(const BootInfo& info) {
    g_nr_pcpus = info.nr_cpus < kMaxPcpus ? info.nr_cpus : kMaxPcpus;
    for (unsigned i = 0; i < g_nr_pcpus; ++i) {
        Pcpu& p = pcpu(i);
        p.id = i;
        p.mpidr = info.cpu_mpidr[i];
        p.idle.is_idle = true;
        p.idle.pause_flags = 0;
        p.idle.sched.prio = Prio::Idle;
        p.idle.sched.processor = i;
        p.current = &p.idle;
        p.frame = arch::pcpu_frame(i);
    }
    pcpu(0).online = true;
}

BootImage image_of(const BootInfo& info, int kernel, int ramdisk, const char* cmdline) {
    BootImage img;
    img.kernel_pa = info.modules[kernel].start;
    img.kernel_size = info.modules[kernel].size;
    if (ramdisk >= 0) {
        img.ramdisk_pa = info.modules[ramdisk].start;
        img.ramdisk_size = info.modules[ramdisk].size;
    }
    if (cmdline) strlcpy(img.cmdline, cmdline, sizeof img.cmdline);
    return img;
}

void build_domains(const BootInfo& info) {
    const int k0 = info.dom0_kernel();
    if (k0 >= 0) {
        DomainConfig cfg;
        cfg.name = "Domain-0";
        cfg.privileged = true;
        cfg.domid = 0;
        cfg.mem_bytes = param_u64(info.cmdline, "dom0_mem", 128ull << 20, true);
        cfg.nr_vcpus = static_cast<unsigned>(param_u64(info.cmdline, "dom0_max_vcpus", g_nr_pcpus));
        if (cfg.nr_vcpus == 0 || cfg.nr_vcpus > kMaxVcpus) cfg.nr_vcpus = g_nr_pcpus;
        cfg.nr_spis = arch::host_nr_spis();
        const char* args = info.modules[k0].cmdline ? info.modules[k0].cmdline : info.dom0_cmdline;
        Domain* d;
        if (build::construct(cfg, image_of(info, k0, info.dom0_ramdisk(), args), &d) == 0)
            arch::give_host_irqs(d);
    }
    for (unsigned i = 0; i < info.nr_domains; ++i) {
        const BootDomain& bd = info.domains[i];
        if (bd.kernel < 0) {
            log("%s: no multiboot,kernel module: skipped", bd.name);
            continue;
        }
        DomainConfig cfg;
        cfg.name = bd.name;
        cfg.mem_bytes = bd.mem_bytes ? bd.mem_bytes : (64ull << 20);
        cfg.nr_vcpus = bd.vcpus;
        cfg.nr_spis = 32;
        Domain* d;
        build::construct(
            cfg, image_of(info, bd.kernel, bd.ramdisk, info.modules[bd.kernel].cmdline), &d);
    }
}

void unpause_all() {
    for (uint16_t id = 0;;) {
        Domain* d = domain::first_from(id);
        if (!d) break;
        if (d->state == DomainState::Building) domain::unpause(d);
        id = static_cast<uint16_t>(d->id + 1);
    }
}

} // namespace

namespace domain {
void rebuild_boot_domain(const DomainConfig& cfg, const BootImage& img) {
    Domain* d;
    if (build::construct(cfg, img, &d) == 0) {
        log("d%u: rebooted", d->id);
        domain::unpause(d);
    }
}
} // namespace domain

void hyp_main(const FdtReader&, const BootInfo& info, uint64_t image_start, uint64_t image_end) {
    log("Xen-style hypervisor (Xen guest ABI 4.17) on %u pCPU(s)", info.nr_cpus);
    log("Command line: %s", info.cmdline);
    hypercall::set_cmdline(info.cmdline);
    init_memory(info, image_start, image_end);
    init_pcpus(info);
    timers_init();
    const uint64_t tslice_ms = param_u64(info.cmdline, "sched_credit_tslice_ms", 10);
    sched::init(g_nr_pcpus, tslice_ms * arch::counter_hz() / 1000);
    domain::init();
    arch::init_primary(info);
    for (unsigned i = 1; i < g_nr_pcpus; ++i)
        if (!arch::start_secondary(i, pcpu(i).mpidr))
            log("pCPU %u (MPIDR %#lx) did not start", i, pcpu(i).mpidr);
    // Wait for the secondaries that started (they set `online`).
    for (unsigned spins = 0; spins < 100000000; ++spins) {
        unsigned up = 0;
        for (unsigned i = 0; i < g_nr_pcpus; ++i)
            up += __atomic_load_n(&pcpu(i).online, __ATOMIC_ACQUIRE);
        if (up == g_nr_pcpus) break;
    }
    unsigned online = 0;
    for (unsigned i = 0; i < g_nr_pcpus; ++i)
        online += pcpu(i).online;
    log("%u of %u pCPU(s) online; scheduler: credit, %lu ms slices", online, g_nr_pcpus, tslice_ms);
    build_domains(info);
    if (domain::count_live() == 0) {
        log("no domain to run (no usable multiboot,kernel module, no xen,domain node): "
            "powering off");
        arch::machine_off();
    }
    unpause_all();
    sched::start_accounting();
    if (const uint64_t ms = param_u64(info.cmdline, "debug_dump_ms", 0)) {
        timer_init(&g_dump_timer, dump_fn, nullptr);
        timer_set(&g_dump_timer, arch::now() + ms * arch::counter_hz() / 1000, 0);
    }
    __atomic_store_n(&g_go, true, __ATOMIC_RELEASE);
    arch::start_idle();
}

void hyp_secondary_main(unsigned cpu) {
    arch::init_secondary(cpu);
    __atomic_store_n(&pcpu(cpu).online, true, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&g_go, __ATOMIC_ACQUIRE))
        asm volatile("" ::: "memory");
    arch::start_idle();
}

} // namespace hyp
