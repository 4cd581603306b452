// Bitmap page allocator with per-page ownership (see page_alloc.h).
#include "page_alloc.h"

#include "../include/public/xen.h"

namespace hyp {

PageAllocator g_pages;

uint64_t PageAllocator::metadata_bytes(uint64_t size) {
    const uint64_t pages = size >> kPageShift;
    return align_up((pages + 63) / 64 * 8, 16) + pages * sizeof(PageInfo);
}

bool PageAllocator::add_bank(Hpa base, uint64_t size, void* (*meta)(uint64_t, void*), void* ctx) {
    if (nbanks_ == kMaxBanks || !base.page_aligned() || size < kPageSize) return false;
    Bank& b = banks_[nbanks_];
    b.base = base;
    b.pages = size >> kPageShift;
    auto* mem = static_cast<uint8_t*>(meta(metadata_bytes(size), ctx));
    if (!mem) return false;
    const uint64_t words = (b.pages + 63) / 64;
    b.bitmap = reinterpret_cast<uint64_t*>(mem);
    memset(b.bitmap, 0, words * 8);
    // Bits past the end of the bank are permanently set.
    if (b.pages % 64) b.bitmap[words - 1] = ~0ull << (b.pages % 64);
    b.info = reinterpret_cast<PageInfo*>(mem + align_up(words * 8, 16));
    for (uint64_t i = 0; i < b.pages; ++i)
        b.info[i] = PageInfo{DOMID_INVALID, PageType::Free, 0, 0};
    b.hint = 0;
    ++nbanks_;
    free_ += b.pages;
    total_ += b.pages;
    return true;
}

PageAllocator::Bank* PageAllocator::bank_of(Hpa pa) {
    for (unsigned i = 0; i < nbanks_; ++i)
        if (pa >= banks_[i].base && pa - banks_[i].base < (banks_[i].pages << kPageShift))
            return &banks_[i];
    return nullptr;
}

const PageAllocator::Bank* PageAllocator::bank_of(Hpa pa) const {
    return const_cast<PageAllocator*>(this)->bank_of(pa);
}

bool PageAllocator::is_ram(Hpa pa) const {
    return bank_of(pa) != nullptr;
}

PageInfo* PageAllocator::info(Hpa pa) {
    Bank* b = bank_of(pa);
    return b ? &b->info[(pa - b->base) >> kPageShift] : nullptr;
}

void PageAllocator::reserve(Hpa base, uint64_t size) {
    LockGuard g(lock_);
    const Hpa start = base.page_base();
    const Hpa end = Hpa(align_up(base.raw() + size, kPageSize));
    for (Hpa pa = start; pa < end; pa += kPageSize) {
        Bank* b = bank_of(pa);
        if (!b) continue;
        const uint64_t i = (pa - b->base) >> kPageShift;
        if (!test_and_set_bit(b->bitmap, static_cast<unsigned>(i))) --free_;
        b->info[i] = PageInfo{DOMID_XEN, PageType::Reserved, 0, 0};
    }
}

bool PageAllocator::alloc_in(Bank& b, Hpa* out, uint64_t count, uint64_t align) {
    // First fit from the hint, wrapping once.
    for (int pass = 0; pass < 2; ++pass) {
        uint64_t i = pass == 0 ? align_up(b.hint, align) : 0;
        const uint64_t stop = pass == 0 ? b.pages : b.hint + count;
        while (i + count <= b.pages && i < stop) {
            // Skip fully used words quickly.
            if ((i % 64) == 0 && b.bitmap[i / 64] == ~0ull) {
                i = align_up(i + 64, align);
                continue;
            }
            uint64_t run = 0;
            while (run < count && !((b.bitmap[(i + run) / 64] >> ((i + run) % 64)) & 1))
                ++run;
            if (run == count) {
                for (uint64_t k = 0; k < count; ++k)
                    b.bitmap[(i + k) / 64] |= 1ull << ((i + k) % 64);
                b.hint = i + count;
                *out = b.base + (i << kPageShift);
                return true;
            }
            i = align_up(i + run + 1, align);
        }
    }
    return false;
}

bool PageAllocator::alloc(Hpa* out, uint64_t count, uint64_t align, uint16_t owner, PageType type) {
    if (count == 0 || align == 0) return false;
    LockGuard g(lock_);
    if (count > free_) return false;
    for (unsigned i = 0; i < nbanks_; ++i) {
        if (alloc_in(banks_[i], out, count, align)) {
            free_ -= count;
            PageInfo* pi = &banks_[i].info[(*out - banks_[i].base) >> kPageShift];
            for (uint64_t k = 0; k < count; ++k)
                pi[k] = PageInfo{owner, type, 0, 0};
            return true;
        }
    }
    return false;
}

void PageAllocator::free(Hpa base, uint64_t count) {
    LockGuard g(lock_);
    for (uint64_t k = 0; k < count; ++k) {
        const Hpa pa = base + (k << kPageShift);
        Bank* b = bank_of(pa);
        if (!b) continue;
        const uint64_t i = (pa - b->base) >> kPageShift;
        if (test_and_clear_bit(b->bitmap, static_cast<unsigned>(i))) ++free_;
        b->info[i] = PageInfo{DOMID_INVALID, PageType::Free, 0, 0};
        if (i < b->hint) b->hint = i;
    }
}

} // namespace hyp
