// Per-pCPU state, softirqs and the context switch.
#include "percpu.h"

#include "arch.h"

namespace hyp {

Pcpu g_pcpus[kMaxPcpus];
unsigned g_nr_pcpus = 1;

void raise_softirq(unsigned cpu, uint32_t bits) {
    __atomic_fetch_or(&g_pcpus[cpu].softirqs, bits, __ATOMIC_ACQ_REL);
    arch::kick_cpu(cpu);
}

namespace {

void update_runstate(Vcpu* v, int state, uint64_t now_ns) {
    if (v->is_idle) return;
    vcpu_runstate_info& rs = v->runstate;
    if (rs.state >= 0 && rs.state < 4 && now_ns > rs.state_entry_time)
        rs.time[rs.state] += now_ns - rs.state_entry_time;
    rs.state = state;
    rs.state_entry_time = now_ns;
    if (vcpu_runstate_info* area = v->runstate_area) {
        // With the update flag the guest can tell a torn read (VMASST runstate_update_flag).
        const bool flag = v->domain->runstate_update_flag;
        if (flag)
            __atomic_store_n(&area->state_entry_time, rs.state_entry_time | XEN_RUNSTATE_UPDATE,
                             __ATOMIC_RELEASE);
        area->state = rs.state;
        for (int i = 0; i < 4; ++i)
            area->time[i] = rs.time[i];
        __atomic_store_n(&area->state_entry_time, rs.state_entry_time, __ATOMIC_RELEASE);
    }
}

void context_switch(Pcpu& p, Vcpu* prev, Vcpu* next) {
    const uint64_t now_ns = domain::system_time_ns();
    if (!prev->is_idle)
        update_runstate(prev,
                        domain::vcpu_runnable(prev)
                            ? RUNSTATE_runnable
                            : (prev->pause_flags & kVpfDown ? RUNSTATE_offline : RUNSTATE_blocked),
                        now_ns);
    update_runstate(next, RUNSTATE_running, now_ns);
    arch::context_switch(prev, next);
    p.current = next;
    ++p.switches;
    if (!prev->is_idle) {
        arch::vcpu_descheduled(prev);
        // A dying domain waits for its vCPUs to leave their pCPUs.
        if (prev->domain->state == DomainState::Dying) raise_softirq(p.id, kSoftirqDeferred);
    }
}

} // namespace

void do_softirqs() {
    Pcpu& p = this_pcpu();
    for (;;) {
        const uint32_t s = __atomic_exchange_n(&p.softirqs, 0u, __ATOMIC_ACQ_REL);
        if (!s) return;
        if (s & kSoftirqTimer) timers_run(p.id);
        if (s & kSoftirqDeferred) domain::do_deferred();
        if (s & kSoftirqSchedule) {
            Vcpu* prev = p.current;
            Vcpu* next = sched::schedule(p.id);
            if (next != prev) context_switch(p, prev, next);
        }
    }
}

} // namespace hyp
