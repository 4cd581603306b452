// Event channels, 2-level ABI (Xen's common/event_channel.c and event_2l.c semantics).
#include "event_channel.h"

#include "../include/public/errno.h"
#include "arch.h"
#include "domain.h"
#include "guest_access.h"
#include "page_alloc.h"
#include "pv_console.h"

namespace hyp::evtchn {

namespace {

bool valid_port(const Domain* d, uint32_t port) {
    return port > 0 && port < d->evtchn.max_ports;
}

Evtchn* chn(Domain* d, uint32_t port) {
    return &d->evtchn.ports[port];
}

// Locks the tables of two domains in id order (one lock when they are the same).
class DoubleLock {
public:
    DoubleLock(Domain* a, Domain* b) : a_(a->id <= b->id ? a : b), b_(a->id <= b->id ? b : a) {
        a_->evtchn.lock.lock();
        if (b_ != a_) b_->evtchn.lock.lock();
    }
    ~DoubleLock() {
        if (b_ != a_) b_->evtchn.lock.unlock();
        a_->evtchn.lock.unlock();
    }

private:
    Domain* a_;
    Domain* b_;
};

Status alloc_port(Domain* d, uint32_t* port) {
    for (uint32_t p = 1; p < d->evtchn.max_ports; ++p)
        if (chn(d, p)->state == EvtchnState::Free) {
            *port = p;
            *chn(d, p) = Evtchn{};
            // A recycled port must not inherit a pending event.
            test_and_clear_bit(reinterpret_cast<uint64_t*>(d->shinfo->evtchn_pending), p);
            return 0;
        }
    return -XEN_ENOSPC;
}

Domain* resolve(Vcpu* v, domid_t id) {
    if (id == DOMID_SELF || id == v->domain->id) return v->domain;
    return domain::lookup(id);
}

void mark_events_pending(Vcpu* v) {
    if (__atomic_exchange_n(&v->vinfo->evtchn_upcall_pending, static_cast<uint8_t>(1),
                            __ATOMIC_ACQ_REL) == 0)
        vgic::update_level(v, kPpiEvtchn);
}

void wake_pollers(Domain* d, uint32_t port) {
    for (unsigned i = 0; i < d->nr_vcpus; ++i) {
        Vcpu* v = &d->vcpus[i];
        const unsigned n = __atomic_load_n(&v->poll_nr, __ATOMIC_ACQUIRE);
        for (unsigned k = 0; k < n && k < 8; ++k)
            if (v->poll_ports[k] == port) {
                domain::vcpu_unblock(v);
                break;
            }
    }
}

// Closes `port` of `d` (caller holds the needed locks).
void close_locked(Domain* d, uint32_t port) {
    Evtchn* c = chn(d, port);
    switch (c->state) {
    case EvtchnState::Interdomain:
        if (Domain* rd = domain::lookup_any(c->remote_dom);
            rd && rd->evtchn.ports && valid_port(rd, c->remote_port)) {
            Evtchn* rc = chn(rd, c->remote_port);
            if (rc->state == EvtchnState::Interdomain && rc->remote_dom == d->id &&
                rc->remote_port == port) {
                rc->state = EvtchnState::Unbound;
                rc->remote_dom = d->id;
                rc->remote_port = 0;
            }
        }
        break;
    case EvtchnState::Virq:
        if (c->notify_vcpu < d->nr_vcpus && c->remote_port < NR_VIRQS)
            d->vcpus[c->notify_vcpu].virq_port[c->remote_port] = 0;
        break;
    case EvtchnState::XenConsumer:
        if (d->console_port == port) d->console_port = 0;
        break;
    default:
        break;
    }
    *c = Evtchn{};
}

Status do_alloc_unbound(Vcpu* v, evtchn_alloc_unbound_t& a) {
    Domain* d = resolve(v, a.dom);
    if (!d) return -XEN_ESRCH;
    if (d != v->domain && !v->domain->privileged) return -XEN_EPERM;
    const domid_t remote = a.remote_dom == DOMID_SELF ? v->domain->id : a.remote_dom;
    return alloc_unbound(d, remote, &a.port);
}

Status do_bind_interdomain(Vcpu* v, evtchn_bind_interdomain_t& b) {
    Domain* ld = v->domain;
    Domain* rd = resolve(v, b.remote_dom);
    if (!rd) return -XEN_ESRCH;
    DoubleLock g(ld, rd);
    if (!valid_port(rd, b.remote_port)) return -XEN_EINVAL;
    Evtchn* rc = chn(rd, b.remote_port);
    if (rc->state != EvtchnState::Unbound || rc->remote_dom != ld->id) return -XEN_EINVAL;
    uint32_t lport;
    if (const Status r = alloc_port(ld, &lport)) return r;
    Evtchn* lc = chn(ld, lport);
    lc->state = EvtchnState::Interdomain;
    lc->remote_dom = rd->id;
    lc->remote_port = b.remote_port;
    rc->state = EvtchnState::Interdomain;
    rc->remote_dom = ld->id;
    rc->remote_port = lport;
    b.local_port = lport;
    // Events sent on the unbound port were lost: signal the new end once (as Xen does).
    set_pending(ld, lport);
    return 0;
}

Status do_bind_virq(Vcpu* v, evtchn_bind_virq_t& b) {
    Domain* d = v->domain;
    if (b.virq >= NR_VIRQS || b.vcpu >= d->nr_vcpus) return -XEN_EINVAL;
    const bool global = b.virq != VIRQ_TIMER && b.virq != VIRQ_DEBUG && b.virq != VIRQ_XENOPROF &&
                        b.virq != VIRQ_XENPMU;
    if (global && b.vcpu != 0) return -XEN_EINVAL;
    LockGuard g(d->evtchn.lock);
    Vcpu* t = &d->vcpus[b.vcpu];
    if (t->virq_port[b.virq]) return -XEN_EEXIST;
    uint32_t port;
    if (const Status r = alloc_port(d, &port)) return r;
    Evtchn* c = chn(d, port);
    c->state = EvtchnState::Virq;
    c->remote_port = b.virq;
    c->notify_vcpu = b.vcpu;
    t->virq_port[b.virq] = static_cast<uint16_t>(port);
    b.port = port;
    return 0;
}

Status do_bind_ipi(Vcpu* v, evtchn_bind_ipi_t& b) {
    Domain* d = v->domain;
    if (b.vcpu >= d->nr_vcpus) return -XEN_EINVAL;
    LockGuard g(d->evtchn.lock);
    uint32_t port;
    if (const Status r = alloc_port(d, &port)) return r;
    chn(d, port)->state = EvtchnState::Ipi;
    chn(d, port)->notify_vcpu = b.vcpu;
    b.port = port;
    return 0;
}

Status do_close(Vcpu* v, uint32_t port) {
    Domain* d = v->domain;
    for (;;) {
        // Interdomain closes need the peer's lock too: find the peer first.
        Domain* peer = d;
        {
            LockGuard g(d->evtchn.lock);
            if (!valid_port(d, port)) return -XEN_EINVAL;
            Evtchn* c = chn(d, port);
            if (c->state == EvtchnState::Free) return -XEN_EINVAL;
            if (c->state == EvtchnState::Interdomain) {
                peer = domain::lookup_any(c->remote_dom);
                if (!peer || !peer->evtchn.ports) peer = d;
            }
            if (peer == d) {
                close_locked(d, port);
                return 0;
            }
        }
        DoubleLock g(d, peer);
        Evtchn* c = chn(d, port);
        if (c->state != EvtchnState::Interdomain || c->remote_dom != peer->id)
            continue; // changed meanwhile: retry
        close_locked(d, port);
        return 0;
    }
}

Status do_send(Vcpu* v, uint32_t port) {
    Domain* d = v->domain;
    Domain* target = nullptr;
    uint32_t tport = 0;
    uint8_t consumer = 0;
    {
        LockGuard g(d->evtchn.lock);
        if (!valid_port(d, port)) return -XEN_EINVAL;
        Evtchn* c = chn(d, port);
        switch (c->state) {
        case EvtchnState::Interdomain:
            target = domain::lookup(c->remote_dom);
            tport = c->remote_port;
            break;
        case EvtchnState::Ipi:
            target = d;
            tport = port;
            break;
        case EvtchnState::Unbound:
            return 0; // nobody listens yet
        case EvtchnState::XenConsumer:
            consumer = c->consumer;
            break;
        default:
            return -XEN_EINVAL;
        }
    }
    if (consumer == static_cast<uint8_t>(XenConsumer::Console))
        pv_console::notify(d);
    else if (target)
        set_pending(target, tport);
    return 0;
}

Status do_status(Vcpu* v, evtchn_status_t& s) {
    Domain* d = resolve(v, s.dom);
    if (!d) return -XEN_ESRCH;
    if (d != v->domain && !v->domain->privileged) return -XEN_EPERM;
    LockGuard g(d->evtchn.lock);
    if (!valid_port(d, s.port)) return -XEN_EINVAL;
    const Evtchn* c = chn(d, s.port);
    s.vcpu = c->notify_vcpu;
    memset(&s.u, 0, sizeof s.u);
    switch (c->state) {
    case EvtchnState::Free:
        s.status = EVTCHNSTAT_closed;
        break;
    case EvtchnState::Unbound:
        s.status = EVTCHNSTAT_unbound;
        s.u.unbound.dom = c->remote_dom;
        break;
    case EvtchnState::Interdomain:
        s.status = EVTCHNSTAT_interdomain;
        s.u.interdomain.dom = c->remote_dom;
        s.u.interdomain.port = c->remote_port;
        break;
    case EvtchnState::Virq:
        s.status = EVTCHNSTAT_virq;
        s.u.virq = c->remote_port;
        break;
    case EvtchnState::Ipi:
        s.status = EVTCHNSTAT_ipi;
        break;
    case EvtchnState::XenConsumer:
        s.status = EVTCHNSTAT_interdomain;
        s.u.interdomain.dom = DOMID_XEN;
        break;
    }
    return 0;
}

Status do_bind_vcpu(Vcpu* v, evtchn_bind_vcpu_t& b) {
    Domain* d = v->domain;
    if (b.vcpu >= d->nr_vcpus) return -XEN_ENOENT;
    LockGuard g(d->evtchn.lock);
    if (!valid_port(d, b.port)) return -XEN_EINVAL;
    Evtchn* c = chn(d, b.port);
    switch (c->state) {
    case EvtchnState::Unbound:
    case EvtchnState::Interdomain:
    case EvtchnState::XenConsumer:
        c->notify_vcpu = b.vcpu;
        return 0;
    case EvtchnState::Virq:
        if (c->remote_port == VIRQ_TIMER || c->remote_port == VIRQ_DEBUG)
            return -XEN_EINVAL; // per-vCPU VIRQs stay where they were bound
        d->vcpus[c->notify_vcpu].virq_port[c->remote_port] = 0;
        d->vcpus[b.vcpu].virq_port[c->remote_port] = static_cast<uint16_t>(b.port);
        c->notify_vcpu = b.vcpu;
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

Status do_unmask(Vcpu* v, uint32_t port) {
    Domain* d = v->domain;
    if (!valid_port(d, port)) return -XEN_EINVAL;
    auto* s = d->shinfo;
    test_and_clear_bit(reinterpret_cast<uint64_t*>(s->evtchn_mask), port);
    if (test_bit(reinterpret_cast<uint64_t*>(s->evtchn_pending), port)) {
        const uint32_t nv = chn(d, port)->notify_vcpu;
        Vcpu* t = &d->vcpus[nv < d->nr_vcpus ? nv : 0];
        if (!test_and_set_bit(&t->vinfo->evtchn_pending_sel, port / 64)) mark_events_pending(t);
    }
    return 0;
}

template <class T, class F>
Status with_arg(Vcpu* v, uint64_t arg, F f) {
    T a;
    if (copy_from_guest(v, &a, arg, sizeof a)) return -XEN_EFAULT;
    const Status r = f(a);
    if (r == 0 && copy_to_guest(v, arg, &a, sizeof a)) return -XEN_EFAULT;
    return r;
}

} // namespace

bool domain_init(Domain* d, uint32_t max_ports) {
    if (max_ports < 2 || max_ports > EVTCHN_2L_NR_CHANNELS) max_ports = kDefaultMaxPorts;
    EvtchnTable& t = d->evtchn;
    t.max_ports = max_ports;
    t.pages = align_up(max_ports * sizeof(Evtchn), kPageSize) >> kPageShift;
    Hpa pa;
    if (!g_pages.alloc(&pa, t.pages, 1, DOMID_XEN, PageType::Hyp)) return false;
    t.ports = static_cast<Evtchn*>(arch::hpa_to_ptr(pa));
    for (uint32_t i = 0; i < max_ports; ++i)
        t.ports[i] = Evtchn{};
    return true;
}

void domain_destroy(Domain* d) {
    EvtchnTable& t = d->evtchn;
    if (!t.ports) return;
    for (uint32_t p = 1; p < t.max_ports; ++p) {
        Domain* peer = d;
        {
            LockGuard g(t.lock);
            Evtchn* c = chn(d, p);
            if (c->state == EvtchnState::Free) continue;
            if (c->state == EvtchnState::Interdomain) {
                peer = domain::lookup_any(c->remote_dom);
                if (!peer || !peer->evtchn.ports) peer = d;
            }
            if (peer == d) {
                close_locked(d, p);
                continue;
            }
        }
        DoubleLock g(d, peer);
        close_locked(d, p);
    }
    g_pages.free(arch::ptr_to_hpa(t.ports), t.pages);
    t.ports = nullptr;
    t.max_ports = 0;
}

Status alloc_unbound(Domain* d, uint16_t remote, uint32_t* port) {
    LockGuard g(d->evtchn.lock);
    if (const Status r = alloc_port(d, port)) return r;
    chn(d, *port)->state = EvtchnState::Unbound;
    chn(d, *port)->remote_dom = remote;
    return 0;
}

Status alloc_xen_consumer(Domain* d, XenConsumer c, uint32_t* port) {
    LockGuard g(d->evtchn.lock);
    if (const Status r = alloc_port(d, port)) return r;
    chn(d, *port)->state = EvtchnState::XenConsumer;
    chn(d, *port)->consumer = static_cast<uint8_t>(c);
    return 0;
}

void set_pending(Domain* d, uint32_t port) {
    if (!d->shinfo || !valid_port(d, port)) return;
    auto* s = d->shinfo;
    if (test_and_set_bit(reinterpret_cast<uint64_t*>(s->evtchn_pending), port)) return;
    if (!test_bit(reinterpret_cast<uint64_t*>(s->evtchn_mask), port)) {
        const uint32_t nv = chn(d, port)->notify_vcpu;
        Vcpu* v = &d->vcpus[nv < d->nr_vcpus ? nv : 0];
        if (!test_and_set_bit(&v->vinfo->evtchn_pending_sel, port / 64)) mark_events_pending(v);
    }
    wake_pollers(d, port);
}

void send_virq(Vcpu* v, unsigned virq) {
    if (virq < NR_VIRQS)
        if (const uint32_t port = v->virq_port[virq]) set_pending(v->domain, port);
}

void send_global_virq(Domain* d, unsigned virq) {
    if (d->nr_vcpus) send_virq(&d->vcpus[0], virq);
}

bool upcall_pending(Vcpu* v) {
    return __atomic_load_n(&v->vinfo->evtchn_upcall_pending, __ATOMIC_ACQUIRE) != 0;
}

bool any_pending(Domain* d, const uint32_t* ports, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
        if (valid_port(d, ports[i]) &&
            test_bit(reinterpret_cast<uint64_t*>(d->shinfo->evtchn_pending), ports[i]))
            return true;
    return false;
}

Status op(Vcpu* v, unsigned cmd, uint64_t arg) {
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        return with_arg<evtchn_alloc_unbound_t>(v, arg,
                                                [v](auto& a) { return do_alloc_unbound(v, a); });
    case EVTCHNOP_bind_interdomain:
        return with_arg<evtchn_bind_interdomain_t>(
            v, arg, [v](auto& a) { return do_bind_interdomain(v, a); });
    case EVTCHNOP_bind_virq:
        return with_arg<evtchn_bind_virq_t>(v, arg, [v](auto& a) { return do_bind_virq(v, a); });
    case EVTCHNOP_bind_ipi:
        return with_arg<evtchn_bind_ipi_t>(v, arg, [v](auto& a) { return do_bind_ipi(v, a); });
    case EVTCHNOP_close:
        return with_arg<evtchn_close_t>(v, arg, [v](auto& a) { return do_close(v, a.port); });
    case EVTCHNOP_send:
        return with_arg<evtchn_send_t>(v, arg, [v](auto& a) { return do_send(v, a.port); });
    case EVTCHNOP_status:
        return with_arg<evtchn_status_t>(v, arg, [v](auto& a) { return do_status(v, a); });
    case EVTCHNOP_bind_vcpu:
        return with_arg<evtchn_bind_vcpu_t>(v, arg, [v](auto& a) { return do_bind_vcpu(v, a); });
    case EVTCHNOP_unmask:
        return with_arg<evtchn_unmask_t>(v, arg, [v](auto& a) { return do_unmask(v, a.port); });
    case EVTCHNOP_bind_pirq:
    case EVTCHNOP_init_control: // FIFO ABI: not offered, guests use the 2-level ABI
    case EVTCHNOP_expand_array:
    case EVTCHNOP_set_priority:
    case EVTCHNOP_reset:
    default:
        return -XEN_ENOSYS;
    }
}

} // namespace hyp::evtchn
