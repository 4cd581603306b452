#include "net_bridge.h"

namespace net {

int Bridge::add_port(uint16_t domid, const uint8_t mac[6], TxShared* tx, RxShared* rx,
                     size_t bytes) {
    for (int i = 0; i < int(kMaxPorts); ++i) {
        Port& p = ports_[i];
        if (p.used) continue;
        p = Port{};
        p.used = true;
        p.domid = domid;
        for (int k = 0; k < 6; ++k)
            p.mac[k] = mac[k];
        p.tx.attach(tx, bytes);
        p.rx.attach(rx, bytes);
        return i;
    }
    return -1;
}

void Bridge::remove_port(int p) {
    if (p >= 0 && p < int(kMaxPorts)) ports_[p].used = false;
}

bool Bridge::take_notify(int p) {
    const bool n = ports_[p].notify;
    ports_[p].notify = false;
    return n;
}

void Bridge::bad(int p, const char* why) {
    ++ports_[p].stats.tx_errors;
    if (report_) report_(report_ctx_, p, why);
}

bool Bridge::deliver(int src, int dst, const netif_tx_request* slots, unsigned n, uint32_t total) {
    Port& d = ports_[dst];
    if (d.rx.request_overflow() || !d.rx.pending_requests()) {
        ++d.stats.rx_dropped; // no buffer posted: the frame is lost, as on a real wire
        return false;
    }
    const netif_rx_request req = d.rx.take_request();
    int16_t status = static_cast<int16_t>(total);
    uint32_t at = 0;
    uint32_t rest = total;
    for (unsigned i = n; i-- > 1;)
        rest -= slots[i].size;
    for (unsigned i = 0; i < n && status >= 0; ++i) {
        const uint16_t len = static_cast<uint16_t>(i == 0 ? rest : slots[i].size);
        if (len && io_.copy(ports_[src].domid, slots[i].gref, slots[i].offset, d.domid, req.gref,
                            static_cast<uint16_t>(at), len) != 0)
            status = NETIF_RSP_ERROR;
        at += len;
    }
    netif_rx_response* rsp = d.rx.next_response();
    rsp->id = req.id;
    rsp->offset = 0;
    rsp->flags = 0;
    rsp->status = status;
    if (d.rx.push_responses()) d.notify = true;
    if (status >= 0) {
        ++d.stats.rx_frames;
        d.stats.rx_bytes += total;
    }
    return status >= 0;
}

Bridge::Serve Bridge::service_tx(int p) {
    Port& s = ports_[p];
    if (!s.used) return Serve::Ok;
    if (s.tx.request_overflow()) return Serve::Broken;
    struct Consumed {
        uint16_t id;
        bool extra;
    };
    do {
        while (s.tx.pending_requests()) {
            netif_tx_request slots[kMaxSlots];
            Consumed consumed[2 * kMaxSlots];
            unsigned n = 0, c = 0;
            const char* why = nullptr;
            slots[n++] = s.tx.take_request();
            consumed[c++] = {slots[0].id, false};
            uint16_t flags = slots[0].flags;
            if (flags & NETTXF_extra_info) {
                // Extra-info slots (GSO, multicast) follow; we never offered them, but the
                // slots must still be consumed and answered to keep the ring in step.
                why = "extra-info slots (not offered)";
                for (bool more = true; more;) {
                    if (!s.tx.pending_requests() || c == 2 * kMaxSlots) break;
                    const netif_tx_request x = s.tx.take_request();
                    const auto* raw = reinterpret_cast<const uint8_t*>(&x);
                    more = raw[1] & 1; // netif_extra_info.flags & XEN_NETIF_EXTRA_FLAG_MORE
                    consumed[c++] = {0, true};
                }
            }
            while (flags & NETTXF_more_data) {
                if (!s.tx.pending_requests()) {
                    why = "packet continues past the producer index";
                    break;
                }
                const netif_tx_request r = s.tx.take_request();
                flags = r.flags;
                if (n < kMaxSlots && c < 2 * kMaxSlots) {
                    slots[n++] = r;
                    consumed[c++] = {r.id, false};
                } else {
                    why = "too many slots in one packet";
                    if (c < 2 * kMaxSlots) consumed[c++] = {r.id, false};
                }
            }
            const uint32_t total = slots[0].size;
            uint32_t others = 0;
            for (unsigned i = 1; i < n; ++i) {
                others += slots[i].size;
                if (uint32_t(slots[i].offset) + slots[i].size > kPageSize)
                    why = why ? why : "buffer crosses its page";
            }
            if (!why && total < kEthHeader) why = "shorter than an Ethernet header";
            if (!why && total > kMaxFrame) why = "longer than a page";
            if (!why && others > total) why = "fragments longer than the packet";
            if (!why && uint32_t(slots[0].offset) + (total - others) > kPageSize)
                why = "buffer crosses its page";
            if (!why && total - others < 6) why = "first fragment shorter than a MAC address";
            uint8_t dst_mac[6] = {};
            if (!why && io_.peek(s.domid, slots[0].gref, slots[0].offset, dst_mac, 6) != 0)
                why = "ungranted buffer";
            int16_t status = NETIF_RSP_OKAY;
            if (why) {
                bad(p, why);
                status = NETIF_RSP_ERROR;
            } else {
                ++s.stats.tx_frames;
                s.stats.tx_bytes += total;
                const bool group = dst_mac[0] & 1; // broadcast and multicast
                bool found = false;
                for (int d = 0; d < int(kMaxPorts); ++d) {
                    if (d == p || !ports_[d].used) continue;
                    bool match = true;
                    for (int k = 0; k < 6; ++k)
                        match &= ports_[d].mac[k] == dst_mac[k];
                    if (!group && !match) continue;
                    found = true;
                    deliver(p, d, slots, n, total);
                }
                if (!found) ++no_dest_;
            }
            for (unsigned i = 0; i < c; ++i) {
                netif_tx_response* rsp = s.tx.next_response();
                rsp->id = consumed[i].id;
                rsp->status = consumed[i].extra ? int16_t(NETIF_RSP_NULL) : status;
            }
        }
        if (s.tx.push_responses()) s.notify = true;
    } while (s.tx.final_check_for_requests());
    return Serve::Ok;
}

} // namespace net
