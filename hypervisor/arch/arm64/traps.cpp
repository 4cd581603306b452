// Traps from guests: the syndrome is decoded once, then a table indexed by exception class
// picks the handler (default: an undefined-instruction exception for the guest). Also the
// physical interrupt path, the exit path back to the guest, and the idle loop.
#include "traps.h"

#include "../../common/arch.h"
#include "../../common/console.h"
#include "../../common/hypercall.h"
#include "../../common/percpu.h"
#include "asm_defs.h"
#include "cpu.h"
#include "gic.h"
#include "irq.h"
#include "sysreg.h"
#include "vpsci.h"
#include "vtimer.h"

extern "C" {
[[noreturn]] void guest_exit(hyp::GuestRegs* frame);
[[noreturn]] void reset_stack_and_call(void (*fn)(), void* sp);
}

namespace hyp::arch {

namespace {

void crash(Vcpu* v, GuestRegs* r, const char* why, const Syndrome* s) {
    log("d%uv%u: %s: ESR %#lx PC %#lx PSTATE %#lx FAR %#lx: crashing the domain", v->domain->id,
        v->id, why, s ? s->esr : 0, r->pc, r->pstate, s ? s->far : 0);
    domain::shutdown(v->domain, 3 /* SHUTDOWN_crash */);
}

// --- decoding ----------------------------------------------------------------------------

Syndrome decode(uint64_t esr) {
    Syndrome s;
    s.esr = esr;
    s.ec = static_cast<uint32_t>(esr >> 26) & 0x3f;
    s.il = (esr >> 25) & 1;
    s.iss = static_cast<uint32_t>(esr) & 0x1ffffff;
    s.far = sysreg::read_far_el2();
    switch (static_cast<Ec>(s.ec)) {
    case Ec::DabtLow:
    case Ec::IabtLow: {
        const uint64_t hpfar = sysreg::read_hpfar_el2();
        s.fault_ipa = Ipa(((hpfar >> 4) << 12) | (s.far & 0xfff));
        const uint32_t iss = s.iss;
        s.dabt.isv = (iss >> 24) & 1;
        s.dabt.sas = (iss >> 22) & 3;
        s.dabt.sse = (iss >> 21) & 1;
        s.dabt.srt = (iss >> 16) & 0x1f;
        s.dabt.sf = (iss >> 15) & 1;
        s.dabt.ar = (iss >> 14) & 1;
        s.dabt.cm = (iss >> 8) & 1;
        s.dabt.s1ptw = (iss >> 7) & 1;
        s.dabt.wnr = (iss >> 6) & 1;
        s.dabt.fsc = iss & 0x3f;
        break;
    }
    case Ec::SysReg: {
        const uint32_t iss = s.iss;
        s.sysreg.op0 = (iss >> 20) & 3;
        s.sysreg.op2 = (iss >> 17) & 7;
        s.sysreg.op1 = (iss >> 14) & 7;
        s.sysreg.crn = (iss >> 10) & 0xf;
        s.sysreg.rt = (iss >> 5) & 0x1f;
        s.sysreg.crm = (iss >> 1) & 0xf;
        s.sysreg.read = iss & 1;
        s.sysreg.key =
            sysreg_key(s.sysreg.op0, s.sysreg.op1, s.sysreg.crn, s.sysreg.crm, s.sysreg.op2);
        break;
    }
    case Ec::Hvc64:
    case Ec::Smc64:
        s.imm16 = static_cast<uint16_t>(s.iss & 0xffff);
        break;
    case Ec::Wfx:
        s.wfe = s.iss & 1;
        break;
    default:
        break;
    }
    return s;
}

uint64_t get_reg(const GuestRegs* r, unsigned n) {
    return n == 31 ? 0 : r->x[n];
}
void set_reg(GuestRegs* r, unsigned n, uint64_t v) {
    if (n != 31) r->x[n] = v;
}

// --- handlers ----------------------------------------------------------------------------

void on_wfx(Vcpu* v, GuestRegs* r, const Syndrome& s) {
    r->pc += 4;
    if (s.wfe)
        sched::yield(v);
    else
        domain::vcpu_block(v); // returns at once when something is pending
}

void on_hvc(Vcpu* v, GuestRegs* r, const Syndrome& s) {
    if (s.imm16 == XEN_HYPERCALL_TAG)
        hypercall::dispatch(v, r);
    else if (s.imm16 == 0)
        vpsci_handle(v, r);
    else {
        // HVC returns past itself (D1.10.2); an undefined HVC faults on the HVC.
        r->pc -= 4;
        inject_undef(v, r);
    }
}

void on_smc(Vcpu* v, GuestRegs* r, const Syndrome& s) {
    // A trapped SMC returns to the SMC itself (D1.10.2): step over it. Guests may reach
    // PSCI through SMC as well.
    r->pc += 4;
    if (s.imm16 == 0)
        vpsci_handle(v, r);
    else
        r->x[0] = static_cast<uint64_t>(-1); // SMCCC NOT_SUPPORTED
}

// Trapped system registers: EL1 physical timer (emulated), ACTLR_EL1 (TACR), the PMU and
// debug registers (MDCR_EL2 traps: read-as-zero, writes ignored).
void on_sysreg(Vcpu* v, GuestRegs* r, const Syndrome& s) {
    const auto& sr = s.sysreg;
    uint64_t val = sr.read ? 0 : get_reg(r, sr.rt);
    bool ok = true;
    switch (sr.key) {
    case sysreg_key(3, 3, 14, 2, 1):
        ok = ptimer_access(v, kPtimerCtl, sr.read, &val);
        break;
    case sysreg_key(3, 3, 14, 2, 2):
        ok = ptimer_access(v, kPtimerCval, sr.read, &val);
        break;
    case sysreg_key(3, 3, 14, 2, 0):
        ok = ptimer_access(v, kPtimerTval, sr.read, &val);
        break;
    case sysreg_key(3, 0, 1, 0, 1): // ACTLR_EL1
        if (sr.read)
            val = v->arch.el1.actlr;
        else
            v->arch.el1.actlr = val;
        break;
    default:
        if (sr.op0 == 2 ||
            (sr.op0 == 3 && sr.op1 == 3 && (sr.crn == 9 || (sr.crn == 14 && sr.crm >= 8)))) {
            val = 0; // debug (op0 = 2) and PMU registers: RAZ/WI
        } else {
            ok = false;
        }
        break;
    }
    if (!ok) {
        log("d%uv%u: unhandled system register op0=%u op1=%u CRn=%u CRm=%u op2=%u (%s): UNDEFINED",
            v->domain->id, v->id, sr.op0, sr.op1, sr.crn, sr.crm, sr.op2,
            sr.read ? "read" : "write");
        inject_undef(v, r);
        return;
    }
    if (sr.read) set_reg(r, sr.rt, val);
    r->pc += 4;
}

void on_dabt(Vcpu* v, GuestRegs* r, const Syndrome& s) {
    const MmioHandler* h = v->domain->mmio.find(s.fault_ipa);
    // Only a stage-2 fault on a plain load/store of an emulated region can be emulated;
    // anything else is the guest touching memory it does not have.
    if (!h || s.dabt.s1ptw || s.dabt.cm) {
        inject_dabt(v, r, s.far, s.dabt.wnr);
        return;
    }
    if (!s.dabt.isv) {
        log("d%uv%u: MMIO access without a valid syndrome at %#lx (pc %#lx)", v->domain->id, v->id,
            s.fault_ipa.raw(), r->pc);
        inject_dabt(v, r, s.far, s.dabt.wnr);
        return;
    }
    const unsigned size = 1u << s.dabt.sas;
    const uint64_t off = s.fault_ipa.raw() - h->base;
    if (s.dabt.wnr) {
        uint64_t val = get_reg(r, s.dabt.srt);
        if (size < 8) val &= (1ull << (8 * size)) - 1;
        if (!h->write || !h->write(v, off, size, val)) {
            inject_dabt(v, r, s.far, true);
            return;
        }
    } else {
        uint64_t val = 0;
        if (!h->read || !h->read(v, off, size, &val)) {
            inject_dabt(v, r, s.far, false);
            return;
        }
        if (s.dabt.sse && size < 8) {
            const unsigned shift = 64 - 8 * size;
            val = static_cast<uint64_t>(static_cast<int64_t>(val << shift) >> shift);
        }
        if (!s.dabt.sf) val &= 0xffffffffull;
        set_reg(r, s.dabt.srt, val);
    }
    r->pc += 4;
}

void on_iabt(Vcpu* v, GuestRegs* r, const Syndrome& s) {
    inject_iabt(v, r, s.far);
}

void on_unknown(Vcpu* v, GuestRegs* r, const Syndrome& s) {
    log("d%uv%u: unexpected trap EC %#x at pc %#lx: UNDEFINED", v->domain->id, v->id, s.ec, r->pc);
    inject_undef(v, r);
}

void on_serror(Vcpu* v, GuestRegs* r, const Syndrome& s) {
    crash(v, r, "SError", &s);
}

using Handler = void (*)(Vcpu*, GuestRegs*, const Syndrome&);
struct TrapEntry {
    Handler handler = on_unknown;
    const char* name = "unknown";
};

// The dispatch table: one entry per exception class (D13.2.37), default: undefined.
constexpr auto make_table() {
    struct Table {
        TrapEntry e[64];
    } t{};
    t.e[static_cast<unsigned>(Ec::Wfx)] = {on_wfx, "WFI/WFE"};
    t.e[static_cast<unsigned>(Ec::Hvc64)] = {on_hvc, "HVC"};
    t.e[static_cast<unsigned>(Ec::Smc64)] = {on_smc, "SMC"};
    t.e[static_cast<unsigned>(Ec::SysReg)] = {on_sysreg, "MSR/MRS"};
    t.e[static_cast<unsigned>(Ec::IabtLow)] = {on_iabt, "instruction abort"};
    t.e[static_cast<unsigned>(Ec::DabtLow)] = {on_dabt, "data abort"};
    t.e[static_cast<unsigned>(Ec::SError)] = {on_serror, "SError"};
    return t;
}
constexpr auto kTraps = make_table();

// --- exit path and idle --------------------------------------------------------------------

[[noreturn]] void idle_loop();

[[noreturn]] void enter_idle() {
    reset_stack_and_call(idle_loop, this_pcpu().frame);
}

// Returns when the current (non-idle) vCPU is ready to run with its LRs filled.
void prepare_entry() {
    Pcpu& p = this_pcpu();
    for (;;) {
        do_softirqs();
        if (p.current->is_idle) enter_idle();
        vgic::flush(p.current);
        if (!softirq_pending(p.id)) {
            timers_guest_entry(p.id);
            return;
        }
        vgic::fold(p.current);
    }
}

void idle_loop() {
    Pcpu& p = this_pcpu();
    for (;;) {
        do_softirqs();
        if (!p.current->is_idle) {
            vgic::flush(p.current);
            if (!softirq_pending(p.id)) {
                timers_guest_entry(p.id);
                guest_exit(p.frame);
            }
            vgic::fold(p.current);
            continue;
        }
        if (!softirq_pending(p.id))
            asm volatile("wfi" ::: "memory"); // wakes on a pending IRQ even though masked
        handle_irqs();
    }
}

} // namespace

void inject_exception(Vcpu*, GuestRegs* r, uint32_t ec, uint32_t iss, uint64_t far, bool has_far) {
    const uint64_t mode = r->pstate & reg::kPsrModeMask;
    const bool aarch32 = r->pstate & reg::kPsrAarch32;
    uint64_t offset;
    if (aarch32)
        offset = 0x600;
    else if (mode == reg::kPsrEl0t)
        offset = 0x400;
    else if (mode == reg::kPsrEl1t)
        offset = 0x000;
    else
        offset = 0x200;
    sysreg::write_esr_el1((static_cast<uint64_t>(ec) << 26) | (1ull << 25) | iss);
    if (has_far) sysreg::write_far_el1(far);
    sysreg::write_elr_el1(r->pc);
    sysreg::write_spsr_el1(r->pstate);
    r->pstate = reg::kPsrDaif | reg::kPsrEl1h;
    r->pc = sysreg::read_vbar_el1() + offset;
}

void inject_undef(Vcpu* v, GuestRegs* r) {
    inject_exception(v, r, 0x00, 0, 0, false);
}

void inject_dabt(Vcpu* v, GuestRegs* r, uint64_t far, bool write) {
    const bool from_el0 = (r->pstate & reg::kPsrModeMask) == reg::kPsrEl0t;
    // Synchronous external abort (DFSC 0x10), as a bus error on a missing device looks.
    inject_exception(v, r, from_el0 ? 0x24 : 0x25, 0x10 | (write ? (1u << 6) : 0), far, true);
}

void inject_iabt(Vcpu* v, GuestRegs* r, uint64_t far) {
    const bool from_el0 = (r->pstate & reg::kPsrModeMask) == reg::kPsrEl0t;
    inject_exception(v, r, from_el0 ? 0x20 : 0x21, 0x10, far, true);
}

void handle_sync(Vcpu* v, GuestRegs* r) {
    const Syndrome s = decode(sysreg::read_esr_el2());
    kTraps.e[s.ec].handler(v, r, s);
}

void leave_hypervisor() {
    prepare_entry();
}

[[noreturn]] void start_idle() {
    enter_idle();
}

} // namespace hyp::arch

using namespace hyp;

extern "C" GuestRegs* guest_trap(GuestRegs* f, uint64_t kind) {
    Pcpu& p = this_pcpu();
    Vcpu* v = p.current;
    ++p.traps;
    v->arch.last_trap_pc = f->pc;
    v->arch.last_trap_kind = kind;
    vgic::fold(v);
    switch (kind) {
    case TRAP_SYNC:
        arch::handle_sync(v, f);
        break;
    case TRAP_IRQ:
    case TRAP_FIQ:
        arch::handle_irqs();
        break;
    case TRAP_SERROR:
        arch::crash(v, f, "SError", nullptr);
        break;
    default:
        arch::crash(v, f, "AArch32 EL0 is not supported", nullptr);
        break;
    }
    arch::leave_hypervisor();
    return f;
}

extern "C" void hyp_fault(GuestRegs* f, uint64_t kind) {
    log("hypervisor fault on pCPU %u: kind %lu ESR %#lx ELR %#lx FAR %#lx", this_pcpu().id, kind,
        sysreg::read_esr_el2(), f->pc, sysreg::read_far_el2());
    for (int i = 0; i < 31; i += 2)
        log("  x%-2d %016lx  x%-2d %016lx", i, f->x[i], i + 1, i + 1 < 31 ? f->x[i + 1] : 0);
    panic("hypervisor fault");
}
