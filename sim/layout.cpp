#include "layout.h"

#include "loader.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace armsim::sim {

namespace {

constexpr uint64_t kTwoMiB = 2ull << 20;
constexpr uint64_t kPage = 4096;
constexpr uint64_t kInitrdCap = 128ull << 20;

uint64_t align_up(uint64_t v, uint64_t a) {
    return (v + a - 1) & ~(a - 1);
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
}

struct Placed {
    std::string what;
    uint64_t start, end; // [start, end)
};

std::string range(uint64_t start, uint64_t end) {
    return "[" + hex(start) + ", " + hex(end) + ")";
}

const Placed* overlap(const std::vector<Placed>& placed, uint64_t start, uint64_t end) {
    for (const Placed& p : placed)
        if (start < p.end && p.start < end) return &p;
    return nullptr;
}

} // namespace

Layout plan_layout(const Image& kernel, const LayoutRequest& req) {
    const uint64_t ram_end = req.ram_base + req.ram_size;
    Layout out;
    std::vector<Placed> placed;
    placed.push_back({"the kernel image", kernel.lowest(), kernel.highest()});

    if (!kernel.linux_boot()) {
        if (req.initrd_size)
            throw ImageError("--initrd needs a Linux Image or raw kernel: QEMU does not pass "
                             "an initrd to ELF kernels (use --module FILE,compatible=ramdisk)");
        if (kernel.lowest() > req.ram_base) {
            out.dtb_addr = req.ram_base;
            out.dtb_room = std::min(kernel.lowest() - req.ram_base, kDtbSlot);
        } else {
            out.dtb_addr = align_up(kernel.highest(), kTwoMiB);
            out.dtb_room = kDtbSlot;
        }
    } else {
        uint64_t initrd = req.ram_base + std::min(req.ram_size / 2, kInitrdCap);
        initrd = align_up(std::max(initrd, kernel.highest()), kPage);
        const uint64_t initrd_size = req.initrd_size.value_or(0);
        if (req.initrd_size) {
            if (initrd >= ram_end || initrd_size > ram_end - initrd)
                throw ImageError("the initrd (" + std::to_string(initrd_size) +
                                 " bytes) does not fit in RAM after the kernel at " + hex(initrd) +
                                 " (RAM ends at " + hex(ram_end) + ")");
            out.initrd_addr = initrd;
            placed.push_back({"the initrd", initrd, initrd + initrd_size});
        }
        out.dtb_addr = align_up(initrd + initrd_size, kTwoMiB);
        out.dtb_room = kDtbSlot;
    }
    if (out.dtb_addr >= ram_end || out.dtb_room > ram_end - out.dtb_addr) {
        if (out.dtb_addr >= ram_end)
            throw ImageError("no room in RAM for the device tree after the kernel and initrd");
        out.dtb_room = ram_end - out.dtb_addr;
    }
    placed.push_back({"the device tree", out.dtb_addr, out.dtb_addr + out.dtb_room});

    // Modules with an address first, so the others can avoid them.
    out.module_addrs.resize(req.modules.size());
    for (size_t i = 0; i < req.modules.size(); ++i) {
        const LayoutRequest::Module& m = req.modules[i];
        if (!m.addr) continue;
        const uint64_t a = *m.addr, size = m.size;
        if (a < req.ram_base || a >= ram_end || size > ram_end - a)
            throw ImageError("module '" + m.name + "' (" + std::to_string(size) + " bytes at " +
                             hex(a) + ") does not fit in RAM " + range(req.ram_base, ram_end));
        if (const Placed* p = overlap(placed, a, a + std::max<uint64_t>(size, 1)))
            throw ImageError("module '" + m.name + "' " + range(a, a + size) + " overlaps " +
                             p->what + " " + range(p->start, p->end));
        out.module_addrs[i] = a;
        placed.push_back({"module '" + m.name + "'", a, a + size});
    }
    // Auto-placed modules start after the kernel, initrd and DTB and skip over explicit ones.
    uint64_t cursor = align_up(std::max({kernel.highest(), out.dtb_addr + out.dtb_room,
                                         out.initrd_addr + req.initrd_size.value_or(0)}),
                               kTwoMiB);
    for (size_t i = 0; i < req.modules.size(); ++i) {
        const LayoutRequest::Module& m = req.modules[i];
        if (m.addr) continue;
        const uint64_t size = std::max<uint64_t>(m.size, 1);
        uint64_t a = cursor;
        while (const Placed* p = overlap(placed, a, a + size))
            a = align_up(p->end, kTwoMiB);
        if (a >= ram_end || size > ram_end - a)
            throw ImageError("module '" + m.name + "' (" + std::to_string(m.size) +
                             " bytes) does not fit in RAM: the first free 2 MiB boundary is " +
                             hex(a) + " and RAM ends at " + hex(ram_end) + " (try a larger --mem)");
        out.module_addrs[i] = a;
        placed.push_back({"module '" + m.name + "'", a, a + m.size});
        cursor = align_up(a + size, kTwoMiB);
    }
    return out;
}

} // namespace armsim::sim
