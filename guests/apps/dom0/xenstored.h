// dom0's xenstore service: the store (guests/proto) on the rings of the domains, dom0's own
// clients served in-process, domains found at boot (and their late store page allocated,
// as Xen's init-dom0less does), and released when they die (VIRQ_DOM_EXC).
#pragma once

#include <minios/xen.h>

namespace dom0 {

bool xenstored_start();
// Connects a domain's store ring (XS_INTRODUCE comes here too). gfn = its ring page.
int xenstored_introduce(domid_t domid, uint64_t gfn, evtchn_port_t remote_port);
// Looks for domains with a store event channel that are not connected yet.
void xenstored_scan();
// Creates /local/domain/<domid> owned by the domain, with name and domid.
int xenstore_make_home(domid_t domid, const char* name);
// Statistics for reports.
unsigned xenstored_connections();

} // namespace dom0
