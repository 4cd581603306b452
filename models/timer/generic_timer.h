// The ARMv8 Generic Timer (ARM DDI 0487 chapter D10 "The Generic Timer in AArch64 state"):
// one system counter for the board and, per core, the EL1 physical timer (CNTP_*), the
// virtual timer (CNTV_*, offset by CNTVOFF_EL2) and the EL2 physical timer (CNTHP_*), the
// access controls CNTKCTL_EL1 / CNTHCTL_EL2 and the two event streams.
//
// The counter is simulated time: count(t) = floor(t * frequency). Reads use the accessing
// core's own time (Core::now(), including its unsynchronised offset). Nothing ticks: a timer
// that is enabled and not yet expired schedules an sc_event for the instant its condition
// becomes true, and the event streams schedule their next edge the same way.
//
// The timer outputs are level signals to PPIs (on_irq): CNTP 30, CNTV 27, CNTHP 26 (the
// secure timer, PPI 29, has no timer in a machine without EL3 and is never driven).
#pragma once

#include "models/cpu/platform.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

namespace armsim::timer {

struct TimerConfig {
    unsigned num_cpus = 1;
    uint64_t frequency_hz = 62'500'000; // QEMU virt's CNTFRQ
};

// The per-core timers, indexed as below.
enum Kind : unsigned { kPhys = 0, kVirt = 1, kHyp = 2 };
constexpr unsigned kNumKinds = 3;
// Their PPIs (INTIDs) on QEMU virt.
constexpr unsigned kIntid[kNumKinds] = {30, 27, 26};
constexpr unsigned kSecurePhysIntid = 29;

class GenericTimer : public sc_core::sc_module, public cpu::SysRegDevice {
public:
    GenericTimer(sc_core::sc_module_name name, const TimerConfig& cfg);
    ~GenericTimer() override;

    // Timer output of `cpu` for INTID `intid` changed level.
    void on_irq(std::function<void(unsigned cpu, unsigned intid, bool level)> fn) {
        irq_ = std::move(fn);
    }
    // An event-stream event for `cpu` (the board sends it to the core's WFE).
    void on_event(std::function<void(unsigned cpu)> fn) { event_ = std::move(fn); }

    // cpu::SysRegDevice: the CNT* registers of the accessing core.
    uint64_t sysreg_read(cpu::Core& core, unsigned reg) override;
    void sysreg_write(cpu::Core& core, unsigned reg, uint64_t value) override;
    void core_reset(cpu::Core& core) override;
    // Every core's timers back to their reset state (a system reset).
    void reset();

    // The system counter at a simulated time, and the first time it shows `count`.
    uint64_t count_at(uint64_t ps) const;
    uint64_t time_of(uint64_t count) const; // UINT64_MAX when beyond representable time
    uint64_t frequency() const { return cfg_.frequency_hz; }

    // Observation (tests).
    bool output(unsigned cpu, Kind k) const { return cores_.at(cpu)->ch[k].out; }
    uint64_t fires() const { return fires_; }
    // A hash of every timer's registers and output, for the run digest.
    uint64_t digest() const;

private:
    struct Channel {
        uint32_t ctl = 0; // ENABLE (bit 0), IMASK (bit 1); ISTATUS is computed
        uint64_t cval = 0;
        bool out = false;
        uint64_t due_ps = UINT64_MAX; // when the scheduled event fires
        sc_core::sc_event ev;
    };
    struct EventStream {
        uint64_t due_ps = UINT64_MAX;
        sc_core::sc_event ev;
    };
    struct PerCore {
        std::array<Channel, kNumKinds> ch;
        std::array<EventStream, 2> stream; // 0: CNTKCTL_EL1 on CNTVCT, 1: CNTHCTL_EL2 on CNTPCT
        uint64_t cntvoff = 0;
        uint64_t cntfrq = 0;
        uint32_t cntkctl = 0;
        uint32_t cnthctl = 0;
    };

    void check_access(cpu::Core& core, unsigned reg, bool read) const;
    // The start of every register access: the traps, then the accessing core's timers caught
    // up to its own time, which it returns.
    uint64_t begin_access(cpu::Core& core, unsigned reg, bool read);
    uint64_t offset(const PerCore& p, unsigned k) const { return k == kVirt ? p.cntvoff : 0; }
    bool condition(const PerCore& p, unsigned k, uint64_t ps) const;
    // Re-evaluates a timer at time `ps` (>= the kernel's time): output, next firing.
    void evaluate(unsigned cpu, unsigned k, uint64_t ps);
    void fire(unsigned cpu, unsigned k);
    // Catches up timers whose event is due by `ps` (an access from a core running ahead).
    void catch_up(unsigned cpu, uint64_t ps);
    void schedule_stream(unsigned cpu, unsigned s, uint64_t ps);
    void stream_fire(unsigned cpu, unsigned s);
    void set_out(unsigned cpu, unsigned k, bool level, uint64_t ps);
    void reset_core(unsigned cpu);
    // A method process run each time `ev` fires (and not at start-up).
    static void spawn_on(sc_core::sc_event& ev, const std::string& name, std::function<void()> fn);
    static void notify_at(sc_core::sc_event& ev, uint64_t& due, uint64_t ps);

    TimerConfig cfg_;
    std::vector<std::unique_ptr<PerCore>> cores_; // sc_event is not movable
    std::function<void(unsigned, unsigned, bool)> irq_;
    std::function<void(unsigned)> event_;
    uint64_t fires_ = 0;
};

} // namespace armsim::timer
