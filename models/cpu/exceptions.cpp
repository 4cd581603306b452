// Exception entry and return, interrupt routing, and the exception-generating instructions.
// References: ARM DDI 0487 D1.10 (exception entry), D1.11 (exception return),
// D1.13 (asynchronous exception routing and masking), D13.2.37 (ESR_ELx).
#include "core.h"
#include "models/trace/trace.h"
#include "regbits.h"

namespace armsim::cpu {

namespace {

bool is_abort_like(Ec ec) {
    switch (ec) {
    case Ec::InsnAbortLower:
    case Ec::InsnAbortSame:
    case Ec::DataAbortLower:
    case Ec::DataAbortSame:
    case Ec::BreakpointLower:
    case Ec::BreakpointSame:
    case Ec::SoftStepLower:
    case Ec::SoftStepSame:
    case Ec::WatchpointLower:
    case Ec::WatchpointSame:
        return true;
    default:
        return false;
    }
}

SysReg spsr_reg(unsigned el) {
    return el == 2 ? SysReg::SPSR_EL2 : SysReg::SPSR_EL1;
}
SysReg elr_reg(unsigned el) {
    return el == 2 ? SysReg::ELR_EL2 : SysReg::ELR_EL1;
}
SysReg esr_reg(unsigned el) {
    return el == 2 ? SysReg::ESR_EL2 : SysReg::ESR_EL1;
}
SysReg far_reg(unsigned el) {
    return el == 2 ? SysReg::FAR_EL2 : SysReg::FAR_EL1;
}
SysReg vbar_reg(unsigned el) {
    return el == 2 ? SysReg::VBAR_EL2 : SysReg::VBAR_EL1;
}

} // namespace

unsigned Core::default_sync_target() const {
    if (st.el == 2) return 2;
    if (st.el == 0 && (sysreg(SysReg::HCR_EL2) & hcr::TGE)) return 2;
    return 1;
}

void Core::set_el_sp(unsigned el, bool spsel) {
    // The PMU's EL filters: count what ran at the old EL, restart for the new one.
    const bool pmu = pmu_.active() && el != st.el;
    if (pmu) pmu_.fold();
    st.sp_el[st.spsel ? st.el : 0] = st.sp;
    st.el = static_cast<uint8_t>(el);
    st.spsel = el != 0 && spsel;
    st.sp = st.sp_el[st.spsel ? st.el : 0];
    if (pmu) pmu_.rearm();
}

void Core::raise(const Exception& e) {
    Exception x = e;
    x.return_pc = st.pc;
    throw GuestFault{x};
}

void Core::undefined() {
    raise(Exception{Ec::Unknown, 0, 0});
}

void Core::check_sp_alignment(uint64_t addr) {
    // SP alignment checking: SCTLR_ELx.SA at EL1/EL2, SCTLR_EL1.SA0 at EL0 (D1.8.2).
    const uint64_t sctlr = sysreg(st.el == 2 ? SysReg::SCTLR_EL2 : SysReg::SCTLR_EL1);
    const bool check = st.el == 0 ? (sctlr & sctlr::SA0) : (sctlr & sctlr::SA);
    if (check && (addr & 15)) raise(Exception{Ec::SpAlign, 0, 0});
}

void Core::take_exception(Exception e, ExcKind kind) {
    const unsigned from = st.el;
    unsigned target = e.target_el ? e.target_el : default_sync_target();
    if (target < from) target = from; // exceptions never go down (D1.10.1)

    if (kind == ExcKind::Sync && is_abort_like(e.ec)) {
        // Lower and same-EL variants differ by one in every pair.
        const unsigned base = static_cast<unsigned>(e.ec) & ~1u;
        e.ec = static_cast<Ec>(base | (target == from ? 1u : 0u));
    }

    // PSTATE into SPSR.
    uint64_t spsr = st.nzcv | st.daif | (uint64_t(st.el) << 2) | (st.spsel ? 1 : 0);
    if (st.il) spsr |= spsr::IL;
    if (st.ss) spsr |= spsr::SS;

    sysreg_ref(spsr_reg(target)) = spsr;
    sysreg_ref(elr_reg(target)) = e.return_pc;
    if (kind == ExcKind::Sync || kind == ExcKind::SError) {
        // IL = 1: every AArch64 instruction is 32 bits, and IL is RES1 for the
        // exception classes that have no instruction.
        const uint32_t esr = (uint32_t(e.ec) << 26) | (1u << 25) | (e.iss & 0x1ffffff);
        sysreg_ref(esr_reg(target)) = esr;
        if (e.far_valid) sysreg_ref(far_reg(target)) = e.far;
        if (target == 2 && e.ipa_valid)
            sysreg_ref(SysReg::HPFAR_EL2) = ((e.ipa >> 12) & 0xfffffffffull) << 4;
    }

    uint64_t offset;
    if (target > from)
        offset = 0x400; // lower EL using AArch64
    else
        offset = st.spsel ? 0x200 : 0x000;
    offset += 0x80 * static_cast<unsigned>(kind);

    set_el_sp(target, true);
    st.daif = kDaifD | kDaifA | kDaifI | kDaifF;
    st.il = false;
    st.ss = false;
    st.pc = sysreg(vbar_reg(target)) + offset;
    excl_valid_ = false;
    // At least one cycle, so a guest stuck taking exceptions still moves time forward and
    // runs into --max-insns.
    cycles_ += costs_.exception_entry ? costs_.exception_entry : 1;
    ++exceptions_;
    invalidate_fetch();
    attention_ = true;
    if (auto* t = trace::sink()) {
        static constexpr const char* kKind[] = {"sync", "irq", "fiq", "serror"};
        t->instant(now().value(), name(), "exception", kKind[static_cast<unsigned>(kind)],
                   {{"ec", static_cast<uint64_t>(e.ec)},
                    {"from_el", from},
                    {"to_el", target},
                    {"elr", e.return_pc}});
    }
}

void Core::exception_return() {
    if (st.el == 0) undefined();
    const uint64_t spsr = sysreg(spsr_reg(st.el));
    const uint64_t elr = sysreg(elr_reg(st.el));
    const unsigned m = spsr & spsr::M_MASK;
    const unsigned target = (m >> 2) & 3;

    // Illegal return (D1.11.4): to AArch32 (not implemented), to a higher EL, to EL3 (absent),
    // a reserved M encoding, EL0 with SP_ELx, or to EL1 while HCR_EL2.TGE is set.
    const bool illegal = (m & spsr::NRW) || target > st.el || target == 3 || (m & 2) ||
                         (target == 0 && (m & 1)) ||
                         (target == 1 && st.el == 2 && (sysreg(SysReg::HCR_EL2) & hcr::TGE));

    st.nzcv = static_cast<uint32_t>(spsr & spsr::NZCV);
    st.daif = static_cast<uint32_t>(spsr & (spsr::D | spsr::A | spsr::I | spsr::F));
    st.ss = spsr & spsr::SS;
    if (illegal) {
        st.il = true; // EL and SP stay; the next instruction takes the Illegal state exception
    } else {
        st.il = spsr & spsr::IL;
        set_el_sp(target, m & 1);
    }
    st.pc = elr;
    // AArch64.ExceptionReturn(): ClearExclusiveLocal() and SendEventLocal().
    excl_valid_ = false;
    event_register_ = true;
    cycles_ += costs_.exception_return;
    invalidate_fetch();
    attention_ = true;
    if (auto* t = trace::sink())
        t->instant(now().value(), name(), "exception", illegal ? "eret (illegal)" : "eret",
                   {{"to_el", st.el}, {"pc", elr}});
}

// Which EL an asynchronous exception goes to now, or -1 while it is masked (D1.13.2,
// table D1-16 for a core without EL3).
bool Core::take_pending_interrupt() {
    const uint64_t hcr = sysreg(SysReg::HCR_EL2);
    const bool tge = hcr & hcr::TGE;
    struct Src {
        IrqLine line;
        uint64_t route_bit;
        uint64_t virt_bit;
        uint32_t mask;
        ExcKind kind;
    };
    // Physical FIQ, IRQ, then virtual IRQ, FIQ, SError: the order QEMU uses, so differential
    // tests agree when several are pending at once.
    static constexpr Src phys[] = {
        {IrqLine::Fiq, hcr::FMO, 0, kDaifF, ExcKind::Fiq},
        {IrqLine::Irq, hcr::IMO, 0, kDaifI, ExcKind::Irq},
        {IrqLine::SError, hcr::AMO, 0, kDaifA, ExcKind::SError},
    };
    for (const Src& s : phys) {
        if (!line(s.line)) continue;
        const bool to_el2 = (hcr & s.route_bit) || tge;
        if (to_el2) {
            if (st.el < 2 || !(st.daif & s.mask)) {
                Exception e{Ec::Unknown, 0, 2};
                if (s.kind == ExcKind::SError) e.ec = Ec::SError;
                e.return_pc = st.pc;
                take_exception(e, s.kind);
                return true;
            }
        } else if (st.el < 2 && !(st.daif & s.mask)) {
            Exception e{Ec::Unknown, 0, 1};
            if (s.kind == ExcKind::SError) e.ec = Ec::SError;
            e.return_pc = st.pc;
            take_exception(e, s.kind);
            return true;
        }
    }
    if (st.el < 2 && !tge) {
        static constexpr Src virt[] = {
            {IrqLine::VIrq, hcr::IMO, hcr::VI, kDaifI, ExcKind::Irq},
            {IrqLine::VFiq, hcr::FMO, hcr::VF, kDaifF, ExcKind::Fiq},
            {IrqLine::VSError, hcr::AMO, hcr::VSE, kDaifA, ExcKind::SError},
        };
        for (const Src& s : virt) {
            const bool pending = line(s.line) || (hcr & s.virt_bit);
            if (pending && (hcr & s.route_bit) && !(st.daif & s.mask)) {
                Exception e{s.kind == ExcKind::SError ? Ec::SError : Ec::Unknown, 0, 1};
                e.return_pc = st.pc;
                if (s.kind == ExcKind::SError)
                    sysreg_ref(SysReg::HCR_EL2) &= ~hcr::VSE; // taking vSError clears VSE
                take_exception(e, s.kind);
                return true;
            }
        }
    }
    return false;
}

// --- exception-generating instructions -------------------------------------------------------

void Core::svc(uint16_t imm16) {
    Exception e{Ec::Svc64, imm16, 0};
    e.return_pc = st.pc + 4;
    take_exception(e);
}

void Core::hvc(uint16_t imm16) {
    // HVC is UNDEFINED at EL0 and when HCR_EL2.HCD disables it (D1.19.3, no EL3).
    if (st.el == 0 || (sysreg(SysReg::HCR_EL2) & hcr::HCD)) undefined();
    if (psci_on_hvc_ && firmware_ && firmware_->call(*this, true, imm16)) {
        st.pc += 4;
        return;
    }
    Exception e{Ec::Hvc64, imm16, 2};
    e.return_pc = st.pc + 4;
    take_exception(e);
}

void Core::smc(uint16_t imm16) {
    if (st.el == 0) undefined();
    if (st.el == 1 && (sysreg(SysReg::HCR_EL2) & hcr::TSC)) {
        // Trapped SMC: the preferred return address is the SMC itself (D1.19.4).
        Exception e{Ec::Smc64, imm16, 2};
        e.return_pc = st.pc;
        take_exception(e);
        return;
    }
    // No EL3 on this board: the firmware service stands in for the secure monitor.
    if (firmware_ && firmware_->call(*this, false, imm16)) {
        st.pc += 4;
        return;
    }
    undefined();
}

void Core::brk(uint16_t imm16) {
    Exception e{Ec::Brk64, imm16, 0};
    // Debug exceptions from EL0/EL1 go to EL2 when MDCR_EL2.TDE or HCR_EL2.TGE is set.
    if (st.el < 2 && (sysreg(SysReg::MDCR_EL2) & mdcr::TDE)) e.target_el = 2;
    raise(e);
}

void Core::hlt(uint16_t imm16) {
    // HLT #0xF000 is the A64 semihosting trap; otherwise HLT is UNDEFINED because halting
    // debug is never enabled (C6.2.92).
    if (imm16 == 0xf000 && semihosting_) {
        semihosting_->call(*this);
        st.pc += 4;
        return;
    }
    undefined();
}

void Core::fp_unimplemented() {
    // CPACR_EL1.FPEN (EL0/EL1, to EL1 -- or EL2 from EL0 when TGE) then CPTR_EL2.TFP (to EL2)
    // (D1.19.x). Without a trap the instruction is UNDEFINED: FP/SIMD is not implemented yet.
    const uint32_t iss_fp = (1u << 24) | (0xeu << 20); // CV=1, COND=0b1110
    if (st.el < 2) {
        const unsigned fpen = (sysreg(SysReg::CPACR_EL1) >> 20) & 3;
        const bool trap = fpen == 0 || fpen == 2 || (fpen == 1 && st.el == 0);
        if (trap && !(st.el == 0 && (sysreg(SysReg::HCR_EL2) & hcr::TGE)))
            raise(Exception{Ec::FpAccess, iss_fp, 1});
    }
    if (sysreg(SysReg::CPTR_EL2) & cptr::TFP) raise(Exception{Ec::FpAccess, iss_fp, 2});
    undefined();
}

} // namespace armsim::cpu
