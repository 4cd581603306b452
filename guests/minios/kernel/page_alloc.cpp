// Physical page allocator: one bit per 4 KiB page of the RAM banks the device tree lists,
// first fit. The bitmap is static so that it works before the final page tables exist.
#include "internal.h"

namespace minios {
namespace {

constexpr unsigned kMaxBanks = 4;
constexpr unsigned kMaxReserved = 32;
constexpr uint64_t kMaxPages = 512 * 1024; // 2 GiB of RAM tracked
constexpr uint64_t kWordBits = 64;

struct Bank {
    paddr_t base; // page aligned
    uint64_t pages;
    uint64_t first; // index of its first page in the bitmap
};
struct Range {
    paddr_t base;
    uint64_t size;
};

Bank banks[kMaxBanks];
unsigned nbanks = 0;
Range reserved[kMaxReserved];
unsigned nreserved = 0;
uint64_t used_bits[kMaxPages / kWordBits]; // 1 = used or not RAM
uint64_t npages = 0;
uint64_t nfree = 0;
uint64_t hint = 0;

bool test(uint64_t i) {
    return (used_bits[i / kWordBits] >> (i % kWordBits)) & 1;
}
void set(uint64_t i) {
    used_bits[i / kWordBits] |= uint64_t(1) << (i % kWordBits);
}
void clear(uint64_t i) {
    used_bits[i / kWordBits] &= ~(uint64_t(1) << (i % kWordBits));
}

paddr_t index_to_pa(uint64_t i) {
    for (unsigned b = 0; b < nbanks; ++b)
        if (i >= banks[b].first && i < banks[b].first + banks[b].pages)
            return banks[b].base + ((i - banks[b].first) << kPageShift);
    return 0;
}

bool pa_to_index(paddr_t pa, uint64_t* i) {
    for (unsigned b = 0; b < nbanks; ++b) {
        const paddr_t end = banks[b].base + (banks[b].pages << kPageShift);
        if (pa >= banks[b].base && pa < end) {
            *i = banks[b].first + ((pa - banks[b].base) >> kPageShift);
            return true;
        }
    }
    return false;
}

void zero(paddr_t pa, size_t count) {
    auto* p = static_cast<uint64_t*>(phys_to_virt(pa));
    for (size_t i = 0; i < count * (kPageSize / 8); ++i)
        p[i] = 0;
}

} // namespace

void page_alloc_add_ram(paddr_t base, uint64_t size) {
    const paddr_t start = (base + kPageSize - 1) & ~(kPageSize - 1);
    const paddr_t end = (base + size) & ~(kPageSize - 1);
    if (end <= start || nbanks == kMaxBanks) return;
    uint64_t pages = (end - start) >> kPageShift;
    if (npages + pages > kMaxPages) pages = kMaxPages - npages;
    if (!pages) return;
    banks[nbanks++] = {start, pages, npages};
    npages += pages;
}

void page_alloc_reserve(paddr_t base, uint64_t size) {
    if (size && nreserved < kMaxReserved) reserved[nreserved++] = {base, size};
}

void page_alloc_init() {
    // Bits past the last page stay "used" so searches never run off the end.
    for (uint64_t w = 0; w < kMaxPages / kWordBits; ++w)
        used_bits[w] = w < npages / kWordBits ? 0 : ~uint64_t(0);
    for (uint64_t i = npages & ~(kWordBits - 1); i < npages; ++i)
        clear(i);
    nfree = npages;
    for (unsigned r = 0; r < nreserved; ++r) {
        const paddr_t start = reserved[r].base & ~(kPageSize - 1);
        const paddr_t end = reserved[r].base + reserved[r].size;
        for (paddr_t pa = start; pa < end; pa += kPageSize) {
            uint64_t i;
            if (pa_to_index(pa, &i) && !test(i)) {
                set(i);
                --nfree;
            }
        }
    }
}

paddr_t alloc_pages(size_t count) {
    if (count == 0 || count > nfree) return 0;
    // First fit from the hint, then from the start; runs never cross banks.
    for (int pass = 0; pass < 2; ++pass) {
        uint64_t i = pass == 0 ? hint : 0;
        const uint64_t limit = pass == 0 ? npages : hint;
        while (i < limit) {
            if (used_bits[i / kWordBits] == ~uint64_t(0)) {
                i = (i / kWordBits + 1) * kWordBits;
                continue;
            }
            if (test(i)) {
                ++i;
                continue;
            }
            uint64_t run = 0;
            const paddr_t first_pa = index_to_pa(i);
            while (run < count && i + run < npages && !test(i + run) &&
                   index_to_pa(i + run) == first_pa + (run << kPageShift))
                ++run;
            if (run == count) {
                for (uint64_t k = 0; k < count; ++k)
                    set(i + k);
                nfree -= count;
                hint = i + count;
                zero(first_pa, count);
                return first_pa;
            }
            i += run ? run : 1;
        }
    }
    return 0;
}

void free_pages(paddr_t pa, size_t count) {
    for (size_t k = 0; k < count; ++k) {
        uint64_t i;
        if (!pa_to_index(pa + (k << kPageShift), &i) || !test(i))
            panic("free_pages: 0x%lx is not an allocated page", pa + (k << kPageShift));
        clear(i);
        ++nfree;
        if (i < hint) hint = i;
    }
}

bool page_alloc_is_ram(paddr_t pa) {
    uint64_t i;
    return pa_to_index(pa, &i);
}

size_t free_page_count() {
    return nfree;
}
size_t total_page_count() {
    return npages;
}

} // namespace minios
