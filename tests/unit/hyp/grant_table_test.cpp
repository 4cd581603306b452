// Grant tables v1: mapping into the mapper's stage 2, the GTF_writing/reading protocol,
// read-only grants, copy, and a granter destroyed while its page is still mapped.
#include "common/grant_table.h"
#include "common/guest_access.h"
#include "fake_arch.h"

using namespace hyp;

namespace {
constexpr uint64_t kArg = GUEST_RAM0_BASE + 0x100000;
constexpr uint64_t kMapAt = GUEST_MAGIC_BASE + 0x40000;

template <class T>
T call(Vcpu* v, unsigned cmd, T op, Status* ret = nullptr) {
    fake::run_on(0, v);
    EXPECT_EQ(copy_to_guest(v, kArg, &op, sizeof op), 0);
    const Status r = gnttab::op(v, cmd, kArg, 1);
    if (ret) *ret = r;
    EXPECT_EQ(copy_from_guest(v, &op, kArg, sizeof op), 0);
    return op;
}

grant_entry_v1_t* entry(Domain* d, uint32_t ref) {
    return static_cast<grant_entry_v1_t*>(arch::hpa_to_ptr(Hpa(d->gnttab.frame_hpa[0]))) + ref;
}
} // namespace

class GrantTest : public HypTest {
protected:
    void SetUp() override {
        HypTest::SetUp();
        free0 = g_pages.free_pages();
        a = make_domain(1, 2 << 20);
        b = make_domain(1, 2 << 20);
        page_gfn = (GUEST_RAM0_BASE >> kPageShift) + 0x50;
        *fake::guest_ptr<uint64_t>(a, page_gfn << kPageShift) = 0x1122334455667788;
    }
    Domain *a, *b;
    uint64_t page_gfn;
    uint64_t free0;
};

TEST_F(GrantTest, MapUnmapFollowsTheProtocol) {
    ASSERT_EQ(gnttab::grant_access(a, 10, b->id, page_gfn, false), 0);
    gnttab_map_grant_ref_t m = {kMapAt, GNTMAP_host_map, 10, a->id, 0, 0, 0};
    m = call(&b->vcpus[0], GNTTABOP_map_grant_ref, m);
    ASSERT_EQ(m.status, GNTST_okay);
    Hpa pa, apage;
    P2mType t;
    ASSERT_TRUE(b->p2m.lookup(Ipa(kMapAt), &pa, &t));
    ASSERT_TRUE(a->p2m.lookup(Ipa::from_frame(page_gfn), &apage, nullptr));
    EXPECT_EQ(pa, apage);
    EXPECT_EQ(t, P2mType::Foreign);
    EXPECT_EQ(g_pages.info(apage)->foreign_refs, 1u);
    EXPECT_TRUE(entry(a, 10)->flags & GTF_writing);
    EXPECT_EQ(*fake::guest_ptr<uint64_t>(b, kMapAt), 0x1122334455667788u);
    gnttab_unmap_grant_ref_t u = {kMapAt, 0, m.handle, 0};
    u = call(&b->vcpus[0], GNTTABOP_unmap_grant_ref, u);
    EXPECT_EQ(u.status, GNTST_okay);
    EXPECT_FALSE(b->p2m.lookup(Ipa(kMapAt), &pa, &t));
    EXPECT_EQ(g_pages.info(apage)->foreign_refs, 0u);
    EXPECT_FALSE(entry(a, 10)->flags & (GTF_writing | GTF_reading));
    u = call(&b->vcpus[0], GNTTABOP_unmap_grant_ref, u);
    EXPECT_EQ(u.status, GNTST_bad_handle);
}

TEST_F(GrantTest, OnlyTheGranteeAndOnlyAsGranted) {
    ASSERT_EQ(gnttab::grant_access(a, 11, b->id, page_gfn, true), 0);
    gnttab_map_grant_ref_t m = {kMapAt, GNTMAP_host_map, 11, a->id, 0, 0, 0};
    EXPECT_EQ(call(&b->vcpus[0], GNTTABOP_map_grant_ref, m).status, GNTST_permission_denied);
    m.flags |= GNTMAP_readonly;
    m = call(&b->vcpus[0], GNTTABOP_map_grant_ref, m);
    ASSERT_EQ(m.status, GNTST_okay);
    P2mType t;
    ASSERT_TRUE(b->p2m.lookup(Ipa(kMapAt), nullptr, &t));
    EXPECT_EQ(t, P2mType::ForeignRo);
    EXPECT_TRUE(entry(a, 11)->flags & GTF_reading);
    // A third domain may not use B's grant; a bad reference and a bad domain are reported.
    Domain* c = make_domain(1, 2 << 20);
    gnttab_map_grant_ref_t m2 = {kMapAt, GNTMAP_host_map | GNTMAP_readonly, 11, a->id, 0, 0, 0};
    EXPECT_EQ(call(&c->vcpus[0], GNTTABOP_map_grant_ref, m2).status, GNTST_permission_denied);
    m2.ref = 100000;
    EXPECT_EQ(call(&c->vcpus[0], GNTTABOP_map_grant_ref, m2).status, GNTST_bad_gntref);
    m2.dom = 0x7000;
    EXPECT_EQ(call(&c->vcpus[0], GNTTABOP_map_grant_ref, m2).status, GNTST_bad_domain);
    // Mapping over memory the mapper already has is refused.
    gnttab_map_grant_ref_t m3 = {
        GUEST_RAM0_BASE, GNTMAP_host_map | GNTMAP_readonly, 11, a->id, 0, 0, 0};
    EXPECT_EQ(call(&b->vcpus[0], GNTTABOP_map_grant_ref, m3).status, GNTST_bad_virt_addr);
}

TEST_F(GrantTest, CopyChecksBothSides) {
    ASSERT_EQ(gnttab::grant_access(a, 12, b->id, page_gfn, true), 0);
    gnttab_copy_t c = {};
    c.source.u.ref = 12;
    c.source.domid = a->id;
    c.dest.u.gmfn = (GUEST_RAM0_BASE >> kPageShift) + 0x10;
    c.dest.domid = DOMID_SELF;
    c.len = 8;
    c.flags = GNTCOPY_source_gref;
    EXPECT_EQ(call(&b->vcpus[0], GNTTABOP_copy, c).status, GNTST_okay);
    EXPECT_EQ(*fake::guest_ptr<uint64_t>(b, GUEST_RAM0_BASE + 0x10000), 0x1122334455667788u);
    EXPECT_FALSE(entry(a, 12)->flags & GTF_reading); // released after the copy
    c.source.offset = 4090;
    EXPECT_EQ(call(&b->vcpus[0], GNTTABOP_copy, c).status, GNTST_bad_copy_arg);
    c.source.offset = 0;
    c.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref; // into A's read-only grant
    c.dest.u.ref = 12;
    c.dest.domid = a->id;
    EXPECT_EQ(call(&b->vcpus[0], GNTTABOP_copy, c).status, GNTST_permission_denied);
    c.flags = 0; // a foreign gmfn without privilege
    c.source.u.gmfn = page_gfn;
    c.dest.u.gmfn = (GUEST_RAM0_BASE >> kPageShift) + 0x10;
    c.dest.domid = DOMID_SELF;
    EXPECT_EQ(call(&b->vcpus[0], GNTTABOP_copy, c).status, GNTST_permission_denied);
}

TEST_F(GrantTest, GranterDestroyedWhileMappedKeepsThePageUntilUnmap) {
    ASSERT_EQ(gnttab::grant_access(a, 13, b->id, page_gfn, false), 0);
    gnttab_map_grant_ref_t m = {kMapAt, GNTMAP_host_map, 13, a->id, 0, 0, 0};
    m = call(&b->vcpus[0], GNTTABOP_map_grant_ref, m);
    ASSERT_EQ(m.status, GNTST_okay);
    Hpa apage;
    ASSERT_TRUE(a->p2m.lookup(Ipa::from_frame(page_gfn), &apage, nullptr));
    a->state = DomainState::Dying;
    domain::destroy(a);
    EXPECT_EQ(g_pages.info(apage)->type, PageType::GuestRam); // still there for B
    EXPECT_EQ(g_pages.info(apage)->zombie, 1);
    EXPECT_EQ(*fake::guest_ptr<uint64_t>(b, kMapAt), 0x1122334455667788u);
    gnttab_unmap_grant_ref_t u = {kMapAt, 0, m.handle, 0};
    EXPECT_EQ(call(&b->vcpus[0], GNTTABOP_unmap_grant_ref, u).status, GNTST_okay);
    EXPECT_EQ(g_pages.info(apage)->type, PageType::Free);
    b->state = DomainState::Dying;
    domain::destroy(b);
    EXPECT_EQ(g_pages.free_pages(), free0) << "every page comes back";
}

TEST_F(GrantTest, SetupTableMapsFramesInTheGrantRegion) {
    fake::run_on(0, &b->vcpus[0]);
    const uint64_t list = GUEST_RAM0_BASE + 0x120000;
    gnttab_setup_table_t st = {DOMID_SELF, 2, 0, list};
    st = call(&b->vcpus[0], GNTTABOP_setup_table, st);
    EXPECT_EQ(st.status, GNTST_okay);
    uint64_t frames[2];
    ASSERT_EQ(copy_from_guest(&b->vcpus[0], frames, list, sizeof frames), 0);
    EXPECT_EQ(frames[0], GUEST_GNTTAB_BASE >> kPageShift);
    EXPECT_EQ(frames[1], (GUEST_GNTTAB_BASE >> kPageShift) + 1);
    P2mType t;
    ASSERT_TRUE(b->p2m.lookup(Ipa(GUEST_GNTTAB_BASE + kPageSize), nullptr, &t));
    EXPECT_EQ(t, P2mType::Shared);
    st.nr_frames = 1000;
    EXPECT_EQ(call(&b->vcpus[0], GNTTABOP_setup_table, st).status, GNTST_general_error);
}

TEST_F(GrantTest, QuerySizeNamesItselfOrAnyDomainOnlyWhenPrivileged) {
    gnttab_query_size_t q = {DOMID_SELF, 0, 0, -1};
    q = call(&a->vcpus[0], GNTTABOP_query_size, q);
    EXPECT_EQ(q.status, GNTST_okay);
    EXPECT_EQ(q.nr_frames, a->gnttab.nr_frames);
    EXPECT_EQ(q.max_nr_frames, a->gnttab.max_frames);
    q = {b->id, 0, 0, -1};
    EXPECT_EQ(call(&a->vcpus[0], GNTTABOP_query_size, q).status, GNTST_permission_denied);
    q = {DOMID_FIRST_RESERVED - 1, 0, 0, -1};
    EXPECT_EQ(call(&a->vcpus[0], GNTTABOP_query_size, q).status, GNTST_bad_domain);
    a->privileged = true;
    q = call(&a->vcpus[0], GNTTABOP_query_size, gnttab_query_size_t{b->id, 0, 0, -1});
    EXPECT_EQ(q.status, GNTST_okay);
    EXPECT_EQ(q.max_nr_frames, b->gnttab.max_frames);
    // setup_table resolves its domain the same way.
    gnttab_setup_table_t s = {b->id, 1, -1, 0};
    a->privileged = false;
    EXPECT_EQ(call(&a->vcpus[0], GNTTABOP_setup_table, s).status, GNTST_permission_denied);
}
