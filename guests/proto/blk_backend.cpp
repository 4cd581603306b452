#include "blk_backend.h"

namespace blk {

int16_t plan_request(const blkif_request& r, uint64_t sectors, bool readonly, Plan& out,
                     const char** why) {
    out = Plan{};
    switch (r.operation) {
    case BLKIF_OP_READ:
        break;
    case BLKIF_OP_WRITE:
        if (readonly) {
            *why = "write to a read-only disk";
            return BLKIF_RSP_ERROR;
        }
        out.write = true;
        break;
    default:
        // Not advertised (no feature-barrier, -flush-cache, -discard, -max-indirect-...).
        *why = "operation not supported";
        return BLKIF_RSP_EOPNOTSUPP;
    }
    if (r.nr_segments == 0 || r.nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
        *why = "bad segment count";
        return BLKIF_RSP_ERROR;
    }
    uint64_t disk_off = 0;
    if (r.sector_number >= sectors) {
        *why = "sector out of range";
        return BLKIF_RSP_ERROR;
    }
    disk_off = r.sector_number * kSectorSize;
    uint64_t total = 0;
    for (unsigned i = 0; i < r.nr_segments; ++i) {
        const blkif_request_segment& s = r.seg[i];
        constexpr uint8_t kLastInPage = kPageSize / kSectorSize - 1;
        if (s.first_sect > s.last_sect || s.last_sect > kLastInPage) {
            *why = "bad segment sectors";
            return BLKIF_RSP_ERROR;
        }
        const uint32_t n = s.last_sect - s.first_sect + 1;
        total += n;
        out.seg[i] = {s.gref, static_cast<uint16_t>(s.first_sect * kSectorSize),
                      static_cast<uint16_t>(n * kSectorSize), disk_off};
        disk_off += uint64_t(n) * kSectorSize;
    }
    // The whole transfer must lie on the disk (checked without overflow).
    if (total > sectors - r.sector_number) {
        *why = "sector out of range";
        return BLKIF_RSP_ERROR;
    }
    out.n = r.nr_segments;
    return BLKIF_RSP_OKAY;
}

int16_t Backend::execute(const blkif_request& r) {
    ++stats_.requests;
    Plan p;
    const char* why = "";
    const int16_t st = plan_request(r, sectors_, ro_, p, &why);
    if (st != BLKIF_RSP_OKAY) {
        if (st == BLKIF_RSP_EOPNOTSUPP)
            ++stats_.unsupported;
        else
            ++stats_.errors;
        if (report_) report_(report_ctx_, r, why);
        return st;
    }
    for (unsigned i = 0; i < p.n; ++i) {
        if (io_.copy(p.seg[i], !p.write) != 0) {
            ++stats_.errors;
            if (report_) report_(report_ctx_, r, "grant copy failed (bad grant reference?)");
            return BLKIF_RSP_ERROR;
        }
        if (p.write)
            stats_.bytes_written += p.seg[i].len;
        else
            stats_.bytes_read += p.seg[i].len;
    }
    if (p.write)
        ++stats_.writes;
    else
        ++stats_.reads;
    return BLKIF_RSP_OKAY;
}

Backend::Serve Backend::serve(Ring& ring) {
    if (ring.request_overflow()) return Serve::Broken;
    bool notify = false;
    do {
        while (ring.pending_requests()) {
            const blkif_request r = ring.take_request();
            const int16_t st = execute(r);
            blkif_response* rsp = ring.next_response();
            rsp->id = r.id;
            rsp->operation = r.operation;
            rsp->status = st;
        }
        notify |= ring.push_responses();
    } while (ring.final_check_for_requests());
    return notify ? Serve::Notify : Serve::Idle;
}

} // namespace blk
