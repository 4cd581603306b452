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
    if (!prev->is_idle) {
        arch::vcpu_save(prev);
        // Everything this pCPU does with `prev` happens before it publishes the save: from
        // then on another pCPU may load, run and deschedule it again (re-arming the same
        // wake-up timer: two timer_set calls at once would link it into two queues), or
        // destroy its dying domain (a wake-up armed after the destroy's timer_stop would
        // stay queued). Xen saves the virtual timer in ctxt_switch_from for the same
        // reason, before context_saved() lets the vCPU run elsewhere.
        arch::vcpu_descheduled(prev);
        // A dying domain waits for its vCPUs to leave their pCPUs: the deferred work runs
        // after this switch has published the save.
        if (prev->domain->state == DomainState::Dying) raise_softirq(p.id, kSoftirqDeferred);
        __atomic_store_n(&prev->sched.ctx_cpu, -1, __ATOMIC_RELEASE);
    }
    if (!next->is_idle) {
        // Stolen or woken elsewhere just after being descheduled: wait for its old pCPU to
        // save it (a few hundred instructions away, holding no lock).
        sched::wait_context_saved(next);
        update_runstate(next, RUNSTATE_running, now_ns); // its old pCPU is done with it
        next->sched.ctx_cpu = static_cast<int>(p.id);
        arch::vcpu_restore(next);
    }
    p.current = next;
    ++p.switches;
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

void debug_dump() {
    for (unsigned c = 0; c < g_nr_pcpus; ++c) {
        Pcpu& p = pcpu(c);
        const Vcpu* cur = p.current;
        log("pCPU %u: current %s d%u v%u, runq %u, softirqs %#x, traps %lu irqs %lu switches %lu",
            c, cur->is_idle ? "idle" : "vcpu", cur->is_idle ? 0 : cur->domain->id, cur->id,
            sched::runq_length(c), p.softirqs, p.traps, p.irqs, p.switches);
    }
    for (uint16_t id = 0;;) {
        Domain* d = domain::first_from(id);
        if (!d) break;
        id = static_cast<uint16_t>(d->id + 1);
        for (unsigned i = 0; i < d->nr_vcpus; ++i) {
            const Vcpu& v = d->vcpus[i];
            log("d%uv%u: last trap %lu at %#lx, saved VMCR %#x APR %#x", d->id, i,
                v.arch.last_trap_kind, v.arch.last_trap_pc, v.arch.gich_vmcr, v.arch.gich_apr);
            log("d%uv%u: flags %#x prio %d credit %ld %s%s on %u; vtimer ctl %#lx cval %#lx; "
                "upcall %u; migrations %u",
                d->id, i, v.pause_flags, static_cast<int>(v.sched.prio), v.sched.credit,
                v.sched.running ? "running" : "", v.sched.queued ? "queued" : "", v.sched.processor,
                v.arch.vtimer.ctl, v.arch.vtimer.cval, v.vinfo ? v.vinfo->evtchn_upcall_pending : 0,
                v.sched.migrations);
            ListNode* head = const_cast<ListNode*>(&v.vgic.ap_list);
            for (ListNode* n = head->next; n != head; n = n->next) {
                const VIrq* irq = HYP_CONTAINER_OF(n, VIrq, ap_node);
                log("  irq %u: pending %d active %d enabled %d hw %d phys_active %d", irq->intid,
                    irq->pending(), irq->active, irq->enabled, irq->hw, irq->phys_active);
            }
        }
    }
}

} // namespace hyp
