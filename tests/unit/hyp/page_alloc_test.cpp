// Host page allocator: runs, alignment, ownership, reservation, exhaustion.
#include "fake_arch.h"

using namespace hyp;

TEST_F(HypTest, PageAllocAllocatesAlignedRunsWithOwners) {
    const uint64_t free0 = g_pages.free_pages();
    EXPECT_EQ(free0, fake::kRamSize >> kPageShift);
    Hpa a, b;
    ASSERT_TRUE(g_pages.alloc(&a, 512, 512, 7, PageType::GuestRam));
    EXPECT_EQ(a.raw() % (512 * kPageSize), 0u);
    ASSERT_TRUE(g_pages.alloc_page(&b, DOMID_XEN, PageType::Hyp));
    EXPECT_TRUE(b < a || b >= a + 512 * kPageSize);
    EXPECT_EQ(g_pages.info(a + 5 * kPageSize)->owner, 7);
    EXPECT_EQ(g_pages.info(a)->type, PageType::GuestRam);
    EXPECT_EQ(g_pages.free_pages(), free0 - 513);
    g_pages.free(a, 512);
    g_pages.free(b, 1);
    EXPECT_EQ(g_pages.free_pages(), free0);
    EXPECT_EQ(g_pages.info(a)->type, PageType::Free);
}

TEST_F(HypTest, PageAllocReservedPagesAreNeverHandedOut) {
    g_pages.reserve(Hpa(fake::kRamBase), 8 << 20);
    Hpa p;
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(g_pages.alloc_page(&p, 1, PageType::GuestRam));
        EXPECT_GE(p.raw(), fake::kRamBase + (8 << 20));
    }
}

TEST_F(HypTest, PageAllocExhaustionFailsCleanly) {
    Hpa p;
    EXPECT_FALSE(g_pages.alloc(&p, (fake::kRamSize >> kPageShift) + 1, 1, 1, PageType::GuestRam));
    ASSERT_TRUE(g_pages.alloc(&p, fake::kRamSize >> kPageShift, 1, 1, PageType::GuestRam));
    Hpa q;
    EXPECT_FALSE(g_pages.alloc_page(&q, 1, PageType::GuestRam));
    g_pages.free(p + kPageSize * 3, 1);
    ASSERT_TRUE(g_pages.alloc_page(&q, 2, PageType::GuestRam));
    EXPECT_EQ(q, p + kPageSize * 3); // the one free page, found again
    EXPECT_FALSE(g_pages.is_ram(Hpa(fake::kRamBase + fake::kRamSize)));
}
