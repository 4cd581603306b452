// Host page allocator: a bitmap per RAM bank plus one PageInfo per page recording who owns
// it and how many foreign (grant) mappings pin it. Every page a guest can reach through
// stage 2 is accounted here, which is what lets the hypervisor refuse to free a page another
// domain still maps, and give back exactly what a destroyed domain had.
#pragma once

#include "lib.h"
#include "types.h"

namespace hyp {

enum class PageType : uint8_t {
    Free = 0,
    Reserved, // not allocatable (hypervisor image, DTB, boot modules)
    Hyp,      // hypervisor data (tables, metadata)
    GuestRam, // a domain's RAM
    Shared,   // a hypervisor page mapped into a guest (shared_info, grant frames)
    P2mTable, // stage-2 translation table
};

struct PageInfo {
    uint16_t owner = 0; // domid (DOMID_XEN for the hypervisor)
    PageType type = PageType::Free;
    uint8_t zombie = 0;        // owner died while foreign mappings pinned the page
    uint32_t foreign_refs = 0; // grant mappings of this page in other domains' stage 2
};

class PageAllocator {
public:
    static constexpr unsigned kMaxBanks = 4;

    // Registers RAM. `meta` is called with the number of bytes of metadata needed and must
    // return memory for it (at boot: carved from RAM after the image). Then reserve().
    bool add_bank(Hpa base, uint64_t size, void* (*meta)(uint64_t bytes, void* ctx), void* ctx);
    static uint64_t metadata_bytes(uint64_t size);
    void reserve(Hpa base, uint64_t size);

    // Allocates `count` contiguous pages aligned to `align` pages; marks them with owner
    // and type. Returns false when no such run exists.
    bool alloc(Hpa* out, uint64_t count, uint64_t align, uint16_t owner, PageType type);
    bool alloc_page(Hpa* out, uint16_t owner, PageType type) {
        return alloc(out, 1, 1, owner, type);
    }
    void free(Hpa base, uint64_t count);

    PageInfo* info(Hpa pa);
    bool is_ram(Hpa pa) const;
    uint64_t free_pages() const { return free_; }
    uint64_t total_pages() const { return total_; }
    uint64_t max_frame() const {
        uint64_t m = 0;
        for (unsigned i = 0; i < nbanks_; ++i)
            m = max<uint64_t>(m, banks_[i].base.frame() + banks_[i].pages - 1);
        return m;
    }

private:
    struct Bank {
        Hpa base;
        uint64_t pages = 0;
        uint64_t* bitmap = nullptr; // 1 = allocated/reserved
        PageInfo* info = nullptr;
        uint64_t hint = 0;
    };
    Bank* bank_of(Hpa pa);
    const Bank* bank_of(Hpa pa) const;
    bool alloc_in(Bank& b, Hpa* out, uint64_t count, uint64_t align);

    Bank banks_[kMaxBanks];
    unsigned nbanks_ = 0;
    uint64_t free_ = 0, total_ = 0;
    SpinLock lock_;
};

extern PageAllocator g_pages;

} // namespace hyp
