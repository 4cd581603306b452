// The block backend's request handling (guests/proto/blk_backend.*) against a fake disk and
// a fake grant table: data lands where blkif says, and every malformed request gets an
// error response while the backend keeps serving.
#include "blk_backend.h"

#include <cstring>
#include <gtest/gtest.h>
#include <map>
#include <vector>

namespace {

struct FakeIo : blk::Copier {
    std::vector<uint8_t> disk;
    std::map<uint32_t, std::vector<uint8_t>> grants; // gref -> the frontend's page
    int copies = 0;
    explicit FakeIo(uint64_t sectors) : disk(sectors * 512) {
        for (size_t i = 0; i < disk.size(); ++i)
            disk[i] = static_cast<uint8_t>(i * 13 + 5);
    }
    int16_t copy(const blk::Segment& s, bool to_frontend) override {
        ++copies;
        auto it = grants.find(s.gref);
        if (it == grants.end()) return -3; // GNTST_bad_gntref
        EXPECT_LE(s.page_off + s.len, 4096);
        EXPECT_LE(s.disk_off + s.len, disk.size());
        if (to_frontend)
            memcpy(it->second.data() + s.page_off, disk.data() + s.disk_off, s.len);
        else
            memcpy(disk.data() + s.disk_off, it->second.data() + s.page_off, s.len);
        return 0;
    }
    uint32_t grant(uint8_t fill) {
        const uint32_t ref = 100 + static_cast<uint32_t>(grants.size());
        grants[ref] = std::vector<uint8_t>(4096, fill);
        return ref;
    }
};

blkif_request rw(uint8_t op, uint64_t sector, std::initializer_list<blkif_request_segment> segs) {
    blkif_request r{};
    r.operation = op;
    r.id = 77;
    r.sector_number = sector;
    r.nr_segments = static_cast<uint8_t>(segs.size());
    unsigned i = 0;
    for (const auto& s : segs)
        r.seg[i++] = s;
    return r;
}

TEST(BlkBackend, ReadCopiesDiskSectorsIntoTheGrantedPage) {
    FakeIo io(64);
    blk::Backend be(64, false, io);
    const uint32_t g = io.grant(0);
    // Sectors 10..12 into bytes 512..2047 of the page.
    EXPECT_EQ(be.execute(rw(BLKIF_OP_READ, 10, {{g, 1, 3}})), BLKIF_RSP_OKAY);
    EXPECT_EQ(memcmp(io.grants[g].data() + 512, io.disk.data() + 10 * 512, 3 * 512), 0);
    EXPECT_EQ(io.grants[g][0], 0);
    EXPECT_EQ(io.grants[g][2048], 0);
    EXPECT_EQ(be.stats().bytes_read, 1536u);
}

TEST(BlkBackend, WriteWithSeveralSegmentsIsContiguousOnDisk) {
    FakeIo io(64);
    blk::Backend be(64, false, io);
    const uint32_t a = io.grant(0xaa), b = io.grant(0xbb);
    // 8 sectors from page a, then 2 from the start of page b, at sector 20.
    EXPECT_EQ(be.execute(rw(BLKIF_OP_WRITE, 20, {{a, 0, 7}, {b, 0, 1}})), BLKIF_RSP_OKAY);
    for (int i = 0; i < 8 * 512; ++i)
        ASSERT_EQ(io.disk[20 * 512 + i], 0xaa);
    for (int i = 0; i < 2 * 512; ++i)
        ASSERT_EQ(io.disk[28 * 512 + i], 0xbb);
    EXPECT_NE(io.disk[30 * 512], 0xbb);
    EXPECT_EQ(be.stats().writes, 1u);
}

TEST(BlkBackend, MalformedRequestsGetErrorsAndTouchNothing) {
    FakeIo io(64);
    blk::Backend be(64, false, io);
    const uint32_t g = io.grant(0x55);
    const std::vector<uint8_t> before = io.disk;
    struct Case {
        blkif_request r;
        int16_t want;
    } cases[] = {
        {rw(BLKIF_OP_WRITE, 64, {{g, 0, 0}}), BLKIF_RSP_ERROR},        // first sector past end
        {rw(BLKIF_OP_WRITE, 60, {{g, 0, 7}}), BLKIF_RSP_ERROR},        // runs off the end
        {rw(BLKIF_OP_WRITE, ~0ull / 2, {{g, 0, 0}}), BLKIF_RSP_ERROR}, // overflowing offset
        {rw(BLKIF_OP_WRITE, 0, {{g, 3, 2}}), BLKIF_RSP_ERROR},         // first > last
        {rw(BLKIF_OP_WRITE, 0, {{g, 0, 8}}), BLKIF_RSP_ERROR},         // past the page
        {rw(BLKIF_OP_WRITE, 0, {}), BLKIF_RSP_ERROR},                  // no segments
        {rw(BLKIF_OP_FLUSH_DISKCACHE, 0, {{g, 0, 0}}), BLKIF_RSP_EOPNOTSUPP},
        {rw(BLKIF_OP_DISCARD, 0, {{g, 0, 0}}), BLKIF_RSP_EOPNOTSUPP},
        {rw(BLKIF_OP_INDIRECT, 0, {{g, 0, 0}}), BLKIF_RSP_EOPNOTSUPP},
        {rw(200, 0, {{g, 0, 0}}), BLKIF_RSP_EOPNOTSUPP},
    };
    for (const Case& c : cases)
        EXPECT_EQ(be.execute(c.r), c.want) << "sector " << c.r.sector_number;
    blkif_request twelve = rw(BLKIF_OP_READ, 0, {{g, 0, 0}});
    twelve.nr_segments = 12; // one more than the protocol allows
    EXPECT_EQ(be.execute(twelve), BLKIF_RSP_ERROR);
    EXPECT_EQ(io.disk, before);
    EXPECT_EQ(io.copies, 0);
    EXPECT_EQ(be.stats().errors, 7u);
    EXPECT_EQ(be.stats().unsupported, 4u);
}

TEST(BlkBackend, BadGrantReferenceFailsOnlyThatRequest) {
    FakeIo io(64);
    blk::Backend be(64, false, io);
    const uint32_t g = io.grant(0);
    EXPECT_EQ(be.execute(rw(BLKIF_OP_READ, 0, {{999, 0, 7}})), BLKIF_RSP_ERROR);
    EXPECT_EQ(be.execute(rw(BLKIF_OP_READ, 0, {{g, 0, 7}})), BLKIF_RSP_OKAY);
}

TEST(BlkBackend, ReadOnlyDisksRefuseWrites) {
    FakeIo io(8);
    blk::Backend be(8, true, io);
    const uint32_t g = io.grant(1);
    EXPECT_EQ(be.execute(rw(BLKIF_OP_WRITE, 0, {{g, 0, 0}})), BLKIF_RSP_ERROR);
    EXPECT_EQ(be.execute(rw(BLKIF_OP_READ, 0, {{g, 0, 0}})), BLKIF_RSP_OKAY);
}

TEST(BlkBackend, ServesTheRingAndAnswersEveryRequest) {
    alignas(4096) static unsigned char page[4096];
    auto* s = reinterpret_cast<blk::SharedRing*>(page);
    s->init();
    proto::FrontRing<blkif_request, blkif_response> front(s, 4096);
    blk::Ring back(s, 4096);
    FakeIo io(64);
    blk::Backend be(64, false, io);
    const uint32_t g = io.grant(0);
    for (uint64_t i = 0; i < 10; ++i) {
        blkif_request* r = front.next_request();
        *r = rw(BLKIF_OP_READ, i % 2 ? 1000 : i, {{g, 0, 0}});
        r->id = i;
    }
    front.push_requests();
    EXPECT_EQ(be.serve(back), blk::Backend::Serve::Notify);
    ASSERT_EQ(front.pending_responses(), 10u);
    for (uint64_t i = 0; i < 10; ++i) {
        const blkif_response r = front.take_response();
        EXPECT_EQ(r.id, i);
        EXPECT_EQ(r.operation, BLKIF_OP_READ);
        EXPECT_EQ(r.status, i % 2 ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);
    }
}

TEST(BlkBackend, ImpossibleProducerIndexBreaksTheRing) {
    alignas(4096) static unsigned char page[4096];
    auto* s = reinterpret_cast<blk::SharedRing*>(page);
    s->init();
    blk::Ring back(s, 4096);
    FakeIo io(8);
    blk::Backend be(8, false, io);
    s->hdr.req_prod = 33; // a 32-slot ring
    EXPECT_EQ(be.serve(back), blk::Backend::Serve::Broken);
    EXPECT_EQ(io.copies, 0);
}

} // namespace
