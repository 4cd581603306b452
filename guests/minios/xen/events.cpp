// Event channels, 2-level ABI (xen/include/public/xen.h, "event channels" in shared_info):
// one pending and one mask bit per port, a per-vCPU selector word saying which pending
// words to scan, and an upcall on the PPI the device tree's hypervisor node names.
#include "xen_internal.h"

namespace minios::xen {
namespace {

constexpr unsigned kPorts = EVTCHN_2L_NR_CHANNELS;
constexpr unsigned kWordBits = 64;

struct Binding {
    EvtchnHandler fn;
    void* arg;
};
Binding bindings[kPorts];
uint64_t upcalls = 0;

void dispatch(evtchn_port_t port) {
    if (port < kPorts && bindings[port].fn) bindings[port].fn(port, bindings[port].arg);
}

// The upcall: clear upcall_pending before scanning (so a new event re-raises it), take
// the selector, and for each selected word handle the pending, unmasked ports.
void upcall(unsigned, void*) {
    ++upcalls;
    do {
        proto::write_once(vcpu0->evtchn_upcall_pending, uint8_t(0));
        arch::mb();
        uint64_t sel = __atomic_exchange_n(&vcpu0->evtchn_pending_sel, 0, __ATOMIC_ACQ_REL);
        while (sel) {
            const unsigned w = __builtin_ctzll(sel);
            sel &= sel - 1;
            uint64_t bits = proto::read_once(shared->evtchn_pending[w]) &
                            ~proto::read_once(shared->evtchn_mask[w]);
            while (bits) {
                const unsigned b = __builtin_ctzll(bits);
                bits &= bits - 1;
                __atomic_fetch_and(&shared->evtchn_pending[w], ~(uint64_t(1) << b),
                                   __ATOMIC_ACQ_REL);
                dispatch(w * kWordBits + b);
            }
        }
    } while (proto::read_once(vcpu0->evtchn_upcall_pending));
}

int64_t evtchn_op(uint64_t cmd, void* arg) {
    return hypercall_ptr(__HYPERVISOR_event_channel_op, cmd, arg);
}

} // namespace

void events_init(const bare::Fdt& fdt, int hyp_node) {
    // Every port starts masked; ports are unmasked as handlers are bound.
    for (unsigned w = 0; w < kPorts / kWordBits; ++w)
        shared->evtchn_mask[w] = ~uint64_t(0);
    // FIFO ABI set-up is not attempted: 2-level is what we speak.
    const int ppi = dt_interrupt(fdt, hyp_node, 0);
    if (ppi < 0 || !irq_register(static_cast<unsigned>(ppi), upcall, nullptr))
        panic("xen: no event-channel interrupt in the hypervisor node");
    proto::write_once(vcpu0->evtchn_upcall_mask, uint8_t(0));
}

uint64_t upcall_count() {
    return upcalls;
}

void bind_handler(evtchn_port_t port, EvtchnHandler fn, void* arg) {
    if (port >= kPorts) return;
    bindings[port] = {fn, arg};
    unmask(port);
}

int bind_virq(uint32_t virq, EvtchnHandler fn, void* arg, evtchn_port_t* port) {
    evtchn_bind_virq_t op{};
    op.virq = virq;
    op.vcpu = 0;
    const int64_t rc = evtchn_op(EVTCHNOP_bind_virq, &op);
    if (rc) return static_cast<int>(rc);
    *port = op.port;
    bind_handler(op.port, fn, arg);
    return 0;
}

int alloc_unbound(domid_t remote, evtchn_port_t* port) {
    evtchn_alloc_unbound_t op{};
    op.dom = DOMID_SELF;
    op.remote_dom = remote;
    const int64_t rc = evtchn_op(EVTCHNOP_alloc_unbound, &op);
    if (rc == 0) *port = op.port;
    return static_cast<int>(rc);
}

int bind_interdomain(domid_t remote, evtchn_port_t remote_port, EvtchnHandler fn, void* arg,
                     evtchn_port_t* local) {
    evtchn_bind_interdomain_t op{};
    op.remote_dom = remote;
    op.remote_port = remote_port;
    const int64_t rc = evtchn_op(EVTCHNOP_bind_interdomain, &op);
    if (rc) return static_cast<int>(rc);
    *local = op.local_port;
    bind_handler(op.local_port, fn, arg);
    return 0;
}

int close_port(evtchn_port_t port) {
    if (port < kPorts) {
        mask(port);
        bindings[port] = {nullptr, nullptr};
    }
    evtchn_close_t op{port};
    return static_cast<int>(evtchn_op(EVTCHNOP_close, &op));
}

int notify(evtchn_port_t port) {
    evtchn_send_t op{port};
    return static_cast<int>(evtchn_op(EVTCHNOP_send, &op));
}

void mask(evtchn_port_t port) {
    if (port < kPorts)
        __atomic_fetch_or(&shared->evtchn_mask[port / kWordBits], uint64_t(1) << (port % kWordBits),
                          __ATOMIC_ACQ_REL);
}

void unmask(evtchn_port_t port) {
    // EVTCHNOP_unmask clears the mask bit and, if the port is pending, re-raises the upcall
    // (clearing the bit ourselves would lose an event that arrived while masked).
    evtchn_unmask_t op{port};
    evtchn_op(EVTCHNOP_unmask, &op);
}

int evtchn_status(domid_t dom, evtchn_port_t port, evtchn_status_t* out) {
    *out = {};
    out->dom = dom;
    out->port = port;
    return static_cast<int>(evtchn_op(EVTCHNOP_status, out));
}

} // namespace minios::xen
