// The xenbus plumbing both halves of every split driver repeat: finding the other end's
// directory, publishing keys in one transaction, the state handshake, and (for backends)
// discovering devices under backend/<type>. The device-specific parts (rings, grants,
// what the keys say) stay in each driver.
#pragma once

#include "xsutil.h"

namespace drivers {

// An event-channel handler whose argument is the Event to signal.
void signal_event(evtchn_port_t, void* event);

// "aa:bb:cc:dd:ee:ff" (either case) -> mac; returns where parsing stopped (just past the
// sixth byte), or nullptr when the text does not start with a MAC address.
const char* parse_mac(const char* s, uint8_t mac[6]);

// ---- frontends

// Copies the device node to dir, then waits (until deadline, in now_ns() time) for the
// toolstack to write its "backend" key; fills be_dir and the backend's domain id.
int find_backend(const char* node, char* dir, size_t dir_size, char* be_dir, size_t be_dir_size,
                 domid_t* be, uint64_t deadline);

// Names the backend's state key (be_dir/state) in be_state_path and waits (until deadline)
// for the backend to reach InitWait (or be Connected already). Returns its state or -errno.
int wait_for_backend_init(const char* be_dir, char (&be_state_path)[128], uint64_t deadline);

// Runs write(tx) in a xenstore transaction, again while the commit says EAGAIN (at most
// nine tries): a frontend publishes its ring keys and its state together.
template <typename Write>
int publish(Write&& write) {
    int rc;
    for (int attempt = 0;; ++attempt) {
        uint32_t tx;
        if ((rc = minios::xenbus::transaction_start(&tx)) != 0) return rc;
        write(tx);
        rc = minios::xenbus::transaction_end(tx, true);
        if (rc != -XEN_EAGAIN || attempt == 8) break;
    }
    return rc;
}

// After publishing: waits for the backend (its state key at be_state_path) to connect,
// then switches our own state in dir to Connected.
int finish_connect(const char* dir, const char* be_state_path, uint64_t deadline);

// Closing: switches our state to Closing, waits (up to timeout_ns) for the backend at
// be_dir to follow, then switches to Closed. Returns the backend's state or -errno.
int close_handshake(const char* dir, const char* be_dir, uint64_t timeout_ns);

// ---- backends

// What a backend does when the frontend's state key (at fe_state_path) changes: connect
// once it is Initialised or Connected, close once it is Closing or Closed or gone.
enum class FrontendStep { None, Connect, Close };
FrontendStep frontend_step(const char* fe_state_path, bool connected, bool closed);

// The xenbus side of one backend device: where it lives in xenstore and how far the
// handshake with its frontend got. Each driver's device state derives from it.
struct BackendDevice {
    bool used;
    domid_t fe;
    uint32_t devid;
    char be_dir[96];
    char fe_dir[96];
    char fe_state_path[112];
    bool connected, closed;
    evtchn_port_t port;
    bool work;        // the service thread has something to look at
    unsigned reports; // bad requests reported so far (reports are capped)
};

// Calls add(frontend domid, devid) for every backend/<type>/<fe>/<devid> in our xenstore
// directory (type_dir is "backend/vbd", "backend/vif", ...).
void for_each_backend_device(const char* type_dir, void (*add)(domid_t, uint32_t));

// The slot for a new device (fe, devid) in devs, reset, or nullptr when the device is
// already there (*full = false) or no slot is free (*full = true).
template <typename Dev, size_t N>
Dev* new_backend_device(Dev (&devs)[N], domid_t fe, uint32_t devid, bool* full) {
    Dev* d = nullptr;
    *full = false;
    for (Dev& x : devs) {
        if (x.used && x.fe == fe && x.devid == devid) return nullptr;
        if (!x.used && !d) d = &x;
    }
    *full = d == nullptr;
    if (d) {
        *d = Dev{};
        d->fe = fe;
        d->devid = devid;
    }
    return d;
}

// Names the device's directory (/local/domain/<self>/backend/<type>/<fe>/<devid>) and reads
// the frontend's from it; false while the toolstack has not written it (or it is too long).
bool backend_find_frontend(BackendDevice& d, domid_t self, const char* type);

// Announces InitWait and watches the frontend's state key: changed(path, &d) runs on every
// change (the driver then calls backend_frontend_changed).
template <typename Dev>
void backend_wait_for_frontend(Dev& d, minios::xenbus::WatchFn changed) {
    minios::xenbus::switch_state(d.be_dir, XenbusStateInitWait);
    bare_snprintf(d.fe_state_path, sizeof d.fe_state_path, "%s/state", d.fe_dir);
    minios::xenbus::watch(d.fe_state_path, changed, &d);
}

// The frontend's state changed: connect(d) once it is Initialised or Connected; once it
// is Closing or Closed (or gone), disconnect(d) and close our end. `name` starts the log
// line ("blkback: vbd").
template <typename Dev>
void backend_frontend_changed(Dev& d, void (*connect)(Dev&), void (*disconnect)(Dev&),
                              const char* name) {
    switch (frontend_step(d.fe_state_path, d.connected, d.closed)) {
    case FrontendStep::Connect:
        connect(d);
        break;
    case FrontendStep::Close:
        disconnect(d);
        minios::xenbus::switch_state(d.be_dir, XenbusStateClosing);
        minios::xenbus::switch_state(d.be_dir, XenbusStateClosed);
        d.closed = true;
        minios::printf("%s %u/%u closed by the frontend\n", name, d.fe, d.devid);
        break;
    case FrontendStep::None:
        break;
    }
}

// The frontend cannot be talked to: say so in xenstore (as xenbus_dev_fatal does),
// disconnect(d) and start closing.
template <typename Dev>
void backend_fatal(Dev& d, void (*disconnect)(Dev&), const char* name, const char* what) {
    minios::printf("%s %u/%u: %s; closing the device\n", name, d.fe, d.devid, what);
    xs_write(d.be_dir, "error", what);
    disconnect(d);
    minios::xenbus::switch_state(d.be_dir, XenbusStateClosing);
}

} // namespace drivers
