// A toolstack's view of domctl: create a domain, give it memory, load a program into it
// through foreign mappings, set its vCPU context, run it, see it shut down, destroy it.
#include "../../../hypervisor/include/public/domctl.h"
#include "../../../hypervisor/include/public/errno.h"
#include "../../../hypervisor/include/public/memory.h"
#include "../../../hypervisor/include/public/sched.h"
#include "suites.h"

using namespace xt;

namespace suites {
void toolstack();
}

namespace {

int64_t domctl(xen_domctl_t& d, uint32_t cmd, domid_t dom) {
    d.cmd = cmd;
    d.domain = dom;
    d.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return hypercall(__HYPERVISOR_domctl, reinterpret_cast<uint64_t>(&d));
}

// movz x16, #29 (sched_op); movz x0, #2 (SCHEDOP_shutdown); adr x1, reason;
// hvc #0xea1; b .; reason: .word 0 (SHUTDOWN_poweroff)
const uint32_t kProgram[] = {0xd28003b0, 0xd2800040, 0x10000061, 0xd401d422, 0x14000000, 0};

constexpr uint64_t kGuestBase = 0x40000; // gfn of the new domain's RAM
constexpr uint64_t kPages = 16;
constexpr uint64_t kMapAt = (GUEST_MAGIC_BASE >> 12) + 0x60; // our gfn for the foreign page

} // namespace

void suites::toolstack() {
    xen_domctl_t d = {};
    d.u.createdomain.max_vcpus = 1;
    uint64_t base_pages = 0;
    d.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    int64_t r = domctl(d, XEN_DOMCTL_createdomain, 0);
    const domid_t id = d.domain;
    check(r == 0 && id > 0, "toolstack.create", "r=%ld id=%u", r, id);
    if (r) return;
    d = {};
    domctl(d, XEN_DOMCTL_getdomaininfo, id);
    base_pages = d.u.getdomaininfo.tot_pages; // the console and xenstore rings
    d = {};
    d.u.max_mem.max_memkb = (base_pages + kPages) * 4;
    check(domctl(d, XEN_DOMCTL_max_mem, id) == 0, "toolstack.max_mem");
    d = {};
    d.u.max_vcpus.max = 1;
    check(domctl(d, XEN_DOMCTL_max_vcpus, id) == 0, "toolstack.max_vcpus");
    static xen_pfn_t gfns[kPages];
    for (uint64_t i = 0; i < kPages; ++i)
        gfns[i] = kGuestBase + i;
    xen_memory_reservation_t res = {reinterpret_cast<uint64_t>(gfns), kPages, 0, 0, id};
    r = hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap,
                  reinterpret_cast<uint64_t>(&res));
    check(r == static_cast<int64_t>(kPages), "toolstack.populate_physmap", "%ld", r);
    res.nr_extents = 1;
    gfns[0] = kGuestBase + kPages;
    check(hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap,
                    reinterpret_cast<uint64_t>(&res)) == 0,
          "toolstack.max_mem_enforced");
    gfns[0] = kGuestBase;
    // Map the first page of the new domain into ours and write the program.
    xen_ulong_t idx = kGuestBase;
    xen_pfn_t gpfn = kMapAt;
    int err = -1;
    xen_add_to_physmap_batch_t b = {DOMID_SELF,
                                    XENMAPSPACE_gmfn_foreign,
                                    1,
                                    id,
                                    reinterpret_cast<uint64_t>(&idx),
                                    reinterpret_cast<uint64_t>(&gpfn),
                                    reinterpret_cast<uint64_t>(&err)};
    r = hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch,
                  reinterpret_cast<uint64_t>(&b));
    check(r == 0 && err == 0, "toolstack.map_foreign", "r=%ld err=%d", r, err);
    auto* code = reinterpret_cast<volatile uint32_t*>(kMapAt << 12);
    for (unsigned i = 0; i < sizeof kProgram / 4; ++i)
        code[i] = kProgram[i];
    dsb();
    xen_remove_from_physmap_t rm = {DOMID_SELF, kMapAt};
    check(hypercall(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap,
                    reinterpret_cast<uint64_t>(&rm)) == 0,
          "toolstack.unmap_foreign");
    // vCPU 0 starts at the program with the MMU off.
    static vcpu_guest_context_t ctx;
    ctx = {};
    ctx.flags = VGCF_online;
    ctx.user_regs.pc64 = kGuestBase << 12;
    ctx.user_regs.cpsr = PSR_GUEST64_INIT;
    d = {};
    d.u.vcpucontext.vcpu = 0;
    d.u.vcpucontext.ctxt = reinterpret_cast<uint64_t>(&ctx);
    check(domctl(d, XEN_DOMCTL_setvcpucontext, id) == 0, "toolstack.setvcpucontext");
    d = {};
    domctl(d, XEN_DOMCTL_getdomaininfo, id);
    check(d.domain == id && (d.u.getdomaininfo.flags & XEN_DOMINF_paused) &&
              d.u.getdomaininfo.tot_pages >= kPages,
          "toolstack.info_paused", "flags %#x pages %lu", d.u.getdomaininfo.flags,
          d.u.getdomaininfo.tot_pages);
    check(domctl(d, XEN_DOMCTL_unpausedomain, id) == 0, "toolstack.unpause");
    const uint64_t end = counter() + 10 * counter_hz(); // QEMU on a busy host
    bool down = false;
    while (!down && counter() < end) {
        d = {};
        down = domctl(d, XEN_DOMCTL_getdomaininfo, id) == 0 && d.domain == id &&
               (d.u.getdomaininfo.flags & XEN_DOMINF_shutdown);
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    }
    check(down, "toolstack.guest_ran_and_shut_down");
    check(domctl(d, XEN_DOMCTL_destroydomain, id) == 0, "toolstack.destroy");
    const uint64_t end2 = counter() + 10 * counter_hz(); // QEMU on a busy host
    bool gone = false;
    while (!gone && counter() < end2) {
        d = {};
        const int64_t q = domctl(d, XEN_DOMCTL_getdomaininfo, id);
        gone = q == -XEN_ESRCH || d.domain != id;
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    }
    check(gone, "toolstack.gone_after_destroy");
}
