// Writes a flattened device tree (Devicetree Specification v0.4, chapter 5), for the
// toolstack's guest device trees. Portable; host tests read the result back with libfdt.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace fdt {

class Writer {
public:
    Writer(void* buf, size_t cap);
    void begin_node(const char* name);
    void end_node();
    void prop(const char* name, const void* value, size_t len);
    void prop_empty(const char* name) { prop(name, nullptr, 0); }
    void prop_u32(const char* name, uint32_t v);
    void prop_u64(const char* name, uint64_t v);
    void prop_cells(const char* name, const uint32_t* cells, size_t n);
    void prop_string(const char* name, const char* s);
    // A string list given as "a\0b\0" with its full length.
    void prop_strings(const char* name, const char* list, size_t len);
    // Finishes the blob; its size, or 0 when it did not fit (or nodes are unbalanced).
    size_t finish();

private:
    void put32(uint32_t v);
    void put(const void* p, size_t n);
    uint32_t string_offset(const char* name);

    uint8_t* buf_;
    size_t cap_;
    size_t pos_;
    bool overflow_ = false;
    int depth_ = 0;
    char strings_[1024];
    size_t strings_len_ = 0;
};

} // namespace fdt
