// Grant table v1 within one domain: set-up, version, grant/map/unmap of an own page with
// the GTF_writing protocol, copy.
#include "../../../hypervisor/include/public/errno.h"
#include "../../../hypervisor/include/public/grant_table.h"
#include "suites.h"

using namespace xt;

namespace {
alignas(4096) uint8_t g_page[4096];
alignas(4096) uint8_t g_dst[4096];
int64_t gnttab(unsigned cmd, void* op, unsigned count = 1) {
    return hypercall(__HYPERVISOR_grant_table_op, cmd, reinterpret_cast<uint64_t>(op), count);
}
constexpr uint64_t kMapAt = GUEST_MAGIC_BASE + 0x40000; // a free IPA (mapped Normal by xtest)
} // namespace

void suites::grant_self() {
    xen_pfn_t frames[2] = {};
    gnttab_setup_table_t st = {DOMID_SELF, 1, 0, reinterpret_cast<uint64_t>(frames)};
    int64_t r = gnttab(GNTTABOP_setup_table, &st);
    check(r == 0 && st.status == GNTST_okay && frames[0] == GUEST_GNTTAB_BASE >> 12,
          "grant.setup_table", "r=%ld status=%d frame=%#lx", r, st.status, frames[0]);
    gnttab_query_size_t q = {DOMID_SELF, 0, 0, 0};
    gnttab(GNTTABOP_query_size, &q);
    check(q.status == 0 && q.nr_frames >= 1 && q.max_nr_frames >= q.nr_frames, "grant.query_size");
    gnttab_set_version_t sv = {2};
    check(gnttab(GNTTABOP_set_version, &sv) == -XEN_EOPNOTSUPP && sv.version == 1,
          "grant.v2_refused");
    sv.version = 1;
    check(gnttab(GNTTABOP_set_version, &sv) == 0, "grant.v1");
    auto* table = reinterpret_cast<grant_entry_v1_t*>(GUEST_GNTTAB_BASE);
    // Grant our own page to ourselves and map it a second time.
    const domid_t self_id = 0; // the caller of this suite is dom0
    for (unsigned i = 0; i < 4096; ++i)
        g_page[i] = static_cast<uint8_t>(i * 7);
    table[10].domid = self_id;
    table[10].frame = static_cast<uint32_t>(reinterpret_cast<uint64_t>(g_page) >> 12);
    dsb();
    table[10].flags = GTF_permit_access;
    gnttab_map_grant_ref_t m = {kMapAt, GNTMAP_host_map, 10, DOMID_SELF, 0, 0, 0};
    gnttab(GNTTABOP_map_grant_ref, &m);
    check(m.status == GNTST_okay, "grant.map_self", "status %d", m.status);
    if (m.status == GNTST_okay) {
        auto* alias = reinterpret_cast<volatile uint8_t*>(kMapAt);
        check(alias[5] == 35 && (table[10].flags & GTF_writing), "grant.mapping_aliases");
        alias[6] = 0xee;
        check(*reinterpret_cast<volatile uint8_t*>(&g_page[6]) == 0xee,
              "grant.write_through_mapping");
        gnttab_unmap_grant_ref_t u = {kMapAt, 0, m.handle, 0};
        gnttab(GNTTABOP_unmap_grant_ref, &u);
        check(u.status == GNTST_okay && !(table[10].flags & (GTF_writing | GTF_reading)),
              "grant.unmap_clears_writing", "status %d flags %#x", u.status, table[10].flags);
        const Fault f = expect_fault(
            [](void*) { (void)*reinterpret_cast<volatile uint8_t*>(kMapAt); }, nullptr);
        check(f.hit, "grant.unmapped_is_gone");
    }
    // Read-only grants cannot be mapped writable.
    table[11].domid = self_id;
    table[11].frame = table[10].frame;
    dsb();
    table[11].flags = GTF_permit_access | GTF_readonly;
    m = {kMapAt, GNTMAP_host_map, 11, DOMID_SELF, 0, 0, 0};
    gnttab(GNTTABOP_map_grant_ref, &m);
    check(m.status == GNTST_permission_denied, "grant.readonly_enforced", "status %d", m.status);
    // Copy from a grant reference into a local frame.
    gnttab_copy_t c = {};
    c.source.u.ref = 10;
    c.source.domid = DOMID_SELF;
    c.source.offset = 100;
    c.dest.u.gmfn = reinterpret_cast<uint64_t>(g_dst) >> 12;
    c.dest.domid = DOMID_SELF;
    c.dest.offset = 0;
    c.len = 64;
    c.flags = GNTCOPY_source_gref;
    gnttab(GNTTABOP_copy, &c);
    check(c.status == GNTST_okay && g_dst[0] == g_page[100] && g_dst[63] == g_page[163],
          "grant.copy", "status %d", c.status);
    // A revoked grant cannot be used.
    table[10].flags = 0;
    gnttab(GNTTABOP_copy, &c);
    check(c.status == GNTST_permission_denied, "grant.revoked", "status %d", c.status);
}
