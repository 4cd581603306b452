// Isolation: a guest may try anything; the hypervisor answers with an error code or an
// exception in the guest, never crashes, and never lets it reach memory it does not own.
#include "../../../hypervisor/include/public/domctl.h"
#include "../../../hypervisor/include/public/errno.h"
#include "../../../hypervisor/include/public/grant_table.h"
#include "../../../hypervisor/include/public/hvm/params.h"
#include "../../../hypervisor/include/public/memory.h"
#include "../../../hypervisor/include/public/platform.h"
#include "../../../hypervisor/include/public/version.h"
#include "suites.h"

using namespace xt;

namespace {

uint64_t read64(void* p) {
    return *static_cast<volatile uint64_t*>(p);
}
void load(void* p) {
    (void)read64(p);
}
void store(void* p) {
    *static_cast<volatile uint64_t*>(p) = 0x5a5a5a5a5a5a5a5aull;
}
void load_pair(void* p) {
    uint64_t a, b;
    asm volatile("ldp %0, %1, [%2]" : "=r"(a), "=r"(b) : "r"(p) : "memory");
}
void load16(void* p) {
    (void)*static_cast<volatile uint16_t*>(p);
}
void hvc_other(void*) {
    asm volatile("hvc #1" ::: "memory");
}
void impdef_sysreg(void*) {
    uint64_t v;
    asm volatile("mrs %0, s3_0_c15_c0_0" : "=r"(v));
}
void debug_sysreg(void*) {
    uint64_t v;
    asm volatile("mrs %0, mdscr_el1" : "=r"(v));
    asm volatile("msr mdscr_el1, %0" ::"r"(v));
}

bool faults(void (*fn)(void*), void* arg, unsigned* dfsc = nullptr) {
    const Fault f = expect_fault(fn, arg);
    if (dfsc) *dfsc = f.esr & 0x3f;
    return f.hit;
}

int64_t gnttab(unsigned cmd, void* op, unsigned count = 1) {
    return hypercall(__HYPERVISOR_grant_table_op, cmd, reinterpret_cast<uint64_t>(op), count);
}

} // namespace

void suites::isolation() {
    gic_init_cpu();
    // Memory the domain does not have: an injected abort, never the hypervisor's fault.
    unsigned dfsc = 0;
    check(faults(load, reinterpret_cast<void*>(0x10000000), &dfsc) && dfsc == 0x10,
          "iso.unmapped_load", "dfsc %#x", dfsc);
    check(faults(store, reinterpret_cast<void*>(0x10000000)), "iso.unmapped_store");
    check(faults(store, reinterpret_cast<void*>(0x09000000)), "iso.host_uart");
    check(faults(load, reinterpret_cast<void*>(0x08000000)), "iso.host_gicd");
    check(faults(load, reinterpret_cast<void*>(0x08030000)), "iso.host_gich");
    check(faults(load, reinterpret_cast<void*>(0x7ff00000)), "iso.beyond_ram");
    // Hypercall buffers that are not the guest's RAM.
    xen_extraversion_t* bad[] = {reinterpret_cast<xen_extraversion_t*>(0x10000000),
                                 reinterpret_cast<xen_extraversion_t*>(0x08000000),
                                 reinterpret_cast<xen_extraversion_t*>(0x03002000), // GICV
                                 reinterpret_cast<xen_extraversion_t*>(0xfffffffffffff000ull)};
    bool all_efault = true;
    for (auto* p : bad)
        all_efault &= hypercall(__HYPERVISOR_xen_version, XENVER_extraversion,
                                reinterpret_cast<uint64_t>(p)) == -XEN_EFAULT;
    check(all_efault, "iso.bad_pointers_efault");
    // A buffer that starts in RAM and runs off its end.
    const uint64_t ram_end = 0x40000000ull + 16 * 1024 * 1024; // domU RAM size in the scenario
    check(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 1ull << 30, ram_end - 64) ==
              -XEN_EFAULT,
          "iso.huge_length_efault");
    check(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, ~0ull, 0x40000000) == -XEN_EINVAL,
          "iso.huge_length_einval");
    // Privileged operations.
    xen_domctl_t dc = {};
    dc.cmd = XEN_DOMCTL_destroydomain;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = 0;
    check(hypercall(__HYPERVISOR_domctl, reinterpret_cast<uint64_t>(&dc)) == -XEN_EPERM,
          "iso.domctl_eperm");
    xen_platform_op_t pop = {};
    pop.cmd = XENPF_settime64;
    pop.interface_version = XENPF_INTERFACE_VERSION;
    check(hypercall(__HYPERVISOR_platform_op, reinterpret_cast<uint64_t>(&pop)) == -XEN_EPERM,
          "iso.platform_eperm");
    xen_hvm_param_t hp = {0, 0, HVM_PARAM_STORE_PFN, 0};
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, reinterpret_cast<uint64_t>(&hp)) ==
              -XEN_EPERM,
          "iso.hvm_other_domain");
    evtchn_alloc_unbound_t au = {0, DOMID_SELF, 0};
    check(evtchn_op(EVTCHNOP_alloc_unbound, &au) == -XEN_EPERM, "iso.evtchn_alloc_in_dom0");
    evtchn_bind_interdomain_t bi = {0, 1, 0};
    check(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -XEN_EINVAL, "iso.evtchn_bind_unoffered");
    xen_add_to_physmap_t ap = {};
    ap.domid = 0;
    ap.space = XENMAPSPACE_shared_info;
    ap.gpfn = 0x39020;
    check(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
                    reinterpret_cast<uint64_t>(&ap)) == -XEN_ESRCH,
          "iso.physmap_other_domain");
    xen_remove_from_physmap_t rp = {DOMID_SELF, 0x03002}; // the GICV mapping
    check(hypercall(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap,
                    reinterpret_cast<uint64_t>(&rp)) == -XEN_EINVAL,
          "iso.remove_mmio");
    // Grant references nobody gave us.
    gnttab_map_grant_ref_t m = {};
    m.host_addr = 0x39030000;
    m.flags = GNTMAP_host_map;
    m.dom = 0;
    m.ref = 5;
    gnttab(GNTTABOP_map_grant_ref, &m);
    check(m.status != GNTST_okay, "iso.grant_map_foreign_unoffered", "status %d", m.status);
    m.ref = 1u << 30;
    gnttab(GNTTABOP_map_grant_ref, &m);
    check(m.status == GNTST_bad_gntref, "iso.grant_map_bad_ref", "status %d", m.status);
    m.dom = 0x7000;
    gnttab(GNTTABOP_map_grant_ref, &m);
    check(m.status == GNTST_bad_domain, "iso.grant_map_bad_domain", "status %d", m.status);
    gnttab_unmap_grant_ref_t u = {0, 0, 999999, 0};
    gnttab(GNTTABOP_unmap_grant_ref, &u);
    check(u.status == GNTST_bad_handle, "iso.grant_unmap_bad_handle", "status %d", u.status);
    gnttab_copy_t c = {};
    c.source.domid = 0;
    c.source.u.gmfn = 0x40000;
    c.dest.domid = DOMID_SELF;
    c.dest.u.gmfn = 0x40300;
    c.len = 64;
    gnttab(GNTTABOP_copy, &c);
    check(c.status == GNTST_permission_denied, "iso.grant_copy_foreign_gmfn", "status %d",
          c.status);
    c.source.domid = DOMID_SELF;
    c.source.u.gmfn = 0x40300;
    c.source.offset = 4000;
    c.len = 200;
    gnttab(GNTTABOP_copy, &c);
    check(c.status == GNTST_bad_copy_arg, "iso.grant_copy_crosses_page", "status %d", c.status);
    check(gnttab(GNTTABOP_map_grant_ref, &m, 100000) == -XEN_EINVAL, "iso.grant_huge_count");
    // The distributor's reserved registers and odd access sizes: RAZ/WI.
    uint8_t* gicd = reinterpret_cast<uint8_t*>(gic().dist);
    check(gicd_read(0x00c) == 0 && gicd_read(0xe80) == 0, "iso.gicd_reserved_raz");
    gicd_write(0x00c, 0xffffffff);
    gicd_write(0xd80, 0xffffffff);
    check(!faults(load16, gicd + 0x100), "iso.gicd_halfword_raz");
    check(faults(load_pair, gicd + 0x100), "iso.gicd_ldp_aborts");
    // Exceptions the guest raises at the hypervisor.
    check(faults(hvc_other, nullptr), "iso.hvc_other_imm_undef");
    check(faults(impdef_sysreg, nullptr), "iso.impdef_sysreg_undef");
    check(!faults(debug_sysreg, nullptr), "iso.debug_sysreg_raz_wi");
    // PSCI on vCPUs that do not exist.
    check(xt::psci(0xc4000003, 5, 0x40200000, 0) == -2, "iso.psci_cpu_on_nonexistent");
    // Still alive, and so is the hypervisor.
    check(hypercall(__HYPERVISOR_xen_version, XENVER_version) == ((4 << 16) | 17),
          "iso.still_alive");
}
