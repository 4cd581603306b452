// Domain and vCPU lifecycle.
#include "domain.h"

#include "../include/public/errno.h"
#include "../include/public/sched.h"
#include "arch.h"
#include "page_alloc.h"
#include "percpu.h"

#include <new>

namespace hyp {

namespace {
Domain g_domains[kMaxDomains];
SpinLock g_list_lock;
uint16_t g_next_domid = 1;
uint64_t g_vmids[4]; // 256 VMIDs, bit set = in use (VMID 0 is never given out)
// Domains waiting to be destroyed once none of their vCPUs runs.
Domain* g_dying[kMaxDomains];
unsigned g_nr_dying = 0;
SpinLock g_dying_lock;

int alloc_vmid() {
    for (unsigned i = 1; i < 256; ++i)
        if (!test_and_set_bit(g_vmids, i)) return static_cast<int>(i);
    return -1;
}

bool domid_in_use(uint16_t id) {
    for (auto& d : g_domains)
        if (d.state != DomainState::Free && d.id == id) return true;
    return false;
}

void poll_timeout(void* data) {
    domain::vcpu_unblock(static_cast<Vcpu*>(data));
}

void release_page(Hpa pa, P2mType type, void* ctx) {
    auto* d = static_cast<Domain*>(ctx);
    PageInfo* pi = g_pages.info(pa);
    if (!pi) return; // MMIO
    switch (type) {
    case P2mType::Ram:
        if (pi->owner != d->id) return;
        if (pi->foreign_refs) {
            pi->zombie = 1; // another domain still maps it: freed on its last unmap
            return;
        }
        g_pages.free(pa, 1);
        break;
    case P2mType::Foreign:
    case P2mType::ForeignRo:
        // Grant mappings are torn down by gnttab::domain_destroy before; anything left is
        // released here so the granter's page is not pinned forever.
        if (pi->foreign_refs && --pi->foreign_refs == 0 && pi->zombie) g_pages.free(pa, 1);
        break;
    default:
        break; // Shared pages belong to their subsystem, MMIO to nobody
    }
}
} // namespace

namespace domain {

// Everything this file keeps back to its boot state (host tests boot many times in one
// process: domain IDs start at 1 again).
void init() {
    for (auto& d : g_domains)
        d.state = DomainState::Free;
    g_next_domid = 1;
    for (auto& w : g_vmids)
        w = 0;
    g_nr_dying = 0;
}

Domain* lookup_any(uint16_t domid) {
    for (auto& d : g_domains)
        if (d.state != DomainState::Free && d.id == domid) return &d;
    return nullptr;
}

Domain* lookup(uint16_t domid) {
    Domain* d = lookup_any(domid);
    return d && d->state != DomainState::Dying ? d : nullptr;
}

Domain* first_from(uint16_t domid) {
    Domain* best = nullptr;
    for (auto& d : g_domains)
        if (d.state != DomainState::Free && d.state != DomainState::Dying && d.id >= domid &&
            (!best || d.id < best->id))
            best = &d;
    return best;
}

Domain* dom0() {
    Domain* d = lookup(0);
    return d && d->privileged ? d : nullptr;
}

unsigned count_live() {
    unsigned n = 0;
    for (auto& d : g_domains)
        if (d.state == DomainState::Building || d.state == DomainState::Running) ++n;
    return n;
}

Status create(const DomainConfig& cfg, Domain** out) {
    if (cfg.nr_vcpus == 0 || cfg.nr_vcpus > kMaxVcpus || cfg.nr_spis > kMaxSpis) return -XEN_EINVAL;
    Domain* d = nullptr;
    uint16_t id;
    int vmid;
    {
        LockGuard g(g_list_lock);
        for (auto& s : g_domains)
            if (s.state == DomainState::Free) {
                d = &s;
                break;
            }
        if (!d) return -XEN_ENOSPC;
        if (cfg.domid >= 0) {
            if (domid_in_use(static_cast<uint16_t>(cfg.domid))) return -XEN_EEXIST;
            id = static_cast<uint16_t>(cfg.domid);
        } else {
            do {
                id = g_next_domid++;
                if (g_next_domid >= DOMID_FIRST_RESERVED) g_next_domid = 1;
            } while (domid_in_use(id));
        }
        vmid = alloc_vmid();
        if (vmid < 0) return -XEN_ENOSPC;
        const uint32_t gen = d->generation + 1;
        d->~Domain();
        new (d) Domain();
        d->generation = gen;
        d->id = id;
        d->state = DomainState::Building;
    }
    d->pause_count = 1; // until the first unpause
    d->privileged = cfg.privileged;
    d->config = cfg;
    strlcpy(d->name, cfg.name, sizeof d->name);
    d->config.name = d->name;
    d->nr_vcpus = cfg.nr_vcpus;
    d->ram_base = GUEST_RAM0_BASE;
    d->max_pages = cfg.mem_bytes >> kPageShift;
    Status err = -XEN_ENOMEM;
    if (!d->p2m.init(static_cast<uint16_t>(vmid))) goto fail;
    if (!g_pages.alloc_page(&d->shared_info, d->id, PageType::Shared)) goto fail;
    d->shinfo = static_cast<shared_info_t*>(arch::hpa_to_ptr(d->shared_info));
    memset(d->shinfo, 0, kPageSize);
    if (!evtchn::domain_init(d, cfg.max_evtchn_ports) || !gnttab::domain_init(d)) goto fail;
    for (unsigned i = 0; i < d->nr_vcpus; ++i) {
        Vcpu* v = &d->vcpus[i];
        v->domain = d;
        v->id = i;
        v->pause_flags = kVpfDown;
        v->vinfo = i == 0 ? &d->shinfo->vcpu_info[0] : &v->dummy_vinfo;
        v->runstate.state = RUNSTATE_offline;
        timer_init(&v->poll_timer, poll_timeout, v);
        arch::vcpu_init(v);
    }
    if (!arch::domain_init(d, cfg.nr_spis)) goto fail;
    for (unsigned i = 0; i < d->nr_vcpus; ++i)
        sched::add_vcpu(&d->vcpus[i], i % g_nr_pcpus);
    if (cfg.mem_bytes) {
        err = populate_ram(d, cfg.mem_bytes);
        if (err) goto fail;
    }
    *out = d;
    return 0;
fail:
    d->state = DomainState::Dying;
    destroy(d);
    return err;
}

Status populate_ram(Domain* d, uint64_t bytes) {
    const uint64_t pages = align_up(bytes, kPageSize) >> kPageShift;
    if (pages > g_pages.free_pages()) return -XEN_ENOMEM;
    uint64_t done = d->ram_size >> kPageShift;
    const uint64_t target = done + pages;
    while (done < target) {
        // 2 MiB runs when possible (fewer allocator calls), single pages otherwise.
        uint64_t chunk = min<uint64_t>(512, target - done);
        Hpa pa;
        while (!g_pages.alloc(&pa, chunk, 1, d->id, PageType::GuestRam)) {
            if (chunk == 1) return -XEN_ENOMEM;
            chunk /= 2;
        }
        // No stale data of a previous owner may reach the guest; and a guest starting
        // with caches off reads memory, not our cache lines.
        void* p = arch::hpa_to_ptr(pa);
        memset(p, 0, chunk << kPageShift);
        arch::clean_dcache(p, chunk << kPageShift);
        for (uint64_t i = 0; i < chunk; ++i) {
            const Status r = d->p2m.map(Ipa(d->ram_base) + ((done + i) << kPageShift),
                                        pa + (i << kPageShift), P2mType::Ram);
            if (r) {
                g_pages.free(pa + (i << kPageShift), chunk - i);
                return r;
            }
            ++d->tot_pages;
        }
        done += chunk;
    }
    d->ram_size = done << kPageShift;
    if (d->tot_pages > d->max_pages) d->max_pages = d->tot_pages;
    return 0;
}

void destroy(Domain* d) {
    for (unsigned i = 0; i < d->nr_vcpus; ++i) {
        Vcpu* v = &d->vcpus[i];
        if (v->domain) {
            sched::remove_vcpu(v);
            timer_stop(&v->poll_timer);
            timer_stop(&v->arch.vtimer_wake);
            timer_stop(&v->arch.ptimer.timer);
        }
    }
    console_guest_flush(d->id, d->console);
    gnttab::domain_destroy(d);
    evtchn::domain_destroy(d);
    arch::domain_destroy(d);
    if (d->p2m.root().raw()) {
        const uint16_t vmid = d->p2m.vmid();
        d->p2m.destroy(release_page, d);
        test_and_clear_bit(g_vmids, vmid);
    }
    if (d->shared_info.raw()) g_pages.free(d->shared_info, 1);
    d->shared_info = Hpa();
    d->shinfo = nullptr;
    const uint16_t id = d->id;
    {
        LockGuard g(g_list_lock);
        d->state = DomainState::Free;
    }
    if (Domain* d0 = dom0(); d0 && id != 0) evtchn::send_global_virq(d0, VIRQ_DOM_EXC);
}

void pause(Domain* d) {
    __atomic_fetch_add(&d->pause_count, 1u, __ATOMIC_ACQ_REL);
    for (unsigned i = 0; i < d->nr_vcpus; ++i)
        sched::vcpu_sleep(&d->vcpus[i]);
}

void unpause(Domain* d) {
    {
        LockGuard g(d->lock);
        if (d->pause_count == 0) return;
        if (--d->pause_count == 0 && d->state == DomainState::Building)
            d->state = DomainState::Running;
    }
    for (unsigned i = 0; i < d->nr_vcpus; ++i)
        sched::vcpu_wake(&d->vcpus[i]);
}

void shutdown(Domain* d, uint32_t reason) {
    {
        LockGuard g(d->lock);
        if (d->state != DomainState::Running && d->state != DomainState::Building) return;
        d->state = DomainState::Shutdown;
        d->shutdown_reason = reason;
    }
    static const char* const kReasons[] = {"poweroff", "reboot",   "suspend",
                                           "crash",    "watchdog", "soft_reset"};
    console_guest_flush(d->id, d->console);
    log("d%u: shutdown: %s", d->id, reason < 6 ? kReasons[reason] : "?");
    for (unsigned i = 0; i < d->nr_vcpus; ++i)
        sched::vcpu_sleep(&d->vcpus[i]);
    if (d->privileged) {
        // dom0 going away takes the machine with it (Xen's "hardware domain" rule).
        log("dom0 %s: %s the machine", reason == SHUTDOWN_reboot ? "rebooted" : "halted",
            reason == SHUTDOWN_reboot ? "resetting" : "powering off");
        raise_softirq(arch::cpu_id(), kSoftirqDeferred);
        return;
    }
    if (d->config.privileged == false && reason == SHUTDOWN_reboot && d->boot.kernel_size) {
        d->rebooting = true;
        request_destroy(d);
        return;
    }
    if (Domain* d0 = dom0())
        evtchn::send_global_virq(d0, VIRQ_DOM_EXC);
    else
        raise_softirq(arch::cpu_id(), kSoftirqDeferred); // maybe the last one: see do_deferred
}

void request_destroy(Domain* d) {
    {
        LockGuard g(d->lock);
        if (d->state == DomainState::Dying || d->state == DomainState::Free) return;
        d->state = DomainState::Dying;
    }
    for (unsigned i = 0; i < d->nr_vcpus; ++i)
        sched::vcpu_sleep(&d->vcpus[i]);
    {
        LockGuard g(g_dying_lock);
        g_dying[g_nr_dying++] = d;
    }
    raise_softirq(arch::cpu_id(), kSoftirqDeferred);
}

// Hooks the boot code provides: rebuilding a rebooted boot-time domain, and what to do when
// the machine has nothing left to run.
void rebuild_boot_domain(const DomainConfig& cfg, const BootImage& img);

void do_deferred() {
    // Destroys whose vCPUs have all left their pCPUs.
    for (;;) {
        Domain* d = nullptr;
        {
            LockGuard g(g_dying_lock);
            for (unsigned i = 0; i < g_nr_dying; ++i) {
                Domain* c = g_dying[i];
                bool busy = false;
                for (unsigned k = 0; k < c->nr_vcpus; ++k)
                    busy |= sched::context_live(&c->vcpus[k]);
                if (!busy) {
                    d = c;
                    g_dying[i] = g_dying[--g_nr_dying];
                    break;
                }
            }
        }
        if (!d) break;
        const bool reboot = d->rebooting;
        const DomainConfig cfg = d->config;
        char name[32];
        strlcpy(name, d->name, sizeof name);
        const BootImage img = d->boot;
        const uint16_t id = d->id;
        destroy(d);
        log("d%u: destroyed", id);
        if (reboot) {
            DomainConfig c = cfg;
            c.name = name;
            c.domid = static_cast<int16_t>(id);
            rebuild_boot_domain(c, img);
        }
    }
    {
        LockGuard g(g_dying_lock);
        if (g_nr_dying) return; // retried when their vCPUs are descheduled
    }
    // dom0 gone, or no domain left at all: the machine's work is done.
    Domain* d0 = lookup_any(0);
    if (d0 && d0->privileged && d0->state == DomainState::Shutdown) {
        if (d0->shutdown_reason == SHUTDOWN_reboot) arch::machine_reset();
        arch::machine_off();
    }
    if (!d0 && count_live() == 0) {
        log("no domain left running: powering off");
        arch::machine_off();
    }
}

bool vcpu_runnable(const Vcpu* v) {
    if (v->is_idle) return false;
    const Domain* d = v->domain;
    return __atomic_load_n(&v->pause_flags, __ATOMIC_ACQUIRE) == 0 &&
           __atomic_load_n(&d->pause_count, __ATOMIC_ACQUIRE) == 0 &&
           d->state == DomainState::Running;
}

void vcpu_block(Vcpu* v) {
    __atomic_fetch_or(&v->pause_flags, static_cast<uint32_t>(kVpfBlocked), __ATOMIC_ACQ_REL);
    // An event may have arrived between the guest's decision to wait and now.
    if (arch::vcpu_has_pending(v)) {
        __atomic_fetch_and(&v->pause_flags, ~static_cast<uint32_t>(kVpfBlocked), __ATOMIC_ACQ_REL);
        return;
    }
    sched::vcpu_sleep(v);
}

void vcpu_unblock(Vcpu* v) {
    const uint32_t old =
        __atomic_fetch_and(&v->pause_flags, ~static_cast<uint32_t>(kVpfBlocked), __ATOMIC_ACQ_REL);
    if (old & kVpfBlocked) sched::vcpu_wake(v);
}

void vcpu_up(Vcpu* v) {
    __atomic_fetch_and(&v->pause_flags, ~static_cast<uint32_t>(kVpfDown), __ATOMIC_ACQ_REL);
    sched::vcpu_wake(v);
}

void vcpu_down(Vcpu* v) {
    __atomic_fetch_or(&v->pause_flags, static_cast<uint32_t>(kVpfDown), __ATOMIC_ACQ_REL);
    sched::vcpu_sleep(v);
}

void vcpu_reset(Vcpu* v, uint64_t entry, uint64_t x0) {
    arch::vcpu_reset(v, entry, x0);
}

bool ipa_to_hpa(Domain* d, Ipa ipa, Hpa* out, bool write) {
    Hpa pa;
    P2mType t;
    if (!d->p2m.lookup(ipa.page_base(), &pa, &t)) return false;
    switch (t) {
    case P2mType::Ram:
    case P2mType::Foreign:
    case P2mType::Shared:
        break;
    case P2mType::ForeignRo:
        if (write) return false;
        break;
    default:
        return false; // MMIO is never a hypercall buffer
    }
    *out = pa + ipa.page_offset();
    return true;
}

Status copy_to_ipa(Domain* d, Ipa dst, const void* src, uint64_t len) {
    const auto* s = static_cast<const uint8_t*>(src);
    while (len) {
        const uint64_t n = min(len, kPageSize - dst.page_offset());
        Hpa pa;
        if (!ipa_to_hpa(d, dst, &pa, true)) return -XEN_EFAULT;
        memcpy(arch::hpa_to_ptr(pa), s, n);
        arch::clean_dcache(arch::hpa_to_ptr(pa), n);
        s += n;
        dst += n;
        len -= n;
    }
    return 0;
}

Status copy_from_ipa(Domain* d, void* dst, Ipa src, uint64_t len) {
    auto* o = static_cast<uint8_t*>(dst);
    while (len) {
        const uint64_t n = min(len, kPageSize - src.page_offset());
        Hpa pa;
        if (!ipa_to_hpa(d, src, &pa, false)) return -XEN_EFAULT;
        memcpy(o, arch::hpa_to_ptr(pa), n);
        o += n;
        src += n;
        len -= n;
    }
    return 0;
}

Status zero_ipa(Domain* d, Ipa dst, uint64_t len) {
    while (len) {
        const uint64_t n = min(len, kPageSize - dst.page_offset());
        Hpa pa;
        if (!ipa_to_hpa(d, dst, &pa, true)) return -XEN_EFAULT;
        memset(arch::hpa_to_ptr(pa), 0, n);
        arch::clean_dcache(arch::hpa_to_ptr(pa), n);
        dst += n;
        len -= n;
    }
    return 0;
}

Status make_room(Domain* d, uint64_t gfn) {
    Hpa pa;
    P2mType t;
    if (!d->p2m.lookup(Ipa::from_frame(gfn), &pa, &t)) return 0;
    if (t != P2mType::Ram) return -XEN_EBUSY;
    PageInfo* pi = g_pages.info(pa);
    d->p2m.unmap(Ipa::from_frame(gfn));
    if (pi && pi->owner == d->id) {
        if (pi->foreign_refs)
            pi->zombie = 1;
        else
            g_pages.free(pa, 1);
        --d->tot_pages;
    }
    return 0;
}

Status map_shared_info(Domain* d, uint64_t gfn) {
    if (d->shared_info_gfn == gfn) return 0;
    if (const Status r = make_room(d, gfn)) return r;
    if (d->shared_info_gfn) d->p2m.unmap(Ipa::from_frame(d->shared_info_gfn));
    d->shared_info_gfn = 0;
    if (const Status r = d->p2m.map(Ipa::from_frame(gfn), d->shared_info, P2mType::Shared))
        return r;
    d->shared_info_gfn = gfn;
    return 0;
}

Status alloc_magic_page(Domain* d, unsigned offset, Ipa* out) {
    Hpa pa;
    if (!g_pages.alloc_page(&pa, d->id, PageType::GuestRam)) return -XEN_ENOMEM;
    memset(arch::hpa_to_ptr(pa), 0, kPageSize);
    arch::clean_dcache(arch::hpa_to_ptr(pa), kPageSize);
    const Ipa ipa = Ipa(GUEST_MAGIC_BASE) + (static_cast<uint64_t>(offset) << kPageShift);
    const Status r = d->p2m.map(ipa, pa, P2mType::Ram);
    if (r) {
        g_pages.free(pa, 1);
        return r;
    }
    ++d->tot_pages;
    *out = ipa;
    return 0;
}

uint64_t ns_to_ticks(uint64_t ns) {
    const uint64_t hz = arch::counter_hz();
    return ns / 1000000000ull * hz + (ns % 1000000000ull) * hz / 1000000000ull;
}

uint64_t ticks_to_ns(uint64_t ticks) {
    const uint64_t hz = arch::counter_hz();
    return ticks / hz * 1000000000ull + (ticks % hz) * 1000000000ull / hz;
}

uint64_t system_time_ns() {
    return ticks_to_ns(arch::now());
}

} // namespace domain

Vcpu* current() {
    return this_pcpu().current;
}

} // namespace hyp
