// Software timers on each pCPU's hypervisor timer (CNTHP on arm64): scheduler slices,
// vCPU wake-ups for a virtual timer that fires while its vCPU is descheduled, poll
// timeouts, the emulated EL1 physical timer. Deadlines are system counter values.
#pragma once

#include "lib.h"
#include "types.h"

namespace hyp {

struct Timer {
    ListNode node;
    uint64_t deadline = 0;
    void (*fn)(void* data) = nullptr;
    void* data = nullptr;
    int cpu = -1; // queue it is on, -1 when inactive
};

inline constexpr unsigned kMaxPcpus = 8;

void timer_init(Timer* t, void (*fn)(void*), void* data);
// Arms (or re-arms) `t` on pCPU `cpu`'s queue. Stopping is safe from anywhere, but two
// pCPUs must never arm the same timer at once (each would link it into its queue): a
// timer is armed by whoever owns what it belongs to (a vCPU's by the pCPU holding its
// context).
void timer_set(Timer* t, uint64_t deadline, unsigned cpu);
void timer_stop(Timer* t);
bool timer_active(const Timer* t);
// Runs the expired timers of `cpu` and programs its hardware timer for the next one.
void timers_run(unsigned cpu);
// Earliest deadline on `cpu` (0 when none).
uint64_t timers_next(unsigned cpu);
void timers_init();

} // namespace hyp
