// The heap: power-of-two size classes carved from pages, whole pages for big blocks. Every
// block carries a 16-byte header saying how to free it.
#include "internal.h"

#include <new>
#include <stdlib.h>

namespace minios {
namespace {

constexpr uint32_t kMagic = 0x6d696e69; // "mini"
constexpr unsigned kMinShift = 5;       // 32-byte blocks
constexpr unsigned kMaxShift = 11;      // 2048-byte blocks
constexpr unsigned kClasses = kMaxShift - kMinShift + 1;
constexpr uint32_t kPagesClass = 0xff;

struct Header {
    uint32_t magic;
    uint32_t cls;
    uint64_t pages;
};
static_assert(sizeof(Header) == 16);

struct FreeBlock {
    FreeBlock* next;
};
FreeBlock* free_lists[kClasses];

bool refill(unsigned cls) {
    const paddr_t page = alloc_pages(1);
    if (!page) return false;
    const size_t block = size_t(1) << (cls + kMinShift);
    auto* base = static_cast<char*>(phys_to_virt(page));
    for (size_t off = 0; off + block <= kPageSize; off += block) {
        auto* b = reinterpret_cast<FreeBlock*>(base + off);
        b->next = free_lists[cls];
        free_lists[cls] = b;
    }
    return true;
}

} // namespace

void* malloc(size_t n) {
    const size_t total = n + sizeof(Header);
    if (total < n) return nullptr;
    Header* h;
    if (total <= (size_t(1) << kMaxShift)) {
        unsigned cls = 0;
        while ((size_t(1) << (cls + kMinShift)) < total)
            ++cls;
        if (!free_lists[cls] && !refill(cls)) return nullptr;
        FreeBlock* b = free_lists[cls];
        free_lists[cls] = b->next;
        h = reinterpret_cast<Header*>(b);
        h->cls = cls;
        h->pages = 0;
    } else {
        const size_t pages = (total + kPageSize - 1) / kPageSize;
        const paddr_t pa = alloc_pages(pages);
        if (!pa) return nullptr;
        h = static_cast<Header*>(phys_to_virt(pa));
        h->cls = kPagesClass;
        h->pages = pages;
    }
    h->magic = kMagic;
    return h + 1;
}

void* calloc(size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) return nullptr;
    void* p = malloc(n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

void free(void* p) {
    if (!p) return;
    Header* h = static_cast<Header*>(p) - 1;
    if (h->magic != kMagic) panic("free(%p): not a heap block (or freed twice)", p);
    h->magic = 0;
    if (h->cls == kPagesClass) {
        free_pages(virt_to_phys(h), h->pages);
        return;
    }
    if (h->cls >= kClasses) panic("free(%p): corrupt block header", p);
    auto* b = reinterpret_cast<FreeBlock*>(h);
    b->next = free_lists[h->cls];
    free_lists[h->cls] = b;
}

} // namespace minios

void* operator new(size_t n) {
    void* p = minios::malloc(n);
    if (!p) minios::panic("out of memory (new of %zu bytes)", n);
    return p;
}
void* operator new[](size_t n) {
    return operator new(n);
}
void* operator new(size_t n, const std::nothrow_t&) noexcept {
    return minios::malloc(n);
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
    return minios::malloc(n);
}
void operator delete(void* p) noexcept {
    minios::free(p);
}
void operator delete[](void* p) noexcept {
    minios::free(p);
}
void operator delete(void* p, size_t) noexcept {
    minios::free(p);
}
void operator delete[](void* p, size_t) noexcept {
    minios::free(p);
}

// The C names, for portable code (guests/proto) that calls malloc/free.
extern "C" void* malloc(size_t n) noexcept {
    return minios::malloc(n);
}
extern "C" void* calloc(size_t n, size_t size) noexcept {
    return minios::calloc(n, size);
}
extern "C" void free(void* p) noexcept {
    minios::free(p);
}

// <new> declares it; without libstdc++ it is ours to define.
namespace std {
const nothrow_t nothrow{};
}

// A pure virtual function called through a half-built or destroyed object.
extern "C" void __cxa_pure_virtual() {
    minios::panic("pure virtual function called");
}
