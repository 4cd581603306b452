// The network backend driver: the vif devices the toolstack describes under our
// "backend/vif/<frontend-domid>/<devid>" become ports of one bridge (guests/proto), with
// the XenbusState handshake, both rings mapped by grant, and frames moved by grant copy
// from the sender's buffer into the receiver's (rx-copy).
#pragma once

#include <minios/xen.h>

namespace drivers {

bool netback_start();

struct NetbackReport {
    unsigned vifs, connected;
    uint64_t frames, dropped, errors;
};
NetbackReport netback_report();

} // namespace drivers
