// A credit scheduler in the style of Xen's credit1: per-pCPU run queues ordered by
// priority (BOOST > UNDER > OVER), time slices from the hypervisor timer, credits handed
// out every accounting period in proportion to domain weights and burnt by running, a
// boost for vCPUs waking from a block (latency for I/O), an idle vCPU per pCPU, and work
// stealing between pCPUs (vCPU migration) when a pCPU would otherwise idle or run an
// OVER vCPU while an UNDER one waits elsewhere.
#pragma once

#include "lib.h"
#include "timer.h"
#include "types.h"

namespace hyp {

struct Vcpu;
struct Domain;

enum class Prio : int8_t { Boost = 0, Under = 1, Over = 2, Idle = 3 };

struct SchedUnit {
    ListNode runq;          // on a run queue while runnable and not running
    unsigned processor = 0; // pCPU it runs/queues on (or last ran on)
    int64_t credit = 0;     // in counter ticks of run time
    Prio prio = Prio::Under;
    bool running = false;
    // The pCPU whose registers hold its context, -1 once saved to memory. It outlives
    // `running`: a vCPU descheduled on one pCPU may be picked by another before the first
    // has saved it, and must not be loaded there until then.
    int ctx_cpu = -1;
    bool queued = false;
    uint64_t started = 0;    // counter value when it started running
    uint64_t cpu_ticks = 0;  // total run time
    uint32_t affinity = ~0u; // pCPUs allowed (hard affinity)
    uint32_t migrations = 0;
    bool yielded = false;
};

struct SchedConfig {
    uint64_t tslice_ticks = 0; // run time before preemption
    uint64_t period_ticks = 0; // credit accounting period
    uint32_t credits_per_period = 0;
};

namespace sched {

void init(unsigned nr_pcpus, uint64_t tslice_ticks);
void start_accounting();
const SchedConfig& config();
void add_vcpu(Vcpu* v, unsigned processor);
void remove_vcpu(Vcpu* v);

// Re-evaluates whether `v` can run (vcpu_runnable) and queues or dequeues it accordingly,
// asking the pCPUs concerned to reschedule.
void vcpu_wake(Vcpu* v);
void vcpu_sleep(Vcpu* v);
// The current vCPU wants to give up its pCPU (SCHEDOP_yield, WFE).
void yield(Vcpu* v);

// Picks what runs next on this pCPU; returns the vCPU to switch to (possibly the same).
// The caller performs the context switch.
Vcpu* schedule(unsigned cpu);
// Called when this pCPU's slice timer fires.
void slice_expired(unsigned cpu);
// Credit accounting (run by pCPU 0 every period).
void account();

// Whether `v`'s registers are (still) on some pCPU rather than in memory.
bool context_live(const Vcpu* v);
// Waits until a vCPU that no longer runs has been saved by its last pCPU (who is on its
// way to do so, holding no lock): then its context in memory may be rewritten.
void wait_context_saved(const Vcpu* v);

// Introspection for tests and the console.
unsigned runq_length(unsigned cpu);
Vcpu* curr(unsigned cpu);

} // namespace sched

} // namespace hyp
