// SYS instructions (op0 = 1): cache maintenance, TLB maintenance and address translation
// (ARM DDI 0487 C5.3, D5.10 for TLBI, D5.9 / D13.2.101 for AT and PAR_EL1).
#include "core.h"
#include "regbits.h"

namespace armsim::cpu {

namespace {

constexpr uint32_t op(unsigned op1, unsigned crn, unsigned crm, unsigned op2) {
    return sysreg_key(1, op1, crn, crm, op2);
}

enum class Kind { IcAll, IcVa, DcVa, DcSetWay, DcZva, At, Tlbi, None };

} // namespace

void Core::sys_op(uint32_t key, unsigned rt, uint64_t xt) {
    const unsigned op1 = (key >> 11) & 7, crn = (key >> 7) & 15, crm = (key >> 3) & 15;
    const unsigned op2 = key & 7;
    const uint64_t hcr = sysreg(SysReg::HCR_EL2);
    const uint32_t iss = (1u << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) |
                         (crm << 1); // EC 0x18 syndrome, Dir = 0
    const Exception trap_el2{Ec::SysRegTrap, iss, 2};
    const Exception trap_el1{Ec::SysRegTrap, iss, 0};
    const bool below_el2 = st.el < 2;

    // Minimum EL from op1: 0 -> EL1, 3 -> EL0 (with enables), 4 -> EL2, others reserved here.
    const unsigned need = op1 == 0 ? 1 : op1 == 3 ? 0 : op1 == 4 ? 2 : 3;
    if (need == 3 || st.el < need) undefined();

    switch (key) {
    // --- instruction cache ---------------------------------------------------------------
    case op(0, 7, 1, 0): // IC IALLUIS
    case op(0, 7, 5, 0): // IC IALLU
        if (below_el2 && (hcr & hcr::TPU)) raise(trap_el2);
        code_.invalidate_all();
        return;
    case op(3, 7, 5, 1): // IC IVAU
        if (st.el == 0 && !(sysreg(SysReg::SCTLR_EL1) & sctlr::UCI)) raise(trap_el1);
        if (below_el2 && (hcr & hcr::TPU)) raise(trap_el2);
        // The decoded cache follows every write, so nothing is stale; nothing to do.
        return;

    // --- data cache ----------------------------------------------------------------------
    case op(0, 7, 6, 1): // DC IVAC: needs write permission (D5.4.x), reports CM = 1
        if (below_el2 && (hcr & hcr::TPC)) raise(trap_el2);
        translate_cache_op(xt, true);
        return;
    case op(3, 7, 10, 1): // DC CVAC
    case op(3, 7, 14, 1): // DC CIVAC
    case op(3, 7, 11, 1): // DC CVAU
        if (st.el == 0 && !(sysreg(SysReg::SCTLR_EL1) & sctlr::UCI)) raise(trap_el1);
        if (below_el2 && (hcr & (key == op(3, 7, 11, 1) ? hcr::TPU : hcr::TPC))) raise(trap_el2);
        translate_cache_op(xt, false);
        return;
    case op(0, 7, 6, 2):  // DC ISW
    case op(0, 7, 10, 2): // DC CSW
    case op(0, 7, 14, 2): // DC CISW
        if (below_el2 && (hcr & hcr::TSW)) raise(trap_el2);
        return;            // the functional path has no caches to clean
    case op(3, 7, 4, 1): { // DC ZVA
        if (st.el == 0 && !(sysreg(SysReg::SCTLR_EL1) & sctlr::DZE)) raise(trap_el1);
        if (below_el2 && (hcr & hcr::TDZ)) raise(trap_el2);
        const uint64_t block = 4u << (sysreg(SysReg::DCZID_EL0) & 0xf); // bytes
        const uint64_t base = xt & ~(block - 1);
        // Translate Xt itself first: a fault reports the address the instruction was given,
        // not the block's (QEMU does the same). DC ZVA to Device memory is an Alignment
        // fault (ARM DDI 0487 D4.4.8 / C5.3.x DC ZVA).
        const Translation t = translate(xt, AccessKind::Write, st.el, 0, 0, 1);
        if (t.device) alignment_fault(xt, AccessKind::Write, 0);
        for (uint64_t a = 0; a < block; a += 8)
            write<uint64_t>(base + a, 0, 0);
        return;
    }

    // --- address translation -------------------------------------------------------------
    case op(0, 7, 8, 0):
        at(xt, 1, MmuAccess::Read, true);
        return; // AT S1E1R
    case op(0, 7, 8, 1):
        at(xt, 1, MmuAccess::Write, true);
        return; // AT S1E1W
    case op(0, 7, 8, 2):
        at(xt, 0, MmuAccess::Read, true);
        return; // AT S1E0R
    case op(0, 7, 8, 3):
        at(xt, 0, MmuAccess::Write, true);
        return; // AT S1E0W
    case op(4, 7, 8, 0):
        at(xt, 2, MmuAccess::Read, true);
        return; // AT S1E2R
    case op(4, 7, 8, 1):
        at(xt, 2, MmuAccess::Write, true);
        return; // AT S1E2W
    case op(4, 7, 8, 4):
        at(xt, 1, MmuAccess::Read, false);
        return; // AT S12E1R
    case op(4, 7, 8, 5):
        at(xt, 1, MmuAccess::Write, false);
        return; // AT S12E1W
    case op(4, 7, 8, 6):
        at(xt, 0, MmuAccess::Read, false);
        return; // AT S12E0R
    case op(4, 7, 8, 7):
        at(xt, 0, MmuAccess::Write, false);
        return; // AT S12E0W
    default:
        break;
    }

    if (crn == 8) {
        tlbi(op1, crm, op2, xt, rt);
        return;
    }
    undefined();
}

void Core::translate_cache_op(uint64_t va, bool needs_write) {
    MmuResult r;
    MmuFault f;
    const MmuAccess acc = needs_write ? MmuAccess::Write : MmuAccess::Read;
    if (!mmu_.translate(va, acc, st.el, r, f)) {
        // Cache maintenance by VA reports its aborts with CM = 1 (and WnR = 1, D13.2.37).
        raise_abort(va, AccessKind::Write, 0, f, true);
    }
}

void Core::at(uint64_t va, unsigned el, MmuAccess acc, bool stage1_only) {
    // AT S1E1* from EL1 under stage 2 gives the IPA; S12 forms give the PA (D5.9).
    const bool s1_only = stage1_only || !(sysreg(SysReg::HCR_EL2) & hcr::VM);
    MmuResult r;
    MmuFault f;
    uint64_t par;
    if (mmu_.translate_uncached(va, acc, el, s1_only, r, f)) {
        // PA, attributes, SH = inner shareable for Normal memory, NS = 1.
        const uint64_t sh = r.device ? 2 : 3;
        par = (r.pa & 0x0000fffffffff000ull) | (uint64_t(r.attr) << 56) | (sh << 7) | (1u << 9) |
              (1u << 11); // bit 11 is RES1 (D13.2.101)
    } else {
        // A stage-2 fault on the stage-1 walk of an EL1 AT is taken to EL2 (D5.9.2).
        if (f.stage2 && f.s1ptw && st.el == 1) raise_abort(va, AccessKind::Read, 0, f, true);
        // F, FST, PTW, S; bit 11 is RES1 in the fault format (D13.2.101).
        par = 1 | (uint64_t(f.fsc) << 1) | (uint64_t(f.s1ptw) << 8) | (uint64_t(f.stage2) << 9) |
              (1u << 11);
    }
    sysreg_ref(SysReg::PAR_EL1) = par;
}

void Core::tlbi(unsigned op1, unsigned crm, unsigned op2, uint64_t xt, unsigned rt) {
    const uint64_t hcr = sysreg(SysReg::HCR_EL2);
    if (st.el == 1 && (hcr & hcr::TTLB)) {
        const uint32_t iss =
            (1u << 20) | (op2 << 17) | (op1 << 14) | (8u << 10) | (rt << 5) | (crm << 1);
        raise(Exception{Ec::SysRegTrap, iss, 2});
    }
    // Inner-shareable forms (CRm 3 for EL1 ops, CRm 0/3 for EL2 ones) reach every core;
    // HCR_EL2.FB upgrades EL1's local forms (D13.2.46).
    bool broadcast = crm == 3 || crm == 0;
    if (st.el == 1 && (hcr & hcr::FB)) broadcast = true;
    const uint16_t vmid = mmu_.current_vmid();
    // Xt: VA[55:12] in bits [43:0], ASID in [63:48] (D5.10.2); sign-extend VA from bit 55.
    const uint64_t va = static_cast<uint64_t>(static_cast<int64_t>(xt << 20) >> 8);
    const uint16_t asid = static_cast<uint16_t>(xt >> 48);
    const uint64_t ipa = (xt & 0xfffffffffull) << 12;

    auto apply = [&](Core& c) {
        Mmu& m = c.mmu_;
        if (op1 == 0) {
            switch (op2) {
            case 0:
                m.invalidate_vmid(vmid);
                break; // VMALLE1
            case 1:
                m.invalidate_va(1, vmid, va, true, asid, false);
                break; // VAE1
            case 2:
                m.invalidate_asid(vmid, asid);
                break; // ASIDE1
            case 3:
                m.invalidate_va(1, vmid, va, false, 0, false);
                break; // VAAE1
            case 5:
                m.invalidate_va(1, vmid, va, true, asid, true);
                break; // VALE1
            case 7:
                m.invalidate_va(1, vmid, va, false, 0, true);
                break; // VAALE1
            default:
                break;
            }
        } else if (crm == 0 || crm == 4) {
            m.invalidate_ipa(vmid, ipa); // IPAS2E1(IS), IPAS2LE1(IS)
        } else {
            switch (op2) {
            case 0:
                m.invalidate_regime(2);
                break; // ALLE2
            case 1:
                m.invalidate_va(2, 0, va, false, 0, false);
                break; // VAE2
            case 4:
                m.invalidate_regime(1);
                break; // ALLE1
            case 5:
                m.invalidate_va(2, 0, va, false, 0, true);
                break; // VALE2
            case 6:
                m.invalidate_vmid(vmid);
                break; // VMALLS12E1
            default:
                break;
            }
        }
        c.flush_fast_tlb();
    };

    // Validate the encoding before touching anything.
    bool valid;
    if (op1 == 0)
        valid = (crm == 3 || crm == 7) && (op2 <= 3 || op2 == 5 || op2 == 7);
    else
        valid = ((crm == 3 || crm == 7) && (op2 <= 1 || (op2 >= 4 && op2 <= 6))) ||
                ((crm == 0 || crm == 4) && (op2 == 1 || op2 == 5));
    if (!valid) undefined();
    if (broadcast && peers_) {
        for (Core* c : *peers_)
            apply(*c);
    } else {
        apply(*this);
    }
}

} // namespace armsim::cpu
