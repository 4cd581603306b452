// The client end of a xenstore ring (what a guest's xenbus driver does): requests go into
// req[], replies and watch events come back through rsp[] as a byte stream.
#pragma once

#include "barrier.h"
#include "buf.h"

#include <public/io/xs_wire.h>
#include <stddef.h>
#include <stdint.h>

namespace xs {

class RingClient {
public:
    enum class Status { Empty, Message, Broken };

    RingClient() = default;
    explicit RingClient(xenstore_domain_interface* r) : ring_(r) {}
    void attach(xenstore_domain_interface* r) {
        ring_ = r;
        in_len_ = 0;
    }

    // Appends bytes to the request ring; returns how many fit (the caller retries the rest
    // after the server consumed some).
    size_t write(const void* data, size_t n) {
        const XENSTORE_RING_IDX cons = proto::read_once(ring_->req_cons);
        const XENSTORE_RING_IDX prod = proto::read_once(ring_->req_prod);
        proto::mb();
        const uint32_t used = prod - cons;
        if (used > XENSTORE_RING_SIZE) return 0;
        const uint32_t space = XENSTORE_RING_SIZE - used;
        const uint32_t k = n < space ? static_cast<uint32_t>(n) : space;
        const char* p = static_cast<const char*>(data);
        for (uint32_t i = 0; i < k; ++i)
            proto::write_once(ring_->req[MASK_XENSTORE_IDX(prod + i)], p[i]);
        proto::wmb();
        proto::write_once(ring_->req_prod, XENSTORE_RING_IDX(prod + k));
        return k;
    }

    // Collects response bytes; when a whole message has arrived, returns Message with it in
    // hdr/payload. Broken when the server's indexes or lengths are impossible.
    Status read(xsd_sockmsg* hdr, proto::Buf& payload) {
        for (;;) {
            if (in_len_ >= sizeof(xsd_sockmsg)) {
                xsd_sockmsg h;
                memcpy(&h, in_, sizeof h);
                if (h.len > XENSTORE_PAYLOAD_MAX) return Status::Broken;
                if (in_len_ == sizeof(xsd_sockmsg) + h.len) {
                    *hdr = h;
                    payload.clear();
                    payload.append(in_ + sizeof(xsd_sockmsg), h.len);
                    in_len_ = 0;
                    return Status::Message;
                }
            }
            const XENSTORE_RING_IDX cons = proto::read_once(ring_->rsp_cons);
            const XENSTORE_RING_IDX prod = proto::read_once(ring_->rsp_prod);
            proto::rmb();
            const uint32_t avail = prod - cons;
            if (avail > XENSTORE_RING_SIZE) return Status::Broken;
            if (avail == 0) return Status::Empty;
            size_t want = sizeof(xsd_sockmsg) - in_len_;
            if (in_len_ >= sizeof(xsd_sockmsg)) {
                xsd_sockmsg h;
                memcpy(&h, in_, sizeof h);
                want = sizeof(xsd_sockmsg) + h.len - in_len_;
            }
            const uint32_t k = avail < want ? avail : static_cast<uint32_t>(want);
            for (uint32_t i = 0; i < k; ++i)
                in_[in_len_ + i] = proto::read_once(ring_->rsp[MASK_XENSTORE_IDX(cons + i)]);
            in_len_ += k;
            proto::mb();
            proto::write_once(ring_->rsp_cons, XENSTORE_RING_IDX(cons + k));
        }
    }

private:
    xenstore_domain_interface* ring_ = nullptr;
    char in_[sizeof(xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    size_t in_len_ = 0;
};

} // namespace xs
