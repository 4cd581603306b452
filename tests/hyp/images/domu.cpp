// domU of the dom0-domu scenario: vGIC, PSCI and isolation suites, then the ping-pong and
// grant copy with dom0 over its xenstore page and event channel.
#include "../../../hypervisor/include/public/grant_table.h"
#include "../../../hypervisor/include/public/hvm/params.h"
#include "../../../hypervisor/include/public/sched.h"
#include "interdomain.h"
#include "suites.h"

using namespace xt;

namespace {

alignas(4096) uint8_t g_pattern[4096];
volatile evtchn_port_t g_port = 0;
PingPage* g_pp = nullptr;

void on_port(evtchn_port_t p) {
    if (p != g_port || !g_pp) return;
    const uint32_t s = g_pp->seq_dom0;
    if (s == g_pp->seq_domu) return;
    g_pp->t_domu = phys_count();
    g_pp->seq_domu = s;
    dsb();
    evtchn_send_t send = {p};
    evtchn_op(EVTCHNOP_send, &send);
}

uint64_t param(unsigned index) {
    xen_hvm_param_t p = {DOMID_SELF, 0, index, 0};
    hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, reinterpret_cast<uint64_t>(&p));
    return p.value;
}

} // namespace

void xt::main() {
    printf("domU: %u vCPUs\n", nr_cpus());
    suites::vgic();
    suites::psci();
    suites::isolation();
    suites::pv_console();
    // Ping-pong with dom0.
    gic_init_cpu();
    events_init();
    set_port_handler(on_port);
    xen_pfn_t frame = 0;
    gnttab_setup_table_t st = {DOMID_SELF, 1, 0, reinterpret_cast<uint64_t>(&frame)};
    hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, reinterpret_cast<uint64_t>(&st),
              1);
    auto* table = reinterpret_cast<grant_entry_v1_t*>(frame << 12);
    check(st.status == GNTST_okay && (table[GNTTAB_RESERVED_XENSTORE].flags & GTF_permit_access) &&
              table[GNTTAB_RESERVED_XENSTORE].domid == 0,
          "domU.store_granted_to_dom0");
    for (unsigned i = 0; i < 4096; ++i)
        g_pattern[i] = pattern_byte(i);
    table[8].domid = 0;
    table[8].frame = static_cast<uint32_t>(reinterpret_cast<uint64_t>(g_pattern) >> 12);
    dsb();
    table[8].flags = GTF_permit_access | GTF_readonly;
    g_pp = reinterpret_cast<PingPage*>(param(HVM_PARAM_STORE_PFN) << 12);
    g_port = static_cast<evtchn_port_t>(param(HVM_PARAM_STORE_EVTCHN));
    g_pp->copy_ref = 8;
    g_pp->seq_domu = 0;
    dsb();
    g_pp->magic = kPingMagic;
    unmask(g_port);
    irq_enable();
    wait_until([] { return g_pp->seq_domu == kPingDone; });
    check(g_pp->seq_domu == kPingDone, "domU.pingpong_done", "seq %u", g_pp->seq_domu);
    irq_disable();
    finish("domU");
}
