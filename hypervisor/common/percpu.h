// Per-pCPU state.
#pragma once

#include "domain.h"

namespace hyp {

enum Softirq : uint32_t {
    kSoftirqTimer = 1u << 0,
    kSoftirqSchedule = 1u << 1,
    kSoftirqDeferred = 1u << 2, // domain destroys/reboots
};

struct Pcpu {
    unsigned id = 0;
    uint64_t mpidr = 0;
    bool online = false;
    Vcpu* current = nullptr;
    Vcpu idle;
    uint32_t softirqs = 0;
    GuestRegs* frame = nullptr; // where the running guest's registers are saved on a trap
    Timer slice_timer;
    uint64_t slice_end = 0;
    uint64_t traps = 0, irqs = 0, switches = 0;
};

extern Pcpu g_pcpus[kMaxPcpus];
extern unsigned g_nr_pcpus;

inline Pcpu& pcpu(unsigned id) {
    return g_pcpus[id];
}
Pcpu& this_pcpu();

void raise_softirq(unsigned cpu, uint32_t bits);
inline bool softirq_pending(unsigned cpu) {
    return __atomic_load_n(&g_pcpus[cpu].softirqs, __ATOMIC_ACQUIRE) != 0;
}
// Runs pending softirqs of this pCPU (timers, deferred domain work, scheduling with the
// resulting context switch).
void do_softirqs();
// Logs the state of every pCPU and vCPU (debugging hangs: debug_dump_ms=).
void debug_dump();

} // namespace hyp
