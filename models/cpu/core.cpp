// The core's SystemC thread: the run loop, time, power and interrupt inputs.
#include "core.h"

#include "regbits.h"

#include <cinttypes>
#include <cstdio>

namespace armsim::cpu {

using namespace sc_core;

Core::Core(sc_module_name name, const CoreConfig& cfg, CodeCache& code, const CostTable& costs)
    : sc_module(name), bus("bus"), cfg_(cfg), code_(code), costs_(costs), mmu_(*this, cfg.seed) {
    bus.register_invalidate_direct_mem_ptr(this, &Core::invalidate_direct_mem_ptr);
    period_ = sc_time::from_value(
        static_cast<sc_dt::uint64>((sc_time(1, SC_SEC).value() + cfg.clock_hz / 2) / cfg.clock_hz));
    for (unsigned r = 0; r < kNumSysRegs; ++r)
        sr_[r] = sysreg_info(static_cast<SysReg>(r)).reset;
    sr_[static_cast<unsigned>(SysReg::MPIDR_EL1)] = cfg.mpidr;
    sr_[static_cast<unsigned>(SysReg::VMPIDR_EL2)] = cfg.mpidr;
    powered_ = cfg.start_powered_on;
    code_.on_new_code_page([this](uint64_t pa_page) { drop_fast_writes(pa_page); });
    SC_THREAD(thread);
}

Core::~Core() = default;

sc_time Core::local_time() const {
    return sc_time::from_value(static_cast<sc_dt::uint64>(cycles_ - synced_cycles_) *
                               period_.value());
}

void Core::reset(uint64_t entry, uint64_t x0) {
    st = ArchState{};
    st.x[0] = x0;
    st.pc = entry;
    st.el = 2;
    st.spsel = true;
    st.daif = kDaifD | kDaifA | kDaifI | kDaifF;
    for (unsigned r = 0; r < kNumSysRegs; ++r) {
        const auto reg = static_cast<SysReg>(r);
        if (reg != SysReg::MPIDR_EL1 && reg != SysReg::VMPIDR_EL2) sr_[r] = sysreg_info(reg).reset;
    }
    excl_valid_ = false;
    event_register_ = false;
    pmu_.reset();
    if (timer_) timer_->core_reset(*this);
    mmu_.invalidate_all();
    flush_fast_tlb();
    invalidate_fetch();
    attention_ = true;
}

void Core::power_on(uint64_t entry, unsigned el, uint64_t context) {
    reset(entry, context);
    if (el != 2) set_el_sp(el, el != 0);
    powered_ = true;
    power_off_requested_ = false;
    wake_ev_.notify(SC_ZERO_TIME);
}

void Core::power_off() {
    power_off_requested_ = true;
    stop_loop();
}

void Core::standby() {
    if (interrupt_pending_wakeup()) return;
    in_wfi_ = true;
    stop_loop();
}

void Core::set_line(IrqLine l, bool level) {
    const uint32_t bitv = 1u << static_cast<unsigned>(l);
    const uint32_t old = lines_;
    lines_ = level ? (lines_ | bitv) : (lines_ & ~bitv);
    if (lines_ != old) {
        attention_ = true;
        if (level) wake_ev_.notify(SC_ZERO_TIME);
    }
}

void Core::send_event() {
    event_register_ = true;
    wake_ev_.notify(SC_ZERO_TIME);
}

void Core::send_event_all() {
    if (peers_) {
        for (Core* c : *peers_)
            c->send_event();
    } else {
        send_event();
    }
}

void Core::thread() {
    for (;;) {
        while (!powered_)
            wait(wake_ev_);
        qk_.reset();
        synced_cycles_ = cycles_;
        while (powered_) {
            uint64_t budget = qk_.until_sync().value() / period_.value();
            if (budget == 0) budget = 1;
            if (slice_policy_) budget = slice_policy_->next_slice(cfg_.index, budget);
            // --max-insns bounds instructions plus exceptions taken, so a guest looping on a
            // fault still stops. Every one of them costs at least one cycle.
            const uint64_t steps = retired_ + exceptions_;
            uint64_t limit = cycles_ + budget;
            if (insn_limit_ && insn_limit_ - steps < budget)
                limit = cycles_ + (insn_limit_ - steps);
            execute(limit);
            sync_time();
            if (insn_limit_ && retired_ + exceptions_ >= insn_limit_) {
                char msg[96];
                std::snprintf(msg, sizeof msg, "%s reached the instruction limit (%" PRIu64 ")",
                              name(), insn_limit_);
                if (run_control_) run_control_->stop(3, msg);
                wait(); // the kernel stops at the end of this delta
            }
            if (power_off_requested_) {
                power_off_requested_ = false;
                powered_ = false;
                in_wfi_ = in_wfe_ = false;
                break;
            }
            if (in_wfi_ || in_wfe_) wait_for_interrupt();
        }
    }
}

uint64_t Core::run_steps(uint64_t n) {
    const uint64_t start = retired_;
    const uint64_t target = retired_ + n;
    powered_ = true;
    while (retired_ < target) {
        const uint64_t before = retired_;
        execute(cycles_ + (target - retired_)); // every instruction costs >= 1 cycle
        if (in_wfi_ || in_wfe_ || power_off_requested_ || retired_ == before) break;
    }
    return retired_ - start;
}

void Core::sync_time() {
    qk_.set(local_time());
    qk_.sync(); // waits for the local offset, then recomputes the local quantum
    synced_cycles_ = cycles_;
}

bool Core::interrupt_pending_wakeup() const {
    // Any asserted interrupt input wakes WFI/WFE whatever PSTATE's masks say (D1.16.2);
    // HCR_EL2.VI/VF/VSE are virtual inputs too.
    const uint64_t hcr = sysreg(SysReg::HCR_EL2);
    return lines_ != 0 || (hcr & ((1u << 7) | (1u << 6) | (1u << 8)));
}

void Core::wait_for_interrupt() {
    for (;;) {
        if (in_wfi_ && interrupt_pending_wakeup()) break;
        if (in_wfe_ && (event_register_ || interrupt_pending_wakeup())) {
            event_register_ = false;
            break;
        }
        if (!powered_ || power_off_requested_) break;
        wait(wake_ev_);
    }
    in_wfi_ = in_wfe_ = false;
    qk_.reset();
    synced_cycles_ = cycles_;
    attention_ = true;
}

// WFI and WFE trap only when they would otherwise wait (pseudocode of C6.2 WFI/WFE: the
// traps sit inside "if !InterruptPending()" / "if !IsEventRegisterSet()"). EL1's trap is
// checked before EL2's (D1.16.3); ISS: CV=1, COND=0b1110, TI = 0 (WFI) or 1 (WFE).
void Core::wfi() {
    if (interrupt_pending_wakeup()) return;
    if (st.el == 0 && !(sysreg(SysReg::SCTLR_EL1) & sctlr::nTWI))
        raise(Exception{Ec::WfxTrap, (1u << 24) | (0xeu << 20) | 0, 0});
    if (st.el < 2 && (sysreg(SysReg::HCR_EL2) & hcr::TWI))
        raise(Exception{Ec::WfxTrap, (1u << 24) | (0xeu << 20) | 0, 2});
    in_wfi_ = true;
    stop_loop();
}

void Core::wfe() {
    if (event_register_) {
        event_register_ = false;
        return;
    }
    if (st.el == 0 && !(sysreg(SysReg::SCTLR_EL1) & sctlr::nTWE))
        raise(Exception{Ec::WfxTrap, (1u << 24) | (0xeu << 20) | 1, 0});
    if (st.el < 2 && (sysreg(SysReg::HCR_EL2) & hcr::TWE))
        raise(Exception{Ec::WfxTrap, (1u << 24) | (0xeu << 20) | 1, 2});
    in_wfe_ = true;
    stop_loop();
}

// The loop every instruction goes through. Faults thrown by handlers land in the catch
// below, which takes the exception and carries on.
// Not vectorised: GCC merges the cycle and instruction counters into one 16-byte add
// through memory, which stalls on the store-to-load path each instruction (measured ~5-10%).
#if defined(__GNUC__) && !defined(__clang__)
#define ARMSIM_NO_VECTORIZE __attribute__((optimize("no-tree-vectorize")))
#else
#define ARMSIM_NO_VECTORIZE
#endif
ARMSIM_NO_VECTORIZE void Core::execute(uint64_t cycle_limit) {
    for (;;) {
        try {
            for (;;) {
                if (__builtin_expect(attention_, 0)) {
                    if (handle_attention()) return;
                    // Taking an interrupt costs cycles too: stop at the limit, so that
                    // run_steps(1) is exactly one step (an instruction or an exception).
                    if (cycles_ >= cycle_limit) return;
                }
                if (__builtin_expect((st.pc & kPageMask) != fetch_va_, 0)) refill_fetch();
                const DecodedInsn& d = fetch_page_->slot[(st.pc & (kPageSize - 1)) >> 2];
                d.fn(*this, d.insn);
                cycles_ += d.cycles;
                ++retired_;
                if (__builtin_expect(cycles_ >= cycle_limit, 0)) return;
            }
        } catch (const GuestFault& f) {
            take_exception(f.exc);
            if (cycles_ >= cycle_limit) return;
        }
    }
}

bool Core::handle_attention() {
    attention_ = false;
    if (stop_loop_) {
        stop_loop_ = false;
        return true;
    }
    if (st.il) {
        // PSTATE.IL after an illegal exception return: the next instruction takes an
        // Illegal Execution state exception (D1.12.x).
        raise(Exception{Ec::IllegalState, 0, 0});
    }
    take_pending_interrupt();
    return false;
}

} // namespace armsim::cpu
