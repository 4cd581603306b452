// The PV console ring of a domU (io/console.h), served by the hypervisor: text written to
// the ring and signalled on the console event channel appears as "(d<N>) ..." lines.
#include "../../../hypervisor/include/public/hvm/params.h"
#include "../../../hypervisor/include/public/io/console.h"
#include "suites.h"

using namespace xt;

namespace {
uint64_t param(unsigned index) {
    xen_hvm_param_t p = {DOMID_SELF, 0, index, 0};
    hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, reinterpret_cast<uint64_t>(&p));
    return p.value;
}

void ring_write(xencons_interface* r, evtchn_port_t port, const char* s) {
    for (; *s; ++s) {
        while (r->out_prod - r->out_cons >= sizeof r->out) {
            evtchn_send_t send = {port};
            evtchn_op(EVTCHNOP_send, &send);
        }
        r->out[MASK_XENCONS_IDX(r->out_prod, r->out)] = *s;
        dsb();
        r->out_prod = r->out_prod + 1;
    }
    evtchn_send_t send = {port};
    evtchn_op(EVTCHNOP_send, &send);
}
} // namespace

void suites::pv_console() {
    const uint64_t pfn = param(HVM_PARAM_CONSOLE_PFN);
    const auto port = static_cast<evtchn_port_t>(param(HVM_PARAM_CONSOLE_EVTCHN));
    check(pfn == (GUEST_MAGIC_BASE >> 12) + 0 && port != 0, "pvcons.params", "pfn %#lx port %u",
          pfn, port);
    auto* ring = reinterpret_cast<xencons_interface*>(pfn << 12);
    ring_write(ring, port, "pvcons: hello through the console ring\n");
    // Longer than the ring: the writer waits for the hypervisor to drain it.
    static char line[3000];
    for (unsigned i = 0; i < sizeof line - 2; ++i)
        line[i] = static_cast<char>('A' + i % 26);
    line[sizeof line - 2] = '\n';
    ring_write(ring, port, line);
    ring_write(ring, port, "pvcons: after the long line\n");
    check(ring->out_cons == ring->out_prod, "pvcons.drained", "cons %u prod %u", ring->out_cons,
          ring->out_prod);
}
