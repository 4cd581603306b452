// The typed Xen rings (guests/proto/ring.h) against the public layouts: sizes the other end
// (Linux, upstream backends) relies on, notification hold-off, and what a backend does with
// a front end that lies about its producer index.
#include "ring.h"

#include <cstddef>
#include <gtest/gtest.h>
#include <public/io/blkif.h>
#include <public/io/netif.h>
#include <vector>

namespace {

using BlkShared = proto::SharedRing<blkif_request, blkif_response>;
using BlkFront = proto::FrontRing<blkif_request, blkif_response>;
using BlkBack = proto::BackRing<blkif_request, blkif_response>;

// Layout facts from Xen's public headers (io/blkif.h, io/netif.h, io/ring.h).
static_assert(sizeof(blkif_request) == 112);
static_assert(offsetof(blkif_request, id) == 8);
static_assert(offsetof(blkif_request, sector_number) == 16);
static_assert(offsetof(blkif_request, seg) == 24);
static_assert(sizeof(blkif_request_segment) == 8);
static_assert(sizeof(blkif_response) == 16);
static_assert(offsetof(blkif_response, status) == 10);
static_assert(sizeof(netif_tx_request) == 12);
static_assert(sizeof(netif_rx_request) == 8);
static_assert(sizeof(netif_rx_response) == 8);
static_assert(sizeof(xen_sring_header) == XEN_RING_HEADER_SIZE);
static_assert(offsetof(BlkShared, ring) == 64);
static_assert(offsetof(blkif_sring, ring) == 64);

struct Page {
    alignas(4096) unsigned char bytes[4096] = {};
    BlkShared* blk() { return reinterpret_cast<BlkShared*>(bytes); }
};

TEST(Ring, EntriesPerPageMatchXen) {
    // __CONST_RING_SIZE: (4096 - 64) / entry size, rounded down to a power of two.
    EXPECT_EQ(proto::ring_entries(4096, sizeof(blkif_sring_entry)), 32u);
    EXPECT_EQ(proto::ring_entries(4096, sizeof(netif_tx_sring_entry)), 256u);
    EXPECT_EQ(proto::ring_entries(4096, sizeof(netif_rx_sring_entry)), 256u);
}

TEST(Ring, RequestsAndResponsesRoundTrip) {
    Page page;
    page.blk()->init();
    BlkFront front(page.blk(), 4096);
    BlkBack back(page.blk(), 4096);
    EXPECT_EQ(front.free_requests(), 32u);
    for (uint64_t i = 0; i < 5; ++i) {
        blkif_request* r = front.next_request();
        r->operation = BLKIF_OP_READ;
        r->id = 100 + i;
        r->sector_number = i * 8;
        r->nr_segments = 1;
    }
    EXPECT_TRUE(front.push_requests()); // req_event starts at 1: the back end wants to hear
    ASSERT_EQ(back.pending_requests(), 5u);
    for (uint64_t i = 0; i < 5; ++i) {
        const blkif_request r = back.take_request();
        EXPECT_EQ(r.id, 100 + i);
        EXPECT_EQ(r.sector_number, i * 8);
        blkif_response* rsp = back.next_response();
        rsp->id = r.id;
        rsp->operation = r.operation;
        rsp->status = BLKIF_RSP_OKAY;
    }
    EXPECT_FALSE(back.final_check_for_requests());
    EXPECT_TRUE(back.push_responses());
    ASSERT_EQ(front.pending_responses(), 5u);
    for (uint64_t i = 0; i < 5; ++i)
        EXPECT_EQ(front.take_response().id, 100 + i);
    EXPECT_FALSE(front.final_check_for_responses());
    EXPECT_EQ(front.free_requests(), 32u);
}

TEST(Ring, NotificationHoldOff) {
    Page page;
    page.blk()->init();
    BlkFront front(page.blk(), 4096);
    BlkBack back(page.blk(), 4096);
    front.next_request()->id = 1;
    EXPECT_TRUE(front.push_requests());
    // The back end has not re-armed req_event: more requests need no notification.
    front.next_request()->id = 2;
    EXPECT_FALSE(front.push_requests());
    back.take_request();
    back.take_request();
    // Final check re-arms req_event = req_cons + 1: the next request notifies again.
    EXPECT_FALSE(back.final_check_for_requests());
    front.next_request()->id = 3;
    EXPECT_TRUE(front.push_requests());
}

TEST(Ring, IndexesWrapAround) {
    Page page;
    page.blk()->init();
    BlkFront front(page.blk(), 4096);
    BlkBack back(page.blk(), 4096);
    // Run a few thousand batches so the free-running 32-bit indexes pass many ring laps.
    uint64_t next = 0, seen = 0;
    for (int batch = 0; batch < 3000; ++batch) {
        for (int k = 0; k < 7; ++k)
            front.next_request()->id = next++;
        front.push_requests();
        while (back.pending_requests()) {
            const blkif_request r = back.take_request();
            back.next_response()->id = r.id;
        }
        back.push_responses();
        while (front.pending_responses())
            EXPECT_EQ(front.take_response().id, seen++);
    }
    EXPECT_EQ(seen, next);
}

TEST(Ring, BackendBoundsALyingFrontend) {
    Page page;
    page.blk()->init();
    BlkBack back(page.blk(), 4096);
    // A front end claiming 1000 requests on a 32-entry ring.
    page.blk()->hdr.req_prod = 1000;
    EXPECT_TRUE(back.request_overflow());
    // Even a backend that ignores the check never takes more than the ring can hold.
    EXPECT_LE(back.pending_requests(), 32u);
    page.blk()->hdr.req_prod = 32;
    EXPECT_FALSE(back.request_overflow());
    EXPECT_EQ(back.pending_requests(), 32u);
}

TEST(Ring, FrontendIgnoresResponsesItNeverAskedFor) {
    Page page;
    page.blk()->init();
    BlkFront front(page.blk(), 4096);
    front.next_request()->id = 7;
    front.push_requests();
    page.blk()->hdr.rsp_prod = 20; // a broken back end
    EXPECT_TRUE(front.response_overflow());
    EXPECT_EQ(front.pending_responses(), 0u);
}

TEST(Ring, RequestsAreCopiedOutOfTheSharedPage) {
    Page page;
    page.blk()->init();
    BlkFront front(page.blk(), 4096);
    BlkBack back(page.blk(), 4096);
    blkif_request* shared = front.next_request();
    shared->nr_segments = 1;
    shared->sector_number = 8;
    front.push_requests();
    const blkif_request mine = back.take_request();
    shared->nr_segments = 200; // the front end rewrites the slot afterwards
    shared->sector_number = ~0ull;
    EXPECT_EQ(mine.nr_segments, 1);
    EXPECT_EQ(mine.sector_number, 8u);
}

} // namespace
