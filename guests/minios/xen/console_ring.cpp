// The domU console: the PV console ring (public/io/console.h) at HVM_PARAM_CONSOLE_PFN,
// kicked through HVM_PARAM_CONSOLE_EVTCHN. Whoever serves it (dom0 or the hypervisor)
// empties `out`; when it stops doing so we wait a bounded time, then drop output rather
// than hang the domain.
#include "xen_internal.h"

#include <public/hvm/params.h>
#include <public/io/console.h>

namespace minios::xen {
namespace {

xencons_interface* ring = nullptr;
evtchn_port_t port = 0;
uint64_t dropped = 0;
constexpr uint64_t kStallNs = 1000000000; // give up waiting for space after 1 s

void ring_write(const char* s, size_t n) {
    uint64_t stall_start = 0;
    while (n) {
        const XENCONS_RING_IDX cons = proto::read_once(ring->out_cons);
        const XENCONS_RING_IDX prod = proto::read_once(ring->out_prod);
        arch::mb();
        const uint32_t used = prod - cons;
        if (used > sizeof ring->out) {
            dropped += n; // the other side broke the indexes: nothing sane to do
            return;
        }
        const uint32_t space = sizeof ring->out - used;
        if (space == 0) {
            notify(port);
            const uint64_t now = now_ns();
            if (!stall_start) stall_start = now;
            if (now - stall_start > kStallNs) {
                dropped += n;
                return;
            }
            yield_cpu();
            continue;
        }
        stall_start = 0;
        const uint32_t k = n < space ? static_cast<uint32_t>(n) : space;
        for (uint32_t i = 0; i < k; ++i)
            ring->out[MASK_XENCONS_IDX(prod + i, ring->out)] = s[i];
        arch::wmb(); // the bytes before the producer index
        proto::write_once(ring->out_prod, XENCONS_RING_IDX(prod + k));
        s += k;
        n -= k;
    }
    notify(port);
}

} // namespace

void console_init_ring() {
    uint64_t pfn = 0, evtchn = 0;
    if (hvm_get_param(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &pfn) != 0 || pfn == 0 ||
        hvm_get_param(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &evtchn) != 0) {
        // No PV console: try console_io (hypervisors may accept it from any domain).
        console_set_sink(console_io_write, "xen-console_io");
        return;
    }
    if (!map(pfn << kPageShift, kPageSize, MemType::Normal))
        panic("xen: cannot map the console ring at pfn 0x%lx", pfn);
    ring = static_cast<xencons_interface*>(phys_to_virt(pfn << kPageShift));
    port = static_cast<evtchn_port_t>(evtchn);
    console_set_sink(ring_write, "xen-pv-ring");
}

} // namespace minios::xen
