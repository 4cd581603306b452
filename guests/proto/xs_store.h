// The xenstore database: a tree of nodes with values and permissions, watches, and simple
// transactions, with the semantics of Xen's xenstored (docs/misc/xenstore.txt) that PV
// drivers rely on. Portable: the dom0 service runs it, host unit tests drive it directly.
//
// Transactions are simple and strict: a transaction works on a private copy of the tree and
// commits only if nothing at all changed since it started (else EAGAIN, and the client
// retries, as every xenstore client must be ready to).
#pragma once

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

namespace xs {

using domid_t = uint16_t;

enum class Err {
    Ok,
    Inval,
    Acces,
    Exist,
    Isdir,
    Noent,
    Nomem,
    Nospc,
    Io,
    Notempty,
    Nosys,
    Rofs,
    Busy,
    Again,
    Isconn,
    TooBig
};
// The errno name xenstore sends on the wire ("ENOENT").
const char* err_name(Err e);

constexpr unsigned kMaxPerms = 8;
struct Perm {
    domid_t id;
    char mode; // 'n' none, 'r' read, 'w' write, 'b' both
};
// The first entry names the owner and the mode everybody not listed gets.
struct Perms {
    unsigned n = 1;
    Perm p[kMaxPerms] = {{0, 'n'}};
};
// Parses "r1" into a Perm; false when malformed.
bool parse_perm(const char* s, Perm* out);

struct Node;
struct Tree;
struct Watch;
struct Transaction;

class Store {
public:
    // Watch events go to this callback: connection, event path (as the watch was given:
    // relative watches get relative paths), token.
    using WatchFn = void (*)(void* ctx, int conn, const char* path, const char* token);

    struct Limits {
        size_t max_nodes = 8192;
        size_t max_value = 4096;
        unsigned max_watches_per_conn = 128;
        unsigned max_tx_per_conn = 16;
    };

    Store(WatchFn fn, void* ctx);
    Store(WatchFn fn, void* ctx, const Limits& limits);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Every request names its caller (permissions, relative paths) and its transaction
    // (0 = none). `conn` identifies the connection a transaction or watch belongs to.
    Err read(domid_t caller, int conn, uint32_t tx, const char* path, proto::Buf& value);
    Err write(domid_t caller, int conn, uint32_t tx, const char* path, const char* value,
              size_t len);
    Err mkdir(domid_t caller, int conn, uint32_t tx, const char* path);
    Err rm(domid_t caller, int conn, uint32_t tx, const char* path);
    // Children names, each nul-terminated.
    Err directory(domid_t caller, int conn, uint32_t tx, const char* path, proto::Buf& out);
    // Perms as strings ("n0\0r1\0").
    Err get_perms(domid_t caller, int conn, uint32_t tx, const char* path, proto::Buf& out);
    Err set_perms(domid_t caller, int conn, uint32_t tx, const char* path, const Perms& perms);

    Err transaction_start(domid_t caller, int conn, uint32_t* id);
    Err transaction_end(domid_t caller, int conn, uint32_t id, bool commit);

    // A new watch should get one event at once (xenstored sends it after the reply); the
    // caller sends it, so that it follows the reply.
    Err watch(domid_t caller, int conn, const char* path, const char* token);
    Err unwatch(domid_t caller, int conn, const char* path, const char* token);
    // Fires the special watches "@introduceDomain" / "@releaseDomain".
    void fire_special(const char* name);
    // Forgets a connection's watches and transactions.
    void drop_connection(int conn);

    uint64_t generation() const { return generation_; }
    size_t node_count() const;
    // "/local/domain/<domid>"
    static void domain_path(domid_t domid, proto::Buf& out);

private:
    Err resolve(domid_t caller, const char* path, proto::Buf& abs) const;
    Err tree_for(int conn, uint32_t tx, Tree** t, Transaction** txp);
    // Where a request's path leads: its absolute form, the tree it is looked up in (the
    // live one or the transaction's private copy) and the transaction (nullptr: none).
    struct Target {
        proto::Buf abs;
        Tree* tree = nullptr;
        Transaction* tx = nullptr;
    };
    Err locate(domid_t caller, int conn, uint32_t tx, const char* path, Target& at);
    // locate(), then the node there, which must exist and allow the caller `mode` ('r'/'w').
    Err existing(domid_t caller, int conn, uint32_t tx, const char* path, char mode, Target& at,
                 Node** n);
    void changed(Transaction* tx, const char* abs, bool recursive);
    void fire(const char* abs, bool recursive);
    bool can_read(domid_t caller, const Node* n) const;

    WatchFn watch_fn_;
    void* watch_ctx_;
    Limits limits_;
    Tree* live_;
    Watch* watches_ = nullptr;
    Transaction* txs_ = nullptr;
    uint32_t next_tx_ = 1;
    uint64_t generation_ = 0;
};

} // namespace xs
