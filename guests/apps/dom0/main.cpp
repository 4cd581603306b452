// dom0: the xenstore service, then whatever its boot arguments ask for (the toolstack, the
// block and network backends). Without a toolstack script it supervises the domains the
// hypervisor started: each one that shuts down is destroyed, and when none is left dom0
// powers the machine off.
#include "xenstored.h"

#include <minios/minios.h>
#include <minios/xen.h>
#include <minios/xenctrl.h>

using namespace minios;
using namespace dom0;

namespace {

Event domain_event;
void on_dom_exc(evtchn_port_t, void*) {
    domain_event.signal();
}

const char* shutdown_reason(unsigned r) {
    static const char* const kNames[] = {"poweroff", "reboot",   "suspend",
                                         "crash",    "watchdog", "soft_reset"};
    return r < 6 ? kNames[r] : "unknown";
}

// Destroys domains that shut down; returns how many other domains remain.
unsigned reap() {
    xenctrl::DomainInfo list[64];
    const unsigned n = xenctrl::list_domains(list, 64);
    unsigned alive = 0;
    for (unsigned i = 0; i < n; ++i) {
        if (list[i].domid == 0) continue;
        if (list[i].shutdown() && !list[i].dying()) {
            printf("dom0: domain %u shut down (%s); destroying it\n", list[i].domid,
                   shutdown_reason(list[i].shutdown_reason()));
            xenctrl::destroy(list[i].domid);
            continue;
        }
        if (!list[i].dying()) ++alive;
    }
    return alive;
}

} // namespace

extern "C" int app_main(const BootInfo& info) {
    if (!info.xen || !info.dom0) {
        printf("dom0: this image is meant to run as Xen's dom0\n");
        return 1;
    }
    xenstored_start();
    xenstored_scan();
    evtchn_port_t port;
    // A second VIRQ_DOM_EXC binding is refused by Xen (xenstored has it); poll then.
    const bool have_virq = xen::bind_virq(VIRQ_DOM_EXC, on_dom_exc, nullptr, &port) == 0;
    for (;;) {
        const unsigned alive = reap();
        if (alive == 0) break;
        domain_event.wait_for(have_virq ? 1000000000ull : 50000000ull);
    }
    printf("dom0: no domains left; powering off\n");
    return 0;
}
