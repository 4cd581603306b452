// The block backend driver: serves the vbd devices the toolstack describes under our
// "backend/vbd/<frontend-domid>/<devid>" in xenstore, with Xen's XenbusState handshake
// (InitWait, then Connected once the frontend published ring-ref and event-channel), the
// frontend's ring mapped by grant, and the data moved with grant copy.
#pragma once

#include <minios/xen.h>

namespace drivers {

// Where a device's data lives, as its "params" key names it.
struct Disk {
    uint8_t* base = nullptr; // in our own RAM
    uint64_t bytes = 0;
    bool readonly = false;
};
// "module:N" (a boot module), "initrd" (ours) ... -> the disk, or false.
using DiskResolver = bool (*)(const char* params, Disk* out);

// Starts watching for devices; each gets served until its frontend closes.
bool blkback_start(DiskResolver resolve);
// Resolves "module:N" and "initrd" from the boot information.
bool resolve_boot_disk(const char* params, Disk* out);

struct BlkbackReport {
    unsigned devices, connected;
    unsigned connections; // ever made (a device may connect and close between two looks)
    uint64_t requests, errors;
};
BlkbackReport blkback_report();

} // namespace drivers
