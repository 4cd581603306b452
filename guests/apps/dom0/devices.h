// Device descriptions in xenstore, written the way Xen's toolstack (libxl) writes them: a
// backend directory (owned by the backend domain, readable by the frontend) and a frontend
// directory (the other way round), cross-linked, both in state Initialising.
#pragma once

#include <minios/xen.h>

namespace dom0 {

// A block device: devid 51712 is xvda. params tells the backend where the data is
// ("module:N" in a dom0 backend, "initrd" in a driver domain).
int vbd_add(domid_t fe, uint32_t devid, domid_t be, const char* params, bool readonly);
// A network interface with the given MAC ("00:16:3e:xx:xx:xx") on the backend's bridge.
int vif_add(domid_t fe, uint32_t devid, domid_t be, const char* mac);
// Removes both directories.
int device_remove(const char* type, domid_t fe, uint32_t devid, domid_t be);

} // namespace dom0
