// Sorted per-pCPU timer queues.
#include "timer.h"

#include "arch.h"
#include "percpu.h"

namespace hyp {

namespace {
struct Queue {
    ListNode head;
    SpinLock lock;
    // What this queue's pCPU last wrote to its hardware timer (0: off), and whether
    // timers_guest_entry put it off. Only the owning pCPU programs its timer, with
    // interrupts masked, so both are read and written there without the lock.
    uint64_t programmed = 0;
    bool postponed = false;
};
Queue g_queues[kMaxPcpus];

Timer* first(Queue& q) {
    return q.head.next == &q.head ? nullptr : HYP_CONTAINER_OF(q.head.next, Timer, node);
}

// Programs the hardware timer when `cpu` is this pCPU; a remote pCPU gets a timer softirq
// (timer_set) and reprograms itself when it runs its queue.
void reprogram(unsigned cpu, Queue& q) {
    Timer* t = first(q);
    if (cpu == arch::cpu_id()) {
        q.programmed = t ? t->deadline : 0;
        q.postponed = false;
        arch::timer_program(q.programmed);
    }
}
} // namespace

void timers_init() {
    for (auto& q : g_queues) {
        q.head.prev = q.head.next = &q.head;
        q.programmed = 0;
        q.postponed = false;
    }
}

void timer_init(Timer* t, void (*fn)(void*), void* data) {
    t->fn = fn;
    t->data = data;
    t->cpu = -1;
    t->node.prev = t->node.next = &t->node;
}

bool timer_active(const Timer* t) {
    return __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE) >= 0;
}

void timer_stop(Timer* t) {
    for (;;) {
        const int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        if (cpu < 0) return;
        Queue& q = g_queues[cpu];
        LockGuard g(q.lock);
        if (t->cpu != cpu) continue; // moved meanwhile
        t->node.unlink();
        __atomic_store_n(&t->cpu, -1, __ATOMIC_RELEASE);
        return;
    }
}

void timer_set(Timer* t, uint64_t deadline, unsigned cpu) {
    timer_stop(t);
    Queue& q = g_queues[cpu];
    bool head_changed;
    {
        LockGuard g(q.lock);
        t->deadline = deadline;
        ListNode* pos = q.head.next;
        while (pos != &q.head && HYP_CONTAINER_OF(pos, Timer, node)->deadline <= deadline)
            pos = pos->next;
        pos->insert_before(&t->node);
        __atomic_store_n(&t->cpu, static_cast<int>(cpu), __ATOMIC_RELEASE);
        head_changed = first(q) == t;
        if (head_changed) reprogram(cpu, q);
    }
    // Only a pCPU programs its own hardware timer: a new earliest deadline on another one
    // is a timer softirq there (run its queue, reprogram), not just a kick.
    if (head_changed && cpu != arch::cpu_id()) raise_softirq(cpu, kSoftirqTimer);
}

void timers_guest_entry(unsigned cpu) {
    // A floor under the next expiry, like the 100 us minimum Xen's credit scheduler keeps
    // under any slice it arms (CSCHED_MIN_TIMER) and the minimum delta Linux's clockevents
    // keep under any event they program (min_delta_ns): a deadline already past is
    // programmed that far ahead instead of firing at once.
    // Once only: a guest that traps again before the postponed deadline (a yield loop, a
    // poll) must not push it further each time, or the timer would never fire.
    // What matters is what the hardware will do, so the check reads what this pCPU
    // programmed, not the queue: no lock on the way into every guest (hyp-bench measured
    // 50 ns more per trap with it).
    Queue& q = g_queues[cpu];
    if (!q.programmed || q.postponed) return;
    // CNTFRQ never changes after boot; every pCPU computes the same value.
    static const uint64_t min_ticks = kMinGuestRunUs * arch::counter_hz() / 1000000;
    const uint64_t earliest = arch::now() + min_ticks;
    if (q.programmed < earliest) {
        q.programmed = earliest;
        q.postponed = true;
        arch::timer_program(earliest);
    }
}

uint64_t timers_next(unsigned cpu) {
    Queue& q = g_queues[cpu];
    LockGuard g(q.lock);
    Timer* t = first(q);
    return t ? t->deadline : 0;
}

void timers_run(unsigned cpu) {
    Queue& q = g_queues[cpu];
    for (;;) {
        Timer* t;
        {
            LockGuard g(q.lock);
            t = first(q);
            if (!t || t->deadline > arch::now()) {
                reprogram(cpu, q);
                return;
            }
            t->node.unlink();
            __atomic_store_n(&t->cpu, -1, __ATOMIC_RELEASE);
        }
        // The callback may re-arm the timer or take other locks.
        t->fn(t->data);
    }
}

} // namespace hyp
