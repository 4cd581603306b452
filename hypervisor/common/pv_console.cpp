// Hypervisor-served PV console ring.
#include "pv_console.h"

#include "../include/public/io/console.h"
#include "arch.h"
#include "console.h"
#include "domain.h"

namespace hyp::pv_console {

Status setup(Domain* d) {
    Ipa ring;
    if (const Status r = domain::alloc_magic_page(d, GUEST_CONSOLE_PFN_OFFSET, &ring)) return r;
    uint32_t port;
    if (const Status r = evtchn::alloc_xen_consumer(d, XenConsumer::Console, &port)) return r;
    d->console_port = port;
    d->console_ring_gfn = ring.frame();
    d->hvm_params[HVM_PARAM_CONSOLE_PFN] = ring.frame();
    d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN] = port;
    return 0;
}

void notify(Domain* d) {
    Hpa pa;
    if (!d->console_ring_gfn ||
        !domain::ipa_to_hpa(d, Ipa::from_frame(d->console_ring_gfn), &pa, true))
        return;
    auto* ring = static_cast<xencons_interface*>(arch::hpa_to_ptr(pa));
    // The indices are the guest's: read them once and never trust their distance.
    XENCONS_RING_IDX cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
    const XENCONS_RING_IDX prod = __atomic_load_n(&ring->out_prod, __ATOMIC_ACQUIRE);
    if (prod - cons > sizeof ring->out) {
        log("d%u: console ring indices corrupt (cons %u prod %u): resynchronised", d->id, cons,
            prod);
        cons = prod;
    }
    char buf[64];
    while (cons != prod) {
        unsigned n = 0;
        while (cons != prod && n < sizeof buf)
            buf[n++] = ring->out[MASK_XENCONS_IDX(cons++, ring->out)];
        console_guest_write(d->id, d->console, buf, n);
    }
    __atomic_store_n(&ring->out_cons, cons, __ATOMIC_RELEASE);
    if (d->console_port) evtchn::set_pending(d, d->console_port); // room in the ring again
}

} // namespace hyp::pv_console
