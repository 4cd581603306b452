// The xenstore server over a ring page (guests/proto/xs_server.*, xs_ring_client.h): the
// wire format, replies and watch events in order, messages split across ring wraps, and
// clients that break the protocol (they are cut off; everyone else keeps being served).
#include "xs_ring_client.h"
#include "xs_server.h"

#include <cstring>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Reply {
    uint32_t type, req_id, tx_id;
    std::string payload;
};

// A guest end: its ring page and a client on it, talking to the server.
struct Guest {
    xenstore_domain_interface page{};
    xs::RingClient client{&page};
    xs::Server* server;
    int conn;
    uint32_t next_id = 1;

    Guest(xs::Server& s, xs::domid_t d) : server(&s) { conn = s.add_ring(d, &page); }

    void send(uint32_t type, const std::string& payload, uint32_t tx = 0) {
        xsd_sockmsg h{type, next_id++, tx, static_cast<uint32_t>(payload.size())};
        std::string bytes(reinterpret_cast<const char*>(&h), sizeof h);
        bytes += payload;
        size_t off = 0;
        while (off < bytes.size()) {
            off += client.write(bytes.data() + off, bytes.size() - off);
            server->service(conn);
        }
    }
    std::vector<Reply> drain() {
        std::vector<Reply> out;
        for (int round = 0; round < 100; ++round) {
            server->service(conn);
            xsd_sockmsg h;
            proto::Buf p;
            bool any = false;
            while (client.read(&h, p) == xs::RingClient::Status::Message) {
                out.push_back({h.type, h.req_id, h.tx_id, std::string(p.data(), p.size())});
                any = true;
            }
            if (!any && page.rsp_prod == page.rsp_cons) break;
        }
        return out;
    }
    Reply call(uint32_t type, const std::string& payload, uint32_t tx = 0) {
        send(type, payload, tx);
        auto r = drain();
        EXPECT_FALSE(r.empty());
        return r.empty() ? Reply{} : r.front();
    }
};

std::string z(const std::string& s) {
    return s + std::string(1, '\0');
}

struct ServerTest : ::testing::Test {
    xs::Server server;
    int dom0 = server.add_local(0);

    Reply local(uint32_t type, const std::string& payload) {
        xsd_sockmsg h{type, 42, 0, static_cast<uint32_t>(payload.size())};
        server.submit(dom0, h, payload.data());
        xsd_sockmsg rh;
        proto::Buf p;
        EXPECT_TRUE(server.next_output(dom0, &rh, p));
        return {rh.type, rh.req_id, rh.tx_id, std::string(p.data(), p.size())};
    }
    void home(xs::domid_t d) {
        const std::string h = "/local/domain/" + std::to_string(d);
        ASSERT_EQ(local(XS_WRITE, z(h)).type, uint32_t(XS_WRITE));
        ASSERT_EQ(local(XS_SET_PERMS, z(h) + z("n" + std::to_string(d))).payload, z("OK"));
    }
};

TEST_F(ServerTest, ReadWriteDirectoryOverTheRing) {
    home(1);
    Guest g(server, 1);
    ASSERT_GE(g.conn, 0);
    Reply r = g.call(XS_WRITE, z("device/vbd/51712/state") + "1");
    EXPECT_EQ(r.type, uint32_t(XS_WRITE));
    EXPECT_EQ(r.payload, z("OK"));
    EXPECT_EQ(r.req_id, 1u);
    r = g.call(XS_READ, z("device/vbd/51712/state"));
    EXPECT_EQ(r.type, uint32_t(XS_READ));
    EXPECT_EQ(r.payload, "1");
    g.call(XS_WRITE, z("device/vbd/51712/ring-ref") + "8");
    r = g.call(XS_DIRECTORY, z("device/vbd/51712"));
    EXPECT_EQ(r.payload, z("state") + z("ring-ref"));
    r = g.call(XS_READ, z("/local/domain/0/nothing"));
    EXPECT_EQ(r.type, uint32_t(XS_ERROR));
    EXPECT_EQ(r.payload, z("ENOENT"));
    r = g.call(XS_GET_DOMAIN_PATH, z("1"));
    EXPECT_EQ(r.payload, z("/local/domain/1"));
}

TEST_F(ServerTest, WatchReplyComesBeforeItsFirstEvent) {
    home(2);
    Guest g(server, 2);
    g.send(XS_WATCH, z("backend") + z("be-token"));
    auto r = g.drain();
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].type, uint32_t(XS_WATCH));
    EXPECT_EQ(r[0].payload, z("OK"));
    EXPECT_EQ(r[1].type, uint32_t(XS_WATCH_EVENT));
    EXPECT_EQ(r[1].payload, z("backend") + z("be-token"));
    // dom0 writes under the watched path: the guest hears about it.
    local(XS_WRITE, z("/local/domain/2/backend/vbd/1/51712/state") + "2");
    r = g.drain();
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].payload, z("backend/vbd/1/51712/state") + z("be-token"));
}

TEST_F(ServerTest, ManyMessagesWrapTheRing) {
    home(3);
    Guest g(server, 3);
    const std::string big(900, 'x'); // each message is most of a ring
    for (int i = 0; i < 20; ++i) {
        const std::string key = "k" + std::to_string(i);
        EXPECT_EQ(g.call(XS_WRITE, z(key) + big + std::to_string(i)).payload, z("OK"));
        EXPECT_EQ(g.call(XS_READ, z(key)).payload, big + std::to_string(i));
    }
}

TEST_F(ServerTest, TransactionsOverTheRing) {
    home(4);
    Guest g(server, 4);
    Reply r = g.call(XS_TRANSACTION_START, z(""));
    ASSERT_EQ(r.type, uint32_t(XS_TRANSACTION_START));
    const uint32_t tx = std::stoul(r.payload);
    EXPECT_EQ(g.call(XS_WRITE, z("f/ring-ref") + "9", tx).payload, z("OK"));
    EXPECT_EQ(g.call(XS_TRANSACTION_END, z("T"), tx).payload, z("OK"));
    EXPECT_EQ(g.call(XS_READ, z("f/ring-ref")).payload, "9");
    // A bogus transaction id is refused.
    EXPECT_EQ(g.call(XS_WRITE, z("f/x") + "1", 999).payload, z("ENOENT"));
}

TEST_F(ServerTest, OnlyDom0IntroducesDomains) {
    struct Seen {
        int introduced = 0;
        xs::domid_t domid = 0;
        uint64_t gfn = 0;
        uint32_t port = 0;
    } seen;
    xs::Server::Hooks hooks;
    hooks.ctx = &seen;
    hooks.introduce = [](void* ctx, xs::domid_t d, uint64_t gfn, uint32_t port) {
        auto* s = static_cast<Seen*>(ctx);
        ++s->introduced;
        s->domid = d;
        s->gfn = gfn;
        s->port = port;
        return true;
    };
    server.set_hooks(hooks);
    home(5);
    Guest g(server, 5);
    EXPECT_EQ(g.call(XS_INTRODUCE, z("6") + z("1234") + z("3")).payload, z("EACCES"));
    EXPECT_EQ(seen.introduced, 0);
    EXPECT_EQ(local(XS_INTRODUCE, z("6") + z("1234") + z("3")).payload, z("OK"));
    EXPECT_EQ(seen.domid, 6);
    EXPECT_EQ(seen.gfn, 1234u);
    EXPECT_EQ(seen.port, 3u);
    EXPECT_EQ(local(XS_INTRODUCE, z("x") + z("1") + z("3")).payload, z("EINVAL"));
    EXPECT_EQ(local(XS_IS_DOMAIN_INTRODUCED, z("5")).payload, z("T"));
    EXPECT_EQ(local(XS_IS_DOMAIN_INTRODUCED, z("9")).payload, z("F"));
    EXPECT_EQ(local(XS_RELEASE, z("5")).payload, z("OK"));
    EXPECT_EQ(local(XS_IS_DOMAIN_INTRODUCED, z("5")).payload, z("F"));
}

TEST_F(ServerTest, OversizedMessageCutsOffOnlyThatDomain) {
    home(7);
    home(8);
    Guest bad(server, 7);
    Guest good(server, 8);
    xsd_sockmsg h{XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};
    bad.client.write(&h, sizeof h);
    server.service(bad.conn);
    EXPECT_TRUE(server.broken(bad.conn));
    EXPECT_EQ(bad.page.error, uint32_t(XENSTORE_ERROR_COMM));
    EXPECT_NE(server.broken_reason(bad.conn), nullptr);
    // Nothing more is read from it.
    const uint32_t cons = bad.page.req_cons;
    bad.client.write("junk", 4);
    server.service(bad.conn);
    EXPECT_EQ(bad.page.req_cons, cons);
    // The other domain is unaffected.
    EXPECT_EQ(good.call(XS_WRITE, z("ok") + "1").payload, z("OK"));
}

TEST_F(ServerTest, ImpossibleRingIndexesCutOffTheDomain) {
    home(9);
    Guest g(server, 9);
    g.page.req_prod = g.page.req_cons + 5000;
    server.service(g.conn);
    EXPECT_TRUE(server.broken(g.conn));
    EXPECT_EQ(g.page.error, uint32_t(XENSTORE_ERROR_RINGIDX));
}

TEST_F(ServerTest, MalformedRequestsGetErrors) {
    home(10);
    Guest g(server, 10);
    EXPECT_EQ(g.call(XS_READ, "no-terminator").payload, z("EINVAL"));
    EXPECT_EQ(g.call(XS_WATCH, z("only-path")).payload, z("EINVAL"));
    EXPECT_EQ(g.call(12345, z("x")).payload, z("EINVAL"));
    EXPECT_EQ(g.call(XS_SET_PERMS, z("x") + z("q7")).payload, z("EINVAL"));
    EXPECT_EQ(g.call(XS_TRANSACTION_END, z("maybe"), 1).payload, z("EINVAL"));
    EXPECT_FALSE(server.broken(g.conn));
    EXPECT_EQ(g.call(XS_WRITE, z("still") + "fine").payload, z("OK"));
}

TEST_F(ServerTest, AClientThatNeverReadsCannotExhaustTheServer) {
    home(11);
    Guest g(server, 11);
    g.send(XS_WATCH, z("/local/domain/11") + z("t"));
    // Thousands of events with nobody reading the response ring.
    for (int i = 0; i < 3000; ++i)
        local(XS_WRITE, z("/local/domain/11/spam") + std::to_string(i));
    EXPECT_GT(server.stats().dropped_events, 0u);
    // The domain can still catch up and talk.
    g.drain();
    EXPECT_EQ(g.call(XS_READ, z("spam")).payload, "2999");
}

TEST_F(ServerTest, DirectoryPartPagesThroughLongListings) {
    for (int i = 0; i < 600; ++i)
        local(XS_WRITE, z("/big/child-with-a-long-name-" + std::to_string(i)) + "v");
    EXPECT_EQ(local(XS_DIRECTORY, z("/big")).payload, z("E2BIG"));
    std::vector<std::string> names;
    size_t off = 0;
    for (int round = 0; round < 10; ++round) {
        Reply r = local(XS_DIRECTORY_PART, z("/big") + z(std::to_string(off)));
        ASSERT_EQ(r.type, uint32_t(XS_DIRECTORY_PART));
        const std::string& p = r.payload;
        size_t i = p.find('\0') + 1; // skip the generation
        bool end = false;
        while (i < p.size()) {
            std::string name(p.c_str() + i);
            if (name.empty()) {
                end = true;
                break;
            }
            off += name.size() + 1;
            names.push_back(name);
            i += name.size() + 1;
        }
        if (end) break;
    }
    ASSERT_EQ(names.size(), 600u);
    EXPECT_EQ(names[599], "child-with-a-long-name-599");
}

} // namespace
