// The PV console ring (io/console.h) of domUs, served by the hypervisor itself: the ring
// page lives in the domain's magic region, its event channel's other end is the
// hypervisor. Output lines appear as "(d<N>) ...".
#pragma once

#include "types.h"

namespace hyp {
struct Domain;
}

namespace hyp::pv_console {

// Allocates the ring page and the event channel, and publishes them in the domain's
// HVM_PARAM_CONSOLE_PFN / HVM_PARAM_CONSOLE_EVTCHN.
Status setup(Domain* d);
// The guest notified us: drain its output ring.
void notify(Domain* d);

} // namespace hyp::pv_console
