// The Performance Monitors Extension, PMUv3 as ARMv8.0 defines it (ARM DDI 0487 D7, D13.4):
// the cycle counter PMCCNTR_EL0 and six event counters, enables, overflow flags, EL
// filtering (PMCCFILTR_EL0, PMEVTYPER<n>_EL0), the PMSELR_EL0 indirection, software
// increment, and the EL0 access controls of PMUSERENR_EL0.
//
// Counting costs nothing per instruction: every running counter is a base value of the
// core's cycle or instruction count, folded into the stored value when software looks at
// it, when an exception changes the EL (the filters depend on it), or when the controls
// change. Events implemented: SW_INCR (0x00), INST_RETIRED (0x08), CPU_CYCLES (0x11);
// PMCEID0_EL0 advertises exactly these. Overflow sets PMOVSSET_EL0; the overflow interrupt
// is not wired (the core has no PPI output yet).
#pragma once

#include "sysregs.h"

#include <cstdint>

namespace armsim::cpu {

class Core;

class Pmu {
public:
    static constexpr unsigned kCounters = 6;      // PMCR_EL0.N, as on Cortex-A57
    static constexpr unsigned kCycle = kCounters; // internal index of PMCCNTR_EL0

    explicit Pmu(Core& core) : core_(core) {}
    void reset();

    // Register access, after the core's access checks (sysregs.cpp).
    uint64_t read(SysReg r);
    void write(SysReg r, uint64_t v);
    // EL0 access allowed by PMUSERENR_EL0 (D13.4 PMUSERENR_EL0): EN for everything; SW for
    // PMSWINC_EL0; CR for reading PMCCNTR_EL0; ER for reading event counters and PMSELR_EL0.
    bool el0_allowed(SysReg r, bool read) const;
    // MDCR_EL2.HPMN makes event counters n >= HPMN UNDEFINED at EL0 and EL1.
    bool counter_reserved(SysReg r) const;

    // Around a change of EL (exception entry and return): fold what ran at the old EL,
    // then restart the counters the filters allow at the new one.
    bool active() const { return active_; }
    void fold();
    void rearm();

private:
    uint64_t source(unsigned idx) const;
    bool enabled(unsigned idx) const;
    bool filtered_out(uint64_t filter, unsigned el) const;
    void sync() {
        fold();
        rearm();
    }
    void increment(unsigned idx, uint64_t delta);
    unsigned hpmn() const;

    Core& core_;
    uint64_t pmcr_ = 0;  // E, D, X, DP, LC (P and C are write-only actions)
    uint64_t cnten_ = 0; // bit n: event counter n, bit 31: the cycle counter
    uint64_t ovs_ = 0;
    uint64_t inten_ = 0;
    uint64_t selr_ = 0;
    uint64_t ccfiltr_ = 0;
    uint64_t userenr_ = 0;
    uint64_t evtype_[kCounters] = {};
    uint64_t value_[kCounters + 1] = {}; // at the last fold
    uint64_t base_[kCounters + 1] = {};  // source count at the last fold
    uint64_t divider_rest_ = 0;          // cycles not yet counted with PMCR_EL0.D
    bool running_[kCounters + 1] = {};
    bool active_ = false;
};

} // namespace armsim::cpu
