// dom0's toolstack: runs a script (guests/proto/toolstack_script.h) of xl-like commands,
// building domUs the way libxl does on Arm: create the domain, size it, populate its RAM,
// copy the kernel (an arm64 Image from dom0's ramdisk archive) and a device tree into it
// through foreign mappings, connect its xenstore, set vCPU 0 going.
#pragma once

#include <proto/toolstack_script.h>
#include <stddef.h>
#include <stdint.h>

namespace dom0 {

// Returns the number of failed commands.
unsigned toolstack_run(const ts::Script& script, const uint8_t* archive, size_t archive_size);

} // namespace dom0
