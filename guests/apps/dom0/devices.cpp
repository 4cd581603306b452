#include "devices.h"

namespace dom0 {
namespace {

using namespace minios;

// "n<owner>\0r<reader>\0\0"
void perms(char* out, size_t n, domid_t owner, domid_t reader) {
    const int k = bare_snprintf(out, n, "n%u", owner);
    const int m = bare_snprintf(out + k + 1, n - k - 1, "r%u", reader);
    out[k + 1 + m + 1] = 0;
}

int put(uint32_t tx, const char* dir, const char* key, const char* value) {
    char p[192];
    bare_snprintf(p, sizeof p, "%s/%s", dir, key);
    return xenbus::write(p, value, tx);
}

int putu(uint32_t tx, const char* dir, const char* key, uint64_t v) {
    char s[24];
    bare_snprintf(s, sizeof s, "%lu", v);
    return put(tx, dir, key, s);
}

struct Dirs {
    char be[128], fe[128];
};

Dirs dirs(const char* type, domid_t fe, uint32_t devid, domid_t be) {
    Dirs d;
    bare_snprintf(d.be, sizeof d.be, "/local/domain/%u/backend/%s/%u/%u", be, type, fe, devid);
    bare_snprintf(d.fe, sizeof d.fe, "/local/domain/%u/device/%s/%u", fe, type, devid);
    return d;
}

// Both directories, with their keys, in one transaction (retried on EAGAIN).
template <class F>
int in_transaction(F body) {
    for (int attempt = 0;; ++attempt) {
        uint32_t tx;
        int rc = xenbus::transaction_start(&tx);
        if (rc) return rc;
        rc = body(tx);
        const int end = xenbus::transaction_end(tx, rc == 0);
        if (rc) return rc;
        if (end != -XEN_EAGAIN || attempt == 8) return end;
    }
}

int common(uint32_t tx, const Dirs& d, domid_t fe, uint32_t devid, domid_t be) {
    char p[32];
    int rc = xenbus::write(d.be, "", tx);
    perms(p, sizeof p, be, fe);
    rc = rc ? rc : xenbus::set_perms(d.be, p, tx);
    rc = rc ? rc : xenbus::write(d.fe, "", tx);
    perms(p, sizeof p, fe, be);
    rc = rc ? rc : xenbus::set_perms(d.fe, p, tx);
    rc = rc ? rc : put(tx, d.be, "frontend", d.fe);
    rc = rc ? rc : putu(tx, d.be, "frontend-id", fe);
    rc = rc ? rc : put(tx, d.be, "online", "1");
    rc = rc ? rc : putu(tx, d.be, "state", XenbusStateInitialising);
    rc = rc ? rc : put(tx, d.fe, "backend", d.be);
    rc = rc ? rc : putu(tx, d.fe, "backend-id", be);
    rc = rc ? rc : putu(tx, d.fe, "state", XenbusStateInitialising);
    rc = rc ? rc : putu(tx, d.fe, "handle", devid);
    return rc;
}

} // namespace

int vbd_add(domid_t fe, uint32_t devid, domid_t be, const char* params, bool readonly) {
    const Dirs d = dirs("vbd", fe, devid, be);
    const int rc = in_transaction([&](uint32_t tx) {
        int r = common(tx, d, fe, devid, be);
        r = r ? r : put(tx, d.be, "params", params);
        r = r ? r : put(tx, d.be, "mode", readonly ? "r" : "w");
        r = r ? r : put(tx, d.be, "type", "phy");
        r = r ? r : put(tx, d.be, "device-type", "disk");
        r = r ? r : putu(tx, d.fe, "virtual-device", devid);
        r = r ? r : put(tx, d.fe, "device-type", "disk");
        return r;
    });
    printf("dom0: vbd %u for domain %u served by domain %u (%s)%s\n", devid, fe, be, params,
           rc ? " FAILED" : "");
    return rc;
}

int vif_add(domid_t fe, uint32_t devid, domid_t be, const char* mac) {
    const Dirs d = dirs("vif", fe, devid, be);
    const int rc = in_transaction([&](uint32_t tx) {
        int r = common(tx, d, fe, devid, be);
        r = r ? r : put(tx, d.be, "mac", mac);
        r = r ? r : putu(tx, d.be, "handle", devid);
        r = r ? r : put(tx, d.be, "bridge", "xenbr0");
        r = r ? r : put(tx, d.fe, "mac", mac);
        return r;
    });
    printf("dom0: vif %u (%s) for domain %u on domain %u's bridge%s\n", devid, mac, fe, be,
           rc ? " FAILED" : "");
    return rc;
}

int device_remove(const char* type, domid_t fe, uint32_t devid, domid_t be) {
    const Dirs d = dirs(type, fe, devid, be);
    const int a = xenbus::rm(d.fe);
    const int b = xenbus::rm(d.be);
    return a ? a : b;
}

} // namespace dom0
