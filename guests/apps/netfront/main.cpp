// Two domUs exchange Ethernet frames through the backend's bridge. Side a sends frame i
// (its length and bytes derived from i) to side b's MAC and waits for b's answer i,
// resending when it does not come; b answers every frame in order. Both print what they
// sent and received and an FNV-1a checksum of the payloads they received.
//
//   role=a|b peer_mac=XX:XX:XX:XX:XX:XX [count=N] [bad]
#include "../../drivers/netfront.h"
#include "../../drivers/xenbus_device.h"

#include <minios/args.h>
#include <minios/minios.h>
#include <minios/xen.h>

using namespace minios;

namespace {

constexpr uint16_t kEtherType = 0x88b5; // IEEE local experimental
constexpr uint32_t kBye = 0xffffffff;

uint16_t frame_len(uint32_t seq) {
    return static_cast<uint16_t>(64 + (seq * 37) % 1400);
}

// dst, src, type, then seq (LE), the sender's role, and a pattern.
uint16_t build(uint8_t* f, const uint8_t* dst, const uint8_t* src, uint32_t seq, char role) {
    const uint16_t len = seq == kBye ? 64 : frame_len(seq);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = kEtherType >> 8;
    f[13] = kEtherType & 0xff;
    for (int k = 0; k < 4; ++k)
        f[14 + k] = uint8_t(seq >> (8 * k));
    f[18] = uint8_t(role);
    for (uint16_t k = 19; k < len; ++k)
        f[k] = uint8_t((seq * 7 + k * 13 + uint8_t(role)) & 0xff);
    return len;
}

uint32_t seq_of(const uint8_t* f) {
    return uint32_t(f[14]) | uint32_t(f[15]) << 8 | uint32_t(f[16]) << 16 | uint32_t(f[17]) << 24;
}

uint64_t fnv1a(uint64_t h, const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

bool bad_requests(drivers::Netfront& n) {
    struct Case {
        const char* what;
        netif_tx_request r;
    };
    const grant_ref_t g = n.tx_ref(0);
    const Case cases[] = {
        {"buffer crossing its page", {g, 4000, 0, 0, 200}},
        {"shorter than an Ethernet header", {g, 0, 0, 0, 10}},
        {"ungranted buffer", {xen::grant_entries() - 4, 0, 0, 0, 64}},
    };
    bool ok = true;
    for (const Case& c : cases) {
        int16_t st = 0;
        const int rc = n.raw_tx(c.r, &st, 2000000000ull);
        const bool good = rc == 0 && st == NETIF_RSP_ERROR;
        printf("netfront: bad transmit (%s): %s\n", c.what,
               rc     ? "no answer FAILED"
               : good ? "error response"
                      : "accepted FAILED");
        ok &= good;
    }
    return ok;
}

// Sends frame `seq` to the peer and waits for its answer, resending every 200 ms: the
// bridge drops a frame whose destination has no receive buffer posted, as a switch may.
// Answers that are not the awaited one (late duplicates of frames resent earlier) are
// skipped. Returns the number of sends it took, or 0 when no answer came in `attempts`.
// `rx_sum` (when given) takes in the answer's payload.
int exchange(drivers::Netfront& n, uint8_t* out, uint8_t* in, const uint8_t* peer,
             const uint8_t* me, uint32_t seq, int attempts, uint64_t* rx_sum) {
    const uint16_t len = build(out, peer, me, seq, 'a');
    for (int attempt = 1; attempt <= attempts; ++attempt) {
        n.send(out, len);
        const uint64_t deadline = now_ns() + 200000000ull;
        for (;;) {
            const int r = n.receive(in, 4096, deadline);
            if (r < 0) break;
            if (r >= 19 && seq_of(in) == seq && in[18] == 'b') {
                if (rx_sum) *rx_sum = fnv1a(*rx_sum, in + 14, uint32_t(r) - 14);
                return attempt;
            }
        }
    }
    return 0;
}

} // namespace

extern "C" int app_main(const BootInfo& info) {
    char role[4] = "", peer_s[24] = "";
    args::get(info.bootargs, "role", role, sizeof role);
    args::get(info.bootargs, "peer_mac", peer_s, sizeof peer_s);
    const uint64_t count = args::get_uint(info.bootargs, "count", 100);
    uint8_t peer[6];
    if ((role[0] != 'a' && role[0] != 'b') || !drivers::parse_mac(peer_s, peer)) {
        printf("netfront: usage: role=a|b peer_mac=MAC [count=N] [bad]\n");
        return 1;
    }
    if (!xenbus::wait_ready(20000000000ull)) {
        printf("netfront: no xenstore\n");
        return 1;
    }
    drivers::Netfront n;
    if (const int rc = n.connect("device/vif/0", 30000000000ull)) {
        printf("netfront: cannot connect vif 0: %d%s\n", rc,
               rc == -XEN_ETIMEDOUT ? " (timeout)" : "");
        return 1;
    }
    const uint8_t* me = n.mac();
    printf("netfront: %c: vif 0 up, mac %02x:%02x:%02x:%02x:%02x:%02x, backend domain %u\n",
           role[0], me[0], me[1], me[2], me[3], me[4], me[5], n.backend_id());
    auto* out = static_cast<uint8_t*>(minios::malloc(4096));
    auto* in = static_cast<uint8_t*>(minios::malloc(4096));
    uint64_t rx_sum = 0xcbf29ce484222325ULL, resends = 0, got = 0;
    int failures = 0;
    if (role[0] == 'a') {
        // Timed from the first answer on: before it, b may still be connecting.
        uint64_t t0 = 0;
        for (uint32_t seq = 0; seq < count; ++seq) {
            if (seq == 1) t0 = now_ns();
            const int sends = exchange(n, out, in, peer, me, seq, 150, &rx_sum);
            if (!sends) {
                printf("netfront: a: no answer to frame %u (timeout)\n", seq);
                ++failures;
                break;
            }
            resends += uint64_t(sends - 1);
            ++got;
        }
        const uint64_t dt = t0 ? now_ns() - t0 : 0;
        printf("netfront: a: sent %lu frames (%lu resent), received %lu, rx checksum %016lx\n",
               count, resends, got, rx_sum);
        if (got > 1)
            printf("netfront: a: %lu round trips in %lu us after the first (%lu ns each)\n",
                   got - 1, dt / 1000, dt / (got - 1));
        if (args::flag(info.bootargs, "bad")) {
            failures += !bad_requests(n);
            // Frame 0 again (b answers it without counting it): up to 10 sends, 2 s in all.
            const bool alive = exchange(n, out, in, peer, me, 0, 10, nullptr) != 0;
            printf("netfront: a: backend %s\n",
                   alive ? "still forwarding after bad requests" : "LOST FAILED");
            failures += !alive;
        }
        const uint16_t len = build(out, peer, me, kBye, 'a');
        n.send(out, len);
    } else {
        uint32_t expect = 0;
        for (;;) {
            const int r = n.receive(in, 4096, now_ns() + 30000000000ull);
            if (r < 0) {
                printf("netfront: b: side a went quiet (timeout)\n");
                ++failures;
                break;
            }
            if (r < 19 || in[18] != 'a') continue;
            const uint32_t seq = seq_of(in);
            if (seq == kBye) break;
            if (seq == expect) {
                rx_sum = fnv1a(rx_sum, in + 14, uint32_t(r) - 14);
                ++got;
                ++expect;
            } else if (seq > expect) {
                continue; // cannot happen with a waiting for each answer
            }
            // Answer (again, when a resent a frame whose answer it missed).
            n.send(out, build(out, peer, me, seq, 'b'));
        }
        printf("netfront: b: received %lu frames, answered them all, rx checksum %016lx\n", got,
               rx_sum);
    }
    printf("netfront: %c: %lu frames sent, %lu received, %lu receive errors\n", role[0], n.sent,
           n.received, n.rx_errors);
    sleep_ms(50); // let the last frame leave before the rings go away
    n.disconnect(2000000000ull);
    return failures ? 1 : 0;
}
