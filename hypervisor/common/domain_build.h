// Building a domain from a kernel image in host memory: load the kernel (Linux arm64 Image
// or ELF64), the ramdisk, write the guest's device tree, start vCPU 0 at the kernel entry
// with x0 = DTB (the arm64 Linux boot protocol), and set up the PV services a domU finds
// through its HVM parameters (console ring served by the hypervisor, xenstore ring and
// event channel towards dom0).
#pragma once

#include "domain.h"

namespace hyp::build {

struct KernelInfo {
    uint64_t entry = 0;
    uint64_t start = 0, end = 0; // guest physical range the kernel occupies
};

// Loads `size` bytes of image at host pointer `image` into `d`. Image format: the arm64
// "ARM\x64" header (text_offset from RAM base), or ELF64 for AArch64 (PT_LOAD segments at
// their physical addresses). -ENOEXEC for anything else, -EINVAL when it does not fit.
Status load_kernel(Domain* d, const void* image, uint64_t size, KernelInfo* out);

// Writes the guest device tree into `buf`; returns its size (0 when it does not fit).
uint32_t make_guest_dt(Domain* d, const char* cmdline, uint64_t initrd_start, uint64_t initrd_end,
                       void* buf, uint32_t cap);

// Console ring, xenstore page and event channel, grant entries for dom0 (domUs only).
Status setup_pv_services(Domain* d);

// The whole job for a boot-time domain: create, load, DT, PV services, vCPU 0 ready.
// The domain stays paused; the caller unpauses it.
Status construct(const DomainConfig& cfg, const BootImage& img, Domain** out);

} // namespace hyp::build
