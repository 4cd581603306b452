// The block backend's protocol logic (public/io/blkif.h), portable and host-tested: it
// validates each request a frontend puts on the ring, turns reads and writes into copies
// between the disk and the frontend's granted pages, and answers every request, good or
// bad, with a response. The glue (apps) provides the copies (grant copy) and the ring page.
//
// What a frontend can get wrong, and what it gets back (the backend carries on):
//   - sectors past the end of the disk, a segment with first_sect > last_sect or past the
//     page, 0 or more than 11 segments           -> BLKIF_RSP_ERROR
//   - a grant reference the hypervisor refuses to copy through -> BLKIF_RSP_ERROR
//   - writes to a read-only disk                                -> BLKIF_RSP_ERROR
//   - operations we do not offer (barrier, flush, discard, indirect) -> BLKIF_RSP_EOPNOTSUPP
//   - a producer index claiming more requests than the ring holds -> the ring is broken:
//     serve() says so and the glue disconnects that device only.
#pragma once

#include "ring.h"

#include <public/io/blkif.h>
#include <stddef.h>
#include <stdint.h>

namespace blk {

constexpr uint32_t kSectorSize = 512;
constexpr uint32_t kPageSize = 4096;

using Ring = proto::BackRing<blkif_request, blkif_response>;
using SharedRing = proto::SharedRing<blkif_request, blkif_response>;

// One contiguous piece of a request: `len` bytes at byte `page_off` of the frontend's
// granted page `gref`, and at byte `disk_off` of the disk.
struct Segment {
    uint32_t gref;
    uint16_t page_off;
    uint16_t len;
    uint64_t disk_off;
};

struct Plan {
    bool write = false;
    unsigned n = 0;
    Segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

// Checks a request against a disk of `sectors` 512-byte sectors. Returns BLKIF_RSP_OKAY
// with the plan filled in, or an error status with *why saying what was wrong.
int16_t plan_request(const blkif_request& r, uint64_t sectors, bool readonly, Plan& out,
                     const char** why);

// Moves the data of one segment; returns 0 or a GNTST_* error.
class Copier {
public:
    virtual int16_t copy(const Segment& s, bool to_frontend) = 0;

protected:
    ~Copier() = default;
};

struct Stats {
    uint64_t requests = 0, reads = 0, writes = 0, errors = 0, unsupported = 0;
    uint64_t bytes_read = 0, bytes_written = 0;
};

class Backend {
public:
    // A report line for each bad request (rate limited by the glue if it wants).
    using ReportFn = void (*)(void* ctx, const blkif_request& r, const char* why);

    Backend(uint64_t sectors, bool readonly, Copier& io)
        : sectors_(sectors), ro_(readonly), io_(io) {}
    void set_report(ReportFn fn, void* ctx) {
        report_ = fn;
        report_ctx_ = ctx;
    }

    // Executes one request and returns the status for its response.
    int16_t execute(const blkif_request& r);

    enum class Serve { Idle, Notify, Broken };
    // Answers every pending request. Notify: the frontend asked to hear about the
    // responses. Broken: the frontend's producer index is impossible.
    Serve serve(Ring& ring);

    const Stats& stats() const { return stats_; }

private:
    uint64_t sectors_;
    bool ro_;
    Copier& io_;
    ReportFn report_ = nullptr;
    void* report_ctx_ = nullptr;
    Stats stats_;
};

} // namespace blk
