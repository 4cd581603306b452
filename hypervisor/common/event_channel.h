// Event channels, 2-level ABI: a pending and a mask bit per port in shared_info, a
// selector word and the upcall flag in each vcpu_info, and PPI 31 to interrupt the vCPU.
#pragma once

#include "../include/public/event_channel.h"
#include "lib.h"
#include "types.h"

namespace hyp {

struct Vcpu;
struct Domain;

enum class EvtchnState : uint8_t { Free = 0, Unbound, Interdomain, Virq, Ipi, XenConsumer };

struct Evtchn {
    EvtchnState state = EvtchnState::Free;
    uint8_t consumer = 0;     // XenConsumer: which hypervisor service handles sends
    uint16_t remote_dom = 0;  // Unbound: who may bind; Interdomain: the peer
    uint32_t remote_port = 0; // Interdomain: the peer's port; Virq: the VIRQ number
    uint32_t notify_vcpu = 0;
};

// Hypervisor services that own one end of a channel (Xen's "xen consumers").
enum class XenConsumer : uint8_t { None = 0, Console = 1 };

inline constexpr uint32_t kDefaultMaxPorts = 1024;

struct EvtchnTable {
    Evtchn* ports = nullptr;
    uint32_t max_ports = 0;
    uint64_t pages = 0;
    SpinLock lock;
};

namespace evtchn {

bool domain_init(Domain* d, uint32_t max_ports);
// Closes every port (peers' ends become unbound) and frees the table.
void domain_destroy(Domain* d);

// The hypercall (EVTCHNOP_*), with its argument already copied in/out by the caller.
Status op(Vcpu* v, unsigned cmd, uint64_t arg);

// Raise a port of `d` (sets pending, selector, upcall; injects PPI 31).
void set_pending(Domain* d, uint32_t port);
void send_virq(Vcpu* v, unsigned virq);
void send_global_virq(Domain* d, unsigned virq);
// Allocates a port in `d` whose other end is a hypervisor service.
Status alloc_xen_consumer(Domain* d, XenConsumer c, uint32_t* port);
// Allocates an unbound port in `d` that `remote` may bind to (boot-time xenstore set-up).
Status alloc_unbound(Domain* d, uint16_t remote, uint32_t* port);
// Level of the upcall line (PPI 31) for the vGIC.
bool upcall_pending(Vcpu* v);
// SCHEDOP_poll helper: is any of the ports pending?
bool any_pending(Domain* d, const uint32_t* ports, unsigned n);

} // namespace evtchn

} // namespace hyp
