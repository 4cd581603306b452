// Decoded-instruction cache, shared by all cores of a board and keyed by physical page.
// It also keeps the other set of pages whose stores must take the slow path: pages with
// exclusive-monitor reservations (see "Exclusive monitors" in docs/ARCHITECTURE.md).
//
// Each 4 KiB page of RAM that has been executed from holds 1024 decoded slots. A slot is
// decoded the first time it runs (lazily, so data in code pages costs nothing) and reset
// when memory under it is written, so the cache never runs stale code. Cores do not put
// writable fast-path mappings on code pages: stores to them take the slow path, which
// calls invalidate().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace armsim::cpu {

class Core;
using Handler = void (*)(Core&, uint32_t insn);

struct DecodedInsn {
    Handler fn;
    uint32_t insn;
    uint16_t cycles;
    uint16_t cls;
};

constexpr unsigned kPageBits = 12;
constexpr uint64_t kPageSize = 1ull << kPageBits;
constexpr uint64_t kPageMask = ~(kPageSize - 1);
constexpr unsigned kSlotsPerPage = kPageSize / 4;

struct DecodedPage {
    DecodedInsn slot[kSlotsPerPage];
    const uint8_t* host = nullptr; // the page's bytes (RAM is DMI)
    uint64_t pa = 0;
};

// Cycle cost per instruction class; filled from the core's configuration.
struct CostTable;

class CodeCache {
public:
    explicit CodeCache(const CostTable& costs) : costs_(costs) {}

    // The decoded page for physical page `pa_page`, created on first use.
    DecodedPage* page(uint64_t pa_page, const uint8_t* host);
    bool is_code(uint64_t pa) const { return pages_.count(pa & kPageMask) != 0; }
    // Stores to these pages take the slow path, where they clear the exclusive monitors
    // of every core that marked the written granule.
    bool slow_writes(uint64_t pa) const {
        return is_code(pa) || (exclusive_count_ && is_exclusive_page(pa));
    }
    bool is_exclusive_page(uint64_t pa) const;
    // Called by a load-exclusive of RAM at `pa`: makes its page one of the (at most
    // kExclusivePages) watched pages, the oldest one leaving when the set is full. Pages
    // stay watched after their reservation ends so that lock loops do not pay for the
    // fast-TLB flush each time.
    void watch_exclusive(uint64_t pa);
    static constexpr unsigned kExclusivePages = 32;
    // Resets the slots overlapping [pa, pa+len).
    void invalidate(uint64_t pa, uint64_t len);
    void invalidate_all();

    // Called when a page becomes code or exclusive-watched, so cores drop writable fast
    // mappings of it.
    void on_new_code_page(std::function<void(uint64_t pa_page)> fn) {
        listeners_.push_back(std::move(fn));
    }
    const CostTable& costs() const { return costs_; }
    uint64_t decoded_pages() const { return pages_.size(); }

    // Decodes one slot in place (used by the lazy-decode stub).
    void decode_slot(DecodedPage& page, unsigned index) const;

private:
    const CostTable& costs_;
    // Lookup only, never iterated: iteration order cannot leak into simulated behaviour.
    std::unordered_map<uint64_t, std::unique_ptr<DecodedPage>> pages_;
    std::vector<std::function<void(uint64_t)>> listeners_;
    // Exclusive-watched pages, a FIFO in insertion order (deterministic).
    uint64_t exclusive_pages_[kExclusivePages] = {};
    unsigned exclusive_count_ = 0, exclusive_next_ = 0;
};

// The stub every fresh slot holds: decodes the slot and runs it.
void decode_stub(Core& core, uint32_t insn);

} // namespace armsim::cpu
