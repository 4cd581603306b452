// Stage-1 translation for EL1: an identity map (VA = PA) with a 4 KiB granule and 39-bit
// addresses (walks start at level 1), built from what the device tree says exists. The
// boot code (arch/head.S) runs on a coarse 1 GiB map until mmu_init() switches here.
//
// The boot map's entries are non-global with ASID 0 and these with ASID 1, so the switch
// can never meet TLB entries of the other map for the same address (no TLB conflicts when
// block sizes differ, ARM DDI 0487 D8.14.3).
#include "internal.h"

namespace minios {
namespace {

constexpr uint64_t kValid = 1, kTable = 2, kPage = 2; // kTable at L1/L2, kPage at L3
constexpr uint64_t kAf = 1u << 10, kNg = 1u << 11, kShInner = 3u << 8;
constexpr uint64_t kPxn = uint64_t(1) << 53, kUxn = uint64_t(1) << 54;
constexpr uint64_t kAddrMask = 0x0000fffffffff000;
constexpr unsigned kAsid = 1;
constexpr uint64_t kL1Size = uint64_t(1) << 30, kL2Size = uint64_t(1) << 21;
constexpr uint64_t kVaLimit = uint64_t(1) << 39;
// MAIR indexes, as arch/head.S programs them.
constexpr uint64_t kAttrDeviceNgnre = 1 << 2, kAttrNormalNc = 2 << 2, kAttrNormalWb = 3 << 2;

alignas(4096) uint64_t root[512];
// Tables needed before the switch come from here: RAM outside the boot map's GiBs is not
// reachable yet. Later tables come from the page allocator.
constexpr unsigned kPoolPages = 24;
alignas(4096) uint64_t pool[kPoolPages][512];
unsigned pool_used = 0;
bool live = false;

uint64_t* new_table() {
    if (!live) {
        if (pool_used == kPoolPages) return nullptr;
        return pool[pool_used++]; // .bss: already zero
    }
    const paddr_t pa = alloc_pages(1);
    return pa ? static_cast<uint64_t*>(phys_to_virt(pa)) : nullptr;
}

uint64_t leaf_attrs(MemType t) {
    switch (t) {
    case MemType::Device:
        return kAttrDeviceNgnre | kAf | kNg | kPxn | kUxn;
    case MemType::NormalNonCacheable:
        return kAttrNormalNc | kAf | kNg | kShInner | kPxn | kUxn;
    case MemType::Normal:
        break;
    }
    return kAttrNormalWb | kAf | kNg | kShInner | kUxn;
}

void flush_tlb() {
    arch::dsb_ish();
    asm volatile("tlbi vmalle1is" ::: "memory");
    arch::dsb_ish();
    arch::isb();
}

// Writes a descriptor, replacing a valid one with break-before-make.
void set_entry(uint64_t* e, uint64_t desc) {
    if (*e == desc) return;
    if ((*e & kValid) && live) {
        *e = 0;
        flush_tlb();
    }
    *e = desc;
}

// The next-level table under entry `e`, creating it (and splitting a block) when needed.
uint64_t* descend(uint64_t* e, unsigned level) {
    if ((*e & 3) == (kValid | kTable)) return static_cast<uint64_t*>(phys_to_virt(*e & kAddrMask));
    uint64_t* t = new_table();
    if (!t) return nullptr;
    if (*e & kValid) {
        // Split a block into the equivalent next-level entries.
        const uint64_t step = level == 1 ? kL2Size : kPageSize;
        const uint64_t attrs = *e & ~kAddrMask & ~uint64_t(3);
        const uint64_t base = *e & kAddrMask & ~(step * 512 - 1);
        for (unsigned i = 0; i < 512; ++i)
            t[i] = (base + i * step) | attrs | (level == 1 ? kValid : kValid | kPage);
    }
    arch::dsb_ish();
    set_entry(e, virt_to_phys(t) | kValid | kTable);
    return t;
}

bool map_one(paddr_t pa, uint64_t remaining, MemType type, uint64_t* advanced) {
    uint64_t* l1e = &root[(pa >> 30) & 511];
    const uint64_t attrs = leaf_attrs(type);
    // 2 MiB blocks where alignment and size allow, 4 KiB pages elsewhere.
    uint64_t* l2 = descend(l1e, 1);
    if (!l2) return false;
    uint64_t* l2e = &l2[(pa >> 21) & 511];
    if ((pa & (kL2Size - 1)) == 0 && remaining >= kL2Size && (*l2e & 3) != (kValid | kTable)) {
        set_entry(l2e, pa | attrs | kValid);
        *advanced = kL2Size;
        return true;
    }
    uint64_t* l3 = descend(l2e, 2);
    if (!l3) return false;
    set_entry(&l3[(pa >> 12) & 511], pa | attrs | kValid | kPage);
    *advanced = kPageSize;
    return true;
}

} // namespace

bool map(paddr_t pa, uint64_t size, MemType type) {
    const paddr_t end = (pa + size + kPageSize - 1) & ~(kPageSize - 1);
    pa &= ~(kPageSize - 1);
    if (end > kVaLimit || end < pa) return false;
    while (pa < end) {
        uint64_t step;
        if (!map_one(pa, end - pa, type, &step)) return false;
        pa += step;
    }
    arch::dsb_ish();
    arch::isb();
    return true;
}

void mmu_init() {
    arch::dsb_ish();
    MINIOS_WRITE_SYSREG(ttbr0_el1, virt_to_phys(root) | (uint64_t(kAsid) << 48));
    arch::isb();
    live = true;
    // Drop everything the boot map left in the TLB (ASID 0).
    flush_tlb();
}

} // namespace minios
