// The credit scheduler on fake pCPUs and a fake clock: time slices, weights, blocking,
// boosting on wake-up, work stealing (migration).
#include "fake_arch.h"

#include <map>

using namespace hyp;

class SchedTest : public HypTest {
protected:
    Domain* runnable_domain(unsigned vcpus, uint64_t weight = 256) {
        Domain* d = make_domain(vcpus, 1 << 20);
        d->weight = weight;
        for (unsigned i = 0; i < vcpus; ++i)
            domain::vcpu_up(&d->vcpus[i]);
        domain::unpause(d);
        return d;
    }
    // A one-vCPU domain whose vCPU pCPU 0 has switched to (through the schedule softirq,
    // as after a wake-up); nullptr when it did not.
    Vcpu* running_on_pcpu0() {
        Domain* d = runnable_domain(1);
        fake::state().cpu = 0;
        raise_softirq(0, kSoftirqSchedule);
        do_softirqs();
        return pcpu(0).current == &d->vcpus[0] ? &d->vcpus[0] : nullptr;
    }
    // Runs pCPUs [0, ncpus) side by side for `slices` time slices, counting who ran; the
    // credit accounting runs every period (three slices), as pCPU 0's timer does.
    void run(unsigned ncpus, unsigned slices, std::map<Vcpu*, unsigned>& ran) {
        for (unsigned i = 0; i < slices; ++i) {
            for (unsigned cpu = 0; cpu < ncpus; ++cpu) {
                fake::state().cpu = cpu;
                Vcpu* v = sched::schedule(cpu);
                pcpu(cpu).current = v;
                ++ran[v];
            }
            fake::state().now += sched::config().tslice_ticks;
            if (i % 3 == 2) sched::account();
        }
    }
};

TEST_F(SchedTest, TwoVcpusShareOnePcpuBySlices) {
    Domain* d1 = runnable_domain(1);
    Domain* d2 = runnable_domain(1);
    d1->vcpus[0].sched.affinity = d2->vcpus[0].sched.affinity = 1; // pCPU 0 only
    std::map<Vcpu*, unsigned> ran;
    run(1, 300, ran);
    const unsigned r1 = ran[&d1->vcpus[0]], r2 = ran[&d2->vcpus[0]];
    EXPECT_EQ(r1 + r2, 300u);
    EXPECT_NEAR(static_cast<double>(r1) / r2, 1.0, 0.1) << r1 << " vs " << r2;
}

TEST_F(SchedTest, WeightsShareTheCpuInProportion) {
    // Four vCPUs on two pCPUs: more demand than supply, so credits decide.
    Domain* heavy = runnable_domain(2, 512);
    Domain* light = runnable_domain(2, 256);
    std::map<Vcpu*, unsigned> ran;
    run(2, 600, ran);
    const unsigned h = ran[&heavy->vcpus[0]] + ran[&heavy->vcpus[1]];
    const unsigned l = ran[&light->vcpus[0]] + ran[&light->vcpus[1]];
    EXPECT_EQ(h + l, 1200u) << "no idle time while work waits";
    EXPECT_NEAR(static_cast<double>(h) / l, 2.0, 0.3) << h << " vs " << l;
}

TEST_F(SchedTest, BlockedVcpusDoNotRunAndWakingOnesPreempt) {
    Domain* d1 = runnable_domain(1);
    Domain* d2 = runnable_domain(1);
    Vcpu* v1 = &d1->vcpus[0];
    Vcpu* v2 = &d2->vcpus[0];
    v1->sched.affinity = v2->sched.affinity = 1;
    fake::state().cpu = 0;
    Vcpu* first = sched::schedule(0);
    pcpu(0).current = first;
    Vcpu* other = first == v1 ? v2 : v1;
    domain::vcpu_block(other); // nothing pending: it blocks
    std::map<Vcpu*, unsigned> ran;
    run(1, 30, ran);
    EXPECT_EQ(ran[other], 0u);
    EXPECT_EQ(ran[first], 30u);
    // Its wake-up boosts it past the running vCPU: pCPU 0 is asked to reschedule.
    pcpu(0).softirqs = 0;
    domain::vcpu_unblock(other);
    EXPECT_TRUE(pcpu(0).softirqs & kSoftirqSchedule);
    EXPECT_EQ(other->sched.prio, Prio::Boost);
    EXPECT_EQ(sched::schedule(0), other);
}

TEST_F(SchedTest, AnIdlePcpuStealsWaitingWork) {
    // Both vCPUs wake while pCPU 1 is offline: both wait on pCPU 0's queue.
    pcpu(1).online = false;
    Domain* d = make_domain(2, 1 << 20);
    for (unsigned i = 0; i < 2; ++i) {
        d->vcpus[i].sched.processor = 0;
        domain::vcpu_up(&d->vcpus[i]);
    }
    domain::unpause(d);
    EXPECT_EQ(sched::runq_length(0), 2u);
    pcpu(1).online = true;
    fake::state().cpu = 0;
    Vcpu* on0 = sched::schedule(0);
    pcpu(0).current = on0;
    fake::state().cpu = 1;
    Vcpu* on1 = sched::schedule(1); // nothing local: steals from pCPU 0
    pcpu(1).current = on1;
    EXPECT_FALSE(on0->is_idle);
    ASSERT_FALSE(on1->is_idle);
    EXPECT_NE(on0, on1);
    EXPECT_EQ(on1->sched.processor, 1u);
    EXPECT_EQ(on1->sched.migrations, 1u);
    EXPECT_EQ(sched::runq_length(0) + sched::runq_length(1), 0u);
}

TEST_F(SchedTest, NothingRunnableMeansIdle) {
    Domain* d = make_domain(1, 1 << 20);
    domain::unpause(d); // vCPU 0 was never started
    fake::state().cpu = 0;
    EXPECT_TRUE(sched::schedule(0)->is_idle);
}

TEST_F(SchedTest, PreemptionWakesAnIdlePcpuForTheWaitingVcpu) {
    // Both vCPUs wait on pCPU 0 while pCPU 1 is offline; pCPU 1 comes up idle (asleep).
    pcpu(1).online = false;
    Domain* d = make_domain(2, 1 << 20);
    for (unsigned i = 0; i < 2; ++i) {
        d->vcpus[i].sched.processor = 0;
        domain::vcpu_up(&d->vcpus[i]);
    }
    domain::unpause(d);
    pcpu(1).online = true;
    pcpu(1).softirqs = 0;
    fake::state().cpu = 0;
    pcpu(0).current = sched::schedule(0);
    // The other one waits on pCPU 0's queue: pCPU 1 is told to come and take it.
    EXPECT_EQ(sched::runq_length(0), 1u);
    EXPECT_TRUE(pcpu(1).softirqs & kSoftirqSchedule);
}

TEST_F(SchedTest, ADescheduledVcpuStaysLiveUntilItsPcpuSavedIt) {
    Vcpu* v = running_on_pcpu0();
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->sched.ctx_cpu, 0);
    // CPU_OFF: the scheduler picks the idle vCPU, but until the context switch saved v's
    // registers, nobody may load or rewrite them (CPU_ON, stealing, setvcpucontext).
    domain::vcpu_down(v);
    EXPECT_TRUE(sched::schedule(0)->is_idle);
    EXPECT_FALSE(v->sched.running);
    EXPECT_TRUE(sched::context_live(v));
    raise_softirq(0, kSoftirqSchedule);
    do_softirqs(); // the context switch away from v
    EXPECT_TRUE(pcpu(0).current->is_idle);
    EXPECT_FALSE(sched::context_live(v));
}

TEST_F(SchedTest, APcpuIsDoneWithAVcpuBeforeItPublishesTheSave) {
    Vcpu* v = running_on_pcpu0();
    ASSERT_NE(v, nullptr);
    domain::vcpu_block(v);
    do_softirqs(); // the context switch away from v
    ASSERT_TRUE(pcpu(0).current->is_idle);
    // Arming the virtual timer's wake-up happens while v's context is still held here: once
    // saved, pCPU 1 may load, run and deschedule v again, and two pCPUs arming one timer at
    // once link it into both their queues (QEMU hung in timer_set's queue walk that way).
    ASSERT_EQ(fake::state().descheduled_ctx_cpu.size(), 1u);
    EXPECT_EQ(fake::state().descheduled_ctx_cpu[0], 0);
    EXPECT_FALSE(sched::context_live(v));
}

TEST_F(SchedTest, AGuestEnteredWithATimerOverdueStillRunsBeforeItFires) {
    // On QEMU on a loaded host, pCPU 0's way out of the hypervisor (the scheduler lock,
    // contended) took longer than a slice: the slice timer was already due when it entered
    // the guest, the interrupt came before the guest's first instruction, and its vCPU made
    // no progress for 20 s.
    ASSERT_NE(running_on_pcpu0(), nullptr);
    const uint64_t slice_end = fake::state().timer_deadline[0];
    ASSERT_NE(slice_end, 0u);
    fake::state().now = slice_end + 3 * sched::config().tslice_ticks; // a slow exit path
    timers_guest_entry(0);
    const uint64_t min_run = kMinGuestRunUs * arch::counter_hz() / 1000000;
    EXPECT_GE(fake::state().timer_deadline[0], fake::state().now + min_run);
    // Once: a guest that traps again and again (a yield loop) does not push it further.
    const uint64_t postponed = fake::state().timer_deadline[0];
    fake::state().now += min_run / 2;
    timers_guest_entry(0);
    EXPECT_EQ(fake::state().timer_deadline[0], postponed);
    // It is only postponed: once the guest has had its time, the slice ends.
    fake::state().now = fake::state().timer_deadline[0];
    timers_run(0);
    EXPECT_TRUE(softirq_pending(0));
    // And the next overdue timer gets the same floor again.
    do_softirqs();
    fake::state().now = fake::state().timer_deadline[0] + 1;
    timers_guest_entry(0);
    EXPECT_GE(fake::state().timer_deadline[0], fake::state().now + min_run);
}

TEST_F(SchedTest, GuestEntryLeavesATimerDueLaterAlone) {
    fake::state().cpu = 0;
    const uint64_t min_run = kMinGuestRunUs * arch::counter_hz() / 1000000;
    Timer t;
    timer_init(
        &t, [](void*) {}, nullptr);
    const uint64_t due = fake::state().now + 2 * min_run;
    timer_set(&t, due, 0);
    ASSERT_EQ(fake::state().timer_deadline[0], due);
    timers_guest_entry(0);
    EXPECT_EQ(fake::state().timer_deadline[0], due);
    timer_stop(&t);
}

TEST_F(SchedTest, ATimerArmedForAnotherPcpuMakesItReprogram) {
    // Only a pCPU programs its own hardware timer: pCPU 1 must run its queue (a timer
    // softirq), or a deadline earlier than what it programmed would fire late.
    fake::state().cpu = 0;
    Timer t;
    timer_init(
        &t, [](void*) {}, nullptr);
    pcpu(1).softirqs = 0;
    timer_set(&t, fake::state().now + 1, 1);
    EXPECT_TRUE(pcpu(1).softirqs & kSoftirqTimer);
    EXPECT_EQ(fake::state().timer_deadline[0], 0u); // pCPU 0 did not program it as its own
    timer_stop(&t);
}
