// The xenstore client ("xenbus"): requests in the wire format of public/io/xs_wire.h over
// the store ring a domU finds in its HVM params, or handed straight to the store service
// when we are dom0 and it lives in our own image. Requests are serialized; a reader thread
// matches replies to the waiting request and queues watch events for a watch thread, so
// watch callbacks may themselves talk to xenstore.
#include "xen_internal.h"

#include <proto/xs_ring_client.h>
#include <public/errno.h>
#include <public/hvm/params.h>

namespace minios::xenbus {
namespace {

const LocalTransport* local = nullptr;
xs::RingClient ring_client;
xenstore_domain_interface* ring = nullptr;
evtchn_port_t ring_port = 0;
bool have_store = false;
bool threads_started = false;
Event rx_event;
Event watch_event;
uint64_t timeout_ns = 20000000000ull;

struct Pending {
    uint32_t req_id;
    bool done;
    xsd_sockmsg hdr;
    proto::Buf payload;
    Event ev;
};
Pending* pending = nullptr;
bool busy = false;
WaitQueue busy_q;
uint32_t next_req_id = 1;

struct WatchEntry {
    WatchEntry* next;
    char* path;
    char token[24];
    WatchFn fn;
    void* arg;
};
WatchEntry* watches = nullptr;
unsigned next_token = 1;

struct QueuedEvent {
    QueuedEvent* next;
    char* path;
    char* token;
};
QueuedEvent* ev_head = nullptr;
QueuedEvent** ev_tail = &ev_head;

int errno_of(const char* name) {
    static const struct {
        const char* name;
        int value;
    } kErrors[] = {{"EINVAL", XEN_EINVAL}, {"EACCES", XEN_EACCES},   {"EEXIST", XEN_EEXIST},
                   {"EISDIR", XEN_EISDIR}, {"ENOENT", XEN_ENOENT},   {"ENOMEM", XEN_ENOMEM},
                   {"ENOSPC", XEN_ENOSPC}, {"EIO", XEN_EIO},         {"ENOTEMPTY", XEN_ENOTEMPTY},
                   {"ENOSYS", XEN_ENOSYS}, {"EROFS", XEN_EROFS},     {"EBUSY", XEN_EBUSY},
                   {"EAGAIN", XEN_EAGAIN}, {"EISCONN", XEN_EISCONN}, {"E2BIG", XEN_E2BIG}};
    for (const auto& e : kErrors)
        if (strcmp(e.name, name) == 0) return -e.value;
    return -XEN_EIO;
}

void deliver(const xsd_sockmsg& h, proto::Buf& p) {
    if (h.type == XS_WATCH_EVENT) {
        const char* path = p.c_str();
        const size_t plen = strlen(path);
        const char* token = plen + 1 < p.size() ? path + plen + 1 : "";
        auto* e = static_cast<QueuedEvent*>(malloc(sizeof(QueuedEvent)));
        if (!e) return;
        e->next = nullptr;
        e->path = proto::dup(path);
        e->token = proto::dup(token);
        *ev_tail = e;
        ev_tail = &e->next;
        watch_event.signal();
        return;
    }
    if (pending && !pending->done && h.req_id == pending->req_id) {
        pending->hdr = h;
        pending->payload.clear();
        pending->payload.append(p.data(), p.size());
        pending->done = true;
        pending->ev.signal();
    }
    // Anything else is the late answer to a request that timed out: dropped.
}

// Takes every complete message the transport has.
void pump() {
    xsd_sockmsg h;
    proto::Buf p;
    if (local) {
        while (local->next(local->ctx, &h, p))
            deliver(h, p);
        return;
    }
    if (!ring) return;
    bool consumed = false;
    for (;;) {
        const auto st = ring_client.read(&h, p);
        if (st == xs::RingClient::Status::Broken) {
            minios::printf("xenbus: the store ring is broken; giving up on xenstore\n");
            have_store = false;
            return;
        }
        if (st == xs::RingClient::Status::Empty) break;
        consumed = true;
        deliver(h, p);
    }
    if (consumed) xen::notify(ring_port);
}

void reader_thread(void*) {
    for (;;) {
        rx_event.wait_until(0);
        pump();
    }
}

void watch_thread(void*) {
    for (;;) {
        watch_event.wait_until(0);
        while (QueuedEvent* e = ev_head) {
            ev_head = e->next;
            if (!ev_head) ev_tail = &ev_head;
            for (WatchEntry* w = watches; w; w = w->next) {
                if (strcmp(w->token, e->token) == 0) {
                    w->fn(e->path, w->arg);
                    break;
                }
            }
            free(e->path);
            free(e->token);
            free(e);
        }
    }
}

void on_ring_event(evtchn_port_t, void*) {
    rx_event.signal();
}

void start_threads() {
    if (threads_started) return;
    threads_started = true;
    thread_create("xenbus-rx", reader_thread, nullptr);
    thread_create("xenbus-watch", watch_thread, nullptr);
}

// Sends a request and waits for its reply. `reply` gets the payload.
int request(uint32_t type, const void* payload, size_t len, uint32_t tx, proto::Buf* reply) {
    if (!have_store) return -XEN_ENOSYS;
    if (len > XENSTORE_PAYLOAD_MAX) return -XEN_E2BIG;
    while (busy)
        busy_q.wait_until(0);
    busy = true;
    Pending p{};
    p.req_id = next_req_id++;
    pending = &p;
    const xsd_sockmsg h{type, p.req_id, tx, static_cast<uint32_t>(len)};
    const uint64_t deadline = now_ns() + timeout_ns;
    int rc = 0;
    if (local) {
        local->submit(local->ctx, h, static_cast<const char*>(payload));
        pump();
    } else {
        // Header and payload as one stream, waiting for room when the ring is full.
        size_t sent = 0;
        const size_t total = sizeof h + len;
        while (sent < total && rc == 0) {
            const char* src = sent < sizeof h
                                  ? reinterpret_cast<const char*>(&h) + sent
                                  : static_cast<const char*>(payload) + (sent - sizeof h);
            const size_t chunk = sent < sizeof h ? sizeof h - sent : total - sent;
            const size_t k = ring_client.write(src, chunk);
            sent += k;
            xen::notify(ring_port);
            if (!k) {
                if (now_ns() > deadline)
                    rc = -XEN_ETIMEDOUT;
                else
                    sleep_ms(1);
            }
        }
    }
    while (rc == 0 && !p.done)
        if (!p.ev.wait_until(deadline) && !p.done) rc = -XEN_ETIMEDOUT;
    pending = nullptr;
    if (rc == 0) {
        if (p.hdr.type == XS_ERROR)
            rc = errno_of(p.payload.c_str());
        else if (reply)
            reply->append(p.payload.data(), p.payload.size());
    }
    busy = false;
    busy_q.wake_one();
    return rc;
}

int path_request(uint32_t type, const char* path, uint32_t tx, proto::Buf* reply) {
    return request(type, path, strlen(path) + 1, tx, reply);
}

} // namespace

void set_local_transport(const LocalTransport* t) {
    local = t;
    have_store = t != nullptr;
    if (t) start_threads();
}

void local_kick() {
    rx_event.signal();
}

namespace {
bool late_pending = false;
Event store_ready;

bool attach_ring(uint64_t pfn, uint64_t evtchn) {
    if (!map(pfn << kPageShift, kPageSize, MemType::Normal)) {
        minios::printf("xenbus: cannot map the xenstore ring\n");
        return false;
    }
    ring = static_cast<xenstore_domain_interface*>(phys_to_virt(pfn << kPageShift));
    ring_client.attach(ring);
    ring_port = static_cast<evtchn_port_t>(evtchn);
    xen::bind_handler(ring_port, on_ring_event, nullptr);
    have_store = true;
    start_threads();
    return true;
}

// The store page may come later (Xen's dom0less domains): dom0 provides it, sets the
// param and then notifies our store port.
void on_late_event(evtchn_port_t, void*) {
    store_ready.signal();
}

void late_thread(void* arg) {
    const uint64_t evtchn = reinterpret_cast<uint64_t>(arg);
    uint64_t pfn = 0;
    for (;;) {
        store_ready.wait_until(0);
        if (xen::hvm_get_param(DOMID_SELF, HVM_PARAM_STORE_PFN, &pfn) == 0 && pfn != 0 &&
            pfn != ~uint64_t(0))
            break;
    }
    late_pending = false;
    attach_ring(pfn, evtchn); // takes the port over from on_late_event
    store_ready.signal();
}
} // namespace

void init_ring() {
    uint64_t pfn = 0, evtchn = 0;
    if (xen::hvm_get_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &evtchn) != 0 || evtchn == 0) {
        minios::printf("xenbus: no xenstore event channel in the HVM params\n");
        return;
    }
    if (xen::hvm_get_param(DOMID_SELF, HVM_PARAM_STORE_PFN, &pfn) != 0) pfn = 0;
    if (pfn == 0 || pfn == ~uint64_t(0)) {
        late_pending = true;
        xen::bind_handler(static_cast<evtchn_port_t>(evtchn), on_late_event, nullptr);
        thread_create("xenbus-late", late_thread, reinterpret_cast<void*>(evtchn));
        return;
    }
    attach_ring(pfn, evtchn);
}

bool wait_ready(uint64_t timeout) {
    const uint64_t deadline = now_ns() + timeout;
    while (!have_store && late_pending)
        if (!store_ready.wait_until(deadline)) break;
    if (have_store) store_ready.signal(); // let other waiters through
    return have_store;
}

bool ready() {
    return have_store;
}
void set_timeout(uint64_t ns) {
    timeout_ns = ns;
}

int read(const char* path, proto::Buf& value, uint32_t tx) {
    value.clear();
    return path_request(XS_READ, path, tx, &value);
}

int read_uint(const char* path, uint64_t* value, uint32_t tx) {
    proto::Buf b;
    const int rc = read(path, b, tx);
    if (rc) return rc;
    return proto::parse_uint(b.c_str(), value) ? 0 : -XEN_EINVAL;
}

int write(const char* path, const char* value, uint32_t tx) {
    proto::Buf b;
    b.append_strz(path);
    b.append_str(value);
    return request(XS_WRITE, b.data(), b.size(), tx, nullptr);
}

int printf(uint32_t tx, const char* path, const char* fmt, ...) {
    char v[256];
    va_list ap;
    va_start(ap, fmt);
    bare_vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    return write(path, v, tx);
}

int mkdir(const char* path, uint32_t tx) {
    return path_request(XS_MKDIR, path, tx, nullptr);
}
int rm(const char* path, uint32_t tx) {
    return path_request(XS_RM, path, tx, nullptr);
}

int directory(const char* path, proto::Buf& names, uint32_t tx) {
    names.clear();
    return path_request(XS_DIRECTORY, path, tx, &names);
}

int set_perms(const char* path, const char* perms, uint32_t tx) {
    proto::Buf b;
    b.append_strz(path);
    // perms: "n0\0r1\0" ... ends at an empty string.
    for (const char* p = perms; *p; p += strlen(p) + 1)
        b.append_strz(p);
    return request(XS_SET_PERMS, b.data(), b.size(), tx, nullptr);
}

int transaction_start(uint32_t* tx) {
    proto::Buf r;
    const int rc = request(XS_TRANSACTION_START, "", 1, 0, &r);
    if (rc) return rc;
    uint64_t v;
    if (!proto::parse_uint(r.c_str(), &v)) return -XEN_EIO;
    *tx = static_cast<uint32_t>(v);
    return 0;
}

int transaction_end(uint32_t tx, bool commit) {
    return request(XS_TRANSACTION_END, commit ? "T" : "F", 2, tx, nullptr);
}

int introduce_domain(domid_t domid, uint64_t gfn, evtchn_port_t port) {
    proto::Buf b;
    b.append_uint(domid);
    b.append_char(0);
    b.append_uint(gfn);
    b.append_char(0);
    b.append_uint(port);
    b.append_char(0);
    return request(XS_INTRODUCE, b.data(), b.size(), 0, nullptr);
}

int release_domain(domid_t domid) {
    proto::Buf b;
    b.append_uint(domid);
    b.append_char(0);
    return request(XS_RELEASE, b.data(), b.size(), 0, nullptr);
}

int watch(const char* path, WatchFn fn, void* arg) {
    auto* w = static_cast<WatchEntry*>(calloc(1, sizeof(WatchEntry)));
    if (!w) return -XEN_ENOMEM;
    w->path = proto::dup(path);
    bare_snprintf(w->token, sizeof w->token, "mw%u", next_token++);
    w->fn = fn;
    w->arg = arg;
    // Registered before the request: the first event may arrive right behind the reply.
    w->next = watches;
    watches = w;
    proto::Buf b;
    b.append_strz(path);
    b.append_strz(w->token);
    const int rc = request(XS_WATCH, b.data(), b.size(), 0, nullptr);
    if (rc) {
        watches = w->next;
        free(w->path);
        free(w);
    }
    return rc;
}

int unwatch(const char* path, WatchFn fn, void* arg) {
    for (WatchEntry** p = &watches; *p; p = &(*p)->next) {
        WatchEntry* w = *p;
        if (w->fn == fn && w->arg == arg && strcmp(w->path, path) == 0) {
            proto::Buf b;
            b.append_strz(path);
            b.append_strz(w->token);
            *p = w->next;
            const int rc = request(XS_UNWATCH, b.data(), b.size(), 0, nullptr);
            free(w->path);
            free(w);
            return rc;
        }
    }
    return -XEN_ENOENT;
}

namespace {
struct StateWait {
    Event changed;
};
void state_changed(const char*, void* arg) {
    static_cast<StateWait*>(arg)->changed.signal();
}
} // namespace

int wait_for_state(const char* path, int min, int max, uint64_t timeout) {
    StateWait sw;
    const uint64_t deadline = now_ns() + timeout;
    const int wrc = watch(path, state_changed, &sw);
    int result = -XEN_ETIMEDOUT;
    for (;;) {
        uint64_t v;
        if (read_uint(path, &v) == 0 && int(v) >= min && int(v) <= max) {
            result = int(v);
            break;
        }
        if (wrc != 0) { // no watch: poll
            if (now_ns() >= deadline) break;
            sleep_ms(10);
        } else if (!sw.changed.wait_until(deadline)) {
            break;
        }
    }
    if (wrc == 0) unwatch(path, state_changed, &sw);
    return result;
}

int switch_state(const char* dir, XenbusState state) {
    proto::Buf p;
    p.append_str(dir);
    p.append_str("/state");
    return printf(0, p.c_str(), "%d", int(state));
}

} // namespace minios::xenbus
