// The distributor (GICD): interrupt state, its registers and the input signals
// (IHI 0048B chapter 3 and 4.3; GIC-400 TRM 3.2).
#include "gic.h"
#include "models/trace/trace.h"

namespace armsim::gic {

namespace {

// GIC-400 implements 5 priority bits: the low 3 bits of every priority field are RAZ/WI
// (GIC-400 TRM 3.2.7, "32 priority levels").
constexpr uint8_t kPrioMask = 0xf8;

// Peripheral and component IDs at 0xFD0..0xFFC (GIC-400 TRM 3.2.15): PIDR4..7, PIDR0..3,
// CIDR0..3; PIDR2.ArchRev = 2.
constexpr uint8_t kIdRegs[12] = {0x04, 0x00, 0x00, 0x00, 0x90, 0xb4,
                                 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

// GICD_IIDR of GIC-400 r0p1: ProductID 0x02, Variant 0, Revision 1, Implementer ARM (0x43B).
constexpr uint32_t kGicdIidr = 0x0200143b;

bool bit(uint32_t w, unsigned i) {
    return (w >> i) & 1;
}

} // namespace

// --- interrupt state -------------------------------------------------------------------------

bool Gic400::is_pending(unsigned c, unsigned id) const {
    const CpuState& s = cpus_[c];
    if (id < 16) return s.sgi_sources[id] != 0;
    if (id < 32) return bit(s.latch | (s.level & ~s.edge), id);
    const unsigned i = id - 32, w = i / 32, b = i % 32;
    return bit(spi_latch_[w] | (spi_level_[w] & ~spi_edge_[w]), b);
}

bool Gic400::is_enabled(unsigned c, unsigned id) const {
    return id < 32 ? bit(cpus_[c].enabled, id) : bit(spi_enabled_[(id - 32) / 32], (id - 32) % 32);
}

bool Gic400::is_active(unsigned c, unsigned id) const {
    return id < 32 ? bit(cpus_[c].active, id) : bit(spi_active_[(id - 32) / 32], (id - 32) % 32);
}

bool Gic400::in_group1(unsigned c, unsigned id) const {
    return id < 32 ? bit(cpus_[c].group, id) : bit(spi_group_[(id - 32) / 32], (id - 32) % 32);
}

uint8_t Gic400::priority(unsigned c, unsigned id) const {
    return id < 32 ? cpus_[c].prio[id] : spi_prio_[id - 32];
}

bool Gic400::targets_cpu(unsigned c, unsigned id) const {
    return id < 32 || ((spi_targets_[id - 32] >> c) & 1);
}

void Gic400::set_active(unsigned c, unsigned id, bool on) {
    uint32_t& w = id < 32 ? cpus_[c].active : spi_active_[(id - 32) / 32];
    const uint32_t m = 1u << (id % 32);
    w = on ? (w | m) : (w & ~m);
}

uint32_t Gic400::pending_word(unsigned c, unsigned n) const {
    if (n == 0) {
        const CpuState& s = cpus_[c];
        uint32_t v = (s.latch | (s.level & ~s.edge)) & 0xffff0000u;
        for (unsigned i = 0; i < 16; ++i)
            v |= s.sgi_sources[i] ? 1u << i : 0;
        return v;
    }
    return spi_latch_[n - 1] | (spi_level_[n - 1] & ~spi_edge_[n - 1]);
}

unsigned Gic400::best_pending(unsigned c) const {
    const CpuState& s = cpus_[c];
    // Group filter: an interrupt reaches the CPU interface only when its group is enabled in
    // the distributor (GICD_CTLR, 4.3.1) and signalled by the interface (GICC_CTLR, 4.4.1).
    const uint32_t ctlr = s.phys.ctlr;
    const bool g0 = (dctlr_ & 1) && (ctlr & kCtlrEnableGrp0);
    const bool g1 = (dctlr_ & 2) && (ctlr & kCtlrEnableGrp1);
    if (!g0 && !g1) return kSpurious;
    unsigned best = kSpurious;
    unsigned best_prio = 0x100;
    const unsigned words = cfg_.num_irqs / 32;
    for (unsigned n = 0; n < words; ++n) {
        uint32_t cand;
        uint32_t group;
        if (n == 0) {
            cand = pending_word(c, 0) & s.enabled & ~s.active;
            group = s.group;
        } else {
            cand = pending_word(c, n) & spi_enabled_[n - 1] & ~spi_active_[n - 1];
            group = spi_group_[n - 1];
        }
        cand &= (g0 ? ~group : 0) | (g1 ? group : 0);
        while (cand) {
            const unsigned b = static_cast<unsigned>(__builtin_ctz(cand));
            cand &= cand - 1;
            const unsigned id = n * 32 + b;
            if (!targets_cpu(c, id)) continue;
            // Ties go to the lowest INTID (the order is IMPLEMENTATION DEFINED, 3.3).
            const unsigned p = priority(c, id);
            if (p < best_prio) {
                best_prio = p;
                best = id;
            }
        }
    }
    return best;
}

// --- inputs ----------------------------------------------------------------------------------

void Gic400::set_ppi(unsigned c, unsigned intid, bool level) {
    if (c >= cfg_.num_cpus || intid < 16 || intid > 31) return;
    now_ps_ = sc_core::sc_time_stamp().value();
    drive_ppi(c, intid, level);
}

void Gic400::drive_ppi(unsigned c, unsigned intid, bool level) {
    CpuState& s = cpus_[c];
    const uint32_t m = 1u << intid;
    const bool was = s.level & m;
    if (was == level) return;
    s.level = level ? (s.level | m) : (s.level & ~m);
    if (level && (s.edge & m))
        s.latch |= m; // edge-triggered: a rising edge makes it pending (3.2.4)
    update_cpu(c);
}

void Gic400::set_spi(unsigned spi, bool level) {
    if (spi >= cfg_.num_irqs - 32) return;
    now_ps_ = sc_core::sc_time_stamp().value();
    const unsigned w = spi / 32;
    const uint32_t m = 1u << (spi % 32);
    const bool was = spi_level_[w] & m;
    if (was == level) return;
    spi_level_[w] = level ? (spi_level_[w] | m) : (spi_level_[w] & ~m);
    if (level && (spi_edge_[w] & m)) spi_latch_[w] |= m;
    update();
}

// --- registers -------------------------------------------------------------------------------

bool Gic400::dist_access_ok(uint32_t off, unsigned len) const {
    if (len == 4) return (off & 3) == 0;
    // Byte-accessible: IPRIORITYR, ITARGETSR, CPENDSGIR, SPENDSGIR (4.1.4).
    if (len == 1)
        return (off >= GICD_IPRIORITYR && off < GICD_ICFGR) ||
               (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10);
    return false;
}

uint32_t* Gic400::bits(unsigned c, unsigned n, uint32_t CpuState::*banked,
                       std::vector<uint32_t>& spi) {
    if (n * 32 >= cfg_.num_irqs) return nullptr;
    return n == 0 ? &(cpus_[c].*banked) : &spi[n - 1];
}

uint32_t Gic400::dist_read(unsigned c, uint32_t off, unsigned len) {
    const uint32_t v = dist_read_word(c, off & ~3u);
    return len == 4 ? v : (v >> ((off & 3) * 8)) & 0xff;
}

uint32_t Gic400::dist_read_word(unsigned c, uint32_t off) {
    auto reserved = [&]() -> uint32_t {
        bad_access(Frame::Dist, off, 4, false);
        return 0;
    };
    auto family = [&](uint32_t base) { return (off - base) / 4; };

    if (off == GICD_CTLR) return dctlr_;
    if (off == GICD_TYPER) // ITLinesNumber, CPUNumber; SecurityExtn = 0 (4.3.2)
        return (cfg_.num_irqs / 32 - 1) | ((cfg_.num_cpus - 1) << 5);
    if (off == GICD_IIDR) return kGicdIidr;
    if (off >= GICD_IGROUPR && off < GICD_ISENABLER) {
        const uint32_t* w = bits(c, family(GICD_IGROUPR), &CpuState::group, spi_group_);
        return w ? *w : reserved();
    }
    if (off >= GICD_ISENABLER && off < GICD_ISPENDR) {
        const uint32_t base = off < GICD_ICENABLER ? GICD_ISENABLER : GICD_ICENABLER;
        const uint32_t* w = bits(c, family(base), &CpuState::enabled, spi_enabled_);
        return w ? *w : reserved();
    }
    if (off >= GICD_ISPENDR && off < GICD_ISACTIVER) {
        const unsigned n = family(off < GICD_ICPENDR ? GICD_ISPENDR : GICD_ICPENDR);
        return n * 32 < cfg_.num_irqs ? pending_word(c, n) : reserved();
    }
    if (off >= GICD_ISACTIVER && off < GICD_IPRIORITYR) {
        const uint32_t base = off < GICD_ICACTIVER ? GICD_ISACTIVER : GICD_ICACTIVER;
        const uint32_t* w = bits(c, family(base), &CpuState::active, spi_active_);
        return w ? *w : reserved();
    }
    if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
        const unsigned id = off - GICD_IPRIORITYR;
        if (id >= cfg_.num_irqs) return reserved();
        uint32_t v = 0;
        for (unsigned i = 0; i < 4; ++i)
            v |= uint32_t(priority(c, id + i)) << (8 * i);
        return v;
    }
    if (off >= GICD_ITARGETSR && off < GICD_ICFGR) {
        const unsigned id = off - GICD_ITARGETSR;
        if (id >= cfg_.num_irqs) return reserved();
        if (cfg_.num_cpus == 1) return 0; // uniprocessor: RAZ/WI (4.3.12)
        uint32_t v = 0;
        for (unsigned i = 0; i < 4; ++i) {
            // SGIs and PPIs: each field reads as the accessing CPU's own bit.
            const uint32_t t = id + i < 32 ? 1u << c : spi_targets_[id + i - 32];
            v |= t << (8 * i);
        }
        return v;
    }
    if (off >= GICD_ICFGR && off < GICD_PPISR) {
        const unsigned id = (off - GICD_ICFGR) * 4;
        if (id >= cfg_.num_irqs) return reserved();
        if (id < 16) return 0xaaaaaaaa; // SGIs: edge-triggered, read-only
        uint32_t v = 0;
        for (unsigned i = 0; i < 16; ++i) {
            const unsigned x = id + i;
            const bool e =
                x < 32 ? bit(cpus_[c].edge, x) : bit(spi_edge_[(x - 32) / 32], (x - 32) % 32);
            v |= e ? 2u << (2 * i) : 0;
        }
        return v;
    }
    if (off == GICD_PPISR) // GIC-400: the PPI input levels of this CPU, bit n = INTID 16 + n
        return cpus_[c].level >> 16;
    if (off >= GICD_SPISR && off < GICD_SPISR + 15 * 4) {
        const unsigned n = (off - GICD_SPISR) / 4; // SPIs 32n.. (GIC-400 TRM 3.2.13)
        return n < spi_level_.size() ? spi_level_[n] : 0;
    }
    if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10) {
        const unsigned id = (off - GICD_CPENDSGIR) % 0x10;
        uint32_t v = 0;
        for (unsigned i = 0; i < 4; ++i)
            v |= uint32_t(cpus_[c].sgi_sources[id + i]) << (8 * i);
        return v;
    }
    if (off >= GICD_PIDR4 && off < 0x1000) return kIdRegs[(off - GICD_PIDR4) / 4];
    return reserved(); // reserved, or GICD_SGIR (write-only)
}

void Gic400::dist_write(unsigned c, uint32_t off, uint32_t value, unsigned len) {
    if ((off >= GICD_IPRIORITYR && off < GICD_ICFGR) ||
        (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10)) {
        for (unsigned i = 0; i < len; ++i)
            dist_write_byte(c, off + i, static_cast<uint8_t>(value >> (8 * i)));
    } else {
        dist_write_word(c, off, value);
    }
    update();
}

void Gic400::dist_write_byte(unsigned c, uint32_t off, uint8_t v) {
    if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
        const unsigned id = off - GICD_IPRIORITYR;
        if (id >= cfg_.num_irqs) return bad_access(Frame::Dist, off, 1, true);
        (id < 32 ? cpus_[c].prio[id] : spi_prio_[id - 32]) = v & kPrioMask;
    } else if (off >= GICD_ITARGETSR && off < GICD_ICFGR) {
        const unsigned id = off - GICD_ITARGETSR;
        if (id >= cfg_.num_irqs) return bad_access(Frame::Dist, off, 1, true);
        if (id >= 32 && cfg_.num_cpus > 1) // SGI/PPI fields are read-only (4.3.12)
            spi_targets_[id - 32] = v & cpu_mask_;
    } else if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR) {
        cpus_[c].sgi_sources[off - GICD_CPENDSGIR] &= static_cast<uint8_t>(~v);
    } else if (off >= GICD_SPENDSGIR && off < GICD_SPENDSGIR + 0x10) {
        cpus_[c].sgi_sources[off - GICD_SPENDSGIR] |= static_cast<uint8_t>(v & cpu_mask_);
    }
}

void Gic400::dist_write_word(unsigned c, uint32_t off, uint32_t v) {
    auto family = [&](uint32_t base) { return (off - base) / 4; };
    auto reserved = [&] { bad_access(Frame::Dist, off, 4, true); };

    if (off == GICD_CTLR) {
        dctlr_ = v & 3; // EnableGrp0, EnableGrp1
    } else if (off == GICD_TYPER || off == GICD_IIDR) {
        reserved(); // read-only
    } else if (off >= GICD_IGROUPR && off < GICD_ISENABLER) {
        if (uint32_t* w = bits(c, family(GICD_IGROUPR), &CpuState::group, spi_group_))
            *w = v;
        else
            reserved();
    } else if (off >= GICD_ISENABLER && off < GICD_ISPENDR) {
        const bool set = off < GICD_ICENABLER;
        uint32_t* w = bits(c, family(set ? GICD_ISENABLER : GICD_ICENABLER), &CpuState::enabled,
                           spi_enabled_);
        if (!w) return reserved();
        if (w == &cpus_[c].enabled) v &= 0xffff0000u; // SGI enables are RAO/WI
        *w = set ? (*w | v) : (*w & ~v);
    } else if (off >= GICD_ISPENDR && off < GICD_ISACTIVER) {
        const bool set = off < GICD_ICPENDR;
        uint32_t* w =
            bits(c, family(set ? GICD_ISPENDR : GICD_ICPENDR), &CpuState::latch, spi_latch_);
        if (!w) return reserved();
        if (w == &cpus_[c].latch)
            v &= 0xffff0000u; // SGIs are set and cleared through SPENDSGIR/CPENDSGIR (4.3.7)
        // A level-sensitive interrupt whose input is asserted stays pending after a clear
        // (3.2.4): only the latch is cleared, the level still counts.
        *w = set ? (*w | v) : (*w & ~v);
    } else if (off >= GICD_ISACTIVER && off < GICD_IPRIORITYR) {
        const bool set = off < GICD_ICACTIVER;
        uint32_t* w =
            bits(c, family(set ? GICD_ISACTIVER : GICD_ICACTIVER), &CpuState::active, spi_active_);
        if (!w) return reserved();
        *w = set ? (*w | v) : (*w & ~v);
    } else if (off >= GICD_ICFGR && off < GICD_PPISR) {
        const unsigned id = (off - GICD_ICFGR) * 4;
        if (id >= cfg_.num_irqs) return reserved();
        if (id < 16) return; // SGI configuration is read-only
        for (unsigned i = 0; i < 16; ++i) {
            const unsigned x = id + i;
            uint32_t& w = x < 32 ? cpus_[c].edge : spi_edge_[(x - 32) / 32];
            const uint32_t m = 1u << (x % 32);
            w = (v >> (2 * i + 1)) & 1 ? (w | m) : (w & ~m);
        }
    } else if (off == GICD_SGIR) {
        send_sgi(c, v);
    } else {
        reserved(); // reserved, PPISR/SPISR and the ID registers (read-only)
    }
}

void Gic400::send_sgi(unsigned from, uint32_t v) {
    const unsigned id = v & 0xf;
    uint32_t targets;
    switch ((v >> 24) & 3) { // TargetListFilter (4.3.15)
    case 0:
        targets = (v >> 16) & 0xff;
        break;
    case 1:
        targets = ~(1u << from);
        break;
    case 2:
        targets = 1u << from;
        break;
    default:
        return bad_access(Frame::Dist, GICD_SGIR, 4, true); // reserved filter
    }
    targets &= cpu_mask_;
    for (unsigned t = 0; t < cfg_.num_cpus; ++t) {
        if (targets & (1u << t)) cpus_[t].sgi_sources[id] |= static_cast<uint8_t>(1u << from);
    }
    if (auto* tr = trace::sink())
        tr->instant(now_ps_, "gic", "gic", "sgi",
                    {{"from", from}, {"id", id}, {"targets", targets}});
}

} // namespace armsim::gic
