// The virtualization extensions: the virtual interface control registers (GICH) a hypervisor
// programs, and the virtual CPU interface (GICV) a guest sees, served from the list registers
// (IHI 0048B chapter 5; GIC-400 TRM 3.4, 3.5).
#include "gic.h"
#include "models/trace/trace.h"

#include <algorithm>

namespace armsim::gic {

namespace {

// GICH_VTR: PRIbits = 5 bits of priority, PREbits = 5 bits of preemption, 4 list registers
// (GIC-400 TRM 3.4.2).
constexpr uint32_t kVtr = (4u << 29) | (4u << 26) | (Gic400::kNumLrs - 1);
constexpr uint32_t kGicvIidr = 0x0202143b;
constexpr uint8_t kPrioMask = 0xf8;
constexpr uint8_t kMinBpr = 2, kMinAbpr = 3;
// GICV_CTLR: EnableGrp0, EnableGrp1, AckCtl, FIQEn, CBPR, EOImode (IHI 0048B 5.5.1).
constexpr uint32_t kVctlrMask = 0x21f;

// GICH_HCR bits (5.3.1).
constexpr uint32_t kHcrEn = 1u << 0, kHcrUie = 1u << 1, kHcrLrenpie = 1u << 2, kHcrNpie = 1u << 3,
                   kHcrVgrp0eie = 1u << 4, kHcrVgrp0die = 1u << 5, kHcrVgrp1eie = 1u << 6,
                   kHcrVgrp1die = 1u << 7;
constexpr uint32_t kHcrMask = 0xf80000ffu;
constexpr unsigned kEoiCountShift = 27;

// List register fields (5.3.10).
constexpr unsigned lr_vid(uint32_t lr) {
    return lr & 0x3ff;
}
constexpr unsigned lr_pid(uint32_t lr) {
    return (lr >> 10) & 0x3ff;
}
constexpr unsigned lr_cpuid(uint32_t lr) {
    return (lr >> 10) & 7;
}
constexpr bool lr_eoi(uint32_t lr) {
    return (lr >> 19) & 1;
}
constexpr uint8_t lr_prio(uint32_t lr) {
    return static_cast<uint8_t>(((lr >> 23) & 0x1f) << 3);
}
constexpr unsigned lr_state(uint32_t lr) {
    return (lr >> 28) & 3;
}
constexpr bool lr_grp1(uint32_t lr) {
    return (lr >> 30) & 1;
}
constexpr bool lr_hw(uint32_t lr) {
    return lr >> 31;
}
constexpr uint32_t kLrPending = 1u << 28, kLrActive = 2u << 28;
// Writable bits: [22:20] are reserved (RAZ/WI). With HW == 0, [18:13] are kept as written, as
// QEMU does (IHI 0048B 5.3.10 only says software should write zero there).
constexpr uint32_t kLrMask = 0xff8fffffu;

unsigned running_or_idle(uint32_t apr) {
    return apr ? unsigned(__builtin_ctz(apr)) << 3 : 0x100;
}

} // namespace

// --- GICH ------------------------------------------------------------------------------------

uint32_t Gic400::eisr(unsigned c) const {
    uint32_t v = 0;
    for (unsigned i = 0; i < kNumLrs; ++i) {
        const uint32_t lr = cpus_[c].lr[i];
        if (lr_state(lr) == 0 && lr_eoi(lr) && !lr_hw(lr))
            v |= 1u << i; // an EOI maintenance request is waiting (5.3.6)
    }
    return v;
}

uint32_t Gic400::elrsr(unsigned c) const {
    uint32_t v = 0;
    for (unsigned i = 0; i < kNumLrs; ++i) {
        const uint32_t lr = cpus_[c].lr[i];
        if (lr_state(lr) == 0 && (lr_hw(lr) || !lr_eoi(lr)))
            v |= 1u << i; // no interrupt, and no EOI maintenance pending on it (5.3.7)
    }
    return v;
}

uint32_t Gic400::misr(unsigned c) const {
    const CpuState& s = cpus_[c];
    unsigned valid = 0, pending = 0;
    for (uint32_t lr : s.lr) {
        valid += lr_state(lr) != 0;
        pending += lr_state(lr) == 1;
    }
    const uint32_t vctlr = s.virt.ctlr;
    uint32_t v = 0;
    if (eisr(c)) v |= 1u << 0; // EOI
    if ((s.hcr & kHcrUie) && valid <= 1)
        v |= 1u << 1; // U: underflow, none or one list register valid
    if ((s.hcr & kHcrLrenpie) && (s.hcr >> kEoiCountShift))
        v |= 1u << 2; // LRENP: EOIs without a list register entry
    if ((s.hcr & kHcrNpie) && pending == 0)
        v |= 1u << 3; // NP: no list register in the pending state
    if ((s.hcr & kHcrVgrp0eie) && (vctlr & kCtlrEnableGrp0)) v |= 1u << 4;
    if ((s.hcr & kHcrVgrp0die) && !(vctlr & kCtlrEnableGrp0)) v |= 1u << 5;
    if ((s.hcr & kHcrVgrp1eie) && (vctlr & kCtlrEnableGrp1)) v |= 1u << 6;
    if ((s.hcr & kHcrVgrp1die) && !(vctlr & kCtlrEnableGrp1)) v |= 1u << 7;
    return v;
}

uint32_t Gic400::hyp_read(unsigned c, uint32_t off) {
    const CpuState& s = cpus_[c];
    const Iface& v = s.virt;
    switch (off) {
    case GICH_HCR:
        return s.hcr;
    case GICH_VTR:
        return kVtr;
    case GICH_VMCR: // VMGrp0En..VMCBPR, VEM; VMABP [20:18], VMBP [23:21], VMPriMask [31:27]
        return (v.ctlr & 0x21f) | (uint32_t(v.abpr) << 18) | (uint32_t(v.bpr) << 21) |
               (uint32_t(v.pmr >> 3) << 27);
    case GICH_MISR:
        return misr(c);
    case GICH_EISR0:
        return eisr(c);
    case GICH_EISR1:
        return 0;
    case GICH_ELRSR0:
        return elrsr(c);
    case GICH_ELRSR1:
        return 0;
    case GICH_APR:
        return v.apr;
    default:
        if (off >= GICH_LR0 && off < GICH_LR0 + 4 * kNumLrs) return s.lr[(off - GICH_LR0) / 4];
        bad_access(Frame::Hyp, off, 4, false); // reserved, or a list register we lack
        return 0;
    }
}

void Gic400::hyp_write(unsigned c, uint32_t off, uint32_t value) {
    CpuState& s = cpus_[c];
    Iface& v = s.virt;
    switch (off) {
    case GICH_HCR:
        s.hcr = value & kHcrMask;
        break;
    case GICH_VMCR:
        v.ctlr = value & 0x21f;
        v.abpr = std::max<uint8_t>((value >> 18) & 7, kMinAbpr);
        v.bpr = std::max<uint8_t>((value >> 21) & 7, kMinBpr);
        v.pmr = static_cast<uint8_t>(((value >> 27) & 0x1f) << 3);
        break;
    case GICH_APR:
        v.apr = value;
        break;
    default:
        if (off >= GICH_LR0 && off < GICH_LR0 + 4 * kNumLrs) {
            const unsigned i = (off - GICH_LR0) / 4;
            s.lr[i] = value & kLrMask;
            if (auto* t = trace::sink())
                t->instant(now_ps_, "core" + std::to_string(c), "gic", "lr_write",
                           {{"lr", i}, {"value", s.lr[i]}});
            break;
        }
        bad_access(Frame::Hyp, off, 4, true); // reserved or read-only
        return;
    }
    update_virt(c);
}

// --- GICV ------------------------------------------------------------------------------------

int Gic400::best_lr(unsigned c) const {
    const CpuState& s = cpus_[c];
    int best = -1;
    unsigned best_prio = 0x100;
    for (unsigned i = 0; i < kNumLrs; ++i) {
        const uint32_t lr = s.lr[i];
        // Only the pending state is a candidate; pending-and-active waits for deactivation.
        if (lr_state(lr) != 1) continue;
        if (!(s.virt.ctlr & (lr_grp1(lr) ? kCtlrEnableGrp1 : kCtlrEnableGrp0))) continue;
        if (lr_prio(lr) < best_prio) {
            best_prio = lr_prio(lr);
            best = static_cast<int>(i);
        }
    }
    return best;
}

uint32_t Gic400::vcpu_read(unsigned c, uint32_t off) {
    Iface& v = cpus_[c].virt;
    switch (off) {
    case GICC_CTLR:
        return v.ctlr;
    case GICC_PMR:
        return v.pmr;
    case GICC_BPR:
        return v.bpr;
    case GICC_IAR:
        return vacknowledge(c, false);
    case GICC_RPR:
        return running_priority(v);
    case GICC_ABPR:
        return v.abpr;
    case GICC_AIAR:
        return vacknowledge(c, true);
    case GICC_HPPIR:
    case GICC_AHPPIR: {
        const bool alias = off == GICC_AHPPIR;
        const int i = (cpus_[c].hcr & kHcrEn) ? best_lr(c) : -1;
        if (i < 0) return kSpurious;
        const uint32_t lr = cpus_[c].lr[i];
        if (lr_prio(lr) >= v.pmr) return kSpurious;
        if (alias ? !lr_grp1(lr) : (lr_grp1(lr) && !(v.ctlr & kCtlrAckCtl)))
            return alias ? kSpurious : kSpuriousGroup1;
        return lr_vid(lr) | (lr_vid(lr) < 16 && !lr_hw(lr) ? lr_cpuid(lr) << 10 : 0);
    }
    case GICC_APR0:
        return v.apr; // an alias of GICH_APR (5.5.11)
    case GICC_APR0 + 4:
    case GICC_APR0 + 8:
    case GICC_APR0 + 12:
        return 0;
    case GICC_IIDR:
        return kGicvIidr;
    default:
        bad_access(Frame::Vcpu, off, 4, false);
        return 0;
    }
}

void Gic400::vcpu_write(unsigned c, uint32_t off, uint32_t value) {
    Iface& v = cpus_[c].virt;
    switch (off) {
    case GICC_CTLR:
        v.ctlr = value & kVctlrMask;
        break;
    case GICC_PMR:
        v.pmr = value & kPrioMask;
        break;
    case GICC_BPR:
        v.bpr = std::max<uint8_t>(value & 7, kMinBpr);
        break;
    case GICC_ABPR:
        v.abpr = std::max<uint8_t>(value & 7, kMinAbpr);
        break;
    case GICC_EOIR:
        vend_of_interrupt(c, value, false);
        break;
    case GICC_AEOIR:
        vend_of_interrupt(c, value, true);
        break;
    case GICC_APR0:
        v.apr = value;
        break;
    case GICC_APR0 + 4:
    case GICC_APR0 + 8:
    case GICC_APR0 + 12:
        return;
    case GICC_DIR:
        if (v.ctlr & kCtlrEoiMode) vdeactivate(c, value & 0x3ff);
        break;
    default:
        bad_access(Frame::Vcpu, off, 4, true);
        return;
    }
    update_virt(c);
}

uint32_t Gic400::vacknowledge(unsigned c, bool alias) {
    CpuState& s = cpus_[c];
    Iface& v = s.virt;
    const int i = (s.hcr & kHcrEn) ? best_lr(c) : -1;
    if (i < 0) return kSpurious;
    uint32_t& lr = s.lr[i];
    const uint8_t p = lr_prio(lr);
    const bool g1 = lr_grp1(lr);
    const uint8_t gp = group_priority(v, p, g1);
    if (p >= v.pmr || gp >= running_or_idle(v.apr)) return kSpurious;
    if (alias ? !g1 : (g1 && !(v.ctlr & kCtlrAckCtl))) return alias ? kSpurious : kSpuriousGroup1;
    lr = (lr & ~(3u << 28)) | kLrActive; // pending -> active (5.4.2)
    v.apr |= 1u << (gp >> 3);
    const uint32_t ret = lr_vid(lr) | (lr_vid(lr) < 16 && !lr_hw(lr) ? lr_cpuid(lr) << 10 : 0);
    if (auto* t = trace::sink())
        t->instant(now_ps_, "core" + std::to_string(c), "gic", "vack",
                   {{"id", ret}, {"lr", unsigned(i)}});
    update_virt(c);
    return ret;
}

void Gic400::vend_of_interrupt(unsigned c, uint32_t value, bool alias) {
    CpuState& s = cpus_[c];
    Iface& v = s.virt;
    const unsigned vid = value & 0x3ff;
    if (vid >= 1020) return; // special IDs are ignored
    (void)alias; // the list register's group decides; AEOIR and EOIR drop the same priority
    // Priority drop: the highest active priority (5.4.3).
    const bool dropped = v.apr != 0;
    v.apr &= v.apr - 1;
    if (auto* t = trace::sink())
        t->instant(now_ps_, "core" + std::to_string(c), "gic", "veoi", {{"id", value & 0x1fff}});
    if (v.ctlr & kCtlrEoiMode) return;
    // EOImode == 0: deactivate too. An EOI that dropped a priority but matches no list
    // register counts in GICH_HCR.EOICount (5.3.1).
    for (unsigned i = 0; i < kNumLrs; ++i) {
        if (lr_vid(s.lr[i]) == vid && (lr_state(s.lr[i]) & 2)) {
            vdeactivate(c, vid);
            return;
        }
    }
    if (dropped) s.hcr += 1u << kEoiCountShift;
}

void Gic400::vdeactivate(unsigned c, unsigned vid) {
    CpuState& s = cpus_[c];
    for (unsigned i = 0; i < kNumLrs; ++i) {
        uint32_t& lr = s.lr[i];
        if (lr_vid(lr) != vid || !(lr_state(lr) & 2)) continue;
        lr &= ~kLrActive;
        if (auto* t = trace::sink())
            t->instant(now_ps_, "core" + std::to_string(c), "gic", "vdeactivate",
                       {{"id", vid}, {"lr", i}});
        // HW: the virtual deactivation deactivates the physical interrupt too (5.2.1, "Hardware
        // interrupts"); SGIs cannot be hardware interrupts (UNPREDICTABLE, ignored).
        if (lr_hw(lr) && lr_pid(lr) >= 16 && lr_pid(lr) < cfg_.num_irqs) {
            deactivate(c, lr_pid(lr));
            update();
        }
        return;
    }
    s.hcr += 1u << kEoiCountShift; // a deactivation without a list register (5.3.1)
}

void Gic400::update_virt(unsigned c) {
    CpuState& s = cpus_[c];
    const Iface& v = s.virt;
    bool virq = false, vfiq = false;
    if (s.hcr & kHcrEn) {
        const int i = best_lr(c);
        if (i >= 0) {
            const uint32_t lr = s.lr[i];
            const uint8_t p = lr_prio(lr);
            if (p < v.pmr && group_priority(v, p, lr_grp1(lr)) < running_or_idle(v.apr)) {
                if (!lr_grp1(lr) && (v.ctlr & kCtlrFiqEn))
                    vfiq = true;
                else
                    virq = true;
            }
        }
    }
    set_output(c, Output::VIrq, virq);
    set_output(c, Output::VFiq, vfiq);
    // The maintenance interrupt: GICH_HCR.En and any MISR condition (5.3.5), level-sensitive
    // on PPI 25 of this CPU.
    const bool maint = (s.hcr & kHcrEn) && misr(c) != 0;
    if (maint != s.maint_level) {
        s.maint_level = maint;
        if (auto* t = trace::sink())
            t->signal(now_ps_, "core" + std::to_string(c) + ".maint", maint);
        drive_ppi(c, kMaintenanceIntid, maint);
    }
}

} // namespace armsim::gic
