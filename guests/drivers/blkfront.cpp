#include "blkfront.h"

#include "xenbus_device.h"

#include <public/io/protocols.h>

namespace drivers {

using namespace minios;

int Blkfront::connect(const char* node, uint64_t timeout_ns, int64_t ring_ref_override) {
    const uint64_t deadline = now_ns() + timeout_ns;
    if (const int rc =
            find_backend(node, dir_, sizeof dir_, be_dir_, sizeof be_dir_, &be_, deadline))
        return rc;

    char path[128];
    const int st = wait_for_backend_init(be_dir_, path, deadline);
    if (st < 0) return st;
    uint64_t info = 0;
    if (xs_read_uint(be_dir_, "sectors", &sectors_) != 0) return -XEN_ENOENT;
    if (xs_read_uint(be_dir_, "info", &info) == 0) readonly_ = info & VDISK_READONLY;

    // The ring, our data pages, and the event channel, all for the backend.
    ring_pa_ = alloc_pages(1);
    data_ = static_cast<uint8_t*>(phys_to_virt(alloc_pages(kDataPages)));
    if (!ring_pa_ || !data_) return -XEN_ENOMEM;
    auto* shared =
        static_cast<proto::SharedRing<blkif_request, blkif_response>*>(phys_to_virt(ring_pa_));
    shared->init();
    ring_.attach(shared, kPageSize);
    ring_ref_ = xen::grant_access(be_, ring_pa_ >> kPageShift, false);
    for (unsigned i = 0; i < kDataPages; ++i)
        data_ref_[i] = xen::grant_access(be_, virt_to_pfn(data_ + i * kPageSize), false);
    if (ring_ref_ < 0 || data_ref_[kDataPages - 1] < 0) return -XEN_ENOSPC;
    int rc = xen::alloc_unbound(be_, &port_);
    if (rc) return rc;
    xen::bind_handler(port_, signal_event, &ev_);

    const int64_t published = ring_ref_override >= 0 ? ring_ref_override : ring_ref_;
    rc = publish([&](uint32_t tx) {
        char num[24];
        bare_snprintf(num, sizeof num, "%ld", published);
        if (ring_ref_override != kOmitRingRef) xs_write(dir_, "ring-ref", num, tx);
        bare_snprintf(num, sizeof num, "%u", port_);
        xs_write(dir_, "event-channel", num, tx);
        xs_write(dir_, "protocol", XEN_IO_PROTO_ABI_ARM, tx);
        bare_snprintf(num, sizeof num, "%d", int(XenbusStateInitialised));
        xs_write(dir_, "state", num, tx);
    });
    if (rc) return rc;
    return finish_connect(dir_, path, deadline);
}

int Blkfront::disconnect(uint64_t timeout_ns) {
    const int st = close_handshake(dir_, be_dir_, timeout_ns);
    xen::close_port(port_);
    // The backend unmapped the ring when it closed; the grants come back.
    xen::end_access(static_cast<grant_ref_t>(ring_ref_));
    for (unsigned i = 0; i < kDataPages; ++i)
        xen::end_access(static_cast<grant_ref_t>(data_ref_[i]));
    return st < 0 ? st : 0;
}

int Blkfront::submit(blkif_request& r, int16_t* status) {
    r.id = next_id_++;
    *ring_.next_request() = r;
    ++requests;
    if (ring_.push_requests()) xen::notify(port_);
    const uint64_t deadline = now_ns() + request_timeout_ns;
    for (;;) {
        while (ring_.pending_responses()) {
            const blkif_response rsp = ring_.take_response();
            if (rsp.id == r.id) {
                *status = rsp.status;
                return 0;
            }
            // An answer to a request we gave up on: nothing to do with it.
        }
        if (ring_.final_check_for_responses()) continue;
        if (!ev_.wait_until(deadline) && !ring_.pending_responses()) {
            printf("blkfront: backend domain %u did not answer request %lu within %lu ms\n", be_,
                   r.id, request_timeout_ns / 1000000);
            return -XEN_ETIMEDOUT;
        }
    }
}

int Blkfront::raw(blkif_request r, int16_t* status) {
    return submit(r, status);
}

int Blkfront::transfer(bool write, uint64_t sector, uint8_t* buf, uint64_t nsectors) {
    constexpr uint64_t kPerPage = kPageSize / 512;
    while (nsectors) {
        blkif_request r{};
        r.operation = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
        r.sector_number = sector;
        uint64_t n = 0;
        unsigned segs = 0;
        while (segs < kDataPages && n < nsectors) {
            const uint64_t k = nsectors - n < kPerPage ? nsectors - n : kPerPage;
            r.seg[segs] = {data_ref(segs), 0, static_cast<uint8_t>(k - 1)};
            if (write) memcpy(data_page(segs), buf + n * 512, k * 512);
            n += k;
            ++segs;
        }
        r.nr_segments = static_cast<uint8_t>(segs);
        int16_t st;
        const int rc = submit(r, &st);
        if (rc) return rc;
        if (st != BLKIF_RSP_OKAY) return -XEN_EIO;
        if (!write)
            for (unsigned i = 0; i < segs; ++i) {
                const uint64_t k =
                    nsectors - i * kPerPage < kPerPage ? nsectors - i * kPerPage : kPerPage;
                memcpy(buf + i * kPageSize, data_page(i), k * 512);
            }
        buf += n * 512;
        sector += n;
        nsectors -= n;
    }
    return 0;
}

int Blkfront::read(uint64_t sector, void* buf, uint64_t nsectors) {
    return transfer(false, sector, static_cast<uint8_t*>(buf), nsectors);
}

int Blkfront::write(uint64_t sector, const void* buf, uint64_t nsectors) {
    return transfer(true, sector, static_cast<uint8_t*>(const_cast<void*>(buf)), nsectors);
}

} // namespace drivers
