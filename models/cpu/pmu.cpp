#include "pmu.h"

#include "core.h"
#include "regbits.h"

namespace armsim::cpu {

namespace {

using R = SysReg;

// PMCR_EL0 (D13.4.x): IMP 0x41 (Arm), IDCODE 0x01 (Cortex-A57), N = 6.
constexpr uint64_t kPmcrId = (0x41ull << 24) | (0x01ull << 16);
constexpr uint64_t kPmcrE = 1, kPmcrP = 2, kPmcrC = 4, kPmcrD = 8, kPmcrLC = 1u << 6;
constexpr uint64_t kPmcrWritable = kPmcrE | kPmcrD | (1u << 4) | (1u << 5) | kPmcrLC;
constexpr uint64_t kCycleBit = 1ull << 31;
constexpr uint64_t kCounterBits = (1ull << Pmu::kCounters) - 1;
// PMEVTYPER<n>_EL0 / PMCCFILTR_EL0: P, U, NSK, NSU, NSH, M and (event counters) evtCount.
constexpr uint64_t kFilterBits = 0xfc000000ull, kEvtCount = 0x3ff;
constexpr uint64_t kFilterP = 1ull << 31, kFilterU = 1ull << 30, kFilterNSH = 1ull << 27;

enum Event : unsigned { SW_INCR = 0x00, INST_RETIRED = 0x08, CPU_CYCLES = 0x11 };

int event_index(R r) {
    switch (r) {
    case R::PMEVCNTR0_EL0:
    case R::PMEVTYPER0_EL0:
        return 0;
    case R::PMEVCNTR1_EL0:
    case R::PMEVTYPER1_EL0:
        return 1;
    case R::PMEVCNTR2_EL0:
    case R::PMEVTYPER2_EL0:
        return 2;
    case R::PMEVCNTR3_EL0:
    case R::PMEVTYPER3_EL0:
        return 3;
    case R::PMEVCNTR4_EL0:
    case R::PMEVTYPER4_EL0:
        return 4;
    case R::PMEVCNTR5_EL0:
    case R::PMEVTYPER5_EL0:
        return 5;
    default:
        return -1;
    }
}
bool is_counter(R r) {
    return r >= R::PMEVCNTR0_EL0 && r <= R::PMEVCNTR5_EL0;
}

} // namespace

void Pmu::reset() {
    pmcr_ = cnten_ = ovs_ = inten_ = selr_ = ccfiltr_ = userenr_ = divider_rest_ = 0;
    for (unsigned i = 0; i <= kCounters; ++i) {
        value_[i] = base_[i] = 0;
        running_[i] = false;
        if (i < kCounters) evtype_[i] = 0;
    }
    active_ = false;
}

unsigned Pmu::hpmn() const {
    return static_cast<unsigned>(core_.sysreg(R::MDCR_EL2) & 0x1f);
}

uint64_t Pmu::source(unsigned idx) const {
    if (idx == kCycle) return core_.cycles_;
    switch (evtype_[idx] & kEvtCount) {
    case INST_RETIRED:
        return core_.retired_;
    case CPU_CYCLES:
        return core_.cycles_;
    default:
        return 0; // SW_INCR counts in PMSWINC_EL0 writes; events PMCEID0 does not list never count
    }
}

// Whether a counter with this filter counts at `el` (D7.9, no EL3: NSK/NSU are ignored).
bool Pmu::filtered_out(uint64_t filter, unsigned el) const {
    switch (el) {
    case 0:
        return filter & kFilterU;
    case 1:
        return filter & kFilterP;
    default:
        return !(filter & kFilterNSH);
    }
}

bool Pmu::enabled(unsigned idx) const {
    if (idx == kCycle) return (pmcr_ & kPmcrE) && (cnten_ & kCycleBit);
    // Counters below MDCR_EL2.HPMN are enabled by PMCR_EL0.E, the others by MDCR_EL2.HPME.
    const bool global = idx < hpmn() ? (pmcr_ & kPmcrE) : (core_.sysreg(R::MDCR_EL2) & mdcr::HPME);
    return global && (cnten_ & (1ull << idx));
}

void Pmu::increment(unsigned idx, uint64_t delta) {
    if (!delta) return;
    const uint64_t old = value_[idx];
    if (idx == kCycle) {
        const uint64_t now = old + delta;
        const bool overflow = (pmcr_ & kPmcrLC) ? now < old : ((old & 0xffffffff) + delta) >> 32;
        if (overflow) ovs_ |= kCycleBit;
        value_[idx] = now;
    } else {
        if (((old & 0xffffffff) + delta) >> 32) ovs_ |= 1ull << idx;
        value_[idx] = (old + delta) & 0xffffffff;
    }
}

void Pmu::fold() {
    for (unsigned i = 0; i <= kCounters; ++i) {
        if (!running_[i]) continue;
        const uint64_t src = source(i);
        uint64_t delta = src - base_[i];
        base_[i] = src;
        if (i == kCycle && (pmcr_ & kPmcrD)) { // PMCR_EL0.D: one count every 64 cycles
            divider_rest_ += delta;
            delta = divider_rest_ / 64;
            divider_rest_ %= 64;
        }
        increment(i, delta);
    }
}

void Pmu::rearm() {
    active_ = false;
    const unsigned el = core_.st.el;
    for (unsigned i = 0; i <= kCounters; ++i) {
        const uint64_t filter = i == kCycle ? ccfiltr_ : evtype_[i];
        running_[i] = enabled(i) && !filtered_out(filter, el) &&
                      (i == kCycle || (evtype_[i] & kEvtCount) != SW_INCR);
        base_[i] = source(i);
        // Enabled counters keep the PMU "active" even while filtered at this EL, so that
        // the next EL change re-evaluates them.
        active_ = active_ || enabled(i);
    }
}

bool Pmu::el0_allowed(SysReg r, bool read) const {
    if (userenr_ & 1) // EN
        return r != R::PMINTENSET_EL1 && r != R::PMINTENCLR_EL1;
    if (r == R::PMSWINC_EL0) return userenr_ & 2;           // SW
    if (r == R::PMCCNTR_EL0) return read && (userenr_ & 4); // CR
    if (is_counter(r) || r == R::PMXEVCNTR_EL0 || r == R::PMSELR_EL0)
        return (userenr_ & 8) && (read || r == R::PMSELR_EL0); // ER
    return false;
}

bool Pmu::counter_reserved(SysReg r) const {
    if (core_.st.el == 2) return false;
    int n = event_index(r);
    if (r == R::PMXEVCNTR_EL0 || r == R::PMXEVTYPER_EL0)
        n = (selr_ & 31) == 31 ? -1 : static_cast<int>(selr_ & 31);
    return n >= 0 && static_cast<unsigned>(n) >= hpmn();
}

uint64_t Pmu::read(SysReg r) {
    fold();
    rearm();
    const uint64_t visible = core_.st.el == 2 ? kCounterBits : (1ull << hpmn()) - 1;
    switch (r) {
    case R::PMCR_EL0: {
        // N reads as MDCR_EL2.HPMN at EL0 and EL1 (D13.4 PMCR_EL0.N).
        const uint64_t n = core_.st.el == 2 ? kCounters : hpmn();
        return kPmcrId | (n << 11) | pmcr_;
    }
    case R::PMCNTENSET_EL0:
    case R::PMCNTENCLR_EL0:
        return cnten_ & (visible | kCycleBit);
    case R::PMOVSSET_EL0:
    case R::PMOVSCLR_EL0:
        return ovs_ & (visible | kCycleBit);
    case R::PMINTENSET_EL1:
    case R::PMINTENCLR_EL1:
        return inten_ & (visible | kCycleBit);
    case R::PMSELR_EL0:
        return selr_;
    case R::PMCCNTR_EL0:
        return value_[kCycle];
    case R::PMCCFILTR_EL0:
        return ccfiltr_;
    case R::PMUSERENR_EL0:
        return userenr_;
    case R::PMCEID0_EL0:
        return (1ull << SW_INCR) | (1ull << INST_RETIRED) | (1ull << CPU_CYCLES);
    case R::PMCEID1_EL0:
        return 0;
    case R::PMXEVTYPER_EL0:
    case R::PMXEVCNTR_EL0: {
        const unsigned sel = selr_ & 31;
        if (sel == 31) return r == R::PMXEVTYPER_EL0 ? ccfiltr_ : 0;
        if (sel >= kCounters) return 0; // CONSTRAINED UNPREDICTABLE: RAZ/WI chosen (as QEMU does)
        return r == R::PMXEVTYPER_EL0 ? evtype_[sel] : value_[sel];
    }
    default: {
        const int n = event_index(r);
        if (n < 0) return 0;
        return is_counter(r) ? value_[n] : evtype_[n];
    }
    }
}

void Pmu::write(SysReg r, uint64_t v) {
    fold();
    switch (r) {
    case R::PMCR_EL0:
        pmcr_ = v & kPmcrWritable;
        if (v & kPmcrP)
            for (unsigned i = 0; i < kCounters; ++i)
                value_[i] = 0;
        if (v & kPmcrC) {
            value_[kCycle] = 0;
            divider_rest_ = 0;
        }
        break;
    case R::PMCNTENSET_EL0:
        cnten_ |= v & (kCounterBits | kCycleBit);
        break;
    case R::PMCNTENCLR_EL0:
        cnten_ &= ~v;
        break;
    case R::PMOVSSET_EL0:
        ovs_ |= v & (kCounterBits | kCycleBit);
        break;
    case R::PMOVSCLR_EL0:
        ovs_ &= ~v;
        break;
    case R::PMINTENSET_EL1:
        inten_ |= v & (kCounterBits | kCycleBit);
        break;
    case R::PMINTENCLR_EL1:
        inten_ &= ~v;
        break;
    case R::PMSELR_EL0:
        selr_ = v & 31;
        break;
    case R::PMCCNTR_EL0:
        value_[kCycle] = v;
        break;
    case R::PMCCFILTR_EL0:
        ccfiltr_ = v & kFilterBits;
        break;
    case R::PMUSERENR_EL0:
        userenr_ = v & 0xf;
        break;
    case R::PMSWINC_EL0:
        for (unsigned i = 0; i < kCounters; ++i)
            if ((v >> i) & 1 && enabled(i) && (evtype_[i] & kEvtCount) == SW_INCR &&
                !filtered_out(evtype_[i], core_.st.el))
                increment(i, 1);
        break;
    case R::PMXEVTYPER_EL0:
    case R::PMXEVCNTR_EL0: {
        const unsigned sel = selr_ & 31;
        if (sel == 31 && r == R::PMXEVTYPER_EL0)
            ccfiltr_ = v & kFilterBits;
        else if (sel < kCounters && r == R::PMXEVTYPER_EL0)
            evtype_[sel] = v & (kFilterBits | kEvtCount);
        else if (sel < kCounters)
            value_[sel] = v & 0xffffffff;
        break;
    }
    default: {
        const int n = event_index(r);
        if (n >= 0 && is_counter(r))
            value_[n] = v & 0xffffffff;
        else if (n >= 0)
            evtype_[n] = v & (kFilterBits | kEvtCount);
        break;
    }
    }
    rearm();
}

} // namespace armsim::cpu
