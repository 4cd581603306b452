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

// ---- backends

// Calls add(frontend domid, devid) for every backend/<type>/<fe>/<devid> in our xenstore
// directory (type_dir is "backend/vbd", "backend/vif", ...).
void for_each_backend_device(const char* type_dir, void (*add)(domid_t, uint32_t));

// Reads be_dir/frontend into fe_dir; false while it is missing (the toolstack has not
// written it yet) or too long.
bool read_frontend_dir(const char* be_dir, char* fe_dir, size_t fe_dir_size);

// What a backend does when the frontend's state key (at fe_state_path) changes: connect
// once it is Initialised or Connected, close once it is Closing or Closed or gone.
enum class FrontendStep { None, Connect, Close };
FrontendStep frontend_step(const char* fe_state_path, bool connected, bool closed);

} // namespace drivers
