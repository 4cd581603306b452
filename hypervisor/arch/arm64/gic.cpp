// Physical GICv2 driver (register offsets: IHI 0048B 4.1.2 distributor, 4.1.3 CPU
// interface).
#include "gic.h"

#include "../../common/console.h"
#include "../../common/lib.h"
#include "../../common/timer.h"

namespace hyp::gic {

namespace {
Config g_cfg;
unsigned g_lines = 0;
uint8_t g_cpu_mask[kMaxPcpus]; // GIC CPU interface bit of each pCPU

constexpr uint32_t kGicdCtlr = 0x000, kGicdTyper = 0x004, kGicdIgroupr = 0x080,
                   kGicdIsenabler = 0x100, kGicdIcenabler = 0x180, kGicdIspendr = 0x200,
                   kGicdIcpendr = 0x280, kGicdIsactiver = 0x300, kGicdIcactiver = 0x380,
                   kGicdIpriorityr = 0x400, kGicdItargetsr = 0x800, kGicdIcfgr = 0xc00,
                   kGicdSgir = 0xf00;
constexpr uint32_t kGiccCtlr = 0x000, kGiccPmr = 0x004, kGiccBpr = 0x008, kGiccIar = 0x00c,
                   kGiccEoir = 0x010, kGiccDir = 0x1000;

volatile uint32_t& d32(uint32_t off) {
    return *reinterpret_cast<volatile uint32_t*>(g_cfg.dist + off);
}
volatile uint8_t& d8(uint32_t off) {
    return *reinterpret_cast<volatile uint8_t*>(g_cfg.dist + off);
}
volatile uint32_t& c32(uint32_t off) {
    return *reinterpret_cast<volatile uint32_t*>(g_cfg.cpu + off);
}
void dsb() {
    asm volatile("dsb sy" ::: "memory");
}
} // namespace

const Config& config() {
    return g_cfg;
}
unsigned nr_lines() {
    return g_lines;
}
volatile GichRegs* gich() {
    return reinterpret_cast<volatile GichRegs*>(g_cfg.hyp);
}

void init_dist(const Config& cfg) {
    g_cfg = cfg;
    d32(kGicdCtlr) = 0;
    g_lines = 32 * ((d32(kGicdTyper) & 0x1f) + 1);
    if (g_lines > 1020) g_lines = 1020;
    // SPIs: group 0, level, disabled, default priority, routed to the boot CPU.
    for (unsigned i = 32; i < g_lines; i += 32) {
        d32(kGicdIcenabler + i / 8) = ~0u;
        d32(kGicdIcpendr + i / 8) = ~0u;
        d32(kGicdIcactiver + i / 8) = ~0u;
        d32(kGicdIgroupr + i / 8) = 0;
    }
    for (unsigned i = 32; i < g_lines; i += 16)
        d32(kGicdIcfgr + i / 4) = 0;
    for (unsigned i = 32; i < g_lines; ++i) {
        d8(kGicdIpriorityr + i) = kHypPriority;
        d8(kGicdItargetsr + i) = 1;
    }
    // Group 0 and 1 enabled (single security state: both are signalled as IRQ).
    d32(kGicdCtlr) = 3;
    dsb();
}

void init_cpu(unsigned cpu) {
    // Banked SGIs/PPIs: clear, group 0, priority, then enable the ones the hypervisor uses.
    d32(kGicdIcenabler) = ~0u;
    d32(kGicdIcpendr) = ~0u;
    d32(kGicdIcactiver) = ~0u;
    d32(kGicdIgroupr) = 0;
    for (unsigned i = 0; i < 32; ++i)
        d8(kGicdIpriorityr + i) = kHypPriority;
    // This CPU interface's bit: GICD_ITARGETSR0..7 read back the reading CPU's mask.
    g_cpu_mask[cpu] = d8(kGicdItargetsr);
    if (!g_cpu_mask[cpu])
        g_cpu_mask[cpu] = static_cast<uint8_t>(1u << cpu); // uniprocessor GICs read 0
    c32(kGiccPmr) = 0xf8;
    c32(kGiccBpr) = 0;
    // EnableGrp0 | EnableGrp1 | EOImodeS | EOImodeNS (IHI 0048B 4.4.1; in the
    // non-secure view bit 9 is EOImodeNS and the rest are reserved).
    c32(kGiccCtlr) = 1u | 2u | (1u << 9) | (1u << 10);
    dsb();
    enable(kSgiKick, true);
}

uint32_t ack() {
    return c32(kGiccIar);
}
void eoi(uint32_t iar) {
    c32(kGiccEoir) = iar;
}
void deactivate(uint32_t iar) {
    c32(kGiccDir) = iar;
}

void send_sgi(unsigned cpu, unsigned sgi) {
    dsb(); // memory written before the IPI is visible to the target
    d32(kGicdSgir) = (static_cast<uint32_t>(g_cpu_mask[cpu]) << 16) | (sgi & 0xf);
}

void enable(unsigned intid, bool on) {
    const uint32_t bit = 1u << (intid % 32);
    d32((on ? kGicdIsenabler : kGicdIcenabler) + 4 * (intid / 32)) = bit;
}

bool is_enabled(unsigned intid) {
    return (d32(kGicdIsenabler + 4 * (intid / 32)) >> (intid % 32)) & 1;
}

void set_priority(unsigned intid, uint8_t prio) {
    d8(kGicdIpriorityr + intid) = prio;
}

void set_target(unsigned intid, unsigned cpu) {
    if (intid >= 32) d8(kGicdItargetsr + intid) = g_cpu_mask[cpu];
}

void set_edge(unsigned intid, bool edge) {
    if (intid < 16) return;
    const uint32_t off = kGicdIcfgr + 4 * (intid / 16);
    const uint32_t shift = 2 * (intid % 16) + 1;
    const uint32_t v = d32(off);
    d32(off) = edge ? (v | (1u << shift)) : (v & ~(1u << shift));
}

void set_pending(unsigned intid) {
    d32(kGicdIspendr + 4 * (intid / 32)) = 1u << (intid % 32);
}

void set_active(unsigned intid, bool active) {
    d32((active ? kGicdIsactiver : kGicdIcactiver) + 4 * (intid / 32)) = 1u << (intid % 32);
    dsb();
}

bool is_pending(unsigned intid) {
    return (d32(kGicdIspendr + 4 * (intid / 32)) >> (intid % 32)) & 1;
}

bool is_active(unsigned intid) {
    return (d32(kGicdIsactiver + 4 * (intid / 32)) >> (intid % 32)) & 1;
}

} // namespace hyp::gic
