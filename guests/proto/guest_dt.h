// The device tree a toolstack hands a domU it builds (what libxl writes for Arm guests):
// memory, cpus with PSCI (hvc), the virtual GICv2, the architected timer, and the
// "hypervisor" node that tells the guest it runs on Xen (grant-table window and the
// event-channel PPI).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace guestdt {

struct Config {
    uint64_t ram_base = 0x40000000, ram_size = 0;
    unsigned vcpus = 1;
    const char* bootargs = "";
    uint64_t gicd = 0x03001000, gicc = 0x03002000; // Xen's guest layout (arch-arm.h)
    uint64_t gnttab_base = 0x38000000, gnttab_size = 0x01000000;
    uint32_t evtchn_ppi = 15; // PPI 15 = INTID 31
};

// Writes the blob into buf; its size, or 0 when it does not fit.
size_t build(const Config& c, void* buf, size_t cap);

} // namespace guestdt
