#include "xs_server.h"

#include "barrier.h"

#include <new>

namespace xs {

using proto::Buf;

struct Server::Msg {
    Msg* next;
    xsd_sockmsg hdr;
    char* payload;
    size_t sent; // bytes of header+payload already in the ring
};

struct Server::Conn {
    domid_t domid;
    xenstore_domain_interface* ring; // nullptr: local
    char in[sizeof(xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    size_t in_len;
    Msg* out_head;
    Msg* out_tail;
    size_t out_bytes;
    bool broken;
    const char* broken_reason;
};

namespace {

// Splits a payload into its nul-terminated strings: up to max_args, returns how many.
unsigned split(const char* p, size_t n, const char** args, unsigned max_args) {
    unsigned count = 0;
    size_t i = 0;
    while (i < n && count < max_args) {
        const char* s = p + i;
        const void* z = memchr(s, 0, n - i);
        if (!z) break; // an unterminated tail is not an argument
        args[count++] = s;
        i += static_cast<const char*>(z) - s + 1;
    }
    return count;
}

} // namespace

Server::Server() : store_(on_watch, this) {}
Server::Server(const Store::Limits& limits) : store_(on_watch, this, limits) {}

Server::~Server() {
    for (int i = 0; i < kMaxConns; ++i)
        if (conns_[i]) remove(i);
}

void Server::on_watch(void* ctx, int conn, const char* path, const char* token) {
    auto* s = static_cast<Server*>(ctx);
    if (conn < 0 || conn >= kMaxConns || !s->conns_[conn]) return;
    Buf b;
    b.append_strz(path);
    b.append_strz(token);
    if (s->queue(*s->conns_[conn], XS_WATCH_EVENT, 0, 0, b.data(), b.size()))
        ++s->stats_.watch_events;
    else
        ++s->stats_.dropped_events;
}

int Server::add_ring(domid_t domid, xenstore_domain_interface* ring) {
    if (find_domain(domid) >= 0) return -1;
    for (int i = 0; i < kMaxConns; ++i) {
        if (!conns_[i]) {
            Conn* c = new (std::nothrow) Conn{};
            if (!c) return -1;
            c->domid = domid;
            c->ring = ring;
            conns_[i] = c;
            if (ring) {
                ring->server_features = XENSTORE_SERVER_FEATURE_ERROR;
                ring->error = XENSTORE_ERROR_NONE;
            }
            return i;
        }
    }
    return -1;
}

int Server::add_local(domid_t domid) {
    for (int i = 0; i < kMaxConns; ++i) {
        if (!conns_[i]) {
            Conn* c = new (std::nothrow) Conn{};
            if (!c) return -1;
            c->domid = domid;
            conns_[i] = c;
            return i;
        }
    }
    return -1;
}

void Server::remove(int conn) {
    if (conn < 0 || conn >= kMaxConns || !conns_[conn]) return;
    Conn* c = conns_[conn];
    conns_[conn] = nullptr;
    store_.drop_connection(conn);
    while (c->out_head) {
        Msg* m = c->out_head;
        c->out_head = m->next;
        ::free(m->payload);
        delete m;
    }
    delete c;
}

int Server::find_domain(domid_t domid) const {
    for (int i = 0; i < kMaxConns; ++i)
        if (conns_[i] && conns_[i]->ring && conns_[i]->domid == domid) return i;
    return -1;
}

bool Server::broken(int conn) const {
    return conn >= 0 && conn < kMaxConns && conns_[conn] && conns_[conn]->broken;
}
const char* Server::broken_reason(int conn) const {
    return broken(conn) ? conns_[conn]->broken_reason : nullptr;
}
domid_t Server::domid(int conn) const {
    return (conn >= 0 && conn < kMaxConns && conns_[conn]) ? conns_[conn]->domid : 0;
}

void Server::mark_broken(Conn& c, const char* why, uint32_t error_code) {
    c.broken = true;
    c.broken_reason = why;
    if (c.ring) proto::write_once(c.ring->error, error_code);
}

bool Server::queue(Conn& c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void* p,
                   size_t n) {
    if (c.broken || c.out_bytes + sizeof(xsd_sockmsg) + n > kMaxQueuedBytes)
        return false; // a client that never reads loses output, not our memory
    Msg* m = new (std::nothrow) Msg{};
    if (!m) return false;
    m->hdr = {type, req_id, tx_id, static_cast<uint32_t>(n)};
    m->payload = proto::dup(static_cast<const char*>(p), n);
    if (!m->payload) {
        delete m;
        return false;
    }
    if (c.out_tail)
        c.out_tail->next = m;
    else
        c.out_head = m;
    c.out_tail = m;
    c.out_bytes += sizeof(xsd_sockmsg) + n;
    return true;
}

void Server::reply(Conn& c, const xsd_sockmsg& req, uint32_t type, const void* p, size_t n) {
    queue(c, type, req.req_id, req.tx_id, p, n);
}

void Server::reply_err(Conn& c, const xsd_sockmsg& req, Err e) {
    ++stats_.errors;
    const char* name = err_name(e);
    reply(c, req, XS_ERROR, name, strlen(name) + 1);
}

void Server::reply_ok(Conn& c, const xsd_sockmsg& req) {
    reply(c, req, req.type, "OK", 3);
}

void Server::handle(Conn& c, int id, const xsd_sockmsg& h, const char* p) {
    ++stats_.requests;
    const char* a[kMaxPerms + 2] = {};
    const unsigned n = split(p, h.len, a, kMaxPerms + 2);
    const domid_t who = c.domid;
    Buf out;
    Err e = Err::Ok;
    switch (h.type) {
    case XS_READ:
        if (n < 1) return reply_err(c, h, Err::Inval);
        if ((e = store_.read(who, id, h.tx_id, a[0], out)) != Err::Ok) return reply_err(c, h, e);
        return reply(c, h, XS_READ, out.data(), out.size());
    case XS_WRITE: {
        if (n < 1) return reply_err(c, h, Err::Inval);
        const size_t plen = strlen(a[0]) + 1;
        e = store_.write(who, id, h.tx_id, a[0], p + plen, h.len - plen);
        return e == Err::Ok ? reply_ok(c, h) : reply_err(c, h, e);
    }
    case XS_MKDIR:
        e = n < 1 ? Err::Inval : store_.mkdir(who, id, h.tx_id, a[0]);
        return e == Err::Ok ? reply_ok(c, h) : reply_err(c, h, e);
    case XS_RM:
        e = n < 1 ? Err::Inval : store_.rm(who, id, h.tx_id, a[0]);
        return e == Err::Ok ? reply_ok(c, h) : reply_err(c, h, e);
    case XS_DIRECTORY:
        if (n < 1) return reply_err(c, h, Err::Inval);
        if ((e = store_.directory(who, id, h.tx_id, a[0], out)) != Err::Ok)
            return reply_err(c, h, e);
        if (out.size() > XENSTORE_PAYLOAD_MAX)
            return reply_err(c, h, Err::TooBig); // the client falls back to DIRECTORY_PART
        return reply(c, h, XS_DIRECTORY, out.data(), out.size());
    case XS_DIRECTORY_PART: {
        // "<generation>\0" then the children from byte `offset` of the full list; a final
        // empty string marks the end.
        uint64_t off;
        if (n < 2 || !proto::parse_uint(a[1], &off)) return reply_err(c, h, Err::Inval);
        Buf all;
        if ((e = store_.directory(who, id, h.tx_id, a[0], all)) != Err::Ok)
            return reply_err(c, h, e);
        if (off > all.size()) return reply_err(c, h, Err::Inval);
        out.append_uint(store_.generation());
        out.append_char(0);
        const size_t room = XENSTORE_PAYLOAD_MAX - out.size() - 1;
        size_t take = all.size() - off;
        bool end = true;
        if (take > room) {
            // Stop after the last whole name that fits.
            take = room;
            while (take && all.data()[off + take - 1] != 0)
                --take;
            end = false;
        }
        out.append(all.data() + off, take);
        if (end) out.append_char(0);
        return reply(c, h, XS_DIRECTORY_PART, out.data(), out.size());
    }
    case XS_GET_PERMS:
        if (n < 1) return reply_err(c, h, Err::Inval);
        if ((e = store_.get_perms(who, id, h.tx_id, a[0], out)) != Err::Ok)
            return reply_err(c, h, e);
        return reply(c, h, XS_GET_PERMS, out.data(), out.size());
    case XS_SET_PERMS: {
        if (n < 2) return reply_err(c, h, Err::Inval);
        Perms perms;
        perms.n = 0;
        for (unsigned i = 1; i < n; ++i)
            if (!parse_perm(a[i], &perms.p[perms.n++])) return reply_err(c, h, Err::Inval);
        e = store_.set_perms(who, id, h.tx_id, a[0], perms);
        return e == Err::Ok ? reply_ok(c, h) : reply_err(c, h, e);
    }
    case XS_WATCH:
        if (n < 2) return reply_err(c, h, Err::Inval);
        if ((e = store_.watch(who, id, a[0], a[1])) != Err::Ok) return reply_err(c, h, e);
        // The reply, then the event every new watch gets at once (as xenstored does).
        reply_ok(c, h);
        on_watch(this, id, a[0], a[1]);
        return;
    case XS_UNWATCH:
        e = n < 2 ? Err::Inval : store_.unwatch(who, id, a[0], a[1]);
        return e == Err::Ok ? reply_ok(c, h) : reply_err(c, h, e);
    case XS_TRANSACTION_START: {
        uint32_t tx;
        if (h.tx_id != 0) return reply_err(c, h, Err::Busy); // no nesting
        if ((e = store_.transaction_start(who, id, &tx)) != Err::Ok) return reply_err(c, h, e);
        out.append_uint(tx);
        out.append_char(0);
        return reply(c, h, XS_TRANSACTION_START, out.data(), out.size());
    }
    case XS_TRANSACTION_END:
        if (n < 1 || (strcmp(a[0], "T") != 0 && strcmp(a[0], "F") != 0))
            return reply_err(c, h, Err::Inval);
        e = store_.transaction_end(who, id, h.tx_id, a[0][0] == 'T');
        return e == Err::Ok ? reply_ok(c, h) : reply_err(c, h, e);
    case XS_GET_DOMAIN_PATH: {
        uint64_t d;
        if (n < 1 || !proto::parse_uint(a[0], &d) || d > 0xffff) return reply_err(c, h, Err::Inval);
        Store::domain_path(static_cast<domid_t>(d), out);
        out.append_char(0);
        return reply(c, h, XS_GET_DOMAIN_PATH, out.data(), out.size());
    }
    case XS_IS_DOMAIN_INTRODUCED: {
        uint64_t d;
        if (n < 1 || !proto::parse_uint(a[0], &d) || d > 0xffff) return reply_err(c, h, Err::Inval);
        const char* r = (d == 0 || domain_introduced(static_cast<domid_t>(d))) ? "T" : "F";
        return reply(c, h, XS_IS_DOMAIN_INTRODUCED, r, 2);
    }
    case XS_INTRODUCE: {
        uint64_t d, gfn, port;
        if (who != 0) return reply_err(c, h, Err::Acces);
        if (n < 3 || !proto::parse_uint(a[0], &d) || !proto::parse_uint(a[1], &gfn) ||
            !proto::parse_uint(a[2], &port) || d == 0 || d >= 0x7ff0 || port > 0xffffffffu)
            return reply_err(c, h, Err::Inval);
        if (domain_introduced(static_cast<domid_t>(d))) return reply_err(c, h, Err::Exist);
        if (!hooks_.introduce ||
            !hooks_.introduce(hooks_.ctx, static_cast<domid_t>(d), gfn, uint32_t(port)))
            return reply_err(c, h, Err::Io);
        reply_ok(c, h);
        store_.fire_special("@introduceDomain");
        return;
    }
    case XS_RELEASE: {
        uint64_t d;
        if (who != 0) return reply_err(c, h, Err::Acces);
        if (n < 1 || !proto::parse_uint(a[0], &d) || d == 0 || d > 0xffff)
            return reply_err(c, h, Err::Inval);
        const int dc = find_domain(static_cast<domid_t>(d));
        if (dc < 0) return reply_err(c, h, Err::Noent);
        if (hooks_.release) hooks_.release(hooks_.ctx, static_cast<domid_t>(d));
        remove(dc);
        reply_ok(c, h);
        store_.fire_special("@releaseDomain");
        return;
    }
    case XS_RESET_WATCHES:
        store_.drop_connection(id);
        return reply_ok(c, h);
    case XS_CONTROL:
        return reply_ok(c, h);
    default:
        return reply_err(c, h, Err::Inval);
    }
}

void Server::submit(int conn, const xsd_sockmsg& hdr, const char* payload) {
    if (conn < 0 || conn >= kMaxConns || !conns_[conn]) return;
    Conn& c = *conns_[conn];
    if (hdr.len > XENSTORE_PAYLOAD_MAX) {
        reply_err(c, hdr, Err::Inval);
        return;
    }
    handle(c, conn, hdr, payload);
}

bool Server::next_output(int conn, xsd_sockmsg* hdr, Buf& payload) {
    if (conn < 0 || conn >= kMaxConns || !conns_[conn]) return false;
    Conn& c = *conns_[conn];
    Msg* m = c.out_head;
    if (!m) return false;
    c.out_head = m->next;
    if (!c.out_head) c.out_tail = nullptr;
    c.out_bytes -= sizeof(xsd_sockmsg) + m->hdr.len;
    *hdr = m->hdr;
    payload.clear();
    payload.append(m->payload, m->hdr.len);
    ::free(m->payload);
    delete m;
    return true;
}

// Moves complete requests out of the ring and handles them. False when the ring is broken.
bool Server::read_ring(Conn& c, int id) {
    xenstore_domain_interface* r = c.ring;
    bool consumed = false;
    for (;;) {
        const XENSTORE_RING_IDX cons = proto::read_once(r->req_cons);
        const XENSTORE_RING_IDX prod = proto::read_once(r->req_prod);
        proto::rmb();
        const uint32_t avail = prod - cons;
        if (avail > XENSTORE_RING_SIZE) {
            mark_broken(c, "impossible request ring indexes", XENSTORE_ERROR_RINGIDX);
            return false;
        }
        if (avail == 0) break;
        // Take bytes up to the end of the current message part we are missing.
        size_t want = sizeof(xsd_sockmsg) - c.in_len;
        if (c.in_len >= sizeof(xsd_sockmsg)) {
            xsd_sockmsg h;
            memcpy(&h, c.in, sizeof h);
            want = sizeof(xsd_sockmsg) + h.len - c.in_len;
        }
        uint32_t take = avail < want ? avail : static_cast<uint32_t>(want);
        for (uint32_t i = 0; i < take; ++i)
            c.in[c.in_len + i] = proto::read_once(r->req[MASK_XENSTORE_IDX(cons + i)]);
        c.in_len += take;
        proto::mb(); // our reads of the data are done before the slots are handed back
        proto::write_once(r->req_cons, XENSTORE_RING_IDX(cons + take));
        consumed = true;
        if (c.in_len == sizeof(xsd_sockmsg)) {
            xsd_sockmsg h;
            memcpy(&h, c.in, sizeof h);
            if (h.len > XENSTORE_PAYLOAD_MAX) {
                mark_broken(c, "message longer than XENSTORE_PAYLOAD_MAX", XENSTORE_ERROR_COMM);
                return false;
            }
        }
        if (c.in_len >= sizeof(xsd_sockmsg)) {
            xsd_sockmsg h;
            memcpy(&h, c.in, sizeof h);
            if (c.in_len == sizeof(xsd_sockmsg) + h.len) {
                handle(c, id, h, c.in + sizeof(xsd_sockmsg));
                c.in_len = 0;
                if (!conns_[id]) return false; // the request released this very connection
            }
        }
    }
    (void)consumed;
    return true;
}

// Writes what fits of the queued output; true when something was written.
bool Server::write_ring(Conn& c) {
    xenstore_domain_interface* r = c.ring;
    bool wrote = false;
    while (Msg* m = c.out_head) {
        const XENSTORE_RING_IDX cons = proto::read_once(r->rsp_cons);
        const XENSTORE_RING_IDX prod = proto::read_once(r->rsp_prod);
        proto::mb();
        const uint32_t used = prod - cons;
        if (used > XENSTORE_RING_SIZE) {
            mark_broken(c, "impossible response ring indexes", XENSTORE_ERROR_RINGIDX);
            return wrote;
        }
        const uint32_t space = XENSTORE_RING_SIZE - used;
        if (space == 0) break;
        const size_t total = sizeof(xsd_sockmsg) + m->hdr.len;
        const size_t left = total - m->sent;
        const uint32_t n = left < space ? static_cast<uint32_t>(left) : space;
        for (uint32_t i = 0; i < n; ++i) {
            const size_t at = m->sent + i;
            const char b = at < sizeof(xsd_sockmsg) ? reinterpret_cast<const char*>(&m->hdr)[at]
                                                    : m->payload[at - sizeof(xsd_sockmsg)];
            proto::write_once(r->rsp[MASK_XENSTORE_IDX(prod + i)], b);
        }
        proto::wmb(); // the data before the producer index
        proto::write_once(r->rsp_prod, XENSTORE_RING_IDX(prod + n));
        m->sent += n;
        wrote = true;
        if (m->sent < total) break;
        c.out_head = m->next;
        if (!c.out_head) c.out_tail = nullptr;
        c.out_bytes -= total;
        ::free(m->payload);
        delete m;
    }
    return wrote;
}

bool Server::service(int conn) {
    if (conn < 0 || conn >= kMaxConns || !conns_[conn]) return false;
    Conn& c = *conns_[conn];
    if (c.broken || !c.ring) return false;
    const XENSTORE_RING_IDX req_cons_before = proto::read_once(c.ring->req_cons);
    if (!read_ring(c, conn))
        return conns_[conn] != nullptr; // broken (notify so the guest sees the error) or gone
    const bool consumed = proto::read_once(c.ring->req_cons) != req_cons_before;
    const bool wrote = write_ring(c);
    return consumed || wrote;
}

} // namespace xs
