// The network backend's bridge (public/io/netif.h), portable and host-tested: every
// frontend is a port with a transmit ring and a receive ring; a frame a port transmits goes
// to the port owning its destination MAC (broadcast and multicast to all others), copied
// with grant copy straight from the sender's granted buffer into a receive buffer the
// destination posted ("rx-copy"). Frames for unknown MACs, or for a port with no receive
// buffer posted, are dropped and counted.
//
// Bad transmit requests (a buffer crossing its page, a frame shorter than an Ethernet
// header or longer than a page, an ungranted reference, extra-info slots we never
// offered) are answered NETIF_RSP_ERROR and the bridge carries on; a producer index beyond
// the ring's size breaks that port's ring only.
#pragma once

#include "ring.h"

#include <public/io/netif.h>
#include <stddef.h>
#include <stdint.h>

namespace net {

using TxRing = proto::BackRing<netif_tx_request, netif_tx_response>;
using RxRing = proto::BackRing<netif_rx_request, netif_rx_response>;
using TxShared = proto::SharedRing<netif_tx_request, netif_tx_response>;
using RxShared = proto::SharedRing<netif_rx_request, netif_rx_response>;

constexpr unsigned kMaxPorts = 16;
constexpr unsigned kMaxSlots = 18; // per packet, as Linux netback allows
constexpr uint32_t kPageSize = 4096;
constexpr uint32_t kEthHeader = 14;
constexpr uint32_t kMaxFrame = kPageSize; // received into one page

// Moves frame bytes between grants: (src domain, ref, offset) -> (dst domain, ref, offset).
class Copier {
public:
    virtual int16_t copy(uint16_t src_dom, uint32_t src_ref, uint16_t src_off, uint16_t dst_dom,
                         uint32_t dst_ref, uint16_t dst_off, uint16_t len) = 0;
    // Copies out of a grant into local memory (the destination MAC).
    virtual int16_t peek(uint16_t dom, uint32_t ref, uint16_t off, void* dst, uint16_t len) = 0;

protected:
    ~Copier() = default;
};

struct PortStats {
    uint64_t tx_frames = 0, tx_bytes = 0, tx_errors = 0;
    uint64_t rx_frames = 0, rx_bytes = 0, rx_dropped = 0;
};

class Bridge {
public:
    explicit Bridge(Copier& io) : io_(io) {}

    // Returns the port number, or -1 when full.
    int add_port(uint16_t domid, const uint8_t mac[6], TxShared* tx, RxShared* rx, size_t bytes);
    void remove_port(int port);

    enum class Serve { Ok, Broken };
    // Forwards everything port `p` transmitted. Afterwards notify_pending() says which
    // ports' frontends need an event.
    Serve service_tx(int p);
    bool take_notify(int p);

    const PortStats& stats(int p) const { return ports_[p].stats; }
    uint64_t dropped_no_destination() const { return no_dest_; }
    bool used(int p) const { return ports_[p].used; }

    // Reports bad requests (rate limiting is the glue's choice).
    using ReportFn = void (*)(void* ctx, int port, const char* why);
    void set_report(ReportFn fn, void* ctx) {
        report_ = fn;
        report_ctx_ = ctx;
    }

private:
    struct Port {
        bool used = false;
        uint16_t domid = 0;
        uint8_t mac[6] = {};
        TxRing tx;
        RxRing rx;
        bool notify = false;
        PortStats stats;
    };
    // Sends the packet of slots[0..n) from port src to port dst. False: dst had no buffer.
    bool deliver(int src, int dst, const netif_tx_request* slots, unsigned n, uint32_t total);
    void bad(int p, const char* why);

    Copier& io_;
    Port ports_[kMaxPorts];
    uint64_t no_dest_ = 0;
    ReportFn report_ = nullptr;
    void* report_ctx_ = nullptr;
};

} // namespace net
