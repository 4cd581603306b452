// Grant tables, version 1 (xen/include/public/grant_table.h): our table lives in frames the
// hypervisor maps into the window the device tree's hypervisor node gives (reg[0]), as
// Linux does; foreign grants are mapped into pages of a second window (reg[1], Xen's
// "extended region", or the part of reg[0] the table can never use).
#include "xen_internal.h"

namespace minios::xen {
namespace {

constexpr unsigned kWantFrames = 4;  // 2048 entries
constexpr unsigned kMapSlots = 1024; // foreign pages mapped at once (4 MiB)

grant_entry_v1_t* table = nullptr;
unsigned nr_entries = 0;
grant_ref_t* free_refs = nullptr; // a stack of free references
unsigned nr_free = 0;

paddr_t map_window = 0;
uint64_t map_slot_used[kMapSlots / 64];

int64_t gnttab_op(uint64_t cmd, void* arg, unsigned count) {
    return hypercall(__HYPERVISOR_grant_table_op, cmd, reinterpret_cast<uint64_t>(arg), count);
}

} // namespace

void grant_init(const bare::Fdt& fdt, int hyp_node) {
    uint64_t base, size;
    if (!fdt.reg_at(hyp_node, 0, &base, &size)) {
        printf("xen: no grant-table region in the hypervisor node: grants disabled\n");
        return;
    }
    gnttab_query_size_t q{};
    q.dom = DOMID_SELF;
    uint32_t max_frames = 1;
    if (gnttab_op(GNTTABOP_query_size, &q, 1) == 0 && q.status == GNTST_okay)
        max_frames = q.max_nr_frames;
    else
        max_frames = 4; // what Linux assumes when the query fails
    gnttab_set_version_t v{1};
    gnttab_op(GNTTABOP_set_version, &v, 1);

    unsigned frames = max_frames < kWantFrames ? max_frames : kWantFrames;
    if (frames * kPageSize > size) frames = static_cast<unsigned>(size / kPageSize);
    unsigned mapped = 0;
    for (; mapped < frames; ++mapped) {
        xen_add_to_physmap_t x{};
        x.domid = DOMID_SELF;
        x.space = XENMAPSPACE_grant_table;
        x.idx = mapped;
        x.gpfn = (base >> kPageShift) + mapped;
        if (hypercall_ptr(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x) != 0) break;
    }
    if (!mapped || !map(base, mapped * kPageSize, MemType::Normal)) {
        printf("xen: cannot map the grant table: grants disabled\n");
        return;
    }
    table = static_cast<grant_entry_v1_t*>(phys_to_virt(base));
    nr_entries = mapped * (kPageSize / sizeof(grant_entry_v1_t));
    free_refs = static_cast<grant_ref_t*>(malloc(nr_entries * sizeof(grant_ref_t)));
    for (grant_ref_t r = nr_entries; r-- > GNTTAB_NR_RESERVED_ENTRIES;)
        free_refs[nr_free++] = r;

    // The foreign-mapping window.
    uint64_t wbase, wsize;
    if (fdt.reg_at(hyp_node, 1, &wbase, &wsize) && wsize >= kMapSlots * kPageSize) {
        map_window = wbase;
    } else {
        const uint64_t table_bytes = uint64_t(max_frames) * kPageSize;
        const uint64_t start = (base + table_bytes + 0x1fffff) & ~uint64_t(0x1fffff);
        if (start + kMapSlots * kPageSize <= base + size) map_window = start;
    }
    if (map_window && !map(map_window, kMapSlots * kPageSize, MemType::Normal)) map_window = 0;
}

unsigned grant_entries() {
    return nr_entries;
}

int grant_access(domid_t to, uint64_t gfn, bool readonly) {
    if (!nr_free || gfn > 0xffffffffu) return -XEN_ENOSPC;
    const grant_ref_t ref = free_refs[--nr_free];
    grant_entry_v1_t* e = &table[ref];
    proto::write_once(e->domid, to);
    proto::write_once(e->frame, static_cast<uint32_t>(gfn));
    arch::wmb(); // the frame and domain before the flags that make them valid
    proto::write_once(e->flags, uint16_t(GTF_permit_access | (readonly ? GTF_readonly : 0)));
    return static_cast<int>(ref);
}

bool end_access(grant_ref_t ref) {
    if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= nr_entries) return false;
    grant_entry_v1_t* e = &table[ref];
    uint16_t flags = proto::read_once(e->flags);
    do {
        if (flags & (GTF_reading | GTF_writing)) return false; // still mapped by the other side
    } while (!__atomic_compare_exchange_n(&e->flags, &flags, uint16_t(0), false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
    free_refs[nr_free++] = ref;
    return true;
}

paddr_t window_alloc(unsigned pages) {
    if (!map_window || !pages) return 0;
    for (unsigned i = 0; i + pages <= kMapSlots; ++i) {
        unsigned k = 0;
        while (k < pages && !((map_slot_used[(i + k) / 64] >> ((i + k) % 64)) & 1))
            ++k;
        if (k == pages) {
            for (k = 0; k < pages; ++k)
                map_slot_used[(i + k) / 64] |= uint64_t(1) << ((i + k) % 64);
            return map_window + uint64_t(i) * kPageSize;
        }
        i += k;
    }
    return 0;
}

void window_free(paddr_t addr, unsigned pages) {
    if (!map_window || addr < map_window) return;
    const uint64_t first = (addr - map_window) / kPageSize;
    for (uint64_t i = first; i < first + pages && i < kMapSlots; ++i)
        map_slot_used[i / 64] &= ~(uint64_t(1) << (i % 64));
}

int16_t map_grant(domid_t from, grant_ref_t ref, bool readonly, void** addr,
                  grant_handle_t* handle) {
    const paddr_t where = window_alloc(1);
    if (!where) return GNTST_no_device_space;
    gnttab_map_grant_ref_t op{};
    op.host_addr = where;
    op.flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0);
    op.ref = ref;
    op.dom = from;
    const int64_t rc = gnttab_op(GNTTABOP_map_grant_ref, &op, 1);
    if (rc != 0 || op.status != GNTST_okay) {
        window_free(where, 1);
        return rc != 0 ? int16_t(GNTST_general_error) : op.status;
    }
    *addr = phys_to_virt(op.host_addr);
    *handle = op.handle;
    return GNTST_okay;
}

int16_t unmap_grant(void* addr, grant_handle_t handle) {
    gnttab_unmap_grant_ref_t op{};
    op.host_addr = virt_to_phys(addr);
    op.handle = handle;
    const int64_t rc = gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1);
    if (rc != 0) return GNTST_general_error;
    if (op.status == GNTST_okay) window_free(op.host_addr, 1);
    return op.status;
}

int grant_copy(gnttab_copy_t* ops, unsigned n) {
    return static_cast<int>(gnttab_op(GNTTABOP_copy, ops, n));
}

} // namespace minios::xen
