// Grant tables v1 (Xen's common/grant_table.c semantics for map, unmap, copy, with the
// GTF_reading/GTF_writing protocol on the shared entries).
#include "grant_table.h"

#include "../include/public/errno.h"
#include "../include/public/memory.h"
#include "arch.h"
#include "domain.h"
#include "guest_access.h"
#include "page_alloc.h"

namespace hyp::gnttab {

namespace {

// One lock for every grant operation: they are short, and it makes map/unmap/copy atomic
// with respect to each other across domains.
SpinLock g_lock;

grant_entry_v1_t* entry(Domain* d, uint32_t ref) {
    const uint32_t f = ref / kGrantEntriesPerFrame;
    if (f >= d->gnttab.nr_frames) return nullptr;
    return static_cast<grant_entry_v1_t*>(arch::hpa_to_ptr(Hpa(d->gnttab.frame_hpa[f]))) +
           ref % kGrantEntriesPerFrame;
}

GrantActive* active(Domain* d, uint32_t ref) {
    return d->gnttab.active[ref / kGrantEntriesPerFrame] + ref % kGrantEntriesPerFrame;
}

Status ensure_frames(Domain* d, uint32_t n) {
    GrantTable& g = d->gnttab;
    if (n > g.max_frames) return -XEN_EINVAL;
    while (g.nr_frames < n) {
        Hpa f, a;
        if (!g_pages.alloc_page(&f, d->id, PageType::Shared)) return -XEN_ENOMEM;
        if (!g_pages.alloc_page(&a, DOMID_XEN, PageType::Hyp)) {
            g_pages.free(f, 1);
            return -XEN_ENOMEM;
        }
        memset(arch::hpa_to_ptr(f), 0, kPageSize);
        memset(arch::hpa_to_ptr(a), 0, kPageSize);
        g.frame_hpa[g.nr_frames] = f.raw();
        g.active[g.nr_frames] = static_cast<GrantActive*>(arch::hpa_to_ptr(a));
        g.frame_gfn[g.nr_frames] = 0;
        ++g.nr_frames;
    }
    return 0;
}

// Sets GTF_reading/GTF_writing on an entry the caller may use, atomically with the check
// of flags and domid (the granter may revoke concurrently).
int16_t pin(Domain* rd, uint32_t ref, uint16_t caller, bool write) {
    grant_entry_v1_t* e = entry(rd, ref);
    if (!e) return GNTST_bad_gntref;
    auto* word = reinterpret_cast<uint32_t*>(e); // flags (low half) and domid (high half)
    uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    for (;;) {
        const uint16_t flags = static_cast<uint16_t>(old);
        const uint16_t domid = static_cast<uint16_t>(old >> 16);
        if ((flags & GTF_type_mask) != GTF_permit_access || domid != caller)
            return GNTST_permission_denied;
        if (write && (flags & GTF_readonly)) return GNTST_permission_denied;
        const uint32_t want = old | (write ? GTF_writing : GTF_reading);
        if (want == old || atomic_cas(word, &old, want)) break;
    }
    GrantActive* a = active(rd, ref);
    if (write)
        ++a->writers;
    else
        ++a->readers;
    return GNTST_okay;
}

void unpin(Domain* rd, uint32_t ref, bool write) {
    grant_entry_v1_t* e = entry(rd, ref);
    if (!e) return;
    GrantActive* a = active(rd, ref);
    if (write && a->writers)
        --a->writers;
    else if (!write && a->readers)
        --a->readers;
    auto* flags = &e->flags;
    if (a->writers == 0) atomic_fetch_and(flags, static_cast<uint16_t>(~GTF_writing));
    if (a->writers == 0 && a->readers == 0)
        atomic_fetch_and(flags, static_cast<uint16_t>(~GTF_reading));
}

// The host page a grant entry names: the granter's own RAM only.
bool granted_page(Domain* rd, uint32_t ref, Hpa* out) {
    grant_entry_v1_t* e = entry(rd, ref);
    Hpa pa;
    P2mType t;
    if (!e || !rd->p2m.lookup(Ipa::from_frame(e->frame), &pa, &t) || t != P2mType::Ram)
        return false;
    PageInfo* pi = g_pages.info(pa);
    if (!pi || pi->owner != rd->id || pi->type != PageType::GuestRam) return false;
    *out = pa;
    return true;
}

Domain* maptrack_domain(const Maptrack& m) {
    Domain* d = domain::lookup_any(m.dom);
    return d && d->generation == m.dom_gen ? d : nullptr;
}

void map_one(Vcpu* v, gnttab_map_grant_ref_t& op) {
    Domain* ld = v->domain;
    op.handle = ~0u;
    op.dev_bus_addr = 0;
    if (!(op.flags & GNTMAP_host_map) || (op.flags & GNTMAP_contains_pte)) {
        op.status = GNTST_general_error;
        return;
    }
    Domain* rd = op.dom == DOMID_SELF ? ld : domain::lookup(op.dom);
    if (!rd || !rd->evtchn.ports) {
        op.status = GNTST_bad_domain;
        return;
    }
    const Ipa host(op.host_addr);
    if (!host.page_aligned() || host.raw() >= kIpaLimit || ld->p2m.lookup(host, nullptr, nullptr)) {
        op.status = GNTST_bad_virt_addr;
        return;
    }
    const bool ro = op.flags & GNTMAP_readonly;
    LockGuard g(g_lock);
    if (op.ref >= rd->gnttab.nr_frames * kGrantEntriesPerFrame) {
        op.status = GNTST_bad_gntref;
        return;
    }
    GrantTable& lt = ld->gnttab;
    uint32_t slot = 0;
    while (slot < kMaptrackEntries && lt.maptrack[slot].in_use)
        ++slot;
    if (slot == kMaptrackEntries) {
        op.status = GNTST_no_space;
        return;
    }
    if (const int16_t st = pin(rd, op.ref, ld->id, !ro)) {
        op.status = st;
        return;
    }
    Hpa page;
    if (!granted_page(rd, op.ref, &page)) {
        unpin(rd, op.ref, !ro);
        op.status = GNTST_bad_page;
        return;
    }
    if (ld->p2m.map(host, page, ro ? P2mType::ForeignRo : P2mType::Foreign)) {
        unpin(rd, op.ref, !ro);
        op.status = GNTST_general_error;
        return;
    }
    ++g_pages.info(page)->foreign_refs;
    Maptrack& m = lt.maptrack[slot];
    m = Maptrack{};
    m.in_use = true;
    m.readonly = ro;
    m.dom = rd->id;
    m.dom_gen = rd->generation;
    m.ref = op.ref;
    m.host_ipa = host.raw();
    m.frame = page.raw();
    op.handle = slot;
    op.status = GNTST_okay;
}

// Releases mapping `slot` of `ld` (lock held).
int16_t unmap_slot(Domain* ld, uint32_t slot, uint64_t host_addr) {
    if (slot >= kMaptrackEntries || !ld->gnttab.maptrack[slot].in_use) return GNTST_bad_handle;
    Maptrack& m = ld->gnttab.maptrack[slot];
    if (host_addr && host_addr != m.host_ipa) return GNTST_bad_virt_addr;
    ld->p2m.unmap(Ipa(m.host_ipa));
    if (Domain* rd = maptrack_domain(m); rd && rd->gnttab.nr_frames) unpin(rd, m.ref, !m.readonly);
    if (PageInfo* pi = g_pages.info(Hpa(m.frame)); pi && pi->foreign_refs) {
        if (--pi->foreign_refs == 0 && pi->zombie)
            g_pages.free(Hpa(m.frame), 1); // its owner died while we mapped it
    }
    m = Maptrack{};
    return GNTST_okay;
}

// Resolves one side of a copy to a hypervisor pointer; pins grant references.
int16_t copy_side(Vcpu* v, const gnttab_copy_ptr& p, bool is_gref, bool write, uint16_t len,
                  uint8_t** out, Domain** pinned) {
    *pinned = nullptr;
    if (p.offset + static_cast<uint32_t>(len) > kPageSize) return GNTST_bad_copy_arg;
    Domain* ld = v->domain;
    Domain* d = p.domid == DOMID_SELF ? ld : domain::lookup(p.domid);
    if (!d || !d->evtchn.ports) return GNTST_bad_domain;
    Hpa pa;
    if (is_gref) {
        if (p.u.ref >= d->gnttab.nr_frames * kGrantEntriesPerFrame) return GNTST_bad_gntref;
        if (const int16_t st = pin(d, p.u.ref, ld->id, write)) return st;
        *pinned = d;
        if (!granted_page(d, p.u.ref, &pa)) return GNTST_bad_page;
    } else {
        if (d != ld && !ld->privileged) return GNTST_permission_denied;
        P2mType t;
        if (!d->p2m.lookup(Ipa::from_frame(p.u.gmfn), &pa, &t) || t != P2mType::Ram)
            return GNTST_bad_page;
    }
    *out = static_cast<uint8_t*>(arch::hpa_to_ptr(pa)) + p.offset;
    return GNTST_okay;
}

void copy_one(Vcpu* v, gnttab_copy_t& op) {
    LockGuard g(g_lock);
    uint8_t *src, *dst;
    Domain *sd = nullptr, *dd = nullptr;
    int16_t st = copy_side(v, op.source, op.flags & GNTCOPY_source_gref, false, op.len, &src, &sd);
    if (st == GNTST_okay)
        st = copy_side(v, op.dest, op.flags & GNTCOPY_dest_gref, true, op.len, &dst, &dd);
    if (st == GNTST_okay) {
        memmove(dst, src, op.len);
        arch::clean_dcache(dst, op.len);
    }
    if (sd) unpin(sd, op.source.u.ref, false);
    if (dd) unpin(dd, op.dest.u.ref, true);
    op.status = st;
}

template <class T, class F>
Status each(Vcpu* v, uint64_t uop, uint32_t count, F f) {
    if (count > 4096) return -XEN_EINVAL;
    for (uint32_t i = 0; i < count; ++i) {
        T op;
        const uint64_t at = uop + i * sizeof(T);
        if (copy_from_guest(v, &op, at, sizeof op)) return -XEN_EFAULT;
        f(op);
        if (copy_to_guest(v, at, &op, sizeof op)) return -XEN_EFAULT;
    }
    return 0;
}

} // namespace

bool domain_init(Domain* d) {
    GrantTable& g = d->gnttab;
    g.maptrack_pages = align_up(kMaptrackEntries * sizeof(Maptrack), kPageSize) >> kPageShift;
    Hpa pa;
    if (!g_pages.alloc(&pa, g.maptrack_pages, 1, DOMID_XEN, PageType::Hyp)) return false;
    g.maptrack = static_cast<Maptrack*>(arch::hpa_to_ptr(pa));
    for (uint32_t i = 0; i < kMaptrackEntries; ++i)
        g.maptrack[i] = Maptrack{};
    return true;
}

void domain_destroy(Domain* d) {
    GrantTable& g = d->gnttab;
    LockGuard l(g_lock);
    if (g.maptrack) {
        for (uint32_t i = 0; i < kMaptrackEntries; ++i)
            if (g.maptrack[i].in_use) unmap_slot(d, i, 0);
        g_pages.free(arch::ptr_to_hpa(g.maptrack), g.maptrack_pages);
        g.maptrack = nullptr;
    }
    for (uint32_t f = 0; f < g.nr_frames; ++f) {
        if (g.frame_gfn[f]) d->p2m.unmap(Ipa::from_frame(g.frame_gfn[f]));
        g_pages.free(Hpa(g.frame_hpa[f]), 1);
        g_pages.free(arch::ptr_to_hpa(g.active[f]), 1);
        g.frame_hpa[f] = 0;
        g.active[f] = nullptr;
    }
    g.nr_frames = 0;
}

Status map_frame(Domain* d, uint32_t idx, uint64_t gfn) {
    LockGuard l(g_lock);
    if (idx & XENMAPIDX_grant_table_status) return -XEN_EINVAL; // no status frames in version 1
    if (const Status r = ensure_frames(d, idx + 1)) return r;
    GrantTable& g = d->gnttab;
    if (g.frame_gfn[idx] == gfn) return 0;
    if (const Status r = domain::make_room(d, gfn)) return r;
    if (g.frame_gfn[idx]) d->p2m.unmap(Ipa::from_frame(g.frame_gfn[idx]));
    g.frame_gfn[idx] = 0;
    if (const Status r = d->p2m.map(Ipa::from_frame(gfn), Hpa(g.frame_hpa[idx]), P2mType::Shared))
        return r;
    g.frame_gfn[idx] = gfn;
    return 0;
}

Status grant_access(Domain* d, uint32_t ref, uint16_t to, uint64_t gfn, bool readonly) {
    LockGuard l(g_lock);
    if (const Status r = ensure_frames(d, ref / kGrantEntriesPerFrame + 1)) return r;
    grant_entry_v1_t* e = entry(d, ref);
    e->domid = to;
    e->frame = static_cast<uint32_t>(gfn);
    __atomic_store_n(&e->flags,
                     static_cast<uint16_t>(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                     __ATOMIC_RELEASE);
    return 0;
}

// The domain a setup_table or query_size names: the caller itself, or any domain when the
// caller is privileged. nullptr with `status` saying why otherwise.
Domain* named_domain(Domain* d, domid_t dom, int16_t& status) {
    Domain* t = dom == DOMID_SELF ? d : domain::lookup(dom);
    status = !t                         ? GNTST_bad_domain
             : t != d && !d->privileged ? GNTST_permission_denied
                                        : GNTST_okay;
    return status == GNTST_okay ? t : nullptr;
}

Status op(Vcpu* v, unsigned cmd, uint64_t uop, uint32_t count) {
    Domain* d = v->domain;
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return each<gnttab_map_grant_ref_t>(v, uop, count, [v](auto& o) { map_one(v, o); });
    case GNTTABOP_unmap_grant_ref:
        return each<gnttab_unmap_grant_ref_t>(v, uop, count, [d](auto& o) {
            LockGuard l(g_lock);
            o.status = unmap_slot(d, o.handle, o.host_addr);
        });
    case GNTTABOP_copy:
        return each<gnttab_copy_t>(v, uop, count, [v](auto& o) { copy_one(v, o); });
    case GNTTABOP_setup_table: {
        if (count != 1) return -XEN_EINVAL;
        gnttab_setup_table_t op;
        if (copy_from_guest(v, &op, uop, sizeof op)) return -XEN_EFAULT;
        Domain* t = named_domain(d, op.dom, op.status);
        if (t && op.nr_frames > t->gnttab.max_frames) {
            op.status = GNTST_general_error;
        } else if (t) {
            for (uint32_t i = 0; i < op.nr_frames && op.status == GNTST_okay; ++i) {
                // Frames not yet mapped go to their slot of the region the DT advertises.
                uint64_t gfn = t->gnttab.frame_gfn[i];
                if (!gfn || i >= t->gnttab.nr_frames) gfn = (GUEST_GNTTAB_BASE >> kPageShift) + i;
                if (map_frame(t, i, gfn)) {
                    op.status = GNTST_general_error;
                    break;
                }
                const xen_pfn_t out = gfn;
                if (copy_to_guest(v, op.frame_list + i * sizeof(xen_pfn_t), &out, sizeof out))
                    return -XEN_EFAULT;
            }
        }
        return copy_to_guest(v, uop, &op, sizeof op) ? -XEN_EFAULT : 0;
    }
    case GNTTABOP_query_size: {
        if (count != 1) return -XEN_EINVAL;
        gnttab_query_size_t op;
        if (copy_from_guest(v, &op, uop, sizeof op)) return -XEN_EFAULT;
        if (Domain* t = named_domain(d, op.dom, op.status)) {
            op.nr_frames = t->gnttab.nr_frames;
            op.max_nr_frames = t->gnttab.max_frames;
        }
        return copy_to_guest(v, uop, &op, sizeof op) ? -XEN_EFAULT : 0;
    }
    case GNTTABOP_set_version: {
        gnttab_set_version_t op;
        if (copy_from_guest(v, &op, uop, sizeof op)) return -XEN_EFAULT;
        const bool ok = op.version == 1;
        op.version = 1;
        if (copy_to_guest(v, uop, &op, sizeof op)) return -XEN_EFAULT;
        return ok ? 0 : -XEN_EOPNOTSUPP;
    }
    case GNTTABOP_get_version: {
        gnttab_get_version_t op;
        if (copy_from_guest(v, &op, uop, sizeof op)) return -XEN_EFAULT;
        op.version = 1;
        return copy_to_guest(v, uop, &op, sizeof op) ? -XEN_EFAULT : 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

} // namespace hyp::gnttab
