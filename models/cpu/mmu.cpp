#include "mmu.h"

#include "core.h"
#include "regbits.h"

#include <algorithm>

namespace armsim::cpu {

namespace {

constexpr uint64_t kOaMask = 0x0000fffffffff000ull; // descriptor output address bits [47:12]
constexpr unsigned kGranuleShift = 12, kStride = 9;

constexpr unsigned level_shift(unsigned level) {
    return kGranuleShift + kStride * (3 - level);
}

// Physical address size in bits for a PARange/IPS/PS encoding (D13.2.64).
unsigned pa_size_bits(unsigned enc) {
    static constexpr unsigned sizes[] = {32, 36, 40, 42, 44, 48, 48, 48};
    return sizes[enc & 7];
}

} // namespace

Mmu::Mmu(Core& core, uint64_t seed) : core_(core), victim_state_(seed | 1) {}

uint16_t Mmu::current_vmid() const {
    return static_cast<uint16_t>((core_.sysreg(SysReg::VTTBR_EL2) >> 48) & 0xff);
}

uint16_t Mmu::current_asid() const {
    const uint64_t tcr = core_.sysreg(SysReg::TCR_EL1);
    const uint64_t ttbr =
        core_.sysreg((tcr >> 22) & 1 ? SysReg::TTBR1_EL1 : SysReg::TTBR0_EL1); // TCR.A1
    const uint16_t asid = static_cast<uint16_t>(ttbr >> 48);
    return (tcr >> 36) & 1 ? asid : (asid & 0xff); // TCR.AS: 16-bit ASIDs
}

bool Mmu::read_desc(uint64_t pa, uint64_t& desc) {
    return core_.debug_read_phys(pa, &desc, 8); // little-endian tables (SCTLR.EE = 0)
}

// --- TLB -------------------------------------------------------------------------------------

TlbEntry* Mmu::lookup(unsigned regime, uint16_t vmid, uint16_t asid, uint64_t va_page) {
    auto& set = tlb_[va_page % kSets];
    for (TlbEntry& e : set) {
        if (e.va_page != va_page || e.regime != regime) continue;
        if (regime == 1 && e.vmid != vmid) continue;
        if (!e.global && e.asid != asid) continue;
        return &e;
    }
    return nullptr;
}

void Mmu::insert(const TlbEntry& e) {
    auto& set = tlb_[e.va_page % kSets];
    for (TlbEntry& slot : set) {
        if (slot.va_page == ~0ull) {
            slot = e;
            return;
        }
    }
    // Victim choice is seeded (xorshift64), so replacement is reproducible per run and
    // varies with --seed.
    victim_state_ ^= victim_state_ << 13;
    victim_state_ ^= victim_state_ >> 7;
    victim_state_ ^= victim_state_ << 17;
    set[victim_state_ % kWays] = e;
}

void Mmu::invalidate_all() {
    for (auto& set : tlb_)
        for (TlbEntry& e : set)
            e.va_page = ~0ull;
}

void Mmu::invalidate_regime(unsigned regime) {
    for (auto& set : tlb_)
        for (TlbEntry& e : set)
            if (e.regime == regime) e.va_page = ~0ull;
}

void Mmu::invalidate_vmid(uint16_t vmid) {
    for (auto& set : tlb_)
        for (TlbEntry& e : set)
            if (e.regime == 1 && e.vmid == vmid) e.va_page = ~0ull;
}

void Mmu::invalidate_asid(uint16_t vmid, uint16_t asid) {
    for (auto& set : tlb_)
        for (TlbEntry& e : set)
            if (e.regime == 1 && e.vmid == vmid && !e.global && e.asid == asid) e.va_page = ~0ull;
}

void Mmu::invalidate_va(unsigned regime, uint16_t vmid, uint64_t va, bool match_asid, uint16_t asid,
                        bool last_level_only) {
    (void)last_level_only; // only leaf entries are cached
    for (auto& set : tlb_) {
        for (TlbEntry& e : set) {
            if (e.va_page == ~0ull || e.regime != regime) continue;
            if (regime == 1 && e.vmid != vmid) continue;
            if (match_asid && !e.global && e.asid != asid) continue;
            const unsigned s = e.s1_block_shift;
            if (((e.va_page << kGranuleShift) >> s) == ((va & 0x0000ffffffffffffull) >> s) ||
                ((e.va_page << kGranuleShift) >> s) == (va >> s))
                e.va_page = ~0ull;
        }
    }
}

void Mmu::invalidate_ipa(uint16_t vmid, uint64_t ipa) {
    for (auto& set : tlb_)
        for (TlbEntry& e : set)
            if (e.regime == 1 && e.vmid == vmid && e.s1_flat && e.ipa_page == (ipa >> 12))
                e.va_page = ~0ull;
}

// --- permission checks -----------------------------------------------------------------------

bool Mmu::check_fault(const TlbEntry& e, MmuAccess acc, unsigned el, MmuFault& fault) const {
    const unsigned shift = el == 0 ? 0 : 3;
    const uint8_t need = static_cast<uint8_t>((acc == MmuAccess::Read    ? kPermR0
                                               : acc == MmuAccess::Write ? kPermW0
                                                                         : kPermX0)
                                              << shift);
    if (!(e.s1perms & need)) {
        fault = MmuFault{false, false, static_cast<uint8_t>(kFscPermission + e.s1_level), 0};
        return false;
    }
    const uint8_t need2 = acc == MmuAccess::Read ? 1 : acc == MmuAccess::Write ? 2 : 4;
    if (!(e.s2perms & need2)) {
        fault = MmuFault{true, false, static_cast<uint8_t>(kFscPermission + e.s2_level),
                         e.ipa_page << 12};
        return false;
    }
    return true;
}

// --- translation -----------------------------------------------------------------------------

bool Mmu::translate(uint64_t va, MmuAccess acc, unsigned el, MmuResult& out, MmuFault& fault) {
    const unsigned regime = el == 2 ? 2 : 1;
    const uint16_t vmid = regime == 1 ? current_vmid() : 0;
    const uint16_t asid = regime == 1 ? current_asid() : 0;
    const uint64_t va_page = va >> kGranuleShift;
    if (TlbEntry* e = lookup(regime, vmid, asid, va_page)) {
        if (!check_fault(*e, acc, el, fault)) return false;
        ++hits_;
        out = MmuResult{(e->pa_page << kGranuleShift) | (va & 0xfff), e->device, e->perms,
                        e->mair_attr, true};
        return true;
    }
    TlbEntry e;
    if (!walk(va, acc, el, false, e, fault)) return false;
    if (!check_fault(e, acc, el, fault)) return false;
    // Flat (MMU off) translations without stage 2 are not cached: nothing to go stale.
    if (!e.s1_flat || (regime == 1 && (core_.sysreg(SysReg::HCR_EL2) & hcr::VM))) insert(e);
    out = MmuResult{(e.pa_page << kGranuleShift) | (va & 0xfff), e.device, e.perms, e.mair_attr,
                    false};
    return true;
}

bool Mmu::translate_uncached(uint64_t va, MmuAccess acc, unsigned el, bool stage1_only,
                             MmuResult& out, MmuFault& fault) {
    TlbEntry e;
    if (!walk(va, acc, el, stage1_only, e, fault)) return false;
    if (!check_fault(e, acc, el, fault)) return false;
    out = MmuResult{(e.pa_page << kGranuleShift) | (va & 0xfff), e.device, e.perms, e.mair_attr,
                    false};
    return true;
}

bool Mmu::walk(uint64_t va, MmuAccess acc, unsigned el, bool stage1_only, TlbEntry& e,
               MmuFault& fault) {
    ++walks_;
    const unsigned regime = el == 2 ? 2 : 1;
    const uint64_t hcr = core_.sysreg(SysReg::HCR_EL2);
    // Stage-1 table walks go through stage 2 whenever it is on; `stage1_only` (AT S1E*)
    // only leaves the output address untranslated (D5.9: AT S1E1* gives the IPA).
    const bool s2_walks = regime == 1 && (hcr & hcr::VM);
    const bool s2_on = s2_walks && !stage1_only;
    const uint64_t sctlr = core_.sysreg(regime == 2 ? SysReg::SCTLR_EL2 : SysReg::SCTLR_EL1);
    // HCR_EL2.TGE and .DC make the EL1&0 stage 1 behave as disabled (D5.2.9, D13.2.46).
    const bool s1_on = (sctlr & sctlr::M) && !(regime == 1 && (hcr & (hcr::TGE | hcr::DC)));
    const unsigned max_pa = pa_bits_;

    e = TlbEntry{};
    e.regime = static_cast<uint8_t>(regime);
    e.vmid = regime == 1 ? current_vmid() : 0;
    e.va_page = va >> kGranuleShift;

    uint64_t ipa;
    if (!s1_on) {
        if (va >> max_pa) {
            fault = MmuFault{false, false, kFscAddressSize + 0, 0};
            return false;
        }
        ipa = va;
        e.s1_flat = true;
        e.global = true;
        e.s1perms = kPermR0 | kPermW0 | kPermX0 | kPermR1 | kPermW1 | kPermX1;
        // With stage 1 off, data accesses are Device-nGnRnE and instruction fetches Normal,
        // unless HCR_EL2.DC makes everything Normal write-back (D5.2.9). `device` describes
        // data accesses; fetches never look at it.
        const bool dc = regime == 1 && (hcr & hcr::DC);
        e.device = !dc;
        e.mair_attr = e.device ? 0x00 : 0xff;
        e.s1_level = 0;
    } else {
        uint64_t tcr, ttbr;
        unsigned tsz;
        bool tbi;
        if (regime == 2) {
            tcr = core_.sysreg(SysReg::TCR_EL2);
            tsz = std::clamp<unsigned>(tcr & 0x3f, 16u, 39u);
            tbi = (tcr >> 20) & 1;
            const uint64_t top = tbi ? (va & 0x00ffffffffffffffull) : va;
            if (top >> (64 - tsz)) {
                fault = MmuFault{false, false, kFscTranslation + 0, 0};
                return false;
            }
            ttbr = core_.sysreg(SysReg::TTBR0_EL2);
            e.global = true;
        } else {
            tcr = core_.sysreg(SysReg::TCR_EL1);
            const bool upper = (va >> 55) & 1;
            tbi = upper ? (tcr >> 38) & 1 : (tcr >> 37) & 1;
            tsz = upper ? (tcr >> 16) & 0x3f : tcr & 0x3f;
            const bool epd = upper ? (tcr >> 23) & 1 : (tcr >> 7) & 1;
            const unsigned tg = upper ? (tcr >> 30) & 3 : (tcr >> 14) & 3;
            // Only the 4K granule is implemented (ID_AA64MMFR0_EL1.TGran16/64 say so); other
            // encodings are treated as 4K, as the architecture permits for reserved values.
            (void)tg;
            const unsigned t = std::clamp(tsz, 16u, 39u);
            const uint64_t bits =
                tbi ? (va & 0x00ffffffffffffffull) | (upper ? 0xff00000000000000ull : 0) : va;
            const uint64_t hi = upper ? ~bits : bits;
            if (epd || (hi >> (64 - t))) {
                fault = MmuFault{false, false, kFscTranslation + 0, 0};
                return false;
            }
            ttbr = core_.sysreg(upper ? SysReg::TTBR1_EL1 : SysReg::TTBR0_EL1);
        }
        tsz = std::clamp(tsz, 16u, 39u); // out-of-range TxSZ: CONSTRAINED UNPREDICTABLE, clamp
        const unsigned ps = regime == 2 ? (tcr >> 16) & 7 : (tcr >> 32) & 7;
        const unsigned oa_bits = std::min(pa_size_bits(ps), max_pa);
        const unsigned inputsize = 64 - tsz;
        const unsigned start = 4 - (inputsize - kGranuleShift + kStride - 1) / kStride;
        unsigned level = start;
        uint64_t table = ttbr & 0x0000fffffffffffeull;
        // The start table is aligned to its size; low bits of BADDR below that are RES0.
        const unsigned start_bits = inputsize - level_shift(level);
        table &= ~((1ull << (start_bits + 3)) - 1) | ~0x0000ffffffffffffull;
        table &= 0x0000ffffffffffffull;
        unsigned ap_table = 0;
        bool xn_table = false, pxn_table = false;
        uint64_t desc = 0;
        for (;; ++level) {
            const unsigned shift = level_shift(level);
            const unsigned idx_bits = level == start ? inputsize - shift : kStride;
            const uint64_t index = (va >> shift) & ((1ull << idx_bits) - 1);
            uint64_t desc_pa = table + index * 8;
            if (s2_walks) {
                S2Result r;
                if (!stage2(desc_pa, MmuAccess::Read, true, r, fault)) return false;
                desc_pa = r.pa;
            }
            core_.cycles_ += core_.costs().tlb_walk_level;
            if (!read_desc(desc_pa, desc)) {
                fault =
                    MmuFault{false, false, static_cast<uint8_t>(kFscSyncExternalWalk + level), 0};
                return false;
            }
            if (!(desc & 1) || (level == 3 && !(desc & 2)) || (level == 0 && !(desc & 2))) {
                fault = MmuFault{false, false, static_cast<uint8_t>(kFscTranslation + level), 0};
                return false;
            }
            if (level < 3 && (desc & 2)) {
                // Table descriptor: hierarchical attributes (D5.5.3).
                if ((desc & kOaMask) >> oa_bits) {
                    fault =
                        MmuFault{false, false, static_cast<uint8_t>(kFscAddressSize + level), 0};
                    return false;
                }
                ap_table |= (desc >> 61) & 3;
                xn_table |= (desc >> 60) & 1;
                pxn_table |= (desc >> 59) & 1;
                table = desc & kOaMask;
                continue;
            }
            // Block (levels 1, 2) or page (level 3).
            const uint64_t out_mask = ~((1ull << shift) - 1) & kOaMask;
            const uint64_t oa = desc & out_mask;
            if (oa >> oa_bits) {
                fault = MmuFault{false, false, static_cast<uint8_t>(kFscAddressSize + level), 0};
                return false;
            }
            if (!((desc >> 10) & 1)) { // AF
                fault = MmuFault{false, false, static_cast<uint8_t>(kFscAccessFlag + level), 0};
                return false;
            }
            ipa = oa | (va & ((1ull << shift) - 1) & 0x0000ffffffffffffull);
            e.s1_level = static_cast<uint8_t>(level);
            e.s1_block_shift = static_cast<uint8_t>(shift);
            break;
        }
        // Permissions (D5.4): AP[2:1], UXN/PXN (EL1&0) or XN (EL2), table restrictions, WXN.
        const unsigned ap = (desc >> 6) & 3;
        bool ro = ap & 2, el0 = ap & 1;
        if (ap_table & 2) ro = true;
        if (ap_table & 1) el0 = false;
        uint8_t p = 0;
        if (regime == 2) {
            const bool xn = ((desc >> 54) & 1) || xn_table;
            p = kPermR1 | (ro ? 0 : kPermW1);
            if (!xn && !((sctlr & sctlr::WXN) && !ro)) p |= kPermX1;
        } else {
            const bool uxn = ((desc >> 54) & 1) || xn_table;
            const bool pxn = ((desc >> 53) & 1) || pxn_table;
            p = kPermR1 | (ro ? 0 : kPermW1);
            if (el0) p |= kPermR0 | (ro ? 0 : kPermW0);
            const bool wxn = sctlr & sctlr::WXN;
            // EL0 execution depends on UXN (and WXN for EL0-writable memory) only, not on
            // EL0 data access: AP[2:1] = 00 with UXN = 0 is execute-only memory for EL0
            // (ARM DDI 0487 D5.4.5, table of instruction access permissions).
            if (!uxn && !(wxn && el0 && !ro)) p |= kPermX0;
            // Memory writable at EL0 is never executable at EL1 (D5.4.5).
            if (!pxn && !(wxn && !ro) && !(el0 && !ro)) p |= kPermX1;
        }
        e.s1perms = p;
        e.global = regime == 2 || !((desc >> 11) & 1); // nG
        e.asid = e.global ? 0 : current_asid();
        const unsigned attrindx = (desc >> 2) & 7;
        const uint64_t mair = core_.sysreg(regime == 2 ? SysReg::MAIR_EL2 : SysReg::MAIR_EL1);
        e.mair_attr = static_cast<uint8_t>(mair >> (8 * attrindx));
        e.device = (e.mair_attr & 0xf0) == 0;
    }

    // Stage 2 of the output address.
    uint64_t pa = ipa;
    e.s2perms = 7;
    if (s2_on) {
        // Stage-1 permission faults take priority over stage-2 faults on the output (D5.2).
        MmuFault f1;
        if (!check_fault(e, acc, el, f1)) {
            fault = f1;
            return false;
        }
        S2Result r;
        if (!stage2(ipa, acc, false, r, fault)) return false;
        pa = r.pa;
        e.s2perms = r.perms;
        e.s2_level = r.level;
        e.device = e.device || r.device;
    }
    e.ipa_page = ipa >> kGranuleShift;
    e.pa_page = pa >> kGranuleShift;
    uint8_t combined = e.s1perms;
    if (!(e.s2perms & 1)) combined &= ~(kPermR0 | kPermR1);
    if (!(e.s2perms & 2)) combined &= ~(kPermW0 | kPermW1);
    if (!(e.s2perms & 4)) combined &= ~(kPermX0 | kPermX1);
    e.perms = combined;
    return true;
}

bool Mmu::stage2(uint64_t ipa, MmuAccess acc, bool s1ptw, S2Result& r, MmuFault& fault) {
    const uint64_t vtcr = core_.sysreg(SysReg::VTCR_EL2);
    const uint64_t vttbr = core_.sysreg(SysReg::VTTBR_EL2);
    const unsigned t0sz = std::clamp<unsigned>(vtcr & 0x3f, 16, 39);
    const unsigned sl0 = (vtcr >> 6) & 3;
    const unsigned inputsize = 64 - t0sz;
    const unsigned oa_bits = std::min(pa_size_bits((vtcr >> 16) & 7), pa_bits_);
    auto fail = [&](uint8_t fsc) {
        fault = MmuFault{true, s1ptw, fsc, ipa};
        return false;
    };
    if (ipa >> inputsize) return fail(kFscTranslation + 0);
    // 4K granule: SL0 = 0, 1, 2 start at level 2, 1, 0 (D5.2.6); 3 is reserved.
    if (sl0 == 3) return fail(kFscTranslation + 0);
    const unsigned start = 2 - sl0;
    const int start_bits = int(inputsize) - int(level_shift(start));
    // Up to 16 concatenated tables at the start level; more is a misconfiguration.
    if (start_bits < 1 || start_bits > int(kStride) + 4)
        return fail(static_cast<uint8_t>(kFscTranslation + start));
    uint64_t table = vttbr & 0x0000fffffffffffeull & ~((1ull << (start_bits + 3)) - 1);
    for (unsigned level = start; level <= 3; ++level) {
        const unsigned shift = level_shift(level);
        const unsigned idx_bits = level == start ? unsigned(start_bits) : kStride;
        const uint64_t index = (ipa >> shift) & ((1ull << idx_bits) - 1);
        uint64_t desc;
        core_.cycles_ += core_.costs().tlb_walk_level;
        if (!read_desc(table + index * 8, desc))
            return fail(static_cast<uint8_t>(kFscSyncExternalWalk + level));
        if (!(desc & 1) || (level == 3 && !(desc & 2)) || (level == 0 && !(desc & 2)))
            return fail(static_cast<uint8_t>(kFscTranslation + level));
        if (level < 3 && (desc & 2)) {
            if ((desc & kOaMask) >> oa_bits)
                return fail(static_cast<uint8_t>(kFscAddressSize + level));
            table = desc & kOaMask;
            continue;
        }
        const uint64_t oa = desc & ~((1ull << shift) - 1) & kOaMask;
        if (oa >> oa_bits) return fail(static_cast<uint8_t>(kFscAddressSize + level));
        if (!((desc >> 10) & 1)) return fail(static_cast<uint8_t>(kFscAccessFlag + level));
        const unsigned s2ap = (desc >> 6) & 3;
        r.perms = static_cast<uint8_t>((s2ap & 1 ? 1 : 0) | (s2ap & 2 ? 2 : 0) |
                                       (((desc >> 54) & 1) ? 0 : 4));
        r.level = static_cast<uint8_t>(level);
        r.device = ((desc >> 4) & 3) == 0; // MemAttr[3:2] == 0b00: Device
        r.pa = oa | (ipa & ((1ull << shift) - 1));
        if (s1ptw) {
            // The walk reads the table: stage 2 must allow reads (D5.4.x).
            if (!(r.perms & 1)) return fail(static_cast<uint8_t>(kFscPermission + level));
            // HCR_EL2.PTW: a table in Device memory is a permission fault.
            if (r.device && (core_.sysreg(SysReg::HCR_EL2) & hcr::PTW))
                return fail(static_cast<uint8_t>(kFscPermission + level));
        }
        (void)acc;
        return true;
    }
    return fail(kFscTranslation + 3);
}

} // namespace armsim::cpu
