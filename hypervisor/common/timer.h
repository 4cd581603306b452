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
// Called on the way into a guest, with nothing left to do in the hypervisor: keeps the
// hardware timer of `cpu` from firing within kMinGuestRunUs of now, so the guest runs at
// least that long however overdue the next timer is (it runs, that much late, on the next
// exit). Without it a pCPU whose exit path takes longer than its timers' periods (a slow
// lock under QEMU on a loaded host) re-enters the guest with a timer already due, takes
// the interrupt before the guest's first instruction, and the guest never runs again.
void timers_guest_entry(unsigned cpu);
inline constexpr uint64_t kMinGuestRunUs = 100;
// Earliest deadline on `cpu` (0 when none).
uint64_t timers_next(unsigned cpu);
void timers_init();

} // namespace hyp
