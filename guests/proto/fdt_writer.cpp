#include "fdt_writer.h"

#include <string.h>

namespace fdt {
namespace {
constexpr uint32_t kMagic = 0xd00dfeed;
constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kEnd = 9;
constexpr size_t kHeader = 40, kRsvmap = 16;

void be32(uint8_t* p, uint32_t v) {
    p[0] = uint8_t(v >> 24);
    p[1] = uint8_t(v >> 16);
    p[2] = uint8_t(v >> 8);
    p[3] = uint8_t(v);
}
} // namespace

Writer::Writer(void* buf, size_t cap) : buf_(static_cast<uint8_t*>(buf)), cap_(cap) {
    pos_ = kHeader + kRsvmap;
    if (cap_ < pos_)
        overflow_ = true;
    else
        memset(buf_, 0, pos_); // header filled in by finish(); the reservation map is empty
}

void Writer::put(const void* p, size_t n) {
    if (overflow_ || n > cap_ - pos_) {
        overflow_ = true;
        return;
    }
    if (n) memcpy(buf_ + pos_, p, n);
    pos_ += n;
    while (pos_ % 4 && pos_ < cap_)
        buf_[pos_++] = 0;
}

void Writer::put32(uint32_t v) {
    uint8_t b[4];
    be32(b, v);
    put(b, 4);
}

uint32_t Writer::string_offset(const char* name) {
    const size_t n = strlen(name) + 1;
    for (size_t i = 0; i < strings_len_; i += strlen(strings_ + i) + 1)
        if (strcmp(strings_ + i, name) == 0) return uint32_t(i);
    if (strings_len_ + n > sizeof strings_) {
        overflow_ = true;
        return 0;
    }
    memcpy(strings_ + strings_len_, name, n);
    strings_len_ += n;
    return uint32_t(strings_len_ - n);
}

void Writer::begin_node(const char* name) {
    put32(kBeginNode);
    put(name, strlen(name) + 1);
    ++depth_;
}

void Writer::end_node() {
    put32(kEndNode);
    --depth_;
}

void Writer::prop(const char* name, const void* value, size_t len) {
    put32(kProp);
    put32(uint32_t(len));
    put32(string_offset(name));
    put(value, len);
}

void Writer::prop_u32(const char* name, uint32_t v) {
    uint8_t b[4];
    be32(b, v);
    prop(name, b, 4);
}

void Writer::prop_u64(const char* name, uint64_t v) {
    uint8_t b[8];
    be32(b, uint32_t(v >> 32));
    be32(b + 4, uint32_t(v));
    prop(name, b, 8);
}

void Writer::prop_cells(const char* name, const uint32_t* cells, size_t n) {
    uint8_t b[4 * 32];
    if (n > 32) {
        overflow_ = true;
        return;
    }
    for (size_t i = 0; i < n; ++i)
        be32(b + 4 * i, cells[i]);
    prop(name, b, 4 * n);
}

void Writer::prop_string(const char* name, const char* s) {
    prop(name, s, strlen(s) + 1);
}

void Writer::prop_strings(const char* name, const char* list, size_t len) {
    prop(name, list, len);
}

size_t Writer::finish() {
    put32(kEnd);
    const size_t struct_end = pos_;
    if (overflow_ || depth_ != 0 || strings_len_ > cap_ - pos_) return 0;
    memcpy(buf_ + pos_, strings_, strings_len_);
    const size_t total = pos_ + strings_len_;
    be32(buf_ + 0, kMagic);
    be32(buf_ + 4, uint32_t(total));
    be32(buf_ + 8, uint32_t(kHeader + kRsvmap));               // off_dt_struct
    be32(buf_ + 12, uint32_t(struct_end));                     // off_dt_strings
    be32(buf_ + 16, uint32_t(kHeader));                        // off_mem_rsvmap
    be32(buf_ + 20, 17);                                       // version
    be32(buf_ + 24, 16);                                       // last_comp_version
    be32(buf_ + 28, 0);                                        // boot_cpuid_phys
    be32(buf_ + 32, uint32_t(strings_len_));                   // size_dt_strings
    be32(buf_ + 36, uint32_t(struct_end - kHeader - kRsvmap)); // size_dt_struct
    return total;
}

} // namespace fdt
