// Hypercall table and the small hypercalls: xen_version, console_io, sched_op, vcpu_op,
// hvm_op, vm_assist, platform_op, and this hypervisor's test hooks.
#include "hypercall.h"

#include "../arch/arm64/vcpu_arch.h"
#include "../include/public/errno.h"
#include "../include/public/hvm/hvm_op.h"
#include "../include/public/hyp_test.h"
#include "../include/public/platform.h"
#include "../include/public/sched.h"
#include "../include/public/vcpu.h"
#include "../include/public/version.h"
#include "arch.h"
#include "domain.h"
#include "guest_access.h"
#include "percpu.h"

namespace hyp::hypercall {

// Test hooks need the architecture's physical interrupt controller.
Status arch_test_op(Vcpu* v, uint64_t cmd, uint64_t arg);

namespace {

const char* g_cmdline = "";
bool g_test_hooks = false;
uint64_t g_wallclock_base_ns = 0; // wall-clock time at system time 0
SpinLock g_wc_lock;

void update_wallclock(Domain* d) {
    shared_info_t* s = d->shinfo;
    if (!s) return;
    // Guest system time is the virtual counter, which starts at the domain's CNTVOFF.
    const uint64_t ns = g_wallclock_base_ns + domain::ticks_to_ns(d->cntvoff);
    const uint64_t sec = ns / 1000000000ull;
    __atomic_fetch_add(&s->wc_version, 1u, __ATOMIC_ACQ_REL);
    s->wc_sec = static_cast<uint32_t>(sec);
    s->wc_sec_hi = static_cast<uint32_t>(sec >> 32);
    s->wc_nsec = static_cast<uint32_t>(ns % 1000000000ull);
    __atomic_fetch_add(&s->wc_version, 1u, __ATOMIC_ACQ_REL);
}

Status xen_version(Vcpu* v, GuestRegs*, const uint64_t* a) {
    Domain* d = v->domain;
    const uint64_t arg = a[1];
    switch (a[0]) {
    case XENVER_version:
        return (4 << 16) | 17;
    case XENVER_extraversion: {
        xen_extraversion_t s = ".0-armsim";
        return copy_to_guest(v, arg, s, sizeof s) ? -XEN_EFAULT : 0;
    }
    case XENVER_compile_info: {
        xen_compile_info_t ci = {};
        strlcpy(ci.compiler, "gcc (aarch64, C++20)", sizeof ci.compiler);
        strlcpy(ci.compile_by, "armsim", sizeof ci.compile_by);
        strlcpy(ci.compile_domain, "armsim", sizeof ci.compile_domain);
        strlcpy(ci.compile_date, "", sizeof ci.compile_date);
        return copy_to_guest(v, arg, &ci, sizeof ci) ? -XEN_EFAULT : 0;
    }
    case XENVER_capabilities: {
        static const char caps[] = "xen-3.0-aarch64 ";
        return copy_to_guest(v, arg, caps, sizeof caps) ? -XEN_EFAULT : 0;
    }
    case XENVER_changeset: {
        xen_changeset_info_t cs = "armsim hypervisor";
        return copy_to_guest(v, arg, cs, sizeof cs) ? -XEN_EFAULT : 0;
    }
    case XENVER_platform_parameters: {
        const xen_ulong_t virt_start = 0;
        return copy_to_guest(v, arg, &virt_start, sizeof virt_start) ? -XEN_EFAULT : 0;
    }
    case XENVER_get_features: {
        xen_feature_info_t fi;
        if (copy_from_guest(v, &fi, arg, sizeof fi)) return -XEN_EFAULT;
        fi.submap = 0;
        if (fi.submap_idx == 0) {
            fi.submap = (1u << XENFEAT_writable_page_tables) |
                        (1u << XENFEAT_writable_descriptor_tables) |
                        (1u << XENFEAT_auto_translated_physmap) |
                        (1u << XENFEAT_supervisor_mode_kernel) | (1u << XENFEAT_not_direct_mapped);
            if (d->privileged) fi.submap |= 1u << XENFEAT_dom0;
        }
        return copy_to_guest(v, arg, &fi, sizeof fi) ? -XEN_EFAULT : 0;
    }
    case XENVER_pagesize:
        return kPageSize;
    case XENVER_guest_handle:
        return copy_to_guest(v, arg, d->handle, sizeof d->handle) ? -XEN_EFAULT : 0;
    case XENVER_commandline: {
        if (!d->privileged) return -XEN_EPERM;
        char buf[1024] = {};
        strlcpy(buf, g_cmdline, sizeof buf);
        return copy_to_guest(v, arg, buf, sizeof buf) ? -XEN_EFAULT : 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

// Guest text goes out a bounded chunk per call; longer writes continue the hypercall so
// one guest cannot hold its pCPU for an unbounded time.
Status console_io(Vcpu* v, GuestRegs* r, const uint64_t* a) {
    Domain* d = v->domain;
    const uint64_t count = a[1], buf = a[2];
    switch (a[0]) {
    case CONSOLEIO_write: {
        if (count > 0x7fffffff) return -XEN_EINVAL;
        constexpr uint64_t kChunk = 1024;
        const uint64_t n = min(count, kChunk);
        char tmp[128];
        for (uint64_t done = 0; done < n;) {
            const uint64_t k = min<uint64_t>(n - done, sizeof tmp);
            if (copy_from_guest(v, tmp, buf + done, k)) return -XEN_EFAULT;
            console_guest_write(d->id, d->console, tmp, k);
            done += k;
        }
        if (count > n) return continuation(r, CONSOLEIO_write, count - n, buf + n);
        return 0;
    }
    case CONSOLEIO_read: {
        if (!d->privileged) return -XEN_EPERM;
        if (count > 0x7fffffff) return -XEN_EINVAL;
        char tmp[128];
        const uint64_t n = console_input_read(tmp, min<uint64_t>(count, sizeof tmp));
        if (n && copy_to_guest(v, buf, tmp, n)) return -XEN_EFAULT;
        return static_cast<Status>(n);
    }
    default:
        return -XEN_ENOSYS;
    }
}

Status sched_op(Vcpu* v, GuestRegs*, const uint64_t* a) {
    Domain* d = v->domain;
    const uint64_t arg = a[1];
    switch (a[0]) {
    case SCHEDOP_yield:
        sched::yield(v);
        return 0;
    case SCHEDOP_block:
        domain::vcpu_block(v);
        return 0;
    case SCHEDOP_shutdown: {
        sched_shutdown_t s;
        if (copy_from_guest(v, &s, arg, sizeof s)) return -XEN_EFAULT;
        if (s.reason > SHUTDOWN_soft_reset) return -XEN_EINVAL;
        domain::shutdown(d, s.reason);
        return 0;
    }
    case SCHEDOP_shutdown_code: {
        sched_shutdown_t s;
        if (copy_from_guest(v, &s, arg, sizeof s)) return -XEN_EFAULT;
        d->shutdown_reason = s.reason;
        return 0;
    }
    case SCHEDOP_poll: {
        sched_poll_t p;
        if (copy_from_guest(v, &p, arg, sizeof p)) return -XEN_EFAULT;
        if (p.nr_ports > 8) return -XEN_EINVAL;
        uint32_t ports[8];
        if (copy_from_guest(v, ports, p.ports, p.nr_ports * sizeof(uint32_t))) return -XEN_EFAULT;
        for (unsigned i = 0; i < p.nr_ports; ++i)
            if (ports[i] == 0 || ports[i] >= d->evtchn.max_ports) return -XEN_EINVAL;
        for (unsigned i = 0; i < p.nr_ports; ++i)
            v->poll_ports[i] = ports[i];
        __atomic_store_n(&v->poll_nr, p.nr_ports, __ATOMIC_RELEASE);
        if (evtchn::any_pending(d, ports, p.nr_ports)) {
            __atomic_store_n(&v->poll_nr, 0u, __ATOMIC_RELEASE);
            return 0;
        }
        if (p.timeout) {
            const uint64_t now = domain::system_time_ns();
            if (p.timeout <= now) {
                __atomic_store_n(&v->poll_nr, 0u, __ATOMIC_RELEASE);
                return 0;
            }
            timer_set(&v->poll_timer, arch::now() + domain::ns_to_ticks(p.timeout - now),
                      arch::cpu_id());
        }
        // Block; the poll set is cleared when the vCPU runs again (next hypercall/trap is
        // fine: stale entries only cause spurious wake-ups).
        domain::vcpu_block(v);
        return 0;
    }
    case SCHEDOP_remote_shutdown: {
        if (!d->privileged) return -XEN_EPERM;
        sched_remote_shutdown_t s;
        if (copy_from_guest(v, &s, arg, sizeof s)) return -XEN_EFAULT;
        Domain* t = domain::lookup(s.domain_id);
        if (!t) return -XEN_ESRCH;
        if (s.reason > SHUTDOWN_soft_reset) return -XEN_EINVAL;
        domain::shutdown(t, s.reason);
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

Status vcpu_op(Vcpu* v, GuestRegs*, const uint64_t* a) {
    Domain* d = v->domain;
    const uint64_t id = a[1], arg = a[2];
    if (id >= d->nr_vcpus) return -XEN_ENOENT;
    Vcpu* t = &d->vcpus[id];
    switch (a[0]) {
    case VCPUOP_register_vcpu_info: {
        vcpu_register_vcpu_info_t info;
        if (copy_from_guest(v, &info, arg, sizeof info)) return -XEN_EFAULT;
        if (info.offset > kPageSize - sizeof(vcpu_info) || (info.offset & 7)) return -XEN_EINVAL;
        if (t->vinfo_registered) return -XEN_EINVAL;
        Hpa pa;
        P2mType type;
        if (!d->p2m.lookup(Ipa::from_frame(info.mfn), &pa, &type) || type != P2mType::Ram)
            return -XEN_EINVAL;
        auto* nv =
            reinterpret_cast<vcpu_info*>(static_cast<uint8_t*>(arch::hpa_to_ptr(pa)) + info.offset);
        *nv = *t->vinfo;
        t->vinfo = nv;
        t->vinfo_registered = true;
        // Anything already pending is signalled through the new area.
        __atomic_store_n(&nv->evtchn_pending_sel, ~0ull, __ATOMIC_RELEASE);
        __atomic_store_n(&nv->evtchn_upcall_pending, static_cast<uint8_t>(1), __ATOMIC_RELEASE);
        vgic::update_level(t, kPpiEvtchn);
        return 0;
    }
    case VCPUOP_register_runstate_memory_area: {
        vcpu_register_runstate_memory_area_t area;
        if (copy_from_guest(v, &area, arg, sizeof area)) return -XEN_EFAULT;
        if (area.addr == 0) {
            t->runstate_area = nullptr;
            return 0;
        }
        if (area.addr & 7) return -XEN_EINVAL;
        auto* p = static_cast<vcpu_runstate_info*>(
            guest_va_to_ptr(v, area.addr, sizeof(vcpu_runstate_info), true));
        if (!p) return -XEN_EFAULT;
        t->runstate_area = p;
        *p = t->runstate;
        return 0;
    }
    case VCPUOP_get_runstate_info:
        return copy_to_guest(v, arg, &t->runstate, sizeof t->runstate) ? -XEN_EFAULT : 0;
    case VCPUOP_is_up:
        return (__atomic_load_n(&t->pause_flags, __ATOMIC_ACQUIRE) & kVpfDown) ? 0 : 1;
    case VCPUOP_up:
        if (!(t->pause_flags & kVpfDown)) return 0;
        if (!t->arch.regs.pc) return -XEN_EINVAL; // never given a context
        domain::vcpu_up(t);
        return 0;
    case VCPUOP_down:
        domain::vcpu_down(t);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

Status hvm_op(Vcpu* v, GuestRegs*, const uint64_t* a) {
    if (a[0] != HVMOP_set_param && a[0] != HVMOP_get_param) return -XEN_ENOSYS;
    xen_hvm_param_t p;
    if (copy_from_guest(v, &p, a[1], sizeof p)) return -XEN_EFAULT;
    if (p.index >= HVM_NR_PARAMS) return -XEN_EINVAL;
    Domain* self = v->domain;
    Domain* d = p.domid == DOMID_SELF || p.domid == self->id ? self : domain::lookup(p.domid);
    if (!d) return -XEN_ESRCH;
    if (d != self && !self->privileged) return -XEN_EPERM;
    if (a[0] == HVMOP_get_param) {
        p.value = d->hvm_params[p.index];
        return copy_to_guest(v, a[1], &p, sizeof p) ? -XEN_EFAULT : 0;
    }
    // A guest may set its own callback; the rest is the toolstack's.
    if (d == self && !self->privileged && p.index != HVM_PARAM_CALLBACK_IRQ) return -XEN_EPERM;
    d->hvm_params[p.index] = p.value;
    return 0;
}

Status vm_assist(Vcpu* v, GuestRegs*, const uint64_t* a) {
    if (a[1] != VMASST_TYPE_runstate_update_flag) return -XEN_EINVAL;
    if (a[0] == VMASST_CMD_enable)
        v->domain->runstate_update_flag = true;
    else if (a[0] == VMASST_CMD_disable)
        v->domain->runstate_update_flag = false;
    else
        return -XEN_EINVAL;
    return 0;
}

Status platform_op(Vcpu* v, GuestRegs*, const uint64_t* a) {
    if (!v->domain->privileged) return -XEN_EPERM;
    xen_platform_op_t op;
    if (copy_from_guest(v, &op, a[0], sizeof op)) return -XEN_EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION) return -XEN_EACCES;
    switch (op.cmd) {
    case XENPF_settime64: {
        const auto& t = op.u.settime64;
        if (t.mbz || t.nsecs >= 1000000000u) return -XEN_EINVAL;
        LockGuard g(g_wc_lock);
        const uint64_t wall = t.secs * 1000000000ull + t.nsecs;
        g_wallclock_base_ns = wall > t.system_time ? wall - t.system_time : 0;
        for (uint16_t id = 0;;) {
            Domain* d = domain::first_from(id);
            if (!d) break;
            update_wallclock(d);
            id = static_cast<uint16_t>(d->id + 1);
        }
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

Status event_channel_op(Vcpu* v, GuestRegs*, const uint64_t* a) {
    return evtchn::op(v, static_cast<unsigned>(a[0]), a[1]);
}

Status grant_table_op(Vcpu* v, GuestRegs*, const uint64_t* a) {
    return gnttab::op(v, static_cast<unsigned>(a[0]), a[1], static_cast<uint32_t>(a[2]));
}

Status hyp_test(Vcpu* v, GuestRegs*, const uint64_t* a) {
    if (!g_test_hooks) return -XEN_ENOSYS;
    switch (a[0]) {
    case HYP_TEST_current_pcpu:
        return arch::cpu_id();
    case HYP_TEST_vcpu_migrations:
        return v->sched.migrations;
    case HYP_TEST_debug_dump:
        debug_dump();
        return 0;
    default:
        return arch_test_op(v, a[0], a[1]);
    }
}

using Fn = Status (*)(Vcpu*, GuestRegs*, const uint64_t*);
struct Entry {
    Fn fn = nullptr;
    const char* name = nullptr;
};

constexpr auto make_table() {
    struct Table {
        Entry e[64];
    } t{};
    t.e[__HYPERVISOR_platform_op] = {platform_op, "platform_op"};
    t.e[__HYPERVISOR_memory_op] = {memory_op, "memory_op"};
    t.e[__HYPERVISOR_xen_version] = {xen_version, "xen_version"};
    t.e[__HYPERVISOR_console_io] = {console_io, "console_io"};
    t.e[__HYPERVISOR_grant_table_op] = {grant_table_op, "grant_table_op"};
    t.e[__HYPERVISOR_vm_assist] = {vm_assist, "vm_assist"};
    t.e[__HYPERVISOR_vcpu_op] = {vcpu_op, "vcpu_op"};
    t.e[__HYPERVISOR_sched_op] = {sched_op, "sched_op"};
    t.e[__HYPERVISOR_event_channel_op] = {event_channel_op, "event_channel_op"};
    t.e[__HYPERVISOR_hvm_op] = {hvm_op, "hvm_op"};
    t.e[__HYPERVISOR_domctl] = {domctl, "domctl"};
    t.e[__HYPERVISOR_sysctl] = {sysctl, "sysctl"};
    t.e[__HYPERVISOR_hyp_test] = {hyp_test, "hyp_test"};
    return t;
}
constexpr auto kTable = make_table();

} // namespace

void set_cmdline(const char* cmdline) {
    g_cmdline = cmdline;
    char v[8];
    g_test_hooks = cmdline_get(cmdline, "testhooks", v, sizeof v);
}

bool test_hooks_enabled() {
    return g_test_hooks;
}

void init_domain_wallclock(Domain* d) {
    LockGuard g(g_wc_lock);
    update_wallclock(d);
}

Status continuation(GuestRegs* r, uint64_t a0, uint64_t a1, uint64_t a2) {
    r->x[0] = a0;
    r->x[1] = a1;
    r->x[2] = a2;
    r->pc -= 4; // execute the HVC again
    return kContinuation;
}

void dispatch(Vcpu* v, GuestRegs* r) {
    const uint64_t nr = r->x[16];
    Status ret = -XEN_ENOSYS;
    if (nr < 64 && kTable.e[nr].fn) ret = kTable.e[nr].fn(v, r, r->x);
    if (ret != kContinuation) r->x[0] = static_cast<uint64_t>(ret);
}

} // namespace hyp::hypercall
