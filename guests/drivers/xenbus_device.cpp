#include "xenbus_device.h"

namespace drivers {

using namespace minios;

void signal_event(evtchn_port_t, void* event) {
    static_cast<Event*>(event)->signal();
}

const char* parse_mac(const char* s, uint8_t mac[6]) {
    for (int i = 0; i < 6; ++i) {
        unsigned v = 0;
        for (int k = 0; k < 2; ++k, ++s) {
            const char c = *s;
            const int d = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
            if (d < 0) return nullptr;
            v = v * 16 + unsigned(d);
        }
        mac[i] = static_cast<uint8_t>(v);
        if (i < 5 && *s++ != ':') return nullptr;
    }
    return s;
}

int find_backend(const char* node, char* dir, size_t dir_size, char* be_dir, size_t be_dir_size,
                 domid_t* be, uint64_t deadline) {
    bare_snprintf(dir, dir_size, "%s", node);
    // The toolstack writes our device directory; it may not be there yet.
    proto::Buf v;
    while (xs_read(dir, "backend", v) != 0) {
        if (now_ns() > deadline) return -XEN_ETIMEDOUT;
        sleep_ms(5);
    }
    bare_snprintf(be_dir, be_dir_size, "%s", v.c_str());
    uint64_t id = 0;
    if (xs_read_uint(dir, "backend-id", &id) != 0) return -XEN_ENOENT;
    *be = static_cast<domid_t>(id);
    return 0;
}

int wait_for_backend_init(const char* be_dir, char (&be_state_path)[128], uint64_t deadline) {
    bare_snprintf(be_state_path, sizeof be_state_path, "%s/state", be_dir);
    return xenbus::wait_for_state(be_state_path, XenbusStateInitWait, XenbusStateConnected,
                                  deadline - now_ns());
}

int finish_connect(const char* dir, const char* be_state_path, uint64_t deadline) {
    const int st = xenbus::wait_for_state(be_state_path, XenbusStateConnected, XenbusStateClosed,
                                          deadline > now_ns() ? deadline - now_ns() : 1);
    if (st < 0) return st;
    if (st != XenbusStateConnected) return -XEN_ENOTCONN;
    return xenbus::switch_state(dir, XenbusStateConnected);
}

void for_each_backend_device(const char* type_dir, void (*add)(domid_t, uint32_t)) {
    proto::Buf fes;
    if (xenbus::directory(type_dir, fes) != 0) return;
    for (size_t i = 0; i < fes.size(); i += strlen(fes.data() + i) + 1) {
        uint64_t fe;
        if (!proto::parse_uint(fes.data() + i, &fe) || fe >= DOMID_FIRST_RESERVED) continue;
        char dir[48];
        bare_snprintf(dir, sizeof dir, "%s/%lu", type_dir, fe);
        proto::Buf devs;
        if (xenbus::directory(dir, devs) != 0) continue;
        for (size_t j = 0; j < devs.size(); j += strlen(devs.data() + j) + 1) {
            uint64_t devid;
            if (proto::parse_uint(devs.data() + j, &devid) && devid <= 0xffffffffu)
                add(static_cast<domid_t>(fe), static_cast<uint32_t>(devid));
        }
    }
}

int close_handshake(const char* dir, const char* be_dir, uint64_t timeout_ns) {
    xenbus::switch_state(dir, XenbusStateClosing);
    char path[128];
    bare_snprintf(path, sizeof path, "%s/state", be_dir);
    const int st = xenbus::wait_for_state(path, XenbusStateClosing, XenbusStateClosed, timeout_ns);
    xenbus::switch_state(dir, XenbusStateClosed);
    return st;
}

bool backend_find_frontend(BackendDevice& d, domid_t self, const char* type) {
    bare_snprintf(d.be_dir, sizeof d.be_dir, "/local/domain/%u/backend/%s/%u/%u", self, type, d.fe,
                  d.devid);
    proto::Buf v;
    if (xs_read(d.be_dir, "frontend", v) != 0 || v.size() >= sizeof d.fe_dir) return false;
    bare_snprintf(d.fe_dir, sizeof d.fe_dir, "%s", v.c_str());
    return true;
}

FrontendStep frontend_step(const char* fe_state_path, bool connected, bool closed) {
    uint64_t st = XenbusStateUnknown;
    if (xenbus::read_uint(fe_state_path, &st) != 0)
        st = XenbusStateClosed; // the frontend's directory went away
    switch (st) {
    case XenbusStateInitialised:
    case XenbusStateConnected:
        return !connected && !closed ? FrontendStep::Connect : FrontendStep::None;
    case XenbusStateClosing:
    case XenbusStateClosed:
        return !closed ? FrontendStep::Close : FrontendStep::None;
    default:
        return FrontendStep::None;
    }
}

} // namespace drivers
