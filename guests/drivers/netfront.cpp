#include "netfront.h"

#include "xenbus_device.h"

namespace drivers {

using namespace minios;

void Netfront::post_rx(unsigned i) {
    netif_rx_request* r = rx_.next_request();
    r->id = static_cast<uint16_t>(i);
    r->pad = 0;
    r->gref = static_cast<grant_ref_t>(rx_refs_[i]);
}

int Netfront::connect(const char* node, uint64_t timeout_ns) {
    const uint64_t deadline = now_ns() + timeout_ns;
    if (const int rc =
            find_backend(node, dir_, sizeof dir_, be_dir_, sizeof be_dir_, &be_, deadline))
        return rc;
    proto::Buf v;
    if (xs_read(dir_, "mac", v) != 0 || !parse_mac(v.c_str(), mac_)) return -XEN_EINVAL;
    char path[128];
    const int st = wait_for_backend_init(be_dir_, path, deadline);
    if (st < 0) return st;
    uint64_t rx_copy = 0;
    if (xs_read_uint(be_dir_, "feature-rx-copy", &rx_copy) != 0 || rx_copy != 1)
        return -XEN_EOPNOTSUPP;

    const paddr_t txr = alloc_pages(1), rxr = alloc_pages(1);
    tx_bufs_ = static_cast<uint8_t*>(phys_to_virt(alloc_pages(kBufs)));
    rx_bufs_ = static_cast<uint8_t*>(phys_to_virt(alloc_pages(kBufs)));
    if (!txr || !rxr || !tx_bufs_ || !rx_bufs_) return -XEN_ENOMEM;
    auto* ts =
        static_cast<proto::SharedRing<netif_tx_request, netif_tx_response>*>(phys_to_virt(txr));
    auto* rs =
        static_cast<proto::SharedRing<netif_rx_request, netif_rx_response>*>(phys_to_virt(rxr));
    ts->init();
    rs->init();
    tx_.attach(ts, kPageSize);
    rx_.attach(rs, kPageSize);
    tx_ring_ref_ = xen::grant_access(be_, txr >> kPageShift, false);
    rx_ring_ref_ = xen::grant_access(be_, rxr >> kPageShift, false);
    for (unsigned i = 0; i < kBufs; ++i) {
        tx_refs_[i] = xen::grant_access(be_, virt_to_pfn(tx_bufs_ + i * kPageSize), true);
        rx_refs_[i] = xen::grant_access(be_, virt_to_pfn(rx_bufs_ + i * kPageSize), false);
        if (tx_refs_[i] < 0 || rx_refs_[i] < 0) return -XEN_ENOSPC;
    }
    if (tx_ring_ref_ < 0 || rx_ring_ref_ < 0) return -XEN_ENOSPC;
    if (const int rc = xen::alloc_unbound(be_, &port_)) return rc;
    xen::bind_handler(port_, signal_event, &ev_);
    for (unsigned i = 0; i < kBufs; ++i)
        post_rx(i);
    rx_.push_requests();

    const int rc = publish([&](uint32_t tx) {
        char num[24];
        bare_snprintf(num, sizeof num, "%d", tx_ring_ref_);
        xs_write(dir_, "tx-ring-ref", num, tx);
        bare_snprintf(num, sizeof num, "%d", rx_ring_ref_);
        xs_write(dir_, "rx-ring-ref", num, tx);
        bare_snprintf(num, sizeof num, "%u", port_);
        xs_write(dir_, "event-channel", num, tx);
        xs_write(dir_, "request-rx-copy", "1", tx);
        xs_write(dir_, "feature-rx-notify", "1", tx);
        bare_snprintf(num, sizeof num, "%d", int(XenbusStateInitialised));
        xs_write(dir_, "state", num, tx);
    });
    if (rc) return rc;
    return finish_connect(dir_, path, deadline);
}

void Netfront::reap_tx() {
    while (tx_.pending_responses()) {
        const netif_tx_response r = tx_.take_response();
        if (r.id == raw_id_) {
            raw_status_ = r.status;
            raw_done_ = true;
            raw_id_ = 0xffff;
        } else if (r.id < kBufs) {
            tx_busy_[r.id] = false;
        }
    }
}

int Netfront::send(const void* frame, uint16_t len) {
    if (len > kPageSize) return -XEN_EINVAL;
    const uint64_t deadline = now_ns() + 2000000000ull;
    for (;;) {
        reap_tx();
        for (unsigned i = 0; i < kBufs; ++i) {
            if (tx_busy_[i]) continue;
            memcpy(tx_bufs_ + i * kPageSize, frame, len);
            tx_busy_[i] = true;
            netif_tx_request* r = tx_.next_request();
            *r = {static_cast<grant_ref_t>(tx_refs_[i]), 0, 0, static_cast<uint16_t>(i), len};
            if (tx_.push_requests()) xen::notify(port_);
            ++sent;
            return 0;
        }
        if (tx_.final_check_for_responses()) continue;
        if (!ev_.wait_until(deadline) && !tx_.pending_responses()) return -XEN_ETIMEDOUT;
    }
}

int Netfront::receive(void* buf, uint16_t max, uint64_t deadline) {
    for (;;) {
        reap_tx();
        while (rx_.pending_responses()) {
            const netif_rx_response r = rx_.take_response();
            const unsigned i = r.id;
            if (i >= kBufs) {
                ++rx_errors;
                continue;
            }
            int len = r.status;
            if (len >= 0 && (r.offset + uint32_t(len) > kPageSize || len > max))
                len = NETIF_RSP_ERROR;
            if (len >= 0) memcpy(buf, rx_bufs_ + i * kPageSize + r.offset, uint32_t(len));
            post_rx(i);
            rx_.push_requests();
            if (len < 0) {
                ++rx_errors;
                continue;
            }
            ++received;
            return len;
        }
        if (rx_.final_check_for_responses()) continue;
        if (!ev_.wait_until(deadline) && !rx_.pending_responses()) return -XEN_ETIMEDOUT;
    }
}

int Netfront::raw_tx(netif_tx_request r, int16_t* status, uint64_t timeout_ns) {
    r.id = static_cast<uint16_t>(kBufs + 1);
    raw_id_ = r.id;
    raw_done_ = false;
    *tx_.next_request() = r;
    if (tx_.push_requests()) xen::notify(port_);
    const uint64_t deadline = now_ns() + timeout_ns;
    for (;;) {
        reap_tx();
        if (raw_done_) {
            *status = raw_status_;
            return 0;
        }
        if (tx_.final_check_for_responses()) continue;
        if (!ev_.wait_until(deadline) && !tx_.pending_responses()) return -XEN_ETIMEDOUT;
    }
}

int Netfront::disconnect(uint64_t timeout_ns) {
    const int st = close_handshake(dir_, be_dir_, timeout_ns);
    xen::close_port(port_);
    xen::end_access(static_cast<grant_ref_t>(tx_ring_ref_));
    xen::end_access(static_cast<grant_ref_t>(rx_ring_ref_));
    for (unsigned i = 0; i < kBufs; ++i) {
        xen::end_access(static_cast<grant_ref_t>(tx_refs_[i]));
        xen::end_access(static_cast<grant_ref_t>(rx_refs_[i]));
    }
    return st < 0 ? st : 0;
}

} // namespace drivers
