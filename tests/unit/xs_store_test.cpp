// The xenstore database (guests/proto/xs_store.*): the xenstored behaviour PV drivers and
// toolstacks depend on (docs/misc/xenstore.txt): paths, permissions, watches, transactions.
#include "xs_store.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

using xs::Err;

struct Event {
    int conn;
    std::string path, token;
};

struct Fixture : ::testing::Test {
    std::vector<Event> events;
    xs::Store store{[](void* ctx, int conn, const char* path, const char* token) {
                        static_cast<Fixture*>(ctx)->events.push_back({conn, path, token});
                    },
                    this};

    Err write(xs::domid_t who, const char* path, const std::string& v, uint32_t tx = 0,
              int conn = 0) {
        return store.write(who, conn, tx, path, v.data(), v.size());
    }
    std::string read(xs::domid_t who, const char* path, Err* e = nullptr, uint32_t tx = 0,
                     int conn = 0) {
        proto::Buf b;
        const Err r = store.read(who, conn, tx, path, b);
        if (e) *e = r;
        return std::string(b.data(), b.size());
    }
    std::vector<std::string> dir(xs::domid_t who, const char* path, Err* e = nullptr) {
        proto::Buf b;
        const Err r = store.directory(who, 0, 0, path, b);
        if (e) *e = r;
        std::vector<std::string> out;
        for (size_t i = 0; i < b.size();) {
            out.emplace_back(b.data() + i);
            i += out.back().size() + 1;
        }
        return out;
    }
    // What a toolstack does for a new domain: its home, owned by it.
    void make_home(xs::domid_t d) {
        const std::string home = "/local/domain/" + std::to_string(d);
        ASSERT_EQ(write(0, home.c_str(), ""), Err::Ok);
        xs::Perms p;
        p.n = 1;
        p.p[0] = {d, 'n'};
        ASSERT_EQ(store.set_perms(0, 0, 0, home.c_str(), p), Err::Ok);
    }
};

TEST_F(Fixture, WriteReadAndImplicitParents) {
    EXPECT_EQ(write(0, "/a/b/c", "hello"), Err::Ok);
    EXPECT_EQ(read(0, "/a/b/c"), "hello");
    Err e;
    EXPECT_EQ(read(0, "/a/b", &e), "");
    EXPECT_EQ(e, Err::Ok); // created on the way, empty
    EXPECT_EQ(dir(0, "/a"), std::vector<std::string>{"b"});
    read(0, "/a/x", &e);
    EXPECT_EQ(e, Err::Noent);
    // Values are bytes: embedded nuls survive.
    EXPECT_EQ(write(0, "/bin", std::string("a\0b", 3)), Err::Ok);
    EXPECT_EQ(read(0, "/bin"), std::string("a\0b", 3));
}

TEST_F(Fixture, DirectoryKeepsCreationOrder) {
    write(0, "/d/zeta", "1");
    write(0, "/d/alpha", "2");
    write(0, "/d/mid", "3");
    EXPECT_EQ(dir(0, "/d"), (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST_F(Fixture, MkdirAndRm) {
    EXPECT_EQ(store.mkdir(0, 0, 0, "/m/n"), Err::Ok);
    EXPECT_EQ(store.mkdir(0, 0, 0, "/m/n"), Err::Ok); // existing: fine
    write(0, "/m/n/leaf", "v");
    EXPECT_EQ(store.rm(0, 0, 0, "/m"), Err::Ok); // whole subtree
    Err e;
    read(0, "/m/n/leaf", &e);
    EXPECT_EQ(e, Err::Noent);
    EXPECT_EQ(store.rm(0, 0, 0, "/m"), Err::Ok);        // parent exists: not an error
    EXPECT_EQ(store.rm(0, 0, 0, "/m/n/x"), Err::Noent); // parent missing
    EXPECT_EQ(store.rm(0, 0, 0, "/"), Err::Inval);
}

TEST_F(Fixture, InvalidPaths) {
    EXPECT_EQ(write(0, "/a//b", "x"), Err::Inval);
    EXPECT_EQ(write(0, "/a/b/", "x"), Err::Inval);
    EXPECT_EQ(write(0, "/a/b c", "x"), Err::Inval);
    EXPECT_EQ(write(0, "", "x"), Err::Inval);
    EXPECT_EQ(write(0, std::string(4000, 'a').insert(0, "/").c_str(), "x"), Err::Inval);
}

TEST_F(Fixture, RelativePathsAreUnderTheCallersHome) {
    make_home(3);
    EXPECT_EQ(write(3, "device/vbd/51712/state", "1"), Err::Ok);
    EXPECT_EQ(read(0, "/local/domain/3/device/vbd/51712/state"), "1");
    EXPECT_EQ(read(3, "device/vbd/51712/state"), "1");
}

TEST_F(Fixture, PermissionsKeepDomainsApart) {
    make_home(1);
    make_home(2);
    EXPECT_EQ(write(1, "/local/domain/1/secret", "s1"), Err::Ok);
    Err e;
    read(2, "/local/domain/1/secret", &e);
    EXPECT_EQ(e, Err::Acces);
    EXPECT_EQ(write(2, "/local/domain/1/secret", "x"), Err::Acces);
    EXPECT_EQ(write(2, "/local/domain/1/new", "x"), Err::Acces);
    EXPECT_EQ(store.rm(2, 0, 0, "/local/domain/1"), Err::Acces);
    EXPECT_EQ(write(2, "/evil", "x"), Err::Acces); // "/" belongs to dom0
    // What a domain creates, it owns.
    proto::Buf perms;
    ASSERT_EQ(store.get_perms(0, 0, 0, "/local/domain/1/secret", perms), Err::Ok);
    EXPECT_EQ(std::string(perms.data(), perms.size()), std::string("n1\0", 3));
    // A read grant to domain 2 lets it read, not write.
    xs::Perms p;
    p.n = 2;
    p.p[0] = {1, 'n'};
    p.p[1] = {2, 'r'};
    EXPECT_EQ(store.set_perms(1, 0, 0, "/local/domain/1/secret", p), Err::Ok);
    EXPECT_EQ(read(2, "/local/domain/1/secret"), "s1");
    EXPECT_EQ(write(2, "/local/domain/1/secret", "x"), Err::Acces);
    // Only dom0 gives a node away.
    p.p[0] = {2, 'n'};
    EXPECT_EQ(store.set_perms(1, 0, 0, "/local/domain/1/secret", p), Err::Acces);
}

TEST_F(Fixture, ParsePerm) {
    xs::Perm p;
    EXPECT_TRUE(xs::parse_perm("r12", &p));
    EXPECT_EQ(p.id, 12);
    EXPECT_EQ(p.mode, 'r');
    EXPECT_FALSE(xs::parse_perm("x1", &p));
    EXPECT_FALSE(xs::parse_perm("r", &p));
    EXPECT_FALSE(xs::parse_perm("r70000", &p));
}

TEST_F(Fixture, WatchesFireForTheNodeAndItsDescendants) {
    ASSERT_EQ(store.watch(0, 5, "/w", "tok"), Err::Ok);
    EXPECT_TRUE(events.empty()); // the initial event is the server's job
    write(0, "/w/a/b", "1");
    write(0, "/other", "1");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].conn, 5);
    EXPECT_EQ(events[0].path, "/w/a/b");
    EXPECT_EQ(events[0].token, "tok");
    EXPECT_EQ(store.watch(0, 5, "/w", "tok"), Err::Exist);
    EXPECT_EQ(store.unwatch(0, 5, "/w", "tok"), Err::Ok);
    write(0, "/w/a/b", "2");
    EXPECT_EQ(events.size(), 1u);
    EXPECT_EQ(store.unwatch(0, 5, "/w", "tok"), Err::Noent);
}

TEST_F(Fixture, RemovingASubtreeFiresWatchesInsideIt) {
    write(0, "/t/x/y", "1");
    store.watch(0, 1, "/t/x/y", "deep");
    store.watch(0, 1, "/t", "top");
    events.clear();
    store.rm(0, 0, 0, "/t/x");
    ASSERT_EQ(events.size(), 2u);
    for (const Event& e : events) {
        if (e.token == "deep")
            EXPECT_EQ(e.path, "/t/x/y");
        else
            EXPECT_EQ(e.path, "/t/x");
    }
}

TEST_F(Fixture, RelativeWatchesGetRelativePaths) {
    make_home(4);
    ASSERT_EQ(store.watch(4, 9, "device", "dev"), Err::Ok);
    write(0, "/local/domain/4/device/vif/0/state", "3");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].path, "device/vif/0/state");
}

TEST_F(Fixture, WatchEventsRespectPermissions) {
    make_home(1);
    make_home(2);
    store.watch(2, 3, "/local/domain/1", "peek");
    write(1, "/local/domain/1/private", "x");
    EXPECT_TRUE(events.empty());
}

TEST_F(Fixture, SpecialWatches) {
    EXPECT_EQ(store.watch(0, 2, "@releaseDomain", "r"), Err::Ok);
    EXPECT_EQ(store.watch(0, 2, "@bogus", "r"), Err::Inval);
    write(0, "/anything", "x");
    EXPECT_TRUE(events.empty());
    store.fire_special("@releaseDomain");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].path, "@releaseDomain");
}

TEST_F(Fixture, TransactionCommitAppliesAndFiresOnce) {
    store.watch(0, 1, "/tx", "w");
    uint32_t tx;
    ASSERT_EQ(store.transaction_start(0, 7, &tx), Err::Ok);
    EXPECT_EQ(write(0, "/tx/ring-ref", "8", tx, 7), Err::Ok);
    EXPECT_EQ(write(0, "/tx/event-channel", "5", tx, 7), Err::Ok);
    // Not visible outside the transaction yet, visible inside it.
    Err e;
    read(0, "/tx/ring-ref", &e);
    EXPECT_EQ(e, Err::Noent);
    EXPECT_EQ(read(0, "/tx/ring-ref", nullptr, tx, 7), "8");
    EXPECT_TRUE(events.empty());
    // Another connection cannot use it.
    read(0, "/tx/ring-ref", &e, tx, 8);
    EXPECT_EQ(e, Err::Noent);
    EXPECT_EQ(store.transaction_end(0, 7, tx, true), Err::Ok);
    EXPECT_EQ(read(0, "/tx/event-channel"), "5");
    EXPECT_EQ(events.size(), 2u);
}

TEST_F(Fixture, ConflictingTransactionGetsEagainAndChangesNothing) {
    uint32_t tx;
    ASSERT_EQ(store.transaction_start(0, 7, &tx), Err::Ok);
    write(0, "/c/a", "tx", tx, 7);
    write(0, "/c/b", "outside"); // someone else changes the store meanwhile
    EXPECT_EQ(store.transaction_end(0, 7, tx, true), Err::Again);
    Err e;
    read(0, "/c/a", &e);
    EXPECT_EQ(e, Err::Noent);
    EXPECT_EQ(store.transaction_end(0, 7, tx, true), Err::Noent); // it is gone
}

TEST_F(Fixture, AbortedTransactionDiscards) {
    uint32_t tx;
    store.transaction_start(0, 7, &tx);
    store.rm(0, 7, tx, "/local");
    EXPECT_EQ(store.transaction_end(0, 7, tx, false), Err::Ok);
    EXPECT_EQ(read(0, "/local/domain"), "");
}

TEST_F(Fixture, DroppingAConnectionForgetsItsWatchesAndTransactions) {
    uint32_t tx;
    store.transaction_start(0, 4, &tx);
    store.watch(0, 4, "/x", "t");
    store.drop_connection(4);
    write(0, "/x", "1");
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(store.transaction_end(0, 4, tx, true), Err::Noent);
}

TEST(StoreLimits, NodeAndValueLimits) {
    xs::Store::Limits lim;
    lim.max_nodes = 10;
    lim.max_value = 16;
    lim.max_watches_per_conn = 2;
    lim.max_tx_per_conn = 1;
    xs::Store s([](void*, int, const char*, const char*) {}, nullptr, lim);
    // The skeleton (/, /local, /local/domain, /tool) takes 4 nodes.
    EXPECT_EQ(s.write(0, 0, 0, "/a", "x", 1), Err::Ok);
    EXPECT_EQ(s.write(0, 0, 0, "/b/c/d/e/f/g", "x", 1), Err::Nospc);
    EXPECT_EQ(s.write(0, 0, 0, "/b", std::string(17, 'v').c_str(), 17), Err::TooBig);
    EXPECT_EQ(s.watch(0, 1, "/a", "1"), Err::Ok);
    EXPECT_EQ(s.watch(0, 1, "/a", "2"), Err::Ok);
    EXPECT_EQ(s.watch(0, 1, "/a", "3"), Err::Nospc);
    uint32_t tx;
    EXPECT_EQ(s.transaction_start(0, 1, &tx), Err::Ok);
    EXPECT_EQ(s.transaction_start(0, 1, &tx), Err::Again);
}

} // namespace
