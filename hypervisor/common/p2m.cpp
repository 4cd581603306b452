// Stage-2 tables (ARM DDI 0487 D5.3.3 descriptor formats, D5.5 stage-2 attributes).
#include "p2m.h"

#include "../include/public/errno.h"
#include "../include/public/xen.h"
#include "arch.h"
#include "page_alloc.h"

namespace hyp {

namespace {
constexpr uint64_t kValid = 1, kTable = 2, kPage = 3;
constexpr uint64_t kAddrMask = 0x0000fffffffff000ull;
constexpr uint64_t kAf = 1ull << 10;
constexpr uint64_t kShInner = 3ull << 8;
constexpr uint64_t kS2apRo = 1ull << 6, kS2apRw = 3ull << 6;
constexpr uint64_t kMemAttrNormalWb = 0xfull << 2; // outer WB, inner WB
constexpr uint64_t kMemAttrDevice = 0x1ull << 2;   // Device-nGnRE
constexpr uint64_t kXn = 1ull << 54;
constexpr unsigned kTypeShift = 55; // software bits [58:55]

unsigned index_at(Ipa ipa, unsigned level) {
    return static_cast<unsigned>((ipa.raw() >> (12 + 9 * (3 - level))) & 0x1ff);
}
} // namespace

uint64_t P2m::leaf_desc(Hpa pa, P2mType type) {
    uint64_t d = (pa.raw() & kAddrMask) | kPage | kAf | (static_cast<uint64_t>(type) << kTypeShift);
    switch (type) {
    case P2mType::Mmio:
        d |= kMemAttrDevice | kS2apRw | kXn;
        break;
    case P2mType::ForeignRo:
        d |= kMemAttrNormalWb | kShInner | kS2apRo | kXn;
        break;
    case P2mType::Foreign:
    case P2mType::Shared:
        d |= kMemAttrNormalWb | kShInner | kS2apRw | kXn;
        break;
    default:
        d |= kMemAttrNormalWb | kShInner | kS2apRw;
        break;
    }
    return d;
}

P2mType P2m::desc_type(uint64_t desc) {
    return static_cast<P2mType>((desc >> kTypeShift) & 0xf);
}

bool P2m::init(uint16_t vmid) {
    if (!g_pages.alloc_page(&root_, DOMID_XEN, PageType::P2mTable)) return false;
    memset(arch::hpa_to_ptr(root_), 0, kPageSize);
    arch::clean_dcache(arch::hpa_to_ptr(root_), kPageSize);
    vmid_ = vmid;
    table_pages_ = 1;
    valid_ = true;
    return true;
}

uint64_t P2m::vttbr() const {
    return (static_cast<uint64_t>(vmid_) << 48) | root_.raw();
}

uint64_t* P2m::walk(Ipa ipa, bool create, Status* err) const {
    auto* table = static_cast<uint64_t*>(arch::hpa_to_ptr(root_));
    for (unsigned level = 1; level < 3; ++level) {
        uint64_t& e = table[index_at(ipa, level)];
        if (!(e & kValid)) {
            if (!create) {
                *err = -XEN_ENOENT;
                return nullptr;
            }
            Hpa t;
            if (!g_pages.alloc_page(&t, DOMID_XEN, PageType::P2mTable)) {
                *err = -XEN_ENOMEM;
                return nullptr;
            }
            auto* p = static_cast<uint64_t*>(arch::hpa_to_ptr(t));
            memset(p, 0, kPageSize);
            arch::clean_dcache(p, kPageSize);
            const_cast<P2m*>(this)->table_pages_++;
            // The new table is zeroed before it becomes visible to the walker.
            __atomic_store_n(&e, t.raw() | kTable | kValid, __ATOMIC_RELEASE);
            arch::clean_dcache(&e, sizeof e);
        }
        table = static_cast<uint64_t*>(arch::hpa_to_ptr(Hpa(e & kAddrMask)));
    }
    return &table[index_at(ipa, 3)];
}

Status P2m::map(Ipa ipa, Hpa pa, P2mType type) {
    if (!ipa.page_aligned() || !pa.page_aligned() || ipa.raw() >= kIpaLimit ||
        type == P2mType::None)
        return -XEN_EINVAL;
    LockGuard g(lock_);
    Status err = 0;
    uint64_t* e = walk(ipa, true, &err);
    if (!e) return err;
    if (*e & kValid) return -XEN_EEXIST;
    // An invalid entry is never cached in a TLB, so no invalidation is needed here.
    __atomic_store_n(e, leaf_desc(pa, type), __ATOMIC_RELEASE);
    arch::clean_dcache(e, sizeof *e);
    return 0;
}

Status P2m::unmap(Ipa ipa, Hpa* old_pa, P2mType* old_type) {
    if (!ipa.page_aligned() || ipa.raw() >= kIpaLimit) return -XEN_EINVAL;
    LockGuard g(lock_);
    Status err = 0;
    uint64_t* e = walk(ipa, false, &err);
    if (!e || !(*e & kValid)) return -XEN_ENOENT;
    const uint64_t old = *e;
    // Break before make (D5.10.1): invalidate the entry, then the TLBs of every pCPU.
    __atomic_store_n(e, 0ull, __ATOMIC_RELEASE);
    arch::clean_dcache(e, sizeof *e);
    arch::tlb_flush_ipa(vttbr(), ipa);
    if (old_pa) *old_pa = Hpa(old & kAddrMask);
    if (old_type) *old_type = desc_type(old);
    return 0;
}

bool P2m::lookup(Ipa ipa, Hpa* pa, P2mType* type) const {
    if (!valid_ || ipa.raw() >= kIpaLimit) return false;
    LockGuard g(lock_);
    Status err = 0;
    const uint64_t* e = walk(ipa, false, &err);
    if (!e || !(*e & kValid)) return false;
    if (pa) *pa = Hpa(*e & kAddrMask);
    if (type) *type = desc_type(*e);
    return true;
}

void P2m::destroy(void (*release)(Hpa, P2mType, void*), void* ctx) {
    if (!valid_) return;
    LockGuard g(lock_);
    auto* l1 = static_cast<uint64_t*>(arch::hpa_to_ptr(root_));
    const unsigned l1_entries = 1u << (kIpaBits - 30);
    for (unsigned i = 0; i < l1_entries; ++i) {
        if (!(l1[i] & kValid)) continue;
        const Hpa l2pa(l1[i] & kAddrMask);
        auto* l2 = static_cast<uint64_t*>(arch::hpa_to_ptr(l2pa));
        for (unsigned j = 0; j < 512; ++j) {
            if (!(l2[j] & kValid)) continue;
            const Hpa l3pa(l2[j] & kAddrMask);
            auto* l3 = static_cast<uint64_t*>(arch::hpa_to_ptr(l3pa));
            for (unsigned k = 0; k < 512; ++k)
                if (l3[k] & kValid) release(Hpa(l3[k] & kAddrMask), desc_type(l3[k]), ctx);
            g_pages.free(l3pa, 1);
        }
        g_pages.free(l2pa, 1);
    }
    arch::tlb_flush_vmid(vttbr());
    g_pages.free(root_, 1);
    valid_ = false;
    table_pages_ = 0;
}

} // namespace hyp
