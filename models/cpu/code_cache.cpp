#include "code_cache.h"

#include "core.h"
#include "cost_table.h"
#include "decoder.h"

#include <cstring>

namespace armsim::cpu {

DecodedPage* CodeCache::page(uint64_t pa_page, const uint8_t* host) {
    auto it = pages_.find(pa_page);
    if (it != pages_.end()) return it->second.get();
    auto p = std::make_unique<DecodedPage>();
    p->host = host;
    p->pa = pa_page;
    for (DecodedInsn& s : p->slot)
        s = DecodedInsn{&decode_stub, 0, 0, 0};
    DecodedPage* raw = p.get();
    pages_.emplace(pa_page, std::move(p));
    for (auto& fn : listeners_)
        fn(pa_page);
    return raw;
}

void CodeCache::invalidate(uint64_t pa, uint64_t len) {
    uint64_t a = pa & ~3ull;
    const uint64_t end = pa + len;
    while (a < end) {
        auto it = pages_.find(a & kPageMask);
        const uint64_t page_end = (a & kPageMask) + kPageSize;
        if (it != pages_.end()) {
            for (uint64_t s = a; s < end && s < page_end; s += 4)
                it->second->slot[(s & (kPageSize - 1)) >> 2] = DecodedInsn{&decode_stub, 0, 0, 0};
        }
        a = page_end;
    }
}

bool CodeCache::is_exclusive_page(uint64_t pa) const {
    const uint64_t page = pa & kPageMask;
    for (unsigned i = 0; i < exclusive_count_; ++i)
        if (exclusive_pages_[i] == page) return true;
    return false;
}

void CodeCache::watch_exclusive(uint64_t pa) {
    const uint64_t page = pa & kPageMask;
    if (is_exclusive_page(page)) return;
    if (exclusive_count_ < kExclusivePages) {
        exclusive_pages_[exclusive_count_++] = page;
    } else {
        exclusive_pages_[exclusive_next_] = page;
        exclusive_next_ = (exclusive_next_ + 1) % kExclusivePages;
    }
    for (auto& fn : listeners_)
        fn(page);
}

void CodeCache::invalidate_all() {
    for (auto& [pa, page] : pages_) // order irrelevant: every slot is reset the same way
        for (DecodedInsn& s : page->slot)
            s = DecodedInsn{&decode_stub, 0, 0, 0};
}

void CodeCache::decode_slot(DecodedPage& page, unsigned index) const {
    uint32_t insn;
    std::memcpy(&insn, page.host + index * 4, 4);
    const InsnDesc& d = a64_decode(insn);
    page.slot[index] = DecodedInsn{d.fn, insn, costs_.cycles[static_cast<unsigned>(d.cls)],
                                   static_cast<uint16_t>(d.cls)};
}

void decode_stub(Core& core, uint32_t) {
    DecodedPage& page = *core.fetch_page_;
    const unsigned index = (core.st.pc & (kPageSize - 1)) >> 2;
    core.code_.decode_slot(page, index);
    const DecodedInsn& d = page.slot[index];
    d.fn(core, d.insn);
}

} // namespace armsim::cpu
