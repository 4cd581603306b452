// domctl and sysctl: what a dom0 toolstack needs to run VMs (create, size, start, pause,
// destroy, list; the host's memory). Xen's interface version 0x15 layouts
// (include/public/domctl.h, sysctl.h).
#include "../include/public/domctl.h"

#include "../include/public/errno.h"
#include "../include/public/sysctl.h"
#include "arch.h"
#include "domain.h"
#include "domain_build.h"
#include "guest_access.h"
#include "hypercall.h"
#include "page_alloc.h"
#include "percpu.h"

namespace hyp::hypercall {

namespace {

void fill_info(Domain* d, xen_domctl_getdomaininfo& info) {
    memset(&info, 0, sizeof info);
    info.domain = d->id;
    uint32_t flags = XEN_DOMINF_hvm_guest | XEN_DOMINF_hap;
    if (d->state == DomainState::Dying) flags |= XEN_DOMINF_dying;
    if (d->state == DomainState::Shutdown)
        flags |= XEN_DOMINF_shutdown |
                 ((d->shutdown_reason & XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift);
    if (d->pause_count) flags |= XEN_DOMINF_paused;
    bool all_blocked = d->nr_vcpus > 0, any_running = false;
    uint64_t ticks = 0;
    uint32_t online = 0;
    for (unsigned i = 0; i < d->nr_vcpus; ++i) {
        const Vcpu& v = d->vcpus[i];
        all_blocked &= (v.pause_flags & kVpfBlocked) != 0;
        any_running |= v.sched.running;
        ticks += v.sched.cpu_ticks;
        online += !(v.pause_flags & kVpfDown);
    }
    if (all_blocked) flags |= XEN_DOMINF_blocked;
    if (any_running) flags |= XEN_DOMINF_running;
    info.flags = flags;
    info.tot_pages = d->tot_pages;
    info.max_pages = d->max_pages;
    info.shared_info_frame = d->shared_info_gfn;
    info.cpu_time = domain::ticks_to_ns(ticks);
    info.nr_online_vcpus = online;
    info.max_vcpu_id = d->nr_vcpus - 1;
    memcpy(info.handle, d->handle, sizeof info.handle);
    info.gpaddr_bits = kIpaBits;
    info.arch_config.gic_version = XEN_DOMCTL_CONFIG_GIC_V2;
    info.arch_config.nr_spis = d->vgic.nr_spis;
}

Status set_vcpu_context(Vcpu* caller, Domain* d, const xen_domctl_vcpucontext& vc) {
    if (vc.vcpu >= d->nr_vcpus) return -XEN_EINVAL;
    Vcpu* t = &d->vcpus[vc.vcpu];
    if (sched::context_live(t) || !(t->pause_flags & kVpfDown))
        return -XEN_EBUSY; // only a vCPU that is not running may be given a new context
    vcpu_guest_context_t ctx;
    if (copy_from_guest(caller, &ctx, vc.ctxt, sizeof ctx)) return -XEN_EFAULT;
    domain::vcpu_reset(t, ctx.user_regs.pc64, ctx.user_regs.x[0]);
    for (unsigned i = 0; i < 31; ++i)
        t->arch.regs.x[i] = ctx.user_regs.x[i];
    // Only EL1 (h or t) AArch64 states may be set.
    const uint64_t mode = ctx.user_regs.cpsr & 0x1f;
    if (mode == 0x5 || mode == 0x4) t->arch.regs.pstate = ctx.user_regs.cpsr;
    t->arch.el1.sp_el0 = ctx.user_regs.sp_el0;
    t->arch.el1.sp_el1 = ctx.user_regs.sp_el1;
    t->arch.el1.elr = ctx.user_regs.elr_el1;
    t->arch.el1.spsr = ctx.user_regs.spsr_el1;
    if (ctx.sctlr) t->arch.el1.sctlr = ctx.sctlr;
    t->arch.el1.tcr = ctx.ttbcr;
    t->arch.el1.ttbr0 = ctx.ttbr0;
    t->arch.el1.ttbr1 = ctx.ttbr1;
    if (ctx.flags & VGCF_online) domain::vcpu_up(t);
    return 0;
}

Status get_vcpu_context(Vcpu* caller, Domain* d, const xen_domctl_vcpucontext& vc) {
    if (vc.vcpu >= d->nr_vcpus) return -XEN_EINVAL;
    Vcpu* t = &d->vcpus[vc.vcpu];
    if (sched::context_live(t)) return -XEN_EBUSY; // pause the domain first
    vcpu_guest_context_t ctx = {};
    ctx.flags = (t->pause_flags & kVpfDown) ? 0 : VGCF_online;
    for (unsigned i = 0; i < 31; ++i)
        ctx.user_regs.x[i] = t->arch.regs.x[i];
    ctx.user_regs.pc64 = t->arch.regs.pc;
    ctx.user_regs.cpsr = static_cast<uint32_t>(t->arch.regs.pstate);
    ctx.user_regs.sp_el0 = t->arch.el1.sp_el0;
    ctx.user_regs.sp_el1 = t->arch.el1.sp_el1;
    ctx.user_regs.elr_el1 = t->arch.el1.elr;
    ctx.user_regs.spsr_el1 = static_cast<uint32_t>(t->arch.el1.spsr);
    ctx.sctlr = static_cast<uint32_t>(t->arch.el1.sctlr);
    ctx.ttbcr = t->arch.el1.tcr;
    ctx.ttbr0 = t->arch.el1.ttbr0;
    ctx.ttbr1 = t->arch.el1.ttbr1;
    return copy_to_guest(caller, vc.ctxt, &ctx, sizeof ctx) ? -XEN_EFAULT : 0;
}

} // namespace

Status domctl(Vcpu* v, GuestRegs*, const uint64_t* a) {
    Domain* self = v->domain;
    if (!self->privileged) return -XEN_EPERM;
    xen_domctl_t op;
    if (copy_from_guest(v, &op, a[0], sizeof op)) return -XEN_EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION) return -XEN_EACCES;
    Status ret = 0;
    bool copy_back = false;
    if (op.cmd == XEN_DOMCTL_createdomain) {
        const auto& c = op.u.createdomain;
        DomainConfig cfg;
        cfg.name = "";
        cfg.nr_vcpus = c.max_vcpus ? c.max_vcpus : 1;
        cfg.nr_spis = c.arch.nr_spis ? c.arch.nr_spis : 32;
        if (c.max_evtchn_port) cfg.max_evtchn_ports = c.max_evtchn_port + 1;
        if (op.domain && op.domain < DOMID_FIRST_RESERVED)
            cfg.domid = static_cast<int16_t>(op.domain);
        Domain* d;
        ret = domain::create(cfg, &d);
        if (ret == 0) {
            memcpy(d->handle, c.handle, sizeof d->handle);
            snprintf(d->name, sizeof d->name, "d%u", d->id);
            ret = build::setup_pv_services(d);
            if (ret) {
                domain::request_destroy(d);
            } else {
                op.domain = d->id;
                copy_back = true;
            }
        }
    } else if (op.cmd == XEN_DOMCTL_getdomaininfo) {
        Domain* d = domain::first_from(op.domain);
        if (!d) return -XEN_ESRCH;
        fill_info(d, op.u.getdomaininfo);
        op.domain = d->id;
        copy_back = true;
    } else {
        Domain* d = domain::lookup(op.domain);
        if (!d) return -XEN_ESRCH;
        switch (op.cmd) {
        case XEN_DOMCTL_destroydomain:
            if (d == self || d->privileged) return -XEN_EINVAL;
            domain::request_destroy(d);
            break;
        case XEN_DOMCTL_pausedomain:
            if (d == self) return -XEN_EINVAL;
            domain::pause(d);
            break;
        case XEN_DOMCTL_unpausedomain:
            if (d == self) return -XEN_EINVAL;
            domain::unpause(d);
            break;
        case XEN_DOMCTL_max_mem: {
            const uint64_t pages = op.u.max_mem.max_memkb >> (kPageShift - 10);
            if (pages < d->tot_pages) return -XEN_EINVAL;
            d->max_pages = pages;
            d->config.mem_bytes = pages << kPageShift;
            break;
        }
        case XEN_DOMCTL_max_vcpus:
            if (op.u.max_vcpus.max > d->nr_vcpus)
                return -XEN_EINVAL; // vCPUs are created with the domain
            break;
        case XEN_DOMCTL_setvcpucontext:
            ret = set_vcpu_context(v, d, op.u.vcpucontext);
            break;
        case XEN_DOMCTL_getvcpucontext:
            ret = get_vcpu_context(v, d, op.u.vcpucontext);
            break;
        default:
            return -XEN_ENOSYS;
        }
    }
    if (copy_back && copy_to_guest(v, a[0], &op, sizeof op)) return -XEN_EFAULT;
    return ret;
}

Status sysctl(Vcpu* v, GuestRegs*, const uint64_t* a) {
    if (!v->domain->privileged) return -XEN_EPERM;
    xen_sysctl_t op;
    if (copy_from_guest(v, &op, a[0], sizeof op)) return -XEN_EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION) return -XEN_EACCES;
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo: {
        // As Xen on Arm reports it: one node, one thread per core, the counter's frequency
        // as cpu_khz, HVM guests with hardware paging, grant table v1.
        xen_sysctl_physinfo_t& p = op.u.physinfo;
        p = xen_sysctl_physinfo_t{};
        unsigned online = 0;
        for (unsigned c = 0; c < g_nr_pcpus; ++c)
            online += __atomic_load_n(&pcpu(c).online, __ATOMIC_ACQUIRE);
        p.threads_per_core = 1;
        p.cores_per_socket = online;
        p.nr_cpus = online;
        p.max_cpu_id = g_nr_pcpus - 1;
        p.nr_nodes = 1;
        p.max_node_id = 0;
        p.cpu_khz = static_cast<uint32_t>(arch::counter_hz() / 1000);
        p.capabilities =
            XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_gnttab_v1;
        p.total_pages = g_pages.total_pages();
        p.free_pages = g_pages.free_pages();
        p.max_mfn = g_pages.max_frame();
        break;
    }
    default:
        return -XEN_ENOSYS;
    }
    if (copy_to_guest(v, a[0], &op, sizeof op)) return -XEN_EFAULT;
    return 0;
}

} // namespace hyp::hypercall
