// The xenstore server's connections: it reads requests in Xen's wire format from a domain's
// ring page (or from an in-process client in dom0), runs them against the Store, and queues
// replies and watch events for the ring. Portable: the mini-OS glue maps rings and moves
// event-channel notifications; host unit tests feed it memory.
//
// A connection that breaks the protocol (impossible ring indexes, a message longer than
// XENSTORE_PAYLOAD_MAX) is marked broken and no longer served; the server and every other
// connection carry on.
#pragma once

#include "buf.h"
#include "xs_store.h"

#include <public/io/xs_wire.h>
#include <stddef.h>
#include <stdint.h>

namespace xs {

class Server {
public:
    // Domain management requests (XS_INTRODUCE / XS_RELEASE from dom0) go to the glue,
    // which maps the ring and binds the event channel; return false to refuse.
    struct Hooks {
        void* ctx = nullptr;
        bool (*introduce)(void* ctx, domid_t domid, uint64_t gfn, uint32_t port) = nullptr;
        bool (*release)(void* ctx, domid_t domid) = nullptr;
    };

    static constexpr int kMaxConns = 64;
    static constexpr size_t kMaxQueuedBytes = 64 * 1024; // per connection

    Server();
    explicit Server(const Store::Limits& limits);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void set_hooks(const Hooks& h) { hooks_ = h; }
    Store& store() { return store_; }

    // A domain's ring connection; -1 when there is no room. `ring` stays owned by the caller.
    int add_ring(domid_t domid, xenstore_domain_interface* ring);
    // An in-process client with the rights of `domid` (dom0's own services).
    int add_local(domid_t domid);
    void remove(int conn);
    int find_domain(domid_t domid) const; // its ring connection, or -1
    bool domain_introduced(domid_t domid) const { return find_domain(domid) >= 0; }

    // Serves a ring connection: consumes complete requests, answers them, and writes what
    // fits of the queued output. Returns true when the domain should be notified.
    bool service(int conn);
    // For a local client: submits one request, whose reply (and any watch events) is
    // queued; take them with next_output().
    void submit(int conn, const xsd_sockmsg& hdr, const char* payload);
    // Pops the next queued message of a local connection into hdr/payload.
    bool next_output(int conn, xsd_sockmsg* hdr, proto::Buf& payload);

    bool broken(int conn) const;
    const char* broken_reason(int conn) const;
    domid_t domid(int conn) const;

    // Counters for tests and reports.
    struct Stats {
        uint64_t requests = 0;
        uint64_t errors = 0;
        uint64_t watch_events = 0;
        uint64_t dropped_events = 0;
    };
    const Stats& stats() const { return stats_; }

private:
    struct Msg;
    struct Conn;
    static void on_watch(void* ctx, int conn, const char* path, const char* token);
    void handle(Conn& c, int id, const xsd_sockmsg& hdr, const char* payload);
    void reply(Conn& c, const xsd_sockmsg& req, uint32_t type, const void* p, size_t n);
    void reply_err(Conn& c, const xsd_sockmsg& req, Err e);
    void reply_ok(Conn& c, const xsd_sockmsg& req);
    bool queue(Conn& c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void* p, size_t n);
    bool read_ring(Conn& c, int id);
    bool write_ring(Conn& c);
    void mark_broken(Conn& c, const char* why, uint32_t error_code);

    Store store_;
    Hooks hooks_;
    Conn* conns_[kMaxConns] = {};
    Stats stats_;
};

} // namespace xs
