// A domain's stage-2 translation (IPA -> host physical), "p2m" in Xen's words: VMSAv8-64
// stage-2 tables with the 4 KiB granule (ARM DDI 0487 D5.3), a 32-bit IPA space starting at
// level 1 (VTCR_EL2.T0SZ = 32, SL0 = 1), 4 KiB pages only. The kind of each mapping is kept
// in the descriptor's software bits, so lookups need no side table.
#pragma once

#include "lib.h"
#include "types.h"

namespace hyp {

enum class P2mType : uint8_t {
    None = 0,
    Ram,       // the domain's own RAM, read/write/execute
    Foreign,   // another domain's page mapped through a grant, read/write
    ForeignRo, // the same, read-only
    Mmio,      // device memory passed through (e.g. GICV as the guest's GICC)
    Shared,    // a hypervisor page shared with the guest (shared_info, grant frames)
};

inline constexpr uint64_t kIpaBits = 32;
inline constexpr uint64_t kIpaLimit = 1ull << kIpaBits;

// VTCR_EL2 for this layout (D13.2.146): T0SZ=32, SL0=1 (level 1), IRGN0/ORGN0 = WB WA,
// SH0 = inner shareable, TG0 = 4K, PS = 40 bits, RES1 bit 31.
inline constexpr uint64_t kVtcr =
    (1ull << 31) | (2ull << 16) | (3ull << 12) | (1ull << 10) | (1ull << 8) | (1ull << 6) | 32;

class P2m {
public:
    // Allocates the level-1 table. `vmid` goes into VTTBR_EL2.
    bool init(uint16_t vmid);
    // Calls release(pa, type) for every leaf, then frees all tables.
    void destroy(void (*release)(Hpa pa, P2mType type, void* ctx), void* ctx);

    // Maps one page. Fails with -EEXIST when the IPA is mapped, -EINVAL when out of range
    // or unaligned, -ENOMEM when a table cannot be allocated.
    Status map(Ipa ipa, Hpa pa, P2mType type);
    // Unmaps one page (break-before-make + TLB invalidation); returns the old mapping.
    Status unmap(Ipa ipa, Hpa* old_pa = nullptr, P2mType* old_type = nullptr);
    bool lookup(Ipa ipa, Hpa* pa, P2mType* type) const;

    uint64_t vttbr() const;
    uint16_t vmid() const { return vmid_; }
    Hpa root() const { return root_; }
    uint64_t table_pages() const { return table_pages_; }

    // Stage-2 descriptor encoding, public for the tests.
    static uint64_t leaf_desc(Hpa pa, P2mType type);
    static P2mType desc_type(uint64_t desc);

private:
    uint64_t* walk(Ipa ipa, bool create, Status* err) const;
    mutable SpinLock lock_;
    Hpa root_;
    uint16_t vmid_ = 0;
    uint64_t table_pages_ = 0;
    bool valid_ = false;
};

} // namespace hyp
