// The physical CPU interface (GICC): acknowledge, priority drop, deactivation and the IRQ/FIQ
// outputs (IHI 0048B chapter 3.2-3.3 and 4.4; GIC-400 TRM 3.3).
#include "gic.h"
#include "models/trace/trace.h"

#include <algorithm>

namespace armsim::gic {

namespace {
// GICC_IIDR / GICV_IIDR of GIC-400 r0p1: ProductID 0x020, ArchitectureVersion 2, Revision 1,
// Implementer ARM (GIC-400 TRM 3.3.2).
constexpr uint32_t kGiccIidr = 0x0202143b;
constexpr uint8_t kPrioMask = 0xf8;
// The smallest binary points with 5 priority bits (IHI 0048B 3.3.3, table 3-7).
constexpr uint8_t kMinBpr = 2, kMinAbpr = 3;
// GICC_CTLR without the Security Extensions: bits [9:0] (IHI 0048B table 4-33). The bypass
// disable bits [8:5] are stored; the model has no legacy bypass signals for them to gate.
constexpr uint32_t kCtlrMask = 0x3ff;

// GICC_APR1-3 and GICC_NSAPR1-3: 32 priority levels need only APR0 and NSAPR0, so these
// are RAZ/WI (IHI 0048B 4.4.14).
bool unused_apr(uint32_t off) {
    const auto above = [off](uint32_t apr0) { return off > apr0 && off <= apr0 + 12; };
    return (off & 3) == 0 && (above(Gic400::GICC_APR0) || above(Gic400::GICC_NSAPR0));
}
} // namespace

uint8_t Gic400::group_priority(const Iface& f, uint8_t prio, bool group1) const {
    // Group 0 (or both groups with CBPR) use GICC_BPR: group priority bits [7:BPR+1]; Group 1
    // uses GICC_ABPR, offset by one: bits [7:ABPR] (IHI 0048B 3.3.3).
    const unsigned shift = (group1 && !(f.ctlr & kCtlrCbpr)) ? f.abpr : f.bpr + 1u;
    return static_cast<uint8_t>(prio & (0xffu << shift));
}

uint8_t Gic400::running_priority(const Iface& f) {
    // Active priorities: bit n stands for group priority n << 3 (32 levels with 5 bits).
    const uint32_t a = f.apr | f.nsapr;
    return a ? static_cast<uint8_t>(__builtin_ctz(a) << 3) : 0xff;
}

namespace {
// 0x100 when idle, so that priority 0xff (the lowest) still compares as higher.
unsigned running_or_idle(uint32_t apr, uint32_t nsapr) {
    const uint32_t a = apr | nsapr;
    return a ? unsigned(__builtin_ctz(a)) << 3 : 0x100;
}
} // namespace

uint32_t Gic400::cpu_read(unsigned c, uint32_t off) {
    Iface& f = cpus_[c].phys;
    if (unused_apr(off)) return 0;
    switch (off) {
    case GICC_CTLR:
        return f.ctlr;
    case GICC_PMR:
        return f.pmr;
    case GICC_BPR:
        return f.bpr;
    case GICC_IAR:
        return acknowledge(c, false);
    case GICC_RPR:
        return running_priority(f);
    case GICC_HPPIR:
        return highest_pending_id(c, false);
    case GICC_ABPR:
        return f.abpr;
    case GICC_AIAR:
        return acknowledge(c, true);
    case GICC_AHPPIR:
        return highest_pending_id(c, true);
    case GICC_APR0:
        return f.apr;
    case GICC_NSAPR0:
        return f.nsapr;
    case GICC_IIDR:
        return kGiccIidr;
    default:
        bad_access(Frame::Cpu, off, 4, false); // reserved or write-only (EOIR, AEOIR, DIR)
        return 0;
    }
}

void Gic400::cpu_write(unsigned c, uint32_t off, uint32_t v) {
    Iface& f = cpus_[c].phys;
    if (unused_apr(off)) return;
    switch (off) {
    case GICC_CTLR:
        f.ctlr = v & kCtlrMask;
        break;
    case GICC_PMR:
        f.pmr = v & kPrioMask;
        break;
    case GICC_BPR:
        f.bpr = std::max<uint8_t>(v & 7, kMinBpr);
        break;
    case GICC_ABPR:
        f.abpr = std::max<uint8_t>(v & 7, kMinAbpr);
        break;
    case GICC_EOIR:
        end_of_interrupt(c, v, false);
        break;
    case GICC_AEOIR:
        end_of_interrupt(c, v, true);
        break;
    case GICC_APR0:
        f.apr = v;
        break;
    case GICC_NSAPR0:
        f.nsapr = v;
        break;
    case GICC_DIR:
        // With EOImode == 0 a write to DIR is UNPREDICTABLE (4.4.15): ignored, as QEMU does.
        if (f.ctlr & kCtlrEoiMode) deactivate(c, v & 0x3ff);
        break;
    default:
        bad_access(Frame::Cpu, off, 4, true); // reserved or read-only
        return;
    }
    update();
}

uint32_t Gic400::acknowledge(unsigned c, bool alias) {
    CpuState& s = cpus_[c];
    Iface& f = s.phys;
    const unsigned id = best_pending(c);
    if (id == kSpurious) return kSpurious;
    const uint8_t p = priority(c, id);
    const bool g1 = in_group1(c, id);
    const uint8_t gp = group_priority(f, p, g1);
    // Only an interrupt that could be signalled now is acknowledged (4.4.4).
    if (p >= f.pmr || gp >= running_or_idle(f.apr, f.nsapr)) return kSpurious;
    // Without the Security Extensions IAR behaves as a Secure read: Group 1 interrupts need
    // AckCtl, otherwise 1022. AIAR acknowledges Group 1 only (4.4.4, 4.4.9; table 3-2).
    if (alias ? !g1 : (g1 && !(f.ctlr & kCtlrAckCtl))) return alias ? kSpurious : kSpuriousGroup1;

    uint32_t ret = id;
    if (id < 16) {
        // One source at a time, lowest CPU first; others stay pending (3.2.3).
        const unsigned src = static_cast<unsigned>(__builtin_ctz(s.sgi_sources[id]));
        s.sgi_sources[id] &= static_cast<uint8_t>(~(1u << src));
        ret |= src << 10;
    } else if (id < 32) {
        s.latch &= ~(1u << id);
    } else {
        spi_latch_[(id - 32) / 32] &= ~(1u << ((id - 32) % 32));
    }
    set_active(c, id, true);
    (g1 ? f.nsapr : f.apr) |= 1u << (gp >> 3);
    if (auto* t = trace::sink())
        t->instant(now_ps_, "core" + std::to_string(c), "gic", "ack", {{"id", ret}, {"prio", p}});
    update();
    return ret;
}

uint32_t Gic400::highest_pending_id(unsigned c, bool alias) const {
    const CpuState& s = cpus_[c];
    const unsigned id = best_pending(c);
    if (id == kSpurious || priority(c, id) >= s.phys.pmr) return kSpurious;
    const bool g1 = in_group1(c, id);
    if (alias ? !g1 : (g1 && !(s.phys.ctlr & kCtlrAckCtl)))
        return alias ? kSpurious : kSpuriousGroup1;
    if (id < 16) return id | (unsigned(__builtin_ctz(s.sgi_sources[id])) << 10);
    return id;
}

void Gic400::end_of_interrupt(unsigned c, uint32_t v, bool alias) {
    Iface& f = cpus_[c].phys;
    const unsigned id = v & 0x3ff;
    // Spurious and nonexistent IDs are ignored (4.4.5); so is an EOI with nothing active.
    if (id >= cfg_.num_irqs || (f.apr | f.nsapr) == 0) return;
    const bool g1 = in_group1(c, id);
    if (alias && !g1) return; // AEOIR is for Group 1 interrupts (4.4.10)
    // Priority drop: interrupts complete in nesting order, so the highest active priority
    // of the interrupt's group is the one to clear (3.2.5).
    uint32_t& apr = g1 ? f.nsapr : f.apr;
    apr &= apr - 1;
    if (auto* t = trace::sink())
        t->instant(now_ps_, "core" + std::to_string(c), "gic", "eoi", {{"id", v & 0x1fff}});
    if (!(f.ctlr & kCtlrEoiMode)) deactivate(c, id);
}

void Gic400::deactivate(unsigned c, unsigned id) {
    if (id >= cfg_.num_irqs || !is_active(c, id)) return;
    set_active(c, id, false);
    if (auto* t = trace::sink())
        t->instant(now_ps_, "core" + std::to_string(c), "gic", "deactivate", {{"id", id}});
}

void Gic400::update() {
    for (unsigned c = 0; c < cfg_.num_cpus; ++c)
        update_cpu(c);
}

void Gic400::update_cpu(unsigned c) {
    const Iface& f = cpus_[c].phys;
    bool irq = false, fiq = false;
    const unsigned id = best_pending(c);
    if (id != kSpurious) {
        const uint8_t p = priority(c, id);
        const bool g1 = in_group1(c, id);
        if (p < f.pmr && group_priority(f, p, g1) < running_or_idle(f.apr, f.nsapr)) {
            // Group 0 goes to FIQ when FIQEn is set (3.2.1, "Interrupt grouping").
            if (!g1 && (f.ctlr & kCtlrFiqEn))
                fiq = true;
            else
                irq = true;
        }
    }
    set_output(c, Output::Irq, irq);
    set_output(c, Output::Fiq, fiq);
}

} // namespace armsim::gic
