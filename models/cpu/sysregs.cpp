// System registers: the table built from sysregs.inc, access checks and traps (ARM DDI 0487
// D1.19, D13.2), and the registers whose reads or writes do more than store a value.
#include "sysregs.h"

#include "core.h"
#include "regbits.h"

#include <array>
#include <cinttypes>
#include <cstdio>
#include <set>

namespace armsim::cpu {

namespace {

using R = SysReg;

// --- hooks -----------------------------------------------------------------------------------

uint64_t read_current_el(Core& c, R) {
    return uint64_t(c.st.el) << 2;
}
uint64_t read_spsel(Core& c, R) {
    return c.st.spsel ? 1 : 0;
}
void write_spsel(Core& c, R, uint64_t v) {
    c.set_el_sp(c.st.el, v & 1);
}
uint64_t read_daif(Core& c, R) {
    return c.st.daif;
}
void write_daif(Core& c, R, uint64_t v) {
    c.write_daif(static_cast<uint32_t>(v));
}
uint64_t read_nzcv(Core& c, R) {
    return c.st.nzcv;
}
void write_nzcv(Core& c, R, uint64_t v) {
    c.st.nzcv = static_cast<uint32_t>(v) & 0xf0000000u;
}

// SP_EL0 is UNDEFINED through MRS/MSR while it is the current stack pointer (C5.2.17).
uint64_t read_sp_el0(Core& c, R) {
    if (!c.st.spsel) c.undefined();
    return c.st.sp_el[0];
}
void write_sp_el0(Core& c, R, uint64_t v) {
    if (!c.st.spsel) c.undefined();
    c.st.sp_el[0] = v;
}
uint64_t read_sp_el1(Core& c, R) {
    return c.st.sp_el[1];
} // EL2 only: never the current SP
void write_sp_el1(Core& c, R, uint64_t v) {
    c.st.sp_el[1] = v;
}

// Non-secure EL1 reads of MIDR/MPIDR return the virtualised values (D13.2.87, .100).
uint64_t read_midr(Core& c, R) {
    return c.st.el == 2 ? c.sysreg(R::MIDR_EL1) : c.sysreg(R::VPIDR_EL2);
}
uint64_t read_mpidr(Core& c, R) {
    return c.st.el == 2 ? c.sysreg(R::MPIDR_EL1) : c.sysreg(R::VMPIDR_EL2);
}

// Writes that change how addresses translate: drop the cached host mappings.
void write_translation(Core& c, R r, uint64_t v) {
    c.sysreg_ref(r) = v;
    c.flush_fast_tlb();
}
void write_hcr(Core& c, R r, uint64_t v) {
    // RW is RAO/WI: EL1 is AArch64-only here (ID_AA64PFR0_EL1.EL1 = 1, D13.2.46 HCR_EL2.RW).
    c.sysreg_ref(r) = (v & hcr::kWritable) | hcr::RW;
    c.flush_fast_tlb();
    c.request_attention(); // routing and virtual interrupt lines may have changed
}

uint64_t read_isr(Core& c, R) {
    // ISR_EL1 shows the virtual interrupt when the physical one routes to EL2 (D13.2.60).
    const uint64_t hcr = c.sysreg(R::HCR_EL2);
    uint64_t v = 0;
    const bool el1_view = c.st.el < 2;
    auto pend = [&](IrqLine phys, IrqLine virt, uint64_t route, uint64_t vbit) {
        if (el1_view && (hcr & route)) return c.line(virt) || (hcr & vbit);
        return c.line(phys);
    };
    if (pend(IrqLine::Fiq, IrqLine::VFiq, hcr::FMO, hcr::VF)) v |= 1u << 6;
    if (pend(IrqLine::Irq, IrqLine::VIrq, hcr::IMO, hcr::VI)) v |= 1u << 7;
    if (pend(IrqLine::SError, IrqLine::VSError, hcr::AMO, hcr::VSE)) v |= 1u << 8;
    return v;
}

uint64_t read_dczid(Core& c, R) {
    // DZP: DC ZVA prohibited at this EL (D13.2.30).
    const bool prohibited = (c.st.el == 0 && !(c.sysreg(R::SCTLR_EL1) & sctlr::DZE)) ||
                            (c.st.el < 2 && (c.sysreg(R::HCR_EL2) & hcr::TDZ));
    return c.sysreg(R::DCZID_EL0) | (prohibited ? 1u << 4 : 0);
}

uint64_t read_ccsidr(Core& c, R) {
    // Cortex-A57: 32 KiB 2-way L1D, 48 KiB 3-way L1I, 2 MiB 16-way L2, 64-byte lines (TRM 4.3).
    switch (c.sysreg(R::CSSELR_EL1) & 0xf) {
    case 0:
        return 0x701fe00a;
    case 1:
        return 0x201fe012;
    case 2:
        return 0x70ffe07a;
    default:
        return 0;
    }
}

// The performance monitors live in pmu.cpp; MDCR_EL2 changes which counters run.
uint64_t read_pmu(Core& c, R r) {
    return c.pmu().read(r);
}
void write_pmu(Core& c, R r, uint64_t v) {
    c.pmu().write(r, v);
}
void write_mdcr_el2(Core& c, R r, uint64_t v) {
    c.pmu().fold();
    c.sysreg_ref(r) = v & 0xfffff; // HPMN .. TDRA, TPMS/E2PB are later extensions
    c.pmu().rearm();
}

// FPCR/FPSR: subject to the FP access traps like any FP/SIMD instruction, and UNDEFINED
// while FP/SIMD is not implemented (ID_AA64PFR0_EL1.FP = 0xf).
uint64_t read_fp_status(Core& c, R) {
    c.fp_unimplemented();
}
void write_fp_status(Core& c, R, uint64_t) {
    c.fp_unimplemented();
}

void write_oslar(Core& c, R, uint64_t v) {
    uint64_t& oslsr = c.sysreg_ref(R::OSLSR_EL1);
    oslsr = (oslsr & ~2ull) | ((v & 1) << 1); // OSLK follows OSLAR.OSLK
}

// Generic timer registers go to the timer model when the board has one.
uint64_t read_timer(Core& c, R r) {
    return c.timer_sysreg_read(r);
}
void write_timer(Core& c, R r, uint64_t v) {
    c.timer_sysreg_write(r, v);
}

struct Hook {
    R reg;
    uint64_t (*read)(Core&, R);
    void (*write)(Core&, R, uint64_t);
};

constexpr Hook kHooks[] = {
    {R::CurrentEL, read_current_el, nullptr},
    {R::SPSel, read_spsel, write_spsel},
    {R::DAIF, read_daif, write_daif},
    {R::NZCV, read_nzcv, write_nzcv},
    {R::SP_EL0, read_sp_el0, write_sp_el0},
    {R::SP_EL1, read_sp_el1, write_sp_el1},
    {R::MIDR_EL1, read_midr, nullptr},
    {R::MPIDR_EL1, read_mpidr, nullptr},
    {R::SCTLR_EL1, nullptr, write_translation},
    {R::SCTLR_EL2, nullptr, write_translation},
    {R::TTBR0_EL1, nullptr, write_translation},
    {R::TTBR1_EL1, nullptr, write_translation},
    {R::TCR_EL1, nullptr, write_translation},
    {R::TTBR0_EL2, nullptr, write_translation},
    {R::TCR_EL2, nullptr, write_translation},
    {R::VTTBR_EL2, nullptr, write_translation},
    {R::VTCR_EL2, nullptr, write_translation},
    {R::MAIR_EL1, nullptr, write_translation},
    {R::MAIR_EL2, nullptr, write_translation},
    {R::HCR_EL2, nullptr, write_hcr},
    {R::ISR_EL1, read_isr, nullptr},
    {R::DCZID_EL0, read_dczid, nullptr},
    {R::CCSIDR_EL1, read_ccsidr, nullptr},
    {R::PMCR_EL0, read_pmu, write_pmu},
    {R::PMCNTENSET_EL0, read_pmu, write_pmu},
    {R::PMCNTENCLR_EL0, read_pmu, write_pmu},
    {R::PMOVSCLR_EL0, read_pmu, write_pmu},
    {R::PMSWINC_EL0, read_pmu, write_pmu},
    {R::PMSELR_EL0, read_pmu, write_pmu},
    {R::PMCEID0_EL0, read_pmu, write_pmu},
    {R::PMCEID1_EL0, read_pmu, write_pmu},
    {R::PMCCNTR_EL0, read_pmu, write_pmu},
    {R::PMXEVTYPER_EL0, read_pmu, write_pmu},
    {R::PMXEVCNTR_EL0, read_pmu, write_pmu},
    {R::PMUSERENR_EL0, read_pmu, write_pmu},
    {R::PMOVSSET_EL0, read_pmu, write_pmu},
    {R::PMINTENSET_EL1, read_pmu, write_pmu},
    {R::PMINTENCLR_EL1, read_pmu, write_pmu},
    {R::PMCCFILTR_EL0, read_pmu, write_pmu},
    {R::PMEVCNTR0_EL0, read_pmu, write_pmu},
    {R::PMEVCNTR1_EL0, read_pmu, write_pmu},
    {R::PMEVCNTR2_EL0, read_pmu, write_pmu},
    {R::PMEVCNTR3_EL0, read_pmu, write_pmu},
    {R::PMEVCNTR4_EL0, read_pmu, write_pmu},
    {R::PMEVCNTR5_EL0, read_pmu, write_pmu},
    {R::PMEVTYPER0_EL0, read_pmu, write_pmu},
    {R::PMEVTYPER1_EL0, read_pmu, write_pmu},
    {R::PMEVTYPER2_EL0, read_pmu, write_pmu},
    {R::PMEVTYPER3_EL0, read_pmu, write_pmu},
    {R::PMEVTYPER4_EL0, read_pmu, write_pmu},
    {R::PMEVTYPER5_EL0, read_pmu, write_pmu},
    {R::MDCR_EL2, nullptr, write_mdcr_el2},
    {R::FPCR, read_fp_status, write_fp_status},
    {R::FPSR, read_fp_status, write_fp_status},
    {R::OSLAR_EL1, nullptr, write_oslar},
    {R::CNTFRQ_EL0, read_timer, write_timer},
    {R::CNTPCT_EL0, read_timer, write_timer},
    {R::CNTVCT_EL0, read_timer, write_timer},
    {R::CNTKCTL_EL1, read_timer, write_timer},
    {R::CNTP_TVAL_EL0, read_timer, write_timer},
    {R::CNTP_CTL_EL0, read_timer, write_timer},
    {R::CNTP_CVAL_EL0, read_timer, write_timer},
    {R::CNTV_TVAL_EL0, read_timer, write_timer},
    {R::CNTV_CTL_EL0, read_timer, write_timer},
    {R::CNTV_CVAL_EL0, read_timer, write_timer},
    {R::CNTVOFF_EL2, read_timer, write_timer},
    {R::CNTHCTL_EL2, read_timer, write_timer},
    {R::CNTHP_TVAL_EL2, read_timer, write_timer},
    {R::CNTHP_CTL_EL2, read_timer, write_timer},
    {R::CNTHP_CVAL_EL2, read_timer, write_timer},
};

struct Table {
    std::array<SysRegInfo, kNumSysRegs> info;
    std::array<uint16_t, 1u << 16> by_key;
    std::string error;
    Table() {
        by_key.fill(static_cast<uint16_t>(kNumSysRegs));
        unsigned i = 0;
#define SYSREG(name, op0, op1, crn, crm, op2, access, trap, reset)                                 \
    info[i++] = SysRegInfo{#name, sysreg_key(op0, op1, crn, crm, op2), access, trap, reset};
#include "sysregs.inc"
#undef SYSREG
        std::set<std::string_view> names;
        for (unsigned r = 0; r < kNumSysRegs; ++r) {
            const SysRegInfo& s = info[r];
            if (s.key >= (1u << 16) && error.empty())
                error = std::string(s.name) + ": encoding out of range";
            if (by_key[s.key] != kNumSysRegs && error.empty())
                error = std::string(s.name) + ": same encoding as " +
                        std::string(info[by_key[s.key]].name);
            if (!names.insert(s.name).second && error.empty())
                error = std::string(s.name) + ": duplicate name";
            by_key[s.key] = static_cast<uint16_t>(r);
        }
        std::set<unsigned> hooked;
        for (const Hook& h : kHooks) {
            const unsigned r = static_cast<unsigned>(h.reg);
            if (!hooked.insert(r).second && error.empty())
                error = std::string(info[r].name) + ": two hook entries";
            info[r].read = h.read;
            info[r].write = h.write;
        }
    }
};

const Table& table() {
    static const Table t;
    return t;
}

unsigned min_el(SysRegAccess a) {
    switch (a) {
    case EL0_RW:
    case EL0_RO:
    case EL0_WO:
    case EL0_RO_EL1_RW:
        return 0;
    case EL1_RW:
    case EL1_RO:
    case EL1_WO:
        return 1;
    default:
        return 2;
    }
}
bool readable(SysRegAccess a) {
    return a != EL0_WO && a != EL1_WO && a != EL2_WO;
}
bool writable(SysRegAccess a, unsigned el) {
    if (a == EL0_RO_EL1_RW) return el >= 1;
    return a != EL0_RO && a != EL1_RO && a != EL2_RO;
}

} // namespace

const SysRegInfo& sysreg_info(SysReg r) {
    return table().info[static_cast<unsigned>(r)];
}

SysReg sysreg_by_key(uint32_t key) {
    return key < (1u << 16) ? static_cast<SysReg>(table().by_key[key]) : SysReg::count;
}

std::string_view check_sysreg_table() {
    return table().error;
}

// --- access ------------------------------------------------------------------------------------

// ESR ISS for a trapped MSR/MRS/SYS (EC 0x18, D13.2.37).
static uint32_t sysreg_iss(uint32_t key, unsigned rt, bool read) {
    const uint32_t op0 = key >> 14, op1 = (key >> 11) & 7, crn = (key >> 7) & 15,
                   crm = (key >> 3) & 15, op2 = key & 7;
    return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) |
           (read ? 1u : 0u);
}

void Core::check_sysreg_access(SysReg r, uint32_t key, unsigned rt, bool read) {
    const SysRegInfo& info = sysreg_info(r);
    if (st.el < min_el(info.access) || (read && !readable(info.access)) ||
        (!read && !writable(info.access, st.el)))
        undefined();
    if ((info.trap == TPM || info.trap == TPM_CR) && pmu_.counter_reserved(r))
        undefined(); // an event counter at or above MDCR_EL2.HPMN, from EL0/EL1
    const Exception trap_el1{Ec::SysRegTrap, sysreg_iss(key, rt, read), 0};
    const Exception trap_el2{Ec::SysRegTrap, sysreg_iss(key, rt, read), 2};

    // EL0 enables checked by EL1's controls first (D1.19.2).
    if (st.el == 0) {
        const uint64_t sctlr1 = sysreg(SysReg::SCTLR_EL1);
        const bool tge = sysreg(SysReg::HCR_EL2) & hcr::TGE;
        bool trap = false;
        if (r == SysReg::CTR_EL0)
            trap = !(sctlr1 & sctlr::UCT) && !tge;
        else if (r == SysReg::DAIF)
            trap = !(sctlr1 & sctlr::UMA) && !tge;
        else if ((info.trap == TPM || info.trap == TPM_CR) && r != SysReg::PMUSERENR_EL0)
            trap = !pmu_.el0_allowed(r, read); // PMUSERENR_EL0 EN/SW/CR/ER
        else if (info.trap == TDA)
            trap = (sysreg(SysReg::MDSCR_EL1) >> 12) & 1; // MDSCR_EL1.TDCC
        if (trap) raise(trap_el1);
    }
    if (st.el == 2) return;
    const uint64_t hcr = sysreg(SysReg::HCR_EL2);
    const uint64_t mdcr = sysreg(SysReg::MDCR_EL2);
    bool to_el2 = false;
    switch (info.trap) {
    case TID_NONE:
        break;
    case TID1:
        to_el2 = hcr & hcr::TID1;
        break;
    case TID2:
        to_el2 = hcr & hcr::TID2;
        break;
    case TID3:
        to_el2 = hcr & hcr::TID3;
        break;
    case TVM:
        to_el2 = read ? (hcr & hcr::TRVM) : (hcr & hcr::TVM);
        break;
    case TACR:
        to_el2 = hcr & hcr::TACR;
        break;
    case TIDCP:
        to_el2 = hcr & hcr::TIDCP;
        break;
    case TCPAC:
        to_el2 = st.el == 1 && (sysreg(SysReg::CPTR_EL2) & cptr::TCPAC);
        break;
    case TPM:
        to_el2 = mdcr & mdcr::TPM;
        break;
    case TPM_CR:
        to_el2 = mdcr & (mdcr::TPM | mdcr::TPMCR);
        break;
    case TDA:
        to_el2 = mdcr & (mdcr::TDA | mdcr::TDE);
        break;
    case TDRA:
        to_el2 = mdcr & (mdcr::TDRA | mdcr::TDE);
        break;
    case TDOSA:
        to_el2 = mdcr & (mdcr::TDOSA | mdcr::TDE);
        break;
    }
    if (to_el2) raise(trap_el2);
}

void Core::trap_sysreg_access(unsigned target_el) {
    raise(Exception{Ec::SysRegTrap, sysreg_iss(sysreg_key_, sysreg_rt_, sysreg_is_read_),
                    static_cast<uint8_t>(target_el)});
}

void Core::unknown_sysreg(uint32_t key, bool read) {
    // Architecturally UNDEFINED; say so once per encoding, since a guest stuck in its
    // undefined-instruction handler is otherwise hard to diagnose.
    if (warned_keys_.insert(key).second) {
        std::fprintf(stderr,
                     "armsim: warning: %s: %s S%u_%u_C%u_C%u_%u at pc 0x%" PRIx64
                     ": no such system register (UNDEFINED)\n",
                     name(), read ? "MRS" : "MSR", key >> 14, (key >> 11) & 7, (key >> 7) & 15,
                     (key >> 3) & 15, key & 7, st.pc);
    }
    undefined();
}

// The unallocated encodings of the ID register space, op0 = 3, op1 = 0, CRn = 0, CRm = 1..7
// (ARM DDI 0487 D12.3.1), read as zero at EL1 and above and trap with HCR_EL2.TID3: later
// architecture versions put ID registers there (ID_AA64MMFR2_EL1, ID_AA64ZFR0_EL1 ...)
// that software reads on any ARMv8 core. Writes to them are UNDEFINED.
static bool reserved_id_register(uint32_t key) {
    const unsigned crm = (key >> 3) & 15;
    return (key & ~0x3fu) == sysreg_key(3, 0, 0, 0, 0) && crm >= 1 && crm <= 7;
}

uint64_t Core::sysreg_read(uint32_t key, unsigned rt) {
    const SysReg r = sysreg_by_key(key);
    if (r == SysReg::count && reserved_id_register(key)) {
        if (st.el == 0) undefined();
        if (st.el == 1 && (sysreg(SysReg::HCR_EL2) & hcr::TID3))
            raise(Exception{Ec::SysRegTrap, sysreg_iss(key, rt, true), 2});
        return 0;
    }
    if (r == SysReg::count) unknown_sysreg(key, true);
    check_sysreg_access(r, key, rt, true);
    const SysRegInfo& info = sysreg_info(r);
    if (!info.read) return sr_[static_cast<unsigned>(r)];
    sysreg_key_ = key;
    sysreg_rt_ = static_cast<uint8_t>(rt);
    sysreg_is_read_ = true;
    return info.read(*this, r);
}

void Core::sysreg_write(uint32_t key, unsigned rt, uint64_t value) {
    const SysReg r = sysreg_by_key(key);
    if (r == SysReg::count) unknown_sysreg(key, false);
    check_sysreg_access(r, key, rt, false);
    const SysRegInfo& info = sysreg_info(r);
    sysreg_key_ = key;
    sysreg_rt_ = static_cast<uint8_t>(rt);
    sysreg_is_read_ = false;
    if (info.write)
        info.write(*this, r, value);
    else
        sr_[static_cast<unsigned>(r)] = value;
}

void Core::msr_pstate(unsigned op1, unsigned op2, unsigned crm) {
    const unsigned field = (op1 << 3) | op2;
    switch (field) {
    case 0x05: // SPSel
        if (st.el == 0) undefined();
        set_el_sp(st.el, crm & 1);
        return;
    case 0x1e: // DAIFSet
    case 0x1f: // DAIFClr
        if (st.el == 0 && !(sysreg(SysReg::SCTLR_EL1) & sctlr::UMA)) {
            const uint32_t key = sysreg_key(0, op1, 4, crm, op2);
            raise(Exception{Ec::SysRegTrap, sysreg_iss(key, 31, false), 0});
        }
        write_daif(field == 0x1e ? st.daif | (crm << 6) : st.daif & ~(crm << 6));
        return;
    default:
        undefined(); // PAN, UAO, ... are later architecture versions
    }
}

// --- timer registers without a timer model -------------------------------------------------

uint64_t Core::timer_sysreg_read(SysReg r) {
    if (timer_) return timer_->sysreg_read(*this, static_cast<unsigned>(r));
    // No timer model on the board: a free-running counter derived from simulated time.
    const uint64_t freq = sysreg(SysReg::CNTFRQ_EL0);
    const uint64_t ticks =
        static_cast<uint64_t>(static_cast<unsigned __int128>(now().value()) * freq /
                              sc_core::sc_time(1, sc_core::SC_SEC).value());
    if (r == SysReg::CNTPCT_EL0) return ticks;
    if (r == SysReg::CNTVCT_EL0) return ticks - sysreg(SysReg::CNTVOFF_EL2);
    return sysreg(r);
}

void Core::timer_sysreg_write(SysReg r, uint64_t v) {
    if (timer_) {
        timer_->sysreg_write(*this, static_cast<unsigned>(r), v);
        return;
    }
    if (r == SysReg::CNTFRQ_EL0 && st.el < 2)
        undefined(); // CNTFRQ_EL0 is writable only at the highest EL
    sysreg_ref(r) = v;
}

} // namespace armsim::cpu
