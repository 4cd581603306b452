// Stage-2 tables: mappings, descriptor attributes (ARM DDI 0487 D5.3.3, D5.5), invalidation
// on unmap, and freeing everything on destroy.
#include "common/p2m.h"
#include "fake_arch.h"

using namespace hyp;

TEST_F(HypTest, P2mMapsLooksUpAndUnmapsWithTlbInvalidation) {
    const uint64_t free0 = g_pages.free_pages();
    P2m p2m;
    ASSERT_TRUE(p2m.init(9));
    EXPECT_EQ(p2m.vttbr() >> 48, 9u);
    Hpa ram;
    ASSERT_TRUE(g_pages.alloc_page(&ram, 1, PageType::GuestRam));
    EXPECT_EQ(p2m.map(Ipa(0x40001000), ram, P2mType::Ram), 0);
    EXPECT_EQ(p2m.map(Ipa(0x40001000), ram, P2mType::Ram), -17); // EEXIST
    EXPECT_EQ(p2m.map(Ipa(0x40001004), ram, P2mType::Ram), -22); // unaligned
    EXPECT_EQ(p2m.map(Ipa(kIpaLimit), ram, P2mType::Ram), -22);  // beyond the IPA space
    Hpa pa;
    P2mType t;
    ASSERT_TRUE(p2m.lookup(Ipa(0x40001abc), &pa, &t));
    EXPECT_EQ(pa, ram);
    EXPECT_EQ(t, P2mType::Ram);
    EXPECT_FALSE(p2m.lookup(Ipa(0x40002000), &pa, &t));
    EXPECT_EQ(p2m.table_pages(), 3u); // levels 1, 2, 3
    fake::state().flushed_ipas.clear();
    EXPECT_EQ(p2m.unmap(Ipa(0x40001000)), 0);
    ASSERT_EQ(fake::state().flushed_ipas.size(), 1u);
    EXPECT_EQ(fake::state().flushed_ipas[0], 0x40001000u);
    EXPECT_FALSE(p2m.lookup(Ipa(0x40001000), &pa, &t));
    EXPECT_EQ(p2m.unmap(Ipa(0x40001000)), -2);
    p2m.destroy([](Hpa, P2mType, void*) {}, nullptr);
    g_pages.free(ram, 1);
    EXPECT_EQ(g_pages.free_pages(), free0);
}

TEST_F(HypTest, P2mDescriptorsEncodeTypes) {
    const Hpa pa(0x40123000);
    const uint64_t ram = P2m::leaf_desc(pa, P2mType::Ram);
    EXPECT_EQ(ram & 3, 3u); // page
    EXPECT_EQ(ram & 0x0000fffffffff000, pa.raw());
    EXPECT_EQ((ram >> 2) & 0xf, 0xfu); // MemAttr: Normal WB
    EXPECT_EQ((ram >> 6) & 3, 3u);     // S2AP read/write
    EXPECT_EQ((ram >> 8) & 3, 3u);     // inner shareable
    EXPECT_EQ((ram >> 10) & 1, 1u);    // AF
    EXPECT_EQ((ram >> 54) & 1, 0u);    // executable
    const uint64_t ro = P2m::leaf_desc(pa, P2mType::ForeignRo);
    EXPECT_EQ((ro >> 6) & 3, 1u);  // read-only
    EXPECT_EQ((ro >> 54) & 1, 1u); // no execute
    const uint64_t mmio = P2m::leaf_desc(pa, P2mType::Mmio);
    EXPECT_EQ((mmio >> 2) & 0xf, 1u); // Device-nGnRE
    EXPECT_EQ(P2m::desc_type(mmio), P2mType::Mmio);
    EXPECT_EQ(P2m::desc_type(ro), P2mType::ForeignRo);
}

TEST_F(HypTest, P2mDestroyReleasesEveryLeaf) {
    P2m p2m;
    ASSERT_TRUE(p2m.init(3));
    for (uint64_t i = 0; i < 1000; ++i)
        ASSERT_EQ(
            p2m.map(Ipa(0x40000000 + i * kPageSize), Hpa(0x41000000 + i * kPageSize), P2mType::Ram),
            0);
    static unsigned released;
    released = 0;
    p2m.destroy([](Hpa, P2mType, void*) { ++released; }, nullptr);
    EXPECT_EQ(released, 1000u);
    EXPECT_EQ(fake::state().flushed_vmids.back(), 3u);
}
