// Hypercall ABI: numbers, sub-operations, error codes, and the simple hypercalls.
#include "../../../hypervisor/include/public/domctl.h"
#include "../../../hypervisor/include/public/errno.h"
#include "../../../hypervisor/include/public/hvm/params.h"
#include "../../../hypervisor/include/public/memory.h"
#include "../../../hypervisor/include/public/platform.h"
#include "../../../hypervisor/include/public/sched.h"
#include "../../../hypervisor/include/public/vcpu.h"
#include "../../../hypervisor/include/public/version.h"
#include "suites.h"

#include <bare/bare.h>

using namespace xt;

namespace {
bool is_dom0() {
    xen_feature_info_t fi = {0, 0};
    hypercall(__HYPERVISOR_xen_version, XENVER_get_features, reinterpret_cast<uint64_t>(&fi));
    return fi.submap & (1u << XENFEAT_dom0);
}
char g_big[1200];
} // namespace

void suites::abi() {
    const bool dom0 = is_dom0();
    // xen_version
    const int64_t ver = hypercall(__HYPERVISOR_xen_version, XENVER_version);
    check(ver == ((4 << 16) | 17), "abi.version", "%#lx", ver);
    xen_feature_info_t fi = {0, 0};
    int64_t r =
        hypercall(__HYPERVISOR_xen_version, XENVER_get_features, reinterpret_cast<uint64_t>(&fi));
    check(r == 0 && (fi.submap & (1u << XENFEAT_auto_translated_physmap)),
          "abi.features.autotranslate", "r=%ld submap=%#x", r, fi.submap);
    fi = {1, 0xdead};
    r = hypercall(__HYPERVISOR_xen_version, XENVER_get_features, reinterpret_cast<uint64_t>(&fi));
    check(r == 0 && fi.submap == 0, "abi.features.submap1", "r=%ld submap=%#x", r, fi.submap);
    check(hypercall(__HYPERVISOR_xen_version, XENVER_pagesize) == 4096, "abi.pagesize");
    xen_extraversion_t extra = {};
    r = hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, reinterpret_cast<uint64_t>(extra));
    check(r == 0 && extra[0] == '.', "abi.extraversion", "r=%ld '%s'", r, extra);
    check(hypercall(__HYPERVISOR_xen_version, 99) == -XEN_ENOSYS, "abi.version.unknown_subop");
    // Numbers that are not hypercalls.
    check(hypercall(63) == -XEN_ENOSYS, "abi.enosys.63");
    check(hypercall(1000) == -XEN_ENOSYS, "abi.enosys.1000");
    check(hypercall(__HYPERVISOR_mmu_update) == -XEN_ENOSYS, "abi.enosys.mmu_update");
    // console_io
    static const char msg[] = "abi: console write\n";
    r = hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof msg - 1,
                  reinterpret_cast<uint64_t>(msg));
    check(r == 0, "abi.console.write", "%ld", r);
    r = hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 16, 0x10000000);
    check(r == -XEN_EFAULT, "abi.console.efault", "%ld", r);
    r = hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 0x80000000ull,
                  reinterpret_cast<uint64_t>(msg));
    check(r == -XEN_EINVAL, "abi.console.einval", "%ld", r);
    // Longer than one chunk: the hypervisor continues the hypercall.
    for (unsigned i = 0; i < sizeof g_big; ++i)
        g_big[i] = (i % 100 == 99) ? '\n' : static_cast<char>('a' + i % 26);
    r = hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof g_big,
                  reinterpret_cast<uint64_t>(g_big));
    check(r == 0, "abi.console.continuation", "%ld", r);
    char in[8];
    r = hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof in,
                  reinterpret_cast<uint64_t>(in));
    check(dom0 ? r >= 0 : r == -XEN_EPERM, "abi.console.read", "%ld", r);
    check(hypercall(__HYPERVISOR_console_io, 7, 0, 0) == -XEN_ENOSYS, "abi.console.unknown");
    // sched_op
    check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0) == 0, "abi.sched.yield");
    check(hypercall(__HYPERVISOR_sched_op, 77, 0) == -XEN_ENOSYS, "abi.sched.unknown");
    sched_shutdown_t bad = {99};
    check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, reinterpret_cast<uint64_t>(&bad)) ==
              -XEN_EINVAL,
          "abi.sched.shutdown_bad_reason");
    // hvm_op
    xen_hvm_param_t p = {DOMID_SELF, 0, HVM_NR_PARAMS + 5, 0};
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, reinterpret_cast<uint64_t>(&p)) ==
              -XEN_EINVAL,
          "abi.hvm.bad_index");
    p = {DOMID_SELF, 0, HVM_PARAM_STORE_EVTCHN, 0};
    r = hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, reinterpret_cast<uint64_t>(&p));
    check(r == 0 && (dom0 ? p.value == 0 : p.value != 0), "abi.hvm.store_evtchn", "r=%ld v=%lu", r,
          p.value);
    check(hypercall(__HYPERVISOR_hvm_op, 9, reinterpret_cast<uint64_t>(&p)) == -XEN_ENOSYS,
          "abi.hvm.unknown");
    // memory_op
    domid_t self = DOMID_SELF;
    const int64_t pages = hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation,
                                    reinterpret_cast<uint64_t>(&self));
    check(pages >= 4096, "abi.memory.current_reservation", "%ld", pages);
    const int64_t maxgpfn =
        hypercall(__HYPERVISOR_memory_op, XENMEM_maximum_gpfn, reinterpret_cast<uint64_t>(&self));
    check(maxgpfn > 0x40000, "abi.memory.maximum_gpfn", "%#lx", maxgpfn);
    check(hypercall(__HYPERVISOR_memory_op, 63, 0) == -XEN_ENOSYS, "abi.memory.unknown");
    // vcpu_op
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0) == 1, "abi.vcpu.is_up0");
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 42, 0) == -XEN_ENOENT, "abi.vcpu.bad_vcpu");
    static vcpu_runstate_info_t rs;
    vcpu_register_runstate_memory_area_t area = {reinterpret_cast<uint64_t>(&rs)};
    r = hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0,
                  reinterpret_cast<uint64_t>(&area));
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    check(r == 0 && rs.state == RUNSTATE_running && rs.state_entry_time > 0, "abi.vcpu.runstate",
          "r=%ld state=%d t=%lu", r, rs.state, rs.state_entry_time);
    // vm_assist
    check(hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag) ==
              0,
          "abi.vm_assist.runstate_flag");
    check(hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 0) == -XEN_EINVAL,
          "abi.vm_assist.bad_type");
    // platform_op and domctl: dom0 only
    xen_platform_op_t pop = {};
    pop.cmd = XENPF_settime64;
    pop.interface_version = XENPF_INTERFACE_VERSION;
    pop.u.settime64.secs = 1700000000;
    pop.u.settime64.system_time = 0;
    r = hypercall(__HYPERVISOR_platform_op, reinterpret_cast<uint64_t>(&pop));
    check(dom0 ? r == 0 : r == -XEN_EPERM, "abi.platform.settime64", "%ld", r);
    xen_domctl_t dc = {};
    dc.cmd = XEN_DOMCTL_getdomaininfo;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = 0;
    r = hypercall(__HYPERVISOR_domctl, reinterpret_cast<uint64_t>(&dc));
    check(dom0 ? (r == 0 && dc.u.getdomaininfo.domain == 0 && dc.u.getdomaininfo.tot_pages > 0)
               : r == -XEN_EPERM,
          "abi.domctl.getdomaininfo", "r=%ld", r);
    dc.interface_version = 1;
    r = hypercall(__HYPERVISOR_domctl, reinterpret_cast<uint64_t>(&dc));
    check(dom0 ? r == -XEN_EACCES : r == -XEN_EPERM, "abi.domctl.version", "%ld", r);
}
