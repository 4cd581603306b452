// Credit scheduler (see sched.h). One lock for all run queues keeps the cross-pCPU
// operations (wake-ups, stealing, accounting) simple; with at most 8 pCPUs it is not a
// bottleneck.
#include "sched.h"

#include "arch.h"
#include "domain.h"
#include "percpu.h"

namespace hyp::sched {

namespace {
SpinLock g_lock;
SchedConfig g_cfg;
unsigned g_nr = 1;
struct Rq {
    ListNode head;
    unsigned len = 0;
};
Rq g_rq[kMaxPcpus];
Vcpu* g_curr[kMaxPcpus];
Timer g_account_timer;

SchedUnit& su(Vcpu* v) {
    return v->sched;
}
Vcpu* of(ListNode* n) {
    return HYP_CONTAINER_OF(HYP_CONTAINER_OF(n, SchedUnit, runq), Vcpu, sched);
}

Prio prio_of(Vcpu* v) {
    return v->is_idle ? Prio::Idle : su(v).prio;
}

// Behind every vCPU of the same or better priority (FIFO within a priority).
void enqueue(Vcpu* v, unsigned cpu) {
    Rq& rq = g_rq[cpu];
    ListNode* pos = rq.head.next;
    while (pos != &rq.head && prio_of(of(pos)) <= su(v).prio)
        pos = pos->next;
    pos->insert_before(&su(v).runq);
    su(v).queued = true;
    su(v).processor = cpu;
    ++rq.len;
}

void dequeue(Vcpu* v) {
    su(v).runq.unlink();
    su(v).queued = false;
    --g_rq[su(v).processor].len;
}

Vcpu* head(unsigned cpu) {
    Rq& rq = g_rq[cpu];
    return rq.head.next == &rq.head ? nullptr : of(rq.head.next);
}

bool allowed(Vcpu* v, unsigned cpu) {
    return (su(v).affinity >> cpu) & 1;
}

// Chooses a pCPU for a waking vCPU: its own if idle there, else an idle one it may use,
// else its own (it will be picked up by stealing if another pCPU goes idle).
unsigned pick_cpu(Vcpu* v) {
    const unsigned own = su(v).processor;
    if (allowed(v, own) && g_curr[own]->is_idle && g_rq[own].len == 0) return own;
    for (unsigned c = 0; c < g_nr; ++c)
        if (pcpu(c).online && allowed(v, c) && g_curr[c]->is_idle && g_rq[c].len == 0) return c;
    if (allowed(v, own)) return own;
    for (unsigned c = 0; c < g_nr; ++c)
        if (allowed(v, c)) return c;
    return own;
}

// Wakes an idle pCPU (not `except`) that may run `v`: it will steal it from `except`'s queue
// (Xen's credit1 "tickles" idlers the same way). Without this, vCPUs preempted at the end
// of their slice queue up behind each other while other pCPUs sleep.
void tickle_idler(Vcpu* v, unsigned except) {
    for (unsigned c = 0; c < g_nr; ++c)
        if (c != except && pcpu(c).online && allowed(v, c) && g_curr[c]->is_idle) {
            raise_softirq(c, kSoftirqSchedule);
            return;
        }
}

// Asks `cpu` to reschedule when `v` should preempt what it runs.
void tickle(unsigned cpu, Vcpu* v) {
    if (prio_of(v) < prio_of(g_curr[cpu])) raise_softirq(cpu, kSoftirqSchedule);
}

void update_prio(Vcpu* v) {
    if (su(v).prio != Prio::Boost) su(v).prio = su(v).credit > 0 ? Prio::Under : Prio::Over;
}

void burn(Vcpu* v, uint64_t now) {
    const uint64_t ran = now > su(v).started ? now - su(v).started : 0;
    su(v).cpu_ticks += ran;
    su(v).credit -= static_cast<int64_t>(ran);
    su(v).started = now;
    // A boost lasts until the vCPU has run once.
    if (su(v).prio == Prio::Boost && ran) su(v).prio = Prio::Under;
    update_prio(v);
}

void slice_timer_fn(void*) {
    raise_softirq(arch::cpu_id(), kSoftirqSchedule);
}

void account_timer_fn(void*) {
    account();
    timer_set(&g_account_timer, arch::now() + g_cfg.period_ticks, 0);
}

// Steals the best vCPU better than `than` from another pCPU's queue.
Vcpu* steal(unsigned cpu, Prio than) {
    Vcpu* best = nullptr;
    for (unsigned k = 1; k < g_nr; ++k) {
        const unsigned c = (cpu + k) % g_nr;
        Rq& rq = g_rq[c];
        for (ListNode* n = rq.head.next; n != &rq.head; n = n->next) {
            Vcpu* w = of(n);
            if (!allowed(w, cpu)) continue;
            if (prio_of(w) < than && (!best || prio_of(w) < prio_of(best))) best = w;
            break; // queues are sorted: only the first allowed one matters
        }
    }
    if (best) {
        dequeue(best);
        ++su(best).migrations;
    }
    return best;
}
} // namespace

void init(unsigned nr_pcpus, uint64_t tslice_ticks) {
    g_nr = nr_pcpus;
    g_cfg.tslice_ticks = tslice_ticks;
    g_cfg.period_ticks = 3 * tslice_ticks;
    for (unsigned c = 0; c < kMaxPcpus; ++c) {
        g_rq[c].head.prev = g_rq[c].head.next = &g_rq[c].head;
        g_rq[c].len = 0;
        g_curr[c] = &pcpu(c).idle;
        timer_init(&pcpu(c).slice_timer, slice_timer_fn, nullptr);
    }
    timer_init(&g_account_timer, account_timer_fn, nullptr);
}

void start_accounting() {
    timer_set(&g_account_timer, arch::now() + g_cfg.period_ticks, 0);
}

const SchedConfig& config() {
    return g_cfg;
}

void add_vcpu(Vcpu* v, unsigned processor) {
    LockGuard g(g_lock);
    su(v).processor = processor < g_nr ? processor : 0;
    su(v).credit = static_cast<int64_t>(g_cfg.tslice_ticks);
    su(v).prio = Prio::Under;
    su(v).running = su(v).queued = false;
    su(v).runq.prev = su(v).runq.next = &su(v).runq;
}

void remove_vcpu(Vcpu* v) {
    LockGuard g(g_lock);
    if (su(v).queued) dequeue(v);
}

void vcpu_wake(Vcpu* v) {
    LockGuard g(g_lock);
    if (su(v).running || su(v).queued || !domain::vcpu_runnable(v)) return;
    if (su(v).prio == Prio::Under) su(v).prio = Prio::Boost;
    const unsigned cpu = pick_cpu(v);
    if (cpu != su(v).processor) ++su(v).migrations;
    enqueue(v, cpu);
    tickle(cpu, v);
}

void vcpu_sleep(Vcpu* v) {
    LockGuard g(g_lock);
    if (domain::vcpu_runnable(v)) return;
    if (su(v).queued)
        dequeue(v);
    else if (su(v).running)
        raise_softirq(su(v).processor, kSoftirqSchedule);
}

void yield(Vcpu* v) {
    {
        LockGuard g(g_lock);
        su(v).yielded = true;
    }
    raise_softirq(arch::cpu_id(), kSoftirqSchedule);
}

Vcpu* schedule(unsigned cpu) {
    LockGuard g(g_lock);
    const uint64_t now = arch::now();
    Vcpu* prev = g_curr[cpu];
    bool prev_continues = false;
    if (!prev->is_idle) {
        burn(prev, now);
        su(prev).running = false;
        if (domain::vcpu_runnable(prev)) {
            if (su(prev).yielded) {
                // Behind everything runnable here, whatever its priority.
                su(prev).runq.prev = su(prev).runq.next = &su(prev).runq;
                g_rq[cpu].head.insert_before(&su(prev).runq);
                su(prev).queued = true;
                su(prev).processor = cpu;
                ++g_rq[cpu].len;
            } else {
                enqueue(prev, cpu);
            }
            prev_continues = true;
        }
        su(prev).yielded = false;
    }
    Vcpu* next = head(cpu);
    // Nothing good here: look for UNDER (or better) work waiting on another pCPU.
    const Prio local = next ? prio_of(next) : Prio::Idle;
    if (local >= Prio::Over) {
        if (Vcpu* w = steal(cpu, local)) {
            next = w;
            su(w).processor = cpu;
        }
    }
    if (next && su(next).queued) dequeue(next);
    if (!next) next = &pcpu(cpu).idle;
    if (!next->is_idle) {
        su(next).running = true;
        su(next).started = now;
        su(next).processor = cpu;
        timer_set(&pcpu(cpu).slice_timer, now + g_cfg.tslice_ticks, cpu);
    } else {
        timer_stop(&pcpu(cpu).slice_timer);
    }
    (void)prev_continues;
    g_curr[cpu] = next;
    if (Vcpu* waiting = head(cpu)) tickle_idler(waiting, cpu);
    return next;
}

void account() {
    LockGuard g(g_lock);
    // Credits for one period of every pCPU, shared by weight among domains with runnable
    // vCPUs, then equally among those vCPUs.
    const int64_t total = static_cast<int64_t>(g_cfg.period_ticks * g_nr);
    uint64_t total_weight = 0;
    for (uint16_t id = 0;;) {
        Domain* d = domain::first_from(id);
        if (!d) break;
        id = static_cast<uint16_t>(d->id + 1);
        for (unsigned i = 0; i < d->nr_vcpus; ++i)
            if (domain::vcpu_runnable(&d->vcpus[i])) {
                total_weight += d->weight;
                break;
            }
    }
    if (!total_weight) return;
    for (uint16_t id = 0;;) {
        Domain* d = domain::first_from(id);
        if (!d) break;
        id = static_cast<uint16_t>(d->id + 1);
        unsigned active = 0;
        for (unsigned i = 0; i < d->nr_vcpus; ++i)
            active += domain::vcpu_runnable(&d->vcpus[i]);
        if (!active) continue;
        const int64_t share =
            total * static_cast<int64_t>(d->weight) / static_cast<int64_t>(total_weight);
        const int64_t per_vcpu = share / active;
        // No hoarding: at most one period's worth (Xen caps credit likewise).
        const int64_t cap = static_cast<int64_t>(g_cfg.period_ticks);
        for (unsigned i = 0; i < d->nr_vcpus; ++i) {
            Vcpu* v = &d->vcpus[i];
            if (!domain::vcpu_runnable(v)) continue;
            if (su(v).running) burn(v, arch::now());
            su(v).credit = min(su(v).credit + per_vcpu, cap);
            if (su(v).credit < -cap) su(v).credit = -cap;
            const Prio before = su(v).prio;
            update_prio(v);
            if (su(v).queued && su(v).prio != before) {
                const unsigned c = su(v).processor;
                dequeue(v);
                enqueue(v, c);
            }
        }
    }
    // Re-evaluate pCPUs running OVER work while UNDER work waits.
    for (unsigned c = 0; c < g_nr; ++c)
        if (Vcpu* h = head(c)) tickle(c, h);
}

void slice_expired(unsigned cpu) {
    raise_softirq(cpu, kSoftirqSchedule);
}

bool context_live(const Vcpu* v) {
    return __atomic_load_n(&v->sched.running, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&v->sched.ctx_cpu, __ATOMIC_ACQUIRE) != -1;
}

void wait_context_saved(const Vcpu* v) {
    while (__atomic_load_n(&v->sched.ctx_cpu, __ATOMIC_ACQUIRE) != -1)
        cpu_relax();
}

unsigned runq_length(unsigned cpu) {
    LockGuard g(g_lock);
    return g_rq[cpu].len;
}

Vcpu* curr(unsigned cpu) {
    return g_curr[cpu];
}

} // namespace hyp::sched
