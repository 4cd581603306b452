// arm64 boot: find the device tree, map the address space at EL2 (identity, MMU on),
// bring up the console, then hand over to the portable start-up (hyp_main). Secondary
// pCPUs come here through PSCI CPU_ON.
#include "boot.h"

#include "../../common/arch.h"
#include "../../common/boot_info.h"
#include "../../common/console.h"
#include "../../common/hypercall.h"
#include "../../common/percpu.h"
#include "../../common/setup.h"
#include "../../include/public/errno.h"
#include "../../include/public/hyp_test.h"
#include "asm_defs.h"
#include "cpu.h"
#include "gic.h"
#include "irq.h"
#include "psci_fw.h"
#include "sysreg.h"

extern "C" {
alignas(16) char hyp_stacks[HYP_MAX_PCPUS * HYP_STACK_SIZE];
extern char __image_start[], __image_end[];
void secondary_entry();
[[noreturn]] void arch_boot_primary(uint64_t x0);
[[noreturn]] void arch_boot_secondary(uint64_t cpu);
}

#include "uart.h"

namespace hyp::arch {

namespace {

// EL2 stage 1: one level-1 table of 1 GiB blocks (T0SZ = 25, 39-bit VA = PA): the first
// GiB as Device-nGnRE (GIC, UART, flash), RAM banks as Normal write-back.
alignas(4096) uint64_t g_el2_l1[512];

constexpr uint64_t kMairDeviceNgnre = 0x04, kMairNormalWb = 0xff;
constexpr uint64_t kAttrDevice = 0, kAttrNormal = 1; // MAIR indices
constexpr uint64_t kBlockValid = 1, kAf = 1ull << 10, kShInner = 3ull << 8;
constexpr uint64_t kPxn = 1ull << 53, kUxn = 1ull << 54;

uint64_t g_tcr = 0;

// The DTB: x0 when it holds one, else the bottom of RAM (QEMU's ELF loader).
uint64_t find_dtb(uint64_t x0) {
    if (x0 && be32_load(reinterpret_cast<const void*>(x0)) == FdtReader::kMagic) return x0;
    constexpr uint64_t kRamBase = 0x40000000;
    if (be32_load(reinterpret_cast<const void*>(kRamBase)) == FdtReader::kMagic) return kRamBase;
    return 0;
}

void build_page_tables(const BootInfo& info) {
    g_el2_l1[0] = 0 | kBlockValid | kAf | (kAttrDevice << 2) | kPxn | kUxn;
    for (unsigned b = 0; b < info.nr_ram; ++b) {
        const uint64_t first = info.ram[b].base >> 30;
        const uint64_t last = (info.ram[b].base + info.ram[b].size - 1) >> 30;
        for (uint64_t i = first; i <= last && i < 512; ++i)
            if (i != 0) g_el2_l1[i] = (i << 30) | kBlockValid | kAf | kShInner | (kAttrNormal << 2);
    }
    // The tables were written with the MMU (and so the caches) off: drop stale lines.
    for (uint64_t a = reinterpret_cast<uint64_t>(g_el2_l1);
         a < reinterpret_cast<uint64_t>(g_el2_l1 + 512); a += 64)
        asm volatile("dc ivac, %0" ::"r"(a) : "memory");
    sysreg::dsb_sy();
    // TCR_EL2 (D13.2.131): T0SZ = 25, IRGN0/ORGN0 = WB WA, SH0 = inner, TG0 = 4K,
    // PS from ID_AA64MMFR0_EL1.PARange (at most 40 bits is all we need).
    uint64_t ps = sysreg::read_id_aa64mmfr0_el1() & 0xf;
    if (ps > 2) ps = 2;
    g_tcr =
        (1ull << 31) | (1ull << 23) | (ps << 16) | (3ull << 12) | (1ull << 10) | (1ull << 8) | 25;
}

void enable_mmu() {
    sysreg::write_mair_el2(kMairDeviceNgnre | (kMairNormalWb << 8));
    sysreg::write_tcr_el2(g_tcr);
    sysreg::write_ttbr0_el2(reinterpret_cast<uint64_t>(g_el2_l1));
    sysreg::isb();
    asm volatile("tlbi alle2\n dsb nsh\n isb" ::: "memory");
    sysreg::write_sctlr_el2(reg::kSctlrEl2Res1 | reg::kSctlrM | reg::kSctlrC | reg::kSctlrI |
                            reg::kSctlrSa);
    sysreg::isb();
}

void console_sink(const char* s, size_t n) {
    uart_write(s, n);
}

BootInfo g_boot;

} // namespace

const BootInfo& boot_info() {
    return g_boot;
}

bool start_secondary(unsigned cpu, uint64_t mpidr) {
    const int64_t r = psci_fw::cpu_on(mpidr, reinterpret_cast<uint64_t>(&secondary_entry), cpu);
    return r == psci_fw::kSuccess || r == psci_fw::kAlreadyOn;
}

} // namespace hyp::arch

using namespace hyp;

extern "C" {
using Ctor = void (*)();
extern Ctor __init_array_start[], __init_array_end[];
}

extern "C" void arch_boot_primary(uint64_t x0) {
    for (Ctor* c = __init_array_start; c != __init_array_end; ++c)
        (*c)();
    Pcpu& p = pcpu(0);
    sysreg::write_tpidr_el2(reinterpret_cast<uint64_t>(&p));
    const uint64_t dtb = arch::find_dtb(x0);
    FdtReader fdt;
    const char* err = "no device tree (x0 = 0 and none at the bottom of RAM)";
    if (dtb && fdt.init(reinterpret_cast<const void*>(dtb)) &&
        parse_boot_info(fdt, &arch::g_boot, &err)) {
        arch::g_boot.dtb_pa = dtb;
        arch::build_page_tables(arch::g_boot);
        arch::enable_mmu();
        if (arch::g_boot.uart) arch::uart_init(arch::g_boot.uart);
        console_set_sink(arch::console_sink);
        psci_fw::set_conduit_hvc(arch::g_boot.psci_hvc);
        hyp_main(fdt, arch::g_boot, reinterpret_cast<uint64_t>(__image_start),
                 reinterpret_cast<uint64_t>(__image_end));
    }
    // Without a device tree there is no console to complain on: try QEMU virt's UART.
    arch::uart_init(0x09000000);
    console_set_sink(arch::console_sink);
    panic("boot: %s", err);
}

extern "C" void arch_boot_secondary(uint64_t cpu) {
    Pcpu& p = pcpu(static_cast<unsigned>(cpu));
    sysreg::write_tpidr_el2(reinterpret_cast<uint64_t>(&p));
    arch::enable_mmu();
    hyp_secondary_main(static_cast<unsigned>(cpu));
}

namespace hyp::arch {

GuestRegs* pcpu_frame(unsigned cpu) {
    return reinterpret_cast<GuestRegs*>(hyp_stacks + (cpu + 1) * HYP_STACK_SIZE) - 1;
}

namespace {
void init_cpu_common(unsigned cpu) {
    gic::init_cpu(cpu);
    gic::enable(kPpiMaintenance, true);
    gic::enable(kPpiHypTimer, true);
    gic::enable(kPpiVirtTimer, true);
    cpu_init_el2();
}
} // namespace

void init_primary(const BootInfo& info) {
    gic::Config cfg;
    cfg.dist = info.gicd;
    cfg.cpu = info.gicc;
    cfg.hyp = info.gich;
    cfg.vcpu = info.gicv;
    cfg.vcpu_size = info.gicv_size;
    cfg.maintenance_ppi = info.gic_maintenance_ppi;
    gic::init_dist(cfg);
    init_cpu_common(0);
    const unsigned lrs = (gic::gich()->vtr & 0x3f) + 1;
    vgic::set_gich(gic::gich(), lrs);
    irq_init(info.uart_intid);
    log("GICv2: %u lines, %u list registers; counter %lu Hz; FP/SIMD %s", gic::nr_lines(), lrs,
        counter_hz(), cpu_has_fp() ? "present (switched eagerly)" : "absent");
}

void init_secondary(unsigned cpu) {
    init_cpu_common(cpu);
    vgic::cpu_init();
}

unsigned host_nr_spis() {
    const unsigned n = gic::nr_lines() - 32;
    return n < kMaxSpis ? n : kMaxSpis;
}

void give_host_irqs(Domain* d) {
    for (unsigned intid = 32; intid < 32 + d->vgic.nr_spis; ++intid)
        if (irq_route_to_domain(intid, d->id)) vgic::bind_hw_spi(d, intid);
}

} // namespace hyp::arch

namespace hyp::hypercall {

Status arch_test_op(Vcpu* v, uint64_t cmd, uint64_t arg) {
    const unsigned intid = static_cast<unsigned>(arg);
    switch (cmd) {
    case HYP_TEST_pend_phys_irq:
        if (intid < 32 || arch::irq_owner(intid) != v->domain->id) return -XEN_EPERM;
        arch::irq_pend(intid);
        return 0;
    case HYP_TEST_phys_irq_state:
        if (intid >= gic::nr_lines()) return -XEN_EINVAL;
        return (gic::is_pending(intid) ? 1 : 0) | (gic::is_active(intid) ? 2 : 0);
    default:
        return -XEN_ENOSYS;
    }
}

} // namespace hyp::hypercall
