// memory_op: shared_info and grant frames into the guest physical map, ballooning
// (populate_physmap / decrease_reservation), foreign mappings for the toolstack.
#include "../include/public/errno.h"
#include "../include/public/memory.h"
#include "arch.h"
#include "domain.h"
#include "guest_access.h"
#include "hypercall.h"
#include "page_alloc.h"

namespace hyp::hypercall {

namespace {

constexpr unsigned kMemopShift = 6; // start extent in cmd[63:6], as Xen's MEMOP_EXTENT_SHIFT
constexpr uint64_t kBatch = 512;    // extents per call before continuing

Domain* resolve(Vcpu* v, domid_t id) {
    Domain* self = v->domain;
    if (id == DOMID_SELF || id == self->id) return self;
    return self->privileged ? domain::lookup(id) : nullptr;
}

bool gfn_ok(uint64_t gfn) {
    return gfn < (kIpaLimit >> kPageShift) && gfn;
}

Status populate_one(Domain* d, uint64_t gfn) {
    if (!gfn_ok(gfn)) return -XEN_EINVAL;
    if (d->tot_pages >= d->max_pages) return -XEN_ENOMEM;
    if (d->p2m.lookup(Ipa::from_frame(gfn), nullptr, nullptr)) return -XEN_EEXIST;
    Hpa pa;
    if (!g_pages.alloc_page(&pa, d->id, PageType::GuestRam)) return -XEN_ENOMEM;
    memset(arch::hpa_to_ptr(pa), 0, kPageSize);
    arch::clean_dcache(arch::hpa_to_ptr(pa), kPageSize);
    if (const Status r = d->p2m.map(Ipa::from_frame(gfn), pa, P2mType::Ram)) {
        g_pages.free(pa, 1);
        return r;
    }
    ++d->tot_pages;
    return 0;
}

Status release_one(Domain* d, uint64_t gfn) {
    Hpa pa;
    P2mType t;
    if (!d->p2m.lookup(Ipa::from_frame(gfn), &pa, &t) || t != P2mType::Ram) return -XEN_EINVAL;
    return domain::make_room(d, gfn);
}

bool is_grant_mapping(Domain* d, uint64_t gfn) {
    const GrantTable& g = d->gnttab;
    for (uint32_t i = 0; g.maptrack && i < kMaptrackEntries; ++i)
        if (g.maptrack[i].in_use && g.maptrack[i].host_ipa == (gfn << kPageShift)) return true;
    return false;
}

Status remove_from_physmap(Domain* d, uint64_t gfn) {
    Hpa pa;
    P2mType t;
    if (!d->p2m.lookup(Ipa::from_frame(gfn), &pa, &t)) return -XEN_ENOENT;
    switch (t) {
    case P2mType::Ram:
        return domain::make_room(d, gfn);
    case P2mType::Foreign:
    case P2mType::ForeignRo: {
        if (is_grant_mapping(d, gfn))
            return -XEN_EINVAL; // grant mappings go through GNTTABOP_unmap_grant_ref
        d->p2m.unmap(Ipa::from_frame(gfn));
        PageInfo* pi = g_pages.info(pa);
        if (pi && pi->foreign_refs && --pi->foreign_refs == 0 && pi->zombie) g_pages.free(pa, 1);
        return 0;
    }
    case P2mType::Shared:
        d->p2m.unmap(Ipa::from_frame(gfn));
        if (d->shared_info_gfn == gfn) d->shared_info_gfn = 0;
        for (uint32_t i = 0; i < d->gnttab.nr_frames; ++i)
            if (d->gnttab.frame_gfn[i] == gfn) d->gnttab.frame_gfn[i] = 0;
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

} // namespace

Status memory_op(Vcpu* v, GuestRegs* r, const uint64_t* a) {
    const unsigned cmd = a[0] & ((1u << kMemopShift) - 1);
    const uint64_t start = a[0] >> kMemopShift;
    const uint64_t arg = a[1];
    switch (cmd) {
    case XENMEM_add_to_physmap: {
        xen_add_to_physmap_t x;
        if (copy_from_guest(v, &x, arg, sizeof x)) return -XEN_EFAULT;
        Domain* d = resolve(v, x.domid);
        if (!d) return -XEN_ESRCH;
        if (!gfn_ok(x.gpfn)) return -XEN_EINVAL;
        switch (x.space) {
        case XENMAPSPACE_shared_info:
            return x.idx == 0 ? domain::map_shared_info(d, x.gpfn) : -XEN_EINVAL;
        case XENMAPSPACE_grant_table:
            return gnttab::map_frame(d, static_cast<uint32_t>(x.idx), x.gpfn);
        default:
            return -XEN_ENOSYS;
        }
    }
    case XENMEM_add_to_physmap_batch: {
        xen_add_to_physmap_batch_t b;
        if (copy_from_guest(v, &b, arg, sizeof b)) return -XEN_EFAULT;
        if (b.space != XENMAPSPACE_gmfn_foreign) return -XEN_ENOSYS;
        if (!v->domain->privileged) return -XEN_EPERM;
        Domain* d = resolve(v, b.domid);
        Domain* fd = domain::lookup(b.foreign_domid);
        if (!d || !fd || fd == d) return -XEN_ESRCH;
        for (uint16_t i = 0; i < b.size; ++i) {
            xen_ulong_t idx;
            xen_pfn_t gpfn;
            if (copy_from_guest(v, &idx, b.idxs + 8ull * i, 8) ||
                copy_from_guest(v, &gpfn, b.gpfns + 8ull * i, 8))
                return -XEN_EFAULT;
            int err = 0;
            Hpa pa;
            P2mType t;
            if (!gfn_ok(gpfn) || !fd->p2m.lookup(Ipa::from_frame(idx), &pa, &t) ||
                t != P2mType::Ram)
                err = -XEN_EINVAL;
            else if (d->p2m.map(Ipa::from_frame(gpfn), pa, P2mType::Foreign))
                err = -XEN_EEXIST;
            else
                ++g_pages.info(pa)->foreign_refs;
            if (copy_to_guest(v, b.errs + 4ull * i, &err, sizeof err)) return -XEN_EFAULT;
        }
        return 0;
    }
    case XENMEM_remove_from_physmap: {
        xen_remove_from_physmap_t x;
        if (copy_from_guest(v, &x, arg, sizeof x)) return -XEN_EFAULT;
        Domain* d = resolve(v, x.domid);
        if (!d) return -XEN_ESRCH;
        return remove_from_physmap(d, x.gpfn);
    }
    case XENMEM_increase_reservation:
    case XENMEM_populate_physmap:
    case XENMEM_decrease_reservation: {
        xen_memory_reservation_t res;
        if (copy_from_guest(v, &res, arg, sizeof res)) return -XEN_EFAULT;
        Domain* d = resolve(v, res.domid);
        if (!d) return -XEN_ESRCH;
        if (res.extent_order != 0) return -XEN_EINVAL; // 4 KiB extents only
        if (res.nr_extents > (1ull << 32) || start > res.nr_extents) return -XEN_EINVAL;
        uint64_t i = start;
        const uint64_t end = min(res.nr_extents, start + kBatch);
        for (; i < end; ++i) {
            xen_pfn_t gfn;
            if (copy_from_guest(v, &gfn, res.extent_start + 8 * i, sizeof gfn))
                return i ? static_cast<Status>(i) : -XEN_EFAULT;
            const Status st =
                cmd == XENMEM_decrease_reservation ? release_one(d, gfn) : populate_one(d, gfn);
            if (st) return static_cast<Status>(i);
        }
        if (i < res.nr_extents) return continuation(r, cmd | (i << kMemopShift), arg, a[2]);
        return static_cast<Status>(i);
    }
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation: {
        domid_t id;
        if (copy_from_guest(v, &id, arg, sizeof id)) return -XEN_EFAULT;
        Domain* d = resolve(v, id);
        if (!d) return -XEN_ESRCH;
        return static_cast<Status>(cmd == XENMEM_current_reservation ? d->tot_pages : d->max_pages);
    }
    case XENMEM_maximum_gpfn: {
        domid_t id;
        if (copy_from_guest(v, &id, arg, sizeof id)) return -XEN_EFAULT;
        Domain* d = resolve(v, id);
        if (!d) return -XEN_ESRCH;
        return static_cast<Status>(((d->ram_base + d->ram_size) >> kPageShift) - 1);
    }
    case XENMEM_maximum_ram_page:
        return static_cast<Status>(g_pages.total_pages());
    default:
        return -XEN_ENOSYS;
    }
}

} // namespace hyp::hypercall
