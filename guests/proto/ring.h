// Typed front and back ends of a Xen shared ring (public/io/ring.h layout).
//
// The ring page is shared with another domain that may be buggy or hostile: the back end
// copies each request out before looking at it and never trusts the producer index beyond
// what the ring can hold (see BackRing::pending_requests), as Xen's own backends must.
#pragma once

#include "barrier.h"

#include <public/io/ring.h>
#include <stddef.h>
#include <stdint.h>

namespace proto {

// Entries that fit into `bytes` of ring memory: the largest power of two.
constexpr uint32_t ring_entries(size_t bytes, size_t entry_size) {
    size_t n = (bytes - XEN_RING_HEADER_SIZE) / entry_size;
    uint32_t p = 1;
    while (p * 2 <= n)
        p *= 2;
    return n ? p : 0;
}

// Copies an entry out of the shared page through a volatile pointer, byte by byte: the other
// end may rewrite the slot at any time, so we only ever look at our copy.
template <class T>
T copy_from_shared(const T* src) {
    T r;
    const volatile unsigned char* s = reinterpret_cast<const volatile unsigned char*>(src);
    unsigned char* d = reinterpret_cast<unsigned char*>(&r);
    for (size_t i = 0; i < sizeof(T); ++i)
        d[i] = s[i];
    return r;
}

// RING_PUSH_{REQUESTS,RESPONSES}_AND_CHECK_NOTIFY: publishes the producer index `now` in
// `prod` and tells whether the other end asked to be notified (its `event` index lies in
// the range just published).
inline bool push_and_check_notify(RING_IDX& prod, RING_IDX now, const RING_IDX& event) {
    const RING_IDX old = prod;
    wmb(); // the other end sees the entries before the new producer index
    write_once(prod, now);
    mb(); // ... and the producer index before we read its event index
    return RING_IDX(now - read_once(event)) < RING_IDX(now - old);
}

template <class Req, class Rsp>
union RingEntry {
    Req req;
    Rsp rsp;
};

template <class Req, class Rsp>
struct SharedRing {
    xen_sring_header hdr;
    RingEntry<Req, Rsp> ring[1];

    // SHARED_RING_INIT: done by the front end only, before it publishes the ring.
    void init() {
        hdr.req_prod = hdr.rsp_prod = 0;
        hdr.req_event = hdr.rsp_event = 1;
        for (auto& b : hdr.pvt)
            b = 0;
        for (auto& b : hdr.pad)
            b = 0;
    }
};

template <class Req, class Rsp>
class FrontRing {
public:
    using Shared = SharedRing<Req, Rsp>;
    FrontRing() = default;
    FrontRing(Shared* s, size_t bytes) { attach(s, bytes); }
    void attach(Shared* s, size_t bytes) {
        sring_ = s;
        size_ = ring_entries(bytes, sizeof(RingEntry<Req, Rsp>));
        req_prod_pvt_ = rsp_cons_ = 0;
    }
    uint32_t size() const { return size_; }
    uint32_t free_requests() const { return size_ - (req_prod_pvt_ - rsp_cons_); }
    bool full() const { return free_requests() == 0; }
    // The next request slot; fill it, then push().
    Req* next_request() { return &sring_->ring[req_prod_pvt_++ & (size_ - 1)].req; }
    // Publishes queued requests; true when the back end asked to be notified.
    bool push_requests() {
        return push_and_check_notify(sring_->hdr.req_prod, req_prod_pvt_, sring_->hdr.req_event);
    }
    // Unconsumed responses, bounded by what can be outstanding (a broken back end cannot
    // make us read slots we never filled).
    uint32_t pending_responses() const {
        const RING_IDX prod = read_once(sring_->hdr.rsp_prod);
        rmb();
        const uint32_t n = prod - rsp_cons_;
        const uint32_t outstanding = req_prod_pvt_ - rsp_cons_;
        return n <= outstanding ? n : 0;
    }
    bool response_overflow() const {
        const uint32_t n = read_once(sring_->hdr.rsp_prod) - rsp_cons_;
        return n > req_prod_pvt_ - rsp_cons_;
    }
    // Copies out the next response and consumes it.
    Rsp take_response() { return copy_from_shared(&sring_->ring[rsp_cons_++ & (size_ - 1)].rsp); }
    // RING_FINAL_CHECK_FOR_RESPONSES: asks for a notification on the next response and
    // returns whether some arrived meanwhile.
    bool final_check_for_responses() {
        if (pending_responses()) return true;
        write_once(sring_->hdr.rsp_event, RING_IDX(rsp_cons_ + 1));
        mb();
        return pending_responses() != 0;
    }
    RING_IDX req_prod_pvt() const { return req_prod_pvt_; }
    RING_IDX rsp_cons() const { return rsp_cons_; }
    Shared* shared() const { return sring_; }

private:
    Shared* sring_ = nullptr;
    uint32_t size_ = 0;
    RING_IDX req_prod_pvt_ = 0;
    RING_IDX rsp_cons_ = 0;
};

template <class Req, class Rsp>
class BackRing {
public:
    using Shared = SharedRing<Req, Rsp>;
    BackRing() = default;
    BackRing(Shared* s, size_t bytes) { attach(s, bytes); }
    void attach(Shared* s, size_t bytes) {
        sring_ = s;
        size_ = ring_entries(bytes, sizeof(RingEntry<Req, Rsp>));
        rsp_prod_pvt_ = req_cons_ = 0;
    }
    uint32_t size() const { return size_; }
    // A front end that claims more requests than the ring can hold is broken: RING_
    // REQUEST_PROD_OVERFLOW. Callers stop serving such a ring.
    bool request_overflow() const {
        const RING_IDX prod = read_once(sring_->hdr.req_prod);
        return RING_IDX(prod - rsp_prod_pvt_) > size_;
    }
    // Requests ready to take (never more than the free response slots allow).
    uint32_t pending_requests() const {
        const RING_IDX prod = read_once(sring_->hdr.req_prod);
        rmb();
        const uint32_t req = prod - req_cons_;
        const uint32_t rsp = size_ - (req_cons_ - rsp_prod_pvt_);
        return req < rsp ? req : rsp;
    }
    // Copies out the next request (the front end may change the slot afterwards; we only
    // ever look at our copy) and consumes it.
    Req take_request() { return copy_from_shared(&sring_->ring[req_cons_++ & (size_ - 1)].req); }
    Rsp* next_response() { return &sring_->ring[rsp_prod_pvt_++ & (size_ - 1)].rsp; }
    // Publishes responses; true when the front end asked to be notified.
    bool push_responses() {
        return push_and_check_notify(sring_->hdr.rsp_prod, rsp_prod_pvt_, sring_->hdr.rsp_event);
    }
    // RING_FINAL_CHECK_FOR_REQUESTS.
    bool final_check_for_requests() {
        if (pending_requests()) return true;
        write_once(sring_->hdr.req_event, RING_IDX(req_cons_ + 1));
        mb();
        return pending_requests() != 0;
    }
    RING_IDX req_cons() const { return req_cons_; }
    RING_IDX rsp_prod_pvt() const { return rsp_prod_pvt_; }

private:
    Shared* sring_ = nullptr;
    uint32_t size_ = 0;
    RING_IDX rsp_prod_pvt_ = 0;
    RING_IDX req_cons_ = 0;
};

} // namespace proto
