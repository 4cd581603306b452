// Flattened device tree reader and writer (Devicetree Specification v0.4, chapter 5).
#include "fdt.h"

#include "lib.h"

namespace hyp {

namespace {
constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;
constexpr uint32_t kHeaderSize = 40;
constexpr uint32_t align4(uint32_t v) {
    return (v + 3) & ~3u;
}

void store_be32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}
} // namespace

bool FdtReader::init(const void* blob, uint64_t max_size) {
    base_ = nullptr;
    const auto* h = static_cast<const uint8_t*>(blob);
    if (!h || max_size < kHeaderSize || be32_load(h) != kMagic) return false;
    const uint32_t total = be32_load(h + 4);
    const uint32_t off_struct = be32_load(h + 8);
    const uint32_t off_strings = be32_load(h + 12);
    const uint32_t off_rsvmap = be32_load(h + 16);
    const uint32_t version = be32_load(h + 20);
    const uint32_t size_strings = be32_load(h + 32);
    const uint32_t size_struct = be32_load(h + 36);
    if (total > max_size || total < kHeaderSize || version < 17) return false;
    if (off_struct > total || size_struct > total - off_struct || off_strings > total ||
        size_strings > total - off_strings || off_rsvmap > total || (off_struct & 3))
        return false;
    base_ = h;
    structs_ = h + off_struct;
    strings_ = reinterpret_cast<const char*>(h + off_strings);
    struct_size_ = size_struct;
    strings_size_ = size_strings;
    total_size_ = total;
    rsvmap_off_ = off_rsvmap;
    // The first node: skip leading NOPs.
    int off = 0;
    while (off >= 0 && static_cast<uint32_t>(off) + 4 <= struct_size_ && tag(off) == kNop)
        off += 4;
    if (off < 0 || static_cast<uint32_t>(off) + 4 > struct_size_ || tag(off) != kBeginNode) {
        base_ = nullptr;
        return false;
    }
    first_node_ = off;
    return true;
}

int FdtReader::skip(int off) const {
    if (off < 0 || static_cast<uint32_t>(off) + 4 > struct_size_) return -1;
    const uint32_t t = tag(off);
    uint32_t next = static_cast<uint32_t>(off) + 4;
    if (t == kBeginNode) {
        const char* nm = reinterpret_cast<const char*>(structs_ + next);
        const size_t n = strnlen(nm, struct_size_ - next);
        if (next + n >= struct_size_) return -1;
        next += align4(static_cast<uint32_t>(n) + 1);
    } else if (t == kProp) {
        if (next + 8 > struct_size_) return -1;
        const uint32_t len = be32_load(structs_ + next);
        if (len > struct_size_ - next - 8) return -1;
        next += 8 + align4(len);
    } else if (t != kEndNode && t != kNop) {
        return -1; // END or garbage: nothing follows
    }
    return next <= struct_size_ ? static_cast<int>(next) : -1;
}

const char* FdtReader::name(int node) const {
    if (node < 0) return nullptr;
    return reinterpret_cast<const char*>(structs_ + node + 4);
}

int FdtReader::first_child(int node) const {
    if (node < 0 || tag(node) != kBeginNode) return -1;
    int off = skip(node);
    while (off >= 0) {
        const uint32_t t = tag(off);
        if (t == kBeginNode) return off;
        if (t == kEndNode || t == kEnd) return -1;
        off = skip(off);
    }
    return -1;
}

int FdtReader::next_sibling(int node) const {
    if (node < 0 || tag(node) != kBeginNode) return -1;
    // Skip this node's whole subtree.
    int depth = 0;
    int off = node;
    while (off >= 0) {
        const uint32_t t = tag(off);
        if (t == kBeginNode) {
            ++depth;
        } else if (t == kEndNode) {
            if (--depth == 0) {
                off = skip(off);
                break;
            }
        } else if (t == kEnd) {
            return -1;
        }
        off = skip(off);
    }
    while (off >= 0) {
        const uint32_t t = tag(off);
        if (t == kBeginNode) return off;
        if (t != kNop) return -1; // parent's END_NODE
        off = skip(off);
    }
    return -1;
}

int FdtReader::parent(int node) const {
    // Walk from the root keeping a stack of open nodes.
    constexpr int kMaxDepth = 32;
    int stack[kMaxDepth];
    int depth = 0;
    int off = first_node_;
    while (off >= 0) {
        const uint32_t t = tag(off);
        if (t == kBeginNode) {
            if (off == node) return depth ? stack[depth - 1] : -1;
            if (depth == kMaxDepth) return -1;
            stack[depth++] = off;
        } else if (t == kEndNode) {
            if (depth == 0) return -1;
            --depth;
        } else if (t == kEnd) {
            break;
        }
        off = skip(off);
    }
    return -1;
}

int FdtReader::node(const char* path) const {
    if (!valid() || path[0] != '/') return -1;
    int n = root();
    const char* p = path + 1;
    while (*p && n >= 0) {
        size_t len = 0;
        while (p[len] && p[len] != '/')
            ++len;
        bool has_unit = false;
        for (size_t i = 0; i < len; ++i)
            has_unit |= p[i] == '@';
        int found = -1;
        for (int c = first_child(n); c >= 0; c = next_sibling(c)) {
            const char* nm = name(c);
            if (strncmp(nm, p, len) != 0) continue;
            // A component without a unit address also matches a node with one; an exact
            // name wins.
            if (nm[len] == 0) {
                found = c;
                break;
            }
            if (nm[len] == '@' && !has_unit && found < 0) found = c;
        }
        n = found;
        p += len;
        if (*p == '/') ++p;
    }
    return n;
}

const void* FdtReader::prop(int node, const char* pname, uint32_t* len_out) const {
    if (node < 0 || tag(node) != kBeginNode) return nullptr;
    int off = skip(node);
    while (off >= 0) {
        const uint32_t t = tag(off);
        if (t == kProp) {
            const uint32_t len = be32_load(structs_ + off + 4);
            const uint32_t nameoff = be32_load(structs_ + off + 8);
            if (nameoff < strings_size_ && strcmp(strings_ + nameoff, pname) == 0) {
                if (len_out) *len_out = len;
                return structs_ + off + 12;
            }
        } else if (t != kNop) {
            return nullptr; // properties precede subnodes
        }
        off = skip(off);
    }
    return nullptr;
}

const char* FdtReader::prop_string(int node, const char* pname) const {
    uint32_t len;
    const char* s = static_cast<const char*>(prop(node, pname, &len));
    if (!s || len == 0 || s[len - 1] != 0) return nullptr;
    return s;
}

bool FdtReader::prop_u32(int node, const char* pname, uint32_t* out) const {
    uint32_t len;
    const void* p = prop(node, pname, &len);
    if (!p || len < 4) return false;
    *out = be32_load(p);
    return true;
}

bool FdtReader::is_compatible(int node, const char* compat) const {
    uint32_t len;
    const char* s = static_cast<const char*>(prop(node, "compatible", &len));
    if (!s) return false;
    const char* end = s + len;
    while (s < end) {
        const size_t n = strnlen(s, static_cast<size_t>(end - s));
        if (strcmp(s, compat) == 0 && n < static_cast<size_t>(end - s)) return true;
        s += n + 1;
    }
    return false;
}

int FdtReader::find_compatible(int prev, const char* compat) const {
    int off = prev < 0 ? first_node_ : skip(prev);
    while (off >= 0) {
        const uint32_t t = tag(off);
        if (t == kBeginNode && is_compatible(off, compat)) return off;
        if (t == kEnd) return -1;
        off = skip(off);
    }
    return -1;
}

uint32_t FdtReader::address_cells(int node) const {
    uint32_t v;
    return prop_u32(node, "#address-cells", &v) ? v : 2;
}

uint32_t FdtReader::size_cells(int node) const {
    uint32_t v;
    return prop_u32(node, "#size-cells", &v) ? v : 1;
}

uint64_t FdtReader::read_cells(const void* p, uint32_t cells) {
    return cells == 2 ? be64_load(p) : cells == 1 ? be32_load(p) : 0;
}

bool FdtReader::reg(int node, unsigned i, uint64_t* addr, uint64_t* size) const {
    // Cell counts come from the parent; when the parent does not say, they are inherited
    // from further up (as Xen reads /chosen module nodes, whose parent usually has no
    // #address-cells: QEMU's guest-loader writes them with the root's counts).
    uint32_t ac = 0, sc = 0;
    bool have_ac = false, have_sc = false;
    for (int p = parent(node); p >= 0 && !(have_ac && have_sc); p = parent(p)) {
        if (!have_ac) have_ac = prop_u32(p, "#address-cells", &ac);
        if (!have_sc) have_sc = prop_u32(p, "#size-cells", &sc);
    }
    if (!have_ac) ac = 2;
    if (!have_sc) sc = 1;
    if (ac < 1 || ac > 2 || sc > 2) return false;
    uint32_t len;
    const auto* p = static_cast<const uint8_t*>(prop(node, "reg", &len));
    const uint32_t entry = 4 * (ac + sc);
    if (!p || (i + 1) * entry > len) return false;
    p += i * entry;
    *addr = read_cells(p, ac);
    *size = sc ? read_cells(p + 4 * ac, sc) : 0;
    return true;
}

unsigned FdtReader::num_reserved() const {
    if (!valid()) return 0;
    unsigned n = 0;
    for (uint32_t off = rsvmap_off_; off + 16 <= total_size_; off += 16, ++n)
        if (be64_load(base_ + off) == 0 && be64_load(base_ + off + 8) == 0) break;
    return n;
}

bool FdtReader::reserved(unsigned i, uint64_t* addr, uint64_t* size) const {
    if (i >= num_reserved()) return false;
    *addr = be64_load(base_ + rsvmap_off_ + 16 * i);
    *size = be64_load(base_ + rsvmap_off_ + 16 * i + 8);
    return true;
}

// --- writer ------------------------------------------------------------------------------

FdtWriter::FdtWriter(void* buf, uint32_t cap) : buf_(static_cast<uint8_t*>(buf)), cap_(cap) {
    // Header, then an empty memory reservation map (one terminating entry).
    if (cap_ < kHeaderSize + 16) {
        ok_ = false;
        return;
    }
    memset(buf_, 0, kHeaderSize + 16);
    off_ = kHeaderSize + 16;
}

void FdtWriter::put_bytes(const void* p, uint32_t n) {
    const uint32_t padded = align4(n);
    if (!ok_ || off_ + padded + strings_len_ > cap_) {
        ok_ = false;
        return;
    }
    if (n) memcpy(buf_ + off_, p, n);
    for (uint32_t i = n; i < padded; ++i)
        buf_[off_ + i] = 0;
    off_ += padded;
}

void FdtWriter::put32(uint32_t v) {
    uint8_t b[4];
    store_be32(b, v);
    put_bytes(b, 4);
}

uint32_t FdtWriter::string_offset(const char* s) {
    // Strings live at the end of the buffer, last added lowest; offsets are final positions
    // relative to the strings block start, which finish() lays out in insertion order.
    const uint32_t n = static_cast<uint32_t>(strlen(s)) + 1;
    uint32_t pos = 0; // offset in insertion order
    // Walk existing strings in insertion order: they sit at buf_[cap_ - strings_len_ ...]
    // reversed by entry; keep it simple by storing them in insertion order at the top.
    const uint8_t* block = buf_ + cap_ - strings_len_;
    while (pos < strings_len_) {
        const char* cur = reinterpret_cast<const char*>(block + pos);
        const uint32_t len = static_cast<uint32_t>(strlen(cur)) + 1;
        if (len == n && memcmp(cur, s, n) == 0) return pos;
        pos += len;
    }
    if (!ok_ || off_ + strings_len_ + n > cap_) {
        ok_ = false;
        return 0;
    }
    // Shift the block down by n and append s at its end (keeps insertion order).
    uint8_t* new_block = buf_ + cap_ - strings_len_ - n;
    memmove(new_block, block, strings_len_);
    memcpy(new_block + strings_len_, s, n);
    const uint32_t at = strings_len_;
    strings_len_ += n;
    return at;
}

void FdtWriter::begin_node(const char* name) {
    put32(kBeginNode);
    put_bytes(name, static_cast<uint32_t>(strlen(name)) + 1);
    ++depth_;
}

void FdtWriter::end_node() {
    put32(kEndNode);
    if (--depth_ < 0) ok_ = false;
}

void FdtWriter::prop(const char* name, const void* data, uint32_t len) {
    const uint32_t nameoff = string_offset(name);
    put32(kProp);
    put32(len);
    put32(nameoff);
    put_bytes(data, len);
}

void FdtWriter::prop_u32(const char* name, uint32_t v) {
    uint8_t b[4];
    store_be32(b, v);
    prop(name, b, 4);
}

void FdtWriter::prop_u64(const char* name, uint64_t v) {
    uint8_t b[8];
    store_be32(b, static_cast<uint32_t>(v >> 32));
    store_be32(b + 4, static_cast<uint32_t>(v));
    prop(name, b, 8);
}

void FdtWriter::prop_string(const char* name, const char* s) {
    prop(name, s, static_cast<uint32_t>(strlen(s)) + 1);
}

void FdtWriter::prop_cells(const char* name, const uint32_t* cells, unsigned n) {
    uint8_t b[4 * 32];
    if (n > 32) {
        ok_ = false;
        return;
    }
    for (unsigned i = 0; i < n; ++i)
        store_be32(b + 4 * i, cells[i]);
    prop(name, b, 4 * n);
}

void FdtWriter::prop_reg64(const char* name, uint64_t addr, uint64_t size) {
    const uint32_t c[4] = {static_cast<uint32_t>(addr >> 32), static_cast<uint32_t>(addr),
                           static_cast<uint32_t>(size >> 32), static_cast<uint32_t>(size)};
    prop_cells(name, c, 4);
}

uint32_t FdtWriter::finish() {
    put32(kEnd);
    if (!ok_ || depth_ != 0) return 0;
    const uint32_t struct_off = kHeaderSize + 16;
    const uint32_t struct_size = off_ - struct_off;
    // Move the strings block right after the structure block.
    memmove(buf_ + off_, buf_ + cap_ - strings_len_, strings_len_);
    const uint32_t strings_off = off_;
    const uint32_t total = off_ + strings_len_;
    store_be32(buf_ + 0, FdtReader::kMagic);
    store_be32(buf_ + 4, total);
    store_be32(buf_ + 8, struct_off);
    store_be32(buf_ + 12, strings_off);
    store_be32(buf_ + 16, kHeaderSize); // memory reservation map
    store_be32(buf_ + 20, 17);          // version
    store_be32(buf_ + 24, 16);          // last compatible version
    store_be32(buf_ + 28, 0);           // boot cpu
    store_be32(buf_ + 32, strings_len_);
    store_be32(buf_ + 36, struct_size);
    return total;
}

} // namespace hyp
