// Flattened device tree: a read-only walker over a DTB and a sequential writer that builds
// one (Devicetree Specification v0.4, chapter 5). Freestanding and small on purpose: the
// hypervisor parses the host tree once at boot and writes one tree per guest; Debian's
// libfdt is built for the host only, and this is less code than porting it. The host unit
// tests check both halves against libfdt and dtc.
#pragma once

#include "types.h"

namespace hyp {

inline uint32_t be32_load(const void* p) {
    const auto* b = static_cast<const uint8_t*>(p);
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
}
inline uint64_t be64_load(const void* p) {
    const auto* b = static_cast<const uint8_t*>(p);
    return (uint64_t(be32_load(b)) << 32) | be32_load(b + 4);
}

class FdtReader {
public:
    static constexpr uint32_t kMagic = 0xd00dfeed;

    FdtReader() = default;
    // Validates the header against `max_size` (bytes available at `blob`).
    bool init(const void* blob, uint64_t max_size = 0x200000);
    bool valid() const { return base_ != nullptr; }
    uint32_t total_size() const { return total_size_; }
    const void* blob() const { return base_; }

    // Nodes are identified by the offset of their BEGIN_NODE token; -1 = none.
    int root() const { return valid() ? first_node_ : -1; }
    int node(const char* path) const; // "/chosen", "/cpus/cpu@0"
    int first_child(int node) const;
    int next_sibling(int node) const;
    const char* name(int node) const; // "cpu@0"
    int parent(int node) const;
    // Next node after `prev` (-1 to start) in document order whose compatible list contains
    // `compat`.
    int find_compatible(int prev, const char* compat) const;

    const void* prop(int node, const char* name, uint32_t* len = nullptr) const;
    const char* prop_string(int node, const char* name) const;
    bool prop_u32(int node, const char* name, uint32_t* out) const;
    bool is_compatible(int node, const char* compat) const;
    // #address-cells / #size-cells that apply to children of `node` (defaults 2 / 1).
    uint32_t address_cells(int node) const;
    uint32_t size_cells(int node) const;
    // The i-th (address, size) pair of `reg`, using the parent's cell counts.
    bool reg(int node, unsigned i, uint64_t* addr, uint64_t* size) const;

    // /memreserve/ entries.
    unsigned num_reserved() const;
    bool reserved(unsigned i, uint64_t* addr, uint64_t* size) const;

    // Reads `cells` big-endian 32-bit cells (1 or 2) at p.
    static uint64_t read_cells(const void* p, uint32_t cells);

private:
    // Offset after the token at `off` (skipping names and property payloads), or -1.
    int skip(int off) const;
    uint32_t tag(int off) const { return be32_load(structs_ + off); }

    const uint8_t* base_ = nullptr;
    const uint8_t* structs_ = nullptr;
    const char* strings_ = nullptr;
    uint32_t struct_size_ = 0, strings_size_ = 0, total_size_ = 0, rsvmap_off_ = 0;
    int first_node_ = -1;
};

// Builds a DTB sequentially: begin_node/prop.../end_node, then finish(). Property names are
// deduplicated in the strings block. Overflow of the caller's buffer is sticky: ok() turns
// false and finish() returns 0.
class FdtWriter {
public:
    FdtWriter(void* buf, uint32_t cap);

    void begin_node(const char* name);
    void end_node();
    void prop(const char* name, const void* data, uint32_t len);
    void prop_empty(const char* name) { prop(name, nullptr, 0); }
    void prop_u32(const char* name, uint32_t v);
    void prop_u64(const char* name, uint64_t v);
    void prop_string(const char* name, const char* s);
    // Several NUL-separated strings ("a\0b\0"): pass the total length including NULs.
    void prop_strings(const char* name, const char* s, uint32_t len) { prop(name, s, len); }
    // A list of 32-bit cells.
    void prop_cells(const char* name, const uint32_t* cells, unsigned n);
    // One (address, size) pair with 2+2 cells.
    void prop_reg64(const char* name, uint64_t addr, uint64_t size);

    // Writes the header; returns the total size, or 0 on overflow / unbalanced nodes.
    uint32_t finish();
    bool ok() const { return ok_; }

private:
    void put32(uint32_t v);
    void put_bytes(const void* p, uint32_t n);
    uint32_t string_offset(const char* s);

    uint8_t* buf_;
    uint32_t cap_;
    uint32_t off_ = 0;
    // Strings are collected at the end of the buffer, growing downwards, and moved after the
    // structure block at finish().
    uint32_t strings_len_ = 0;
    int depth_ = 0;
    bool ok_ = true;
};

} // namespace hyp
