// Where the boot images go in RAM. The rules are QEMU's (hw/arm/boot.c,
// arm_setup_direct_kernel_boot), so the same files land at the same addresses on both:
//
//  - ELF kernels load at their physical addresses; the DTB goes at the bottom of RAM when
//    the image leaves room there, otherwise 2 MiB-aligned after the image.
//  - Linux Image and raw kernels: the initrd starts at RAM + min(RAM/2, 128 MiB), or after
//    the image if that is higher, page aligned; the DTB follows 2 MiB-aligned.
//  - Modules without addr= follow everything else, each at the next free 2 MiB boundary
//    (QEMU's guest-loader needs an explicit address; tools/run-on-qemu passes these).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace armsim::sim {

struct Image;

constexpr uint64_t kDtbSlot = 2ull << 20; // room kept for the DTB; larger trees are refused

struct LayoutRequest {
    uint64_t ram_base = 0;
    uint64_t ram_size = 0;
    std::optional<uint64_t> initrd_size;
    struct Module {
        std::string name; // for messages: the file
        uint64_t size = 0;
        std::optional<uint64_t> addr;
    };
    std::vector<Module> modules;
};

struct Layout {
    uint64_t dtb_addr = 0;
    uint64_t dtb_room = 0; // bytes available at dtb_addr
    uint64_t initrd_addr = 0;
    std::vector<uint64_t> module_addrs;
};

// Throws ImageError (one line) when something does not fit in RAM or overlaps.
Layout plan_layout(const Image& kernel, const LayoutRequest& req);

} // namespace armsim::sim
