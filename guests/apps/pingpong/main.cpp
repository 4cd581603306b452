// Ping-pong between two domUs over an interdomain event channel.
//
//   role=ping peer=<domid> [count=N] [timeout_ms=T (5000)]
//   role=pong peer=<domid>
//
// The ping side grants the pong side one page (sequence numbers, so spurious events are
// harmless), allocates an unbound port for it, and publishes both in xenstore under its
// home (readable by the peer). Each round trip: ping writes a sequence number and notifies;
// pong copies it back and notifies. A peer that stops answering is reported after the
// timeout; the app then ends cleanly.
#include <minios/arch.h>
#include <minios/args.h>
#include <minios/minios.h>
#include <minios/xen.h>

using namespace minios;

namespace {

constexpr uint32_t kHello = 0xfffffffe; // pong is connected
constexpr uint32_t kDone = 0xffffffff;  // ping is finished

struct Page {
    uint32_t ping_seq;
    uint32_t pong_seq;
};

Event wake;
void on_event(evtchn_port_t, void*) {
    wake.signal();
}

uint32_t load(const uint32_t& v) {
    const uint32_t x = proto::read_once(v);
    arch::rmb();
    return x;
}
void store(uint32_t& v, uint32_t x) {
    arch::wmb();
    proto::write_once(v, x);
}

// Waits until cond() holds, waking on events; false on timeout.
template <class F>
bool wait_until(F cond, uint64_t deadline) {
    while (!cond())
        if (!wake.wait_until(deadline) && !cond()) return false;
    return true;
}

int ping(domid_t self, domid_t peer, uint64_t count, uint64_t timeout_ns) {
    const paddr_t pa = alloc_pages(1);
    auto* page = static_cast<Page*>(phys_to_virt(pa));
    const int gref = xen::grant_access(peer, pa >> kPageShift, false);
    evtchn_port_t port;
    const int arc = gref < 0 ? 0 : xen::alloc_unbound(peer, &port);
    if (gref < 0 || arc != 0) {
        printf("pingpong: ping: cannot grant a page (%d) or allocate a port (%d)\n", gref, arc);
        return 1;
    }
    xen::bind_handler(port, on_event, nullptr);
    // data/pingpong: ours, readable by the peer; the children inherit that.
    char perms[32];
    const int n = bare_snprintf(perms, sizeof perms, "n%u", self);
    bare_snprintf(perms + n + 1, sizeof perms - n - 1, "r%u", peer);
    perms[n + 1 + strlen(perms + n + 1) + 1] = 0;
    if (xenbus::mkdir("data/pingpong") != 0 || xenbus::set_perms("data/pingpong", perms) != 0 ||
        xenbus::printf(0, "data/pingpong/gref", "%d", gref) != 0 ||
        xenbus::printf(0, "data/pingpong/port", "%u", port) != 0 ||
        xenbus::write("data/pingpong/ready", "1") != 0) {
        printf("pingpong: ping: cannot publish in xenstore\n");
        return 1;
    }
    printf("pingpong: ping: waiting for domain %u\n", peer);
    if (!wait_until([&] { return load(page->pong_seq) == kHello; }, now_ns() + 10 * timeout_ns)) {
        printf("pingpong: ping: domain %u never connected (timeout)\n", peer);
        return 1;
    }
    const uint64_t t0 = now_ns();
    uint64_t done = 0;
    for (uint32_t seq = 1; seq <= count; ++seq) {
        store(page->ping_seq, seq);
        xen::notify(port);
        if (!wait_until([&] { return load(page->pong_seq) == seq; }, now_ns() + timeout_ns)) {
            printf("pingpong: ping: domain %u did not answer round trip %u within %lu ms "
                   "(timeout)\n",
                   peer, seq, timeout_ns / 1000000);
            break;
        }
        ++done;
    }
    const uint64_t dt = now_ns() - t0;
    store(page->ping_seq, kDone);
    xen::notify(port);
    if (done) {
        const uint64_t per_s = dt ? done * 1000000000ull / dt : 0;
        printf("pingpong: ping: %lu round trips in %lu us: %lu per second, %lu ns each\n", done,
               dt / 1000, per_s, dt / done);
    }
    // The grant goes back once the peer unmapped it.
    const uint64_t deadline = now_ns() + timeout_ns;
    while (!xen::end_access(static_cast<grant_ref_t>(gref)) && now_ns() < deadline)
        sleep_ms(1);
    xen::close_port(port);
    xenbus::rm("data/pingpong");
    if (done == count) {
        printf("pingpong: ping: all %lu round trips ok\n", count);
        return 0;
    }
    return 1;
}

int pong(domid_t peer, uint64_t timeout_ns) {
    char dir[64], key[96];
    bare_snprintf(dir, sizeof dir, "/local/domain/%u/data/pingpong", peer);
    bare_snprintf(key, sizeof key, "%s/ready", dir);
    // Wait for the ping side to publish (it may boot after us).
    const uint64_t deadline = now_ns() + 10 * timeout_ns;
    proto::Buf v;
    while (xenbus::read(key, v) != 0) {
        if (now_ns() > deadline) {
            printf("pingpong: pong: domain %u never published its channel (timeout)\n", peer);
            return 1;
        }
        sleep_ms(5);
    }
    uint64_t gref = 0, rport = 0;
    bare_snprintf(key, sizeof key, "%s/gref", dir);
    const int r1 = xenbus::read_uint(key, &gref);
    bare_snprintf(key, sizeof key, "%s/port", dir);
    const int r2 = xenbus::read_uint(key, &rport);
    if (r1 || r2) {
        printf("pingpong: pong: cannot read the channel details\n");
        return 1;
    }
    void* addr;
    grant_handle_t handle;
    const int16_t st = xen::map_grant(peer, static_cast<grant_ref_t>(gref), false, &addr, &handle);
    if (st != GNTST_okay) {
        printf("pingpong: pong: cannot map grant %lu of domain %u: status %d\n", gref, peer, st);
        return 1;
    }
    auto* page = static_cast<Page*>(addr);
    evtchn_port_t port;
    if (xen::bind_interdomain(peer, static_cast<evtchn_port_t>(rport), on_event, nullptr, &port) !=
        0) {
        printf("pingpong: pong: cannot bind to port %lu of domain %u\n", rport, peer);
        return 1;
    }
    store(page->pong_seq, kHello);
    xen::notify(port);
    uint64_t answered = 0;
    int rc = 0;
    for (;;) {
        const uint32_t seq = load(page->ping_seq);
        if (seq == kDone) break;
        if (seq != 0 && seq != load(page->pong_seq)) {
            store(page->pong_seq, seq);
            xen::notify(port);
            ++answered;
            continue;
        }
        const uint64_t t0 = now_ns();
        if (!wake.wait_until(t0 + 10 * timeout_ns)) {
            printf("pingpong: pong: domain %u went quiet after %lu ms (timeout)\n", peer,
                   (now_ns() - t0) / 1000000);
            rc = 1;
            break;
        }
    }
    printf("pingpong: pong: answered %lu pings\n", answered);
    xen::unmap_grant(addr, handle);
    xen::close_port(port);
    return rc;
}

} // namespace

extern "C" int app_main(const BootInfo& info) {
    char role[8] = "";
    args::get(info.bootargs, "role", role, sizeof role);
    const uint64_t peer = args::get_uint(info.bootargs, "peer", ~0ull);
    const uint64_t count = args::get_uint(info.bootargs, "count", 1000);
    const uint64_t timeout_ns = args::get_uint(info.bootargs, "timeout_ms", 5000) * 1000000;
    if (!info.xen || peer >= DOMID_FIRST_RESERVED ||
        (strcmp(role, "ping") != 0 && strcmp(role, "pong") != 0)) {
        printf("pingpong: usage: role=ping|pong peer=DOMID [count=N] [timeout_ms=T (5000)] (on "
               "Xen)\n");
        return 1;
    }
    if (!xenbus::wait_ready(20000000000ull)) {
        printf("pingpong: no xenstore\n");
        return 1;
    }
    uint64_t self = 0;
    if (xenbus::read_uint("domid", &self) != 0) {
        printf("pingpong: cannot read our domain id\n");
        return 1;
    }
    printf("pingpong: domain %lu is %s, peer %lu\n", self, role, peer);
    return role[1] == 'i'
               ? ping(static_cast<domid_t>(self), static_cast<domid_t>(peer), count, timeout_ns)
               : pong(static_cast<domid_t>(peer), timeout_ns);
}
