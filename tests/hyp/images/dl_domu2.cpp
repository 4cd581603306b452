// domU2 of the dom0less scenario (3 vCPUs): one vCPU hogs its pCPU with interrupts masked
// while two others run the virtual-timer suite; the hypervisor's scheduler must still share
// the machine. dom0 reboots this domain once early on: the second life runs to the end.
#include "../../../hypervisor/include/public/hvm/params.h"
#include "../../../hypervisor/include/public/sched.h"
#include "dl_proto.h"
#include "suites.h"

using namespace xt;

namespace {
volatile bool g_hog_done = false;
void hog(unsigned) {
    // Interrupts masked at EL1 do not mask the hypervisor's: it still preempts us.
    irq_disable();
    const uint64_t end = counter() + counter_hz() / 20; // 50 ms of virtual time
    while (counter() < end)
        asm volatile("" ::: "memory");
    g_hog_done = true;
}
} // namespace

void xt::main() {
    printf("domU2: %u vCPUs\n", nr_cpus());
    xen_hvm_param_t p = {DOMID_SELF, 0, HVM_PARAM_STORE_PFN, 0};
    hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, reinterpret_cast<uint64_t>(&p));
    auto* page = reinterpret_cast<DlPage*>(p.value << 12);
    page->magic = kDlMagic;
    dsb();
    printf("domU2: waiting for dom0\n");
    while (!page->go)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    cpu_on(2, hog);
    suites::vtimer(2);
    const uint64_t end = counter() + 10 * counter_hz(); // QEMU on a busy host
    while (!g_hog_done && counter() < end)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    check(g_hog_done, "dl.domu2.hog_finished");
    suites::pv_console();
    finish("domU2");
}
