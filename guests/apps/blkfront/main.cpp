// The block frontend's check: connect to our vbd, checksum the whole disk as the backend
// hands it to us, write a pattern over all of it, read it back and compare, checksum again.
// Optionally ("bad") send requests a backend must refuse and check it keeps serving, and
// ("badring=DEVID") offer a second device a ring reference we never granted, and
// ("noring=DEVID") a third none at all.
//
//   vbd=DEVID [bad] [badring=DEVID] [noring=DEVID]
#include "../../drivers/blkfront.h"

#include <minios/args.h>
#include <minios/minios.h>
#include <minios/xen.h>

using namespace minios;

namespace {

uint64_t fnv1a(uint64_t h, const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ULL;

// What tools/make_disk.py puts in the image, and the pattern we write.
uint8_t initial_byte(uint64_t s, unsigned j) {
    return uint8_t((s * 131 + j * 7 + 0x5a) & 0xff);
}
uint8_t pattern_byte(uint64_t s, unsigned j) {
    return uint8_t(((s * 17 + j * 3 + 0xc3) ^ (s >> 8)) & 0xff);
}

constexpr uint64_t kChunk = 88; // sectors per read/write call (one full request)

// Checksums the disk; *matches tells whether every byte equals expect(s, j).
template <class Expect>
int checksum(drivers::Blkfront& f, uint8_t* buf, uint64_t* sum, bool* matches, Expect expect) {
    uint64_t h = kFnvBasis;
    *matches = true;
    for (uint64_t s = 0; s < f.sectors(); s += kChunk) {
        const uint64_t n = f.sectors() - s < kChunk ? f.sectors() - s : kChunk;
        if (const int rc = f.read(s, buf, n)) return rc;
        for (uint64_t k = 0; k < n && *matches; ++k)
            for (unsigned j = 0; j < 512; ++j)
                if (buf[k * 512 + j] != expect(s + k, j)) {
                    *matches = false;
                    break;
                }
        h = fnv1a(h, buf, n * 512);
    }
    *sum = h;
    return 0;
}

bool bad_requests(drivers::Blkfront& f) {
    struct Case {
        const char* what;
        blkif_request r;
        int16_t want;
    };
    auto req = [&](uint8_t op, uint64_t sector, uint8_t nseg, uint32_t gref, uint8_t first,
                   uint8_t last) {
        blkif_request r{};
        r.operation = op;
        r.sector_number = sector;
        r.nr_segments = nseg;
        r.seg[0] = {gref, first, last};
        return r;
    };
    const grant_ref_t g = f.data_ref(0);
    const Case cases[] = {
        {"sector out of range", req(BLKIF_OP_READ, f.sectors(), 1, g, 0, 0), BLKIF_RSP_ERROR},
        {"ends past the disk", req(BLKIF_OP_WRITE, f.sectors() - 1, 1, g, 0, 7), BLKIF_RSP_ERROR},
        {"ungranted reference", req(BLKIF_OP_READ, 0, 1, xen::grant_entries() - 3, 0, 7),
         BLKIF_RSP_ERROR},
        {"first_sect > last_sect", req(BLKIF_OP_READ, 0, 1, g, 5, 2), BLKIF_RSP_ERROR},
        {"no segments", req(BLKIF_OP_READ, 0, 0, g, 0, 0), BLKIF_RSP_ERROR},
        {"twelve segments", req(BLKIF_OP_READ, 0, 12, g, 0, 0), BLKIF_RSP_ERROR},
        {"flush (not offered)", req(BLKIF_OP_FLUSH_DISKCACHE, 0, 1, g, 0, 0), BLKIF_RSP_EOPNOTSUPP},
    };
    bool ok = true;
    for (const Case& c : cases) {
        int16_t st = 0;
        const int rc = f.raw(c.r, &st);
        const bool good = rc == 0 && st == c.want;
        printf("blkfront: bad request (%s): %s%s\n", c.what,
               rc ? "no answer"
                  : (st == BLKIF_RSP_ERROR        ? "error response"
                     : st == BLKIF_RSP_EOPNOTSUPP ? "not-supported response"
                                                  : "accepted"),
               good ? "" : " FAILED");
        ok &= good;
    }
    return ok;
}

} // namespace

extern "C" int app_main(const BootInfo& info) {
    const uint64_t devid = args::get_uint(info.bootargs, "vbd", 51712);
    if (!xenbus::wait_ready(20000000000ull)) {
        printf("blkfront: no xenstore\n");
        return 1;
    }
    char node[48];
    bare_snprintf(node, sizeof node, "device/vbd/%lu", devid);
    drivers::Blkfront f;
    if (const int rc = f.connect(node, 30000000000ull)) {
        printf("blkfront: vbd %lu: cannot connect: %d%s\n", devid, rc,
               rc == -XEN_ETIMEDOUT ? " (timeout)" : "");
        return 1;
    }
    printf("blkfront: vbd %lu: %lu sectors (%lu KiB) from domain %u\n", devid, f.sectors(),
           f.sectors() / 2, f.backend_id());
    auto* buf = static_cast<uint8_t*>(minios::malloc(kChunk * 512));
    int failures = 0;
    uint64_t sum;
    bool same;
    if (checksum(f, buf, &sum, &same, initial_byte) != 0) {
        printf("blkfront: reading the disk FAILED\n");
        return 1;
    }
    printf("blkfront: disk checksum before: %016lx (%s)\n", sum,
           same ? "the image as built" : "NOT the image as built");
    failures += !same;
    // The pattern over the whole disk, then read back.
    const uint64_t t_write = now_ns();
    for (uint64_t s = 0; s < f.sectors(); s += kChunk) {
        const uint64_t n = f.sectors() - s < kChunk ? f.sectors() - s : kChunk;
        for (uint64_t k = 0; k < n; ++k)
            for (unsigned j = 0; j < 512; ++j)
                buf[k * 512 + j] = pattern_byte(s + k, j);
        if (f.write(s, buf, n) != 0) {
            printf("blkfront: writing sector %lu FAILED\n", s);
            return 1;
        }
    }
    const uint64_t t_read = now_ns();
    if (checksum(f, buf, &sum, &same, pattern_byte) != 0) {
        printf("blkfront: reading back FAILED\n");
        return 1;
    }
    const uint64_t t_done = now_ns();
    const uint64_t kib = f.sectors() / 2;
    printf("blkfront: wrote %lu KiB in %lu us, read and checked it in %lu us\n", kib,
           (t_read - t_write) / 1000, (t_done - t_read) / 1000);
    printf("blkfront: wrote and read back %lu sectors: %s\n", f.sectors(),
           same ? "all match" : "MISMATCH FAILED");
    printf("blkfront: disk checksum after: %016lx\n", sum);
    failures += !same;
    if (args::flag(info.bootargs, "bad")) {
        const bool ok = bad_requests(f);
        // The backend must still serve good requests.
        const bool alive = f.read(0, buf, 1) == 0 && buf[0] == pattern_byte(0, 0);
        printf("blkfront: backend %s after bad requests\n", alive ? "still serving" : "LOST");
        failures += !ok + !alive;
    }
    const uint64_t bad_dev = args::get_uint(info.bootargs, "badring", 0);
    if (bad_dev) {
        char node2[48];
        bare_snprintf(node2, sizeof node2, "device/vbd/%lu", bad_dev);
        drivers::Blkfront g;
        const int rc = g.connect(node2, 3000000000ull, xen::grant_entries() - 2);
        printf("blkfront: vbd %lu with an ungranted ring: %s\n", bad_dev,
               rc == -XEN_ENOTCONN ? "refused by the backend"
               : rc == 0           ? "ACCEPTED FAILED"
                                   : "no answer (timeout)");
        failures += rc != -XEN_ENOTCONN;
        const bool alive = f.read(1, buf, 1) == 0 && buf[0] == pattern_byte(1, 0);
        printf("blkfront: vbd %lu %s\n", devid, alive ? "still works" : "BROKEN FAILED");
        failures += !alive;
    }
    const uint64_t noring_dev = args::get_uint(info.bootargs, "noring", 0);
    if (noring_dev) {
        char node3[48];
        bare_snprintf(node3, sizeof node3, "device/vbd/%lu", noring_dev);
        drivers::Blkfront h;
        const int rc = h.connect(node3, 3000000000ull, drivers::Blkfront::kOmitRingRef);
        printf("blkfront: vbd %lu without a ring-ref: %s\n", noring_dev,
               rc == -XEN_ENOTCONN ? "refused by the backend"
               : rc == 0           ? "ACCEPTED FAILED"
                                   : "no answer (timeout)");
        failures += rc != -XEN_ENOTCONN;
    }
    f.disconnect(2000000000ull);
    printf("blkfront: %lu requests, %s\n", f.requests, failures ? "FAILED" : "done");
    return failures ? 1 : 0;
}
