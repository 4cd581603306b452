// Event channels through the hypercall interface (arguments in guest memory), 2-level ABI.
#include "common/event_channel.h"
#include "common/guest_access.h"
#include "fake_arch.h"

using namespace hyp;

namespace {
constexpr uint64_t kArg = GUEST_RAM0_BASE + 0x100000; // scratch in guest RAM

template <class T>
Status call(Vcpu* v, unsigned cmd, T& arg) {
    fake::run_on(0, v);
    EXPECT_EQ(copy_to_guest(v, kArg, &arg, sizeof arg), 0);
    const Status r = evtchn::op(v, cmd, kArg);
    EXPECT_EQ(copy_from_guest(v, &arg, kArg, sizeof arg), 0);
    return r;
}

bool pending(Domain* d, uint32_t port) {
    return (d->shinfo->evtchn_pending[port / 64] >> (port % 64)) & 1;
}
} // namespace

class EvtchnTest : public HypTest {
protected:
    void SetUp() override {
        HypTest::SetUp();
        a = make_domain(2, 2 << 20, true);
        b = make_domain(1, 2 << 20);
    }
    Domain *a, *b;
};

TEST_F(EvtchnTest, InterdomainSendSetsPendingSelectorAndUpcall) {
    evtchn_alloc_unbound_t au = {DOMID_SELF, a->id, 0};
    ASSERT_EQ(call(&b->vcpus[0], EVTCHNOP_alloc_unbound, au), 0);
    EXPECT_GT(au.port, 0u);
    evtchn_bind_interdomain_t bi = {b->id, au.port, 0};
    ASSERT_EQ(call(&a->vcpus[0], EVTCHNOP_bind_interdomain, bi), 0);
    EXPECT_TRUE(pending(a, bi.local_port)); // the binder's new port is signalled once
    evtchn_send_t s = {bi.local_port};
    ASSERT_EQ(call(&a->vcpus[0], EVTCHNOP_send, s), 0);
    EXPECT_TRUE(pending(b, au.port));
    EXPECT_EQ(b->shinfo->vcpu_info[0].evtchn_upcall_pending, 1);
    EXPECT_EQ(b->shinfo->vcpu_info[0].evtchn_pending_sel, 1ull << (au.port / 64));
    // The upcall raised the event-channel PPI of B's vCPU 0.
    EXPECT_TRUE(b->vcpus[0].vgic.private_irqs[31].line_level);
    evtchn_status_t st = {DOMID_SELF, au.port, 0, 0, {}};
    ASSERT_EQ(call(&b->vcpus[0], EVTCHNOP_status, st), 0);
    EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
    EXPECT_EQ(st.u.interdomain.dom, a->id);
    EXPECT_EQ(st.u.interdomain.port, bi.local_port);
}

TEST_F(EvtchnTest, MaskHoldsTheUpcallUntilUnmask) {
    evtchn_alloc_unbound_t au = {DOMID_SELF, DOMID_SELF, 0};
    ASSERT_EQ(call(&b->vcpus[0], EVTCHNOP_alloc_unbound, au), 0);
    evtchn_bind_interdomain_t bi = {DOMID_SELF, au.port, 0};
    ASSERT_EQ(call(&b->vcpus[0], EVTCHNOP_bind_interdomain, bi), 0);
    b->shinfo->vcpu_info[0].evtchn_upcall_pending = 0;
    b->shinfo->vcpu_info[0].evtchn_pending_sel = 0;
    b->shinfo->evtchn_mask[0] |= 1ull << au.port;
    evtchn_send_t s = {bi.local_port};
    ASSERT_EQ(call(&b->vcpus[0], EVTCHNOP_send, s), 0);
    EXPECT_TRUE(pending(b, au.port));
    EXPECT_EQ(b->shinfo->vcpu_info[0].evtchn_upcall_pending, 0);
    evtchn_unmask_t u = {au.port};
    ASSERT_EQ(call(&b->vcpus[0], EVTCHNOP_unmask, u), 0);
    EXPECT_EQ(b->shinfo->vcpu_info[0].evtchn_upcall_pending, 1);
}

TEST_F(EvtchnTest, CloseAndDestroyLeaveThePeerUnbound) {
    evtchn_alloc_unbound_t au = {DOMID_SELF, a->id, 0};
    ASSERT_EQ(call(&b->vcpus[0], EVTCHNOP_alloc_unbound, au), 0);
    evtchn_bind_interdomain_t bi = {b->id, au.port, 0};
    ASSERT_EQ(call(&a->vcpus[0], EVTCHNOP_bind_interdomain, bi), 0);
    evtchn_close_t c = {bi.local_port};
    ASSERT_EQ(call(&a->vcpus[0], EVTCHNOP_close, c), 0);
    evtchn_status_t st = {DOMID_SELF, au.port, 0, 0, {}};
    call(&b->vcpus[0], EVTCHNOP_status, st);
    EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
    EXPECT_EQ(st.u.unbound.dom, a->id);
    // Bind again, then destroy the binder: the peer's port falls back to unbound.
    ASSERT_EQ(call(&a->vcpus[0], EVTCHNOP_bind_interdomain, bi), 0);
    Domain* c2 = make_domain(1, 2 << 20);
    evtchn_alloc_unbound_t au2 = {DOMID_SELF, c2->id, 0};
    ASSERT_EQ(call(&b->vcpus[0], EVTCHNOP_alloc_unbound, au2), 0);
    evtchn_bind_interdomain_t bi2 = {b->id, au2.port, 0};
    ASSERT_EQ(call(&c2->vcpus[0], EVTCHNOP_bind_interdomain, bi2), 0);
    c2->state = DomainState::Dying;
    domain::destroy(c2);
    st = {DOMID_SELF, au2.port, 0, 0, {}};
    call(&b->vcpus[0], EVTCHNOP_status, st);
    EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
}

TEST_F(EvtchnTest, BadArgumentsAreRefused) {
    evtchn_send_t s = {0};
    EXPECT_EQ(call(&b->vcpus[0], EVTCHNOP_send, s), -22);
    s.port = 5000;
    EXPECT_EQ(call(&b->vcpus[0], EVTCHNOP_send, s), -22);
    evtchn_alloc_unbound_t au = {a->id, DOMID_SELF, 0};
    EXPECT_EQ(call(&b->vcpus[0], EVTCHNOP_alloc_unbound, au), -1); // EPERM: not privileged
    evtchn_bind_interdomain_t bi = {a->id, 1, 0};
    EXPECT_EQ(call(&b->vcpus[0], EVTCHNOP_bind_interdomain, bi), -22); // not offered to us
    evtchn_bind_virq_t v = {VIRQ_DOM_EXC, 1, 0};
    EXPECT_EQ(call(&a->vcpus[0], EVTCHNOP_bind_virq, v), -22); // global VIRQ on vCPU 1
    v.vcpu = 0;
    EXPECT_EQ(call(&a->vcpus[0], EVTCHNOP_bind_virq, v), 0);
    EXPECT_EQ(call(&a->vcpus[0], EVTCHNOP_bind_virq, v), -17); // bound twice
    uint8_t ctl[24] = {};
    fake::run_on(0, &b->vcpus[0]);
    EXPECT_EQ(evtchn::op(&b->vcpus[0], EVTCHNOP_init_control, kArg), -38);
    (void)ctl;
    EXPECT_EQ(evtchn::op(&b->vcpus[0], EVTCHNOP_send, 0x10), -14); // EFAULT: not RAM
}

TEST_F(EvtchnTest, DomExcVirqReachesDom0WhenADomainShutsDown) {
    evtchn_bind_virq_t v = {VIRQ_DOM_EXC, 0, 0};
    ASSERT_EQ(call(&a->vcpus[0], EVTCHNOP_bind_virq, v), 0);
    domain::unpause(b);
    domain::shutdown(b, 3);
    EXPECT_TRUE(pending(a, v.port));
}
