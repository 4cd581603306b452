// The network backend's bridge (guests/proto/net_bridge.*): frames go from one port's
// transmit ring into another's posted receive buffer by MAC, and bad transmit requests get
// error responses while the bridge keeps forwarding.
#include "net_bridge.h"

#include <cstring>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <vector>

namespace {

using Page = std::vector<uint8_t>;

struct FakeIo : net::Copier {
    std::map<std::pair<uint16_t, uint32_t>, Page> grants;
    Page& g(uint16_t dom, uint32_t ref) { return grants[{dom, ref}]; }
    int16_t copy(uint16_t sd, uint32_t sr, uint16_t so, uint16_t dd, uint32_t dr, uint16_t doff,
                 uint16_t len) override {
        auto s = grants.find({sd, sr});
        auto d = grants.find({dd, dr});
        if (s == grants.end() || d == grants.end() || so + len > 4096 || doff + len > 4096)
            return -3;
        memcpy(d->second.data() + doff, s->second.data() + so, len);
        return 0;
    }
    int16_t peek(uint16_t dom, uint32_t ref, uint16_t off, void* dst, uint16_t len) override {
        auto s = grants.find({dom, ref});
        if (s == grants.end() || off + len > 4096) return -3;
        memcpy(dst, s->second.data() + off, len);
        return 0;
    }
};

struct Vif {
    alignas(4096) unsigned char txp[4096] = {};
    alignas(4096) unsigned char rxp[4096] = {};
    proto::FrontRing<netif_tx_request, netif_tx_response> tx;
    proto::FrontRing<netif_rx_request, netif_rx_response> rx;
    uint16_t dom;
    uint8_t mac[6];
    int port = -1;
    Vif(uint16_t d, uint8_t last) : dom(d), mac{0x00, 0x16, 0x3e, 0, 0, last} {
        reinterpret_cast<net::TxShared*>(txp)->init();
        reinterpret_cast<net::RxShared*>(rxp)->init();
        tx.attach(reinterpret_cast<net::TxShared*>(txp), 4096);
        rx.attach(reinterpret_cast<net::RxShared*>(rxp), 4096);
    }
    void attach(net::Bridge& b) {
        port = b.add_port(dom, mac, reinterpret_cast<net::TxShared*>(txp),
                          reinterpret_cast<net::RxShared*>(rxp), 4096);
    }
    // Posts n receive buffers, grants 1000+i.
    void post(FakeIo& io, int n) {
        for (int i = 0; i < n; ++i) {
            const uint32_t ref = 1000 + static_cast<uint32_t>(i);
            io.g(dom, ref) = Page(4096, 0);
            netif_rx_request* r = rx.next_request();
            r->id = static_cast<uint16_t>(i);
            r->gref = ref;
        }
        rx.push_requests();
    }
};

// A frame to `to` in grant `ref` of `from`'s domain.
void frame(FakeIo& io, const Vif& from, const uint8_t to[6], uint32_t ref, uint16_t len,
           uint8_t fill) {
    Page p(4096, fill);
    memcpy(p.data(), to, 6);
    memcpy(p.data() + 6, from.mac, 6);
    p[12] = 0x88;
    p[13] = 0xb5;
    io.g(from.dom, ref) = p;
}

netif_tx_request* send(Vif& v, uint32_t ref, uint16_t size, uint16_t id, uint16_t flags = 0,
                       uint16_t offset = 0) {
    netif_tx_request* r = v.tx.next_request();
    *r = {ref, offset, flags, id, size};
    return r;
}

struct BridgeTest : ::testing::Test {
    FakeIo io;
    net::Bridge bridge{io};
    Vif a{1, 1}, b{2, 2}, c{3, 3};
    void SetUp() override {
        a.attach(bridge);
        b.attach(bridge);
        c.attach(bridge);
        a.post(io, 8);
        b.post(io, 8);
        c.post(io, 8);
    }
};

TEST_F(BridgeTest, UnicastGoesToTheOwnerOfTheMac) {
    frame(io, a, b.mac, 7, 100, 0x42);
    send(a, 7, 100, 5);
    a.tx.push_requests();
    EXPECT_EQ(bridge.service_tx(a.port), net::Bridge::Serve::Ok);
    ASSERT_EQ(b.rx.pending_responses(), 1u);
    const netif_rx_response r = b.rx.take_response();
    EXPECT_EQ(r.status, 100);
    EXPECT_EQ(r.id, 0);
    EXPECT_EQ(memcmp(io.g(2, 1000).data(), io.g(1, 7).data(), 100), 0);
    EXPECT_EQ(io.g(2, 1000)[100], 0); // nothing beyond the frame
    EXPECT_EQ(c.rx.pending_responses(), 0u);
    ASSERT_EQ(a.tx.pending_responses(), 1u);
    const netif_tx_response t = a.tx.take_response();
    EXPECT_EQ(t.id, 5);
    EXPECT_EQ(t.status, NETIF_RSP_OKAY);
    EXPECT_TRUE(bridge.take_notify(a.port));
    EXPECT_TRUE(bridge.take_notify(b.port));
    EXPECT_FALSE(bridge.take_notify(c.port));
    EXPECT_EQ(bridge.stats(b.port).rx_frames, 1u);
}

TEST_F(BridgeTest, BroadcastReachesEveryOtherPort) {
    const uint8_t all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    frame(io, c, all, 9, 60, 1);
    send(c, 9, 60, 1);
    c.tx.push_requests();
    bridge.service_tx(c.port);
    EXPECT_EQ(a.rx.pending_responses(), 1u);
    EXPECT_EQ(b.rx.pending_responses(), 1u);
    EXPECT_EQ(c.rx.pending_responses(), 0u);
}

TEST_F(BridgeTest, UnknownDestinationAndMissingBuffersDrop) {
    const uint8_t nobody[6] = {0x00, 0x16, 0x3e, 9, 9, 9};
    frame(io, a, nobody, 7, 64, 0);
    send(a, 7, 64, 1);
    // b has 8 buffers: the ninth frame to b is dropped.
    frame(io, a, b.mac, 8, 64, 0);
    for (uint16_t i = 0; i < 9; ++i)
        send(a, 8, 64, static_cast<uint16_t>(10 + i));
    a.tx.push_requests();
    bridge.service_tx(a.port);
    EXPECT_EQ(bridge.dropped_no_destination(), 1u);
    EXPECT_EQ(bridge.stats(b.port).rx_frames, 8u);
    EXPECT_EQ(bridge.stats(b.port).rx_dropped, 1u);
    unsigned ok = 0;
    while (a.tx.pending_responses())
        ok += a.tx.take_response().status == NETIF_RSP_OKAY;
    EXPECT_EQ(ok, 10u); // dropping is not the sender's error
}

TEST_F(BridgeTest, MultiSlotPacketsArriveWhole) {
    frame(io, a, b.mac, 20, 0, 0x11);
    io.g(1, 21) = Page(4096, 0x22);
    io.g(1, 22) = Page(4096, 0x33);
    // 1000 bytes: 600 in slot 0 (from offset 0), 300 in slot 1 (offset 100), 100 in slot 2.
    send(a, 20, 1000, 1, NETTXF_more_data);
    send(a, 21, 300, 2, NETTXF_more_data, 100);
    send(a, 22, 100, 3, 0, 0);
    a.tx.push_requests();
    bridge.service_tx(a.port);
    ASSERT_EQ(b.rx.pending_responses(), 1u);
    EXPECT_EQ(b.rx.take_response().status, 1000);
    const Page& got = io.g(2, 1000);
    EXPECT_EQ(got[599], 0x11);
    EXPECT_EQ(got[600], 0x22);
    EXPECT_EQ(got[899], 0x22);
    EXPECT_EQ(got[900], 0x33);
    EXPECT_EQ(got[999], 0x33);
    EXPECT_EQ(got[1000], 0);
    unsigned n = 0;
    while (a.tx.pending_responses()) {
        EXPECT_EQ(a.tx.take_response().status, NETIF_RSP_OKAY);
        ++n;
    }
    EXPECT_EQ(n, 3u);
}

TEST_F(BridgeTest, BadRequestsGetErrorsAndForwardingGoesOn) {
    frame(io, a, b.mac, 7, 0, 0);
    send(a, 7, 200, 1, 0, 4000);                   // crosses its page
    send(a, 7, 10, 2);                             // shorter than an Ethernet header
    send(a, 7, 5000, 3);                           // longer than a page
    send(a, 999, 64, 4);                           // ungranted buffer
    send(a, 7, 64, 5, NETTXF_extra_info);          // extra info we never offered...
    netif_tx_request* extra = a.tx.next_request(); // ...and its extra slot
    memset(extra, 0, sizeof *extra);
    send(a, 7, 64, 6); // a good one afterwards
    a.tx.push_requests();
    EXPECT_EQ(bridge.service_tx(a.port), net::Bridge::Serve::Ok);
    std::vector<int16_t> statuses;
    while (a.tx.pending_responses())
        statuses.push_back(a.tx.take_response().status);
    EXPECT_EQ(statuses, (std::vector<int16_t>{NETIF_RSP_ERROR, NETIF_RSP_ERROR, NETIF_RSP_ERROR,
                                              NETIF_RSP_ERROR, NETIF_RSP_ERROR, NETIF_RSP_NULL,
                                              NETIF_RSP_OKAY}));
    EXPECT_EQ(bridge.stats(a.port).tx_errors, 5u);
    EXPECT_EQ(bridge.stats(b.port).rx_frames, 1u);
}

TEST_F(BridgeTest, ImpossibleProducerIndexBreaksOnlyThatPort) {
    reinterpret_cast<net::TxShared*>(a.txp)->hdr.req_prod = 1000;
    EXPECT_EQ(bridge.service_tx(a.port), net::Bridge::Serve::Broken);
    frame(io, c, b.mac, 7, 64, 0);
    send(c, 7, 64, 1);
    c.tx.push_requests();
    EXPECT_EQ(bridge.service_tx(c.port), net::Bridge::Serve::Ok);
    EXPECT_EQ(b.rx.pending_responses(), 1u);
}

} // namespace
