// Read-only flattened device tree access (Devicetree Specification v0.4, chapter 5).
#include <bare/bare.h>

namespace {
constexpr uint32_t kMagic = 0xd00dfeed;
constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;

uint32_t be32(const void* p) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
}
uint32_t align4(uint32_t v) {
    return (v + 3) & ~3u;
}
} // namespace

namespace bare {

Fdt::Fdt(uint64_t addr) {
    const uint8_t* h = reinterpret_cast<const uint8_t*>(addr);
    if (!h || be32(h) != kMagic) return;
    base_ = h;
    structs_ = h + be32(h + 8);
    strings_ = reinterpret_cast<const char*>(h + be32(h + 12));
    struct_size_ = be32(h + 36);
}

// Walks the structure block looking for the node whose full path is `path`.
int Fdt::node(const char* path) const {
    if (!valid() || path[0] != '/') return -1;
    // Components of the path matched so far, by depth.
    const char* want = path + 1;
    int depth = -1;
    int matched = -1; // depth up to which the path matches
    uint32_t off = 0;
    while (off < struct_size_) {
        const uint32_t tag = be32(structs_ + off);
        const uint32_t here = off;
        off += 4;
        if (tag == kBeginNode) {
            const char* name = reinterpret_cast<const char*>(structs_ + off);
            off += align4(static_cast<uint32_t>(strlen(name)) + 1);
            ++depth;
            if (depth == 0) {
                matched = 0;
                if (*want == 0) return static_cast<int>(here);
                continue;
            }
            if (matched == depth - 1) {
                size_t len = 0;
                while (want[len] && want[len] != '/')
                    ++len;
                // A component without '@' also matches a node with a unit address.
                if (strncmp(name, want, len) == 0 && (name[len] == 0 || name[len] == '@')) {
                    matched = depth;
                    want += len;
                    if (*want == '/') ++want;
                    if (*want == 0) return static_cast<int>(here);
                }
            }
        } else if (tag == kEndNode) {
            if (matched == depth) return -1; // the matched node ended without the rest of the path
            --depth;
        } else if (tag == kProp) {
            const uint32_t len = be32(structs_ + off);
            off += 8 + align4(len);
        } else if (tag == kNop) {
        } else if (tag == kEnd) {
            break;
        } else {
            return -1;
        }
    }
    return -1;
}

const void* Fdt::prop(int node_off, const char* name, uint32_t* len_out) const {
    if (!valid() || node_off < 0) return nullptr;
    uint32_t off = static_cast<uint32_t>(node_off);
    if (be32(structs_ + off) != kBeginNode) return nullptr;
    off += 4;
    off += align4(static_cast<uint32_t>(strlen(reinterpret_cast<const char*>(structs_ + off))) + 1);
    while (off < struct_size_) {
        const uint32_t tag = be32(structs_ + off);
        off += 4;
        if (tag == kNop) continue;
        if (tag != kProp) return nullptr; // properties come before subnodes
        const uint32_t len = be32(structs_ + off);
        const uint32_t nameoff = be32(structs_ + off + 4);
        const void* value = structs_ + off + 8;
        if (strcmp(strings_ + nameoff, name) == 0) {
            if (len_out) *len_out = len;
            return value;
        }
        off += 8 + align4(len);
    }
    return nullptr;
}

const char* Fdt::prop_string(int node_off, const char* name) const {
    uint32_t len;
    const char* s = static_cast<const char*>(prop(node_off, name, &len));
    if (!s || len == 0 || s[len - 1] != 0) return nullptr;
    return s;
}

// The hypervisor parses stdout-path the same way (common/boot_info.cpp) but shares no code
// with the guests, only hypervisor/include/public.
int Fdt::stdout_node() const {
    const int chosen = node("/chosen");
    const char* path = chosen >= 0 ? prop_string(chosen, "stdout-path") : nullptr;
    if (!path) return -1;
    char buf[128];
    size_t i = 0;
    while (path[i] && path[i] != ':' && i + 1 < sizeof buf) {
        buf[i] = path[i];
        ++i;
    }
    buf[i] = 0;
    return node(buf);
}

bool Fdt::reg(int node_off, uint64_t* addr, uint64_t* size) const {
    uint32_t len;
    const uint8_t* p = static_cast<const uint8_t*>(prop(node_off, "reg", &len));
    if (!p || len < 16) return false;
    *addr = (uint64_t(be32(p)) << 32) | be32(p + 4);
    *size = (uint64_t(be32(p + 8)) << 32) | be32(p + 12);
    return true;
}

uint64_t find_dtb(uint64_t x0) {
    if (x0 && be32(reinterpret_cast<const void*>(x0)) == kMagic) return x0;
    constexpr uint64_t kRamBase = 0x40000000;
    if (be32(reinterpret_cast<const void*>(kRamBase)) == kMagic) return kRamBase;
    return 0;
}

} // namespace bare

namespace bare {

// Offset just past a BEGIN_NODE tag and its name.
uint32_t Fdt::skip_node_header(uint32_t off) const {
    off += 4;
    return off +
           align4(static_cast<uint32_t>(strlen(reinterpret_cast<const char*>(structs_ + off))) + 1);
}

int Fdt::next_node(int node_off, int* depth) const {
    if (!valid()) return -1;
    uint32_t off;
    if (node_off < 0) {
        off = 0;
        *depth = -1;
    } else {
        off = skip_node_header(static_cast<uint32_t>(node_off));
    }
    while (off + 4 <= struct_size_) {
        const uint32_t tag = be32(structs_ + off);
        if (tag == kBeginNode) {
            ++*depth;
            return static_cast<int>(off);
        }
        off += 4;
        if (tag == kEndNode) {
            --*depth;
        } else if (tag == kProp) {
            off += 8 + align4(be32(structs_ + off));
        } else if (tag != kNop) {
            return -1; // kEnd or garbage
        }
    }
    return -1;
}

int Fdt::parent(int node_off) const {
    // Remember the most recent node at each depth on the way to `node_off`.
    constexpr int kMaxDepth = 32;
    int at_depth[kMaxDepth];
    int depth = 0;
    for (int n = next_node(-1, &depth); n >= 0; n = next_node(n, &depth)) {
        if (depth < 0 || depth >= kMaxDepth) return -1;
        at_depth[depth] = n;
        if (n == node_off) return depth > 0 ? at_depth[depth - 1] : -1;
    }
    return -1;
}

int Fdt::first_child(int node_off) const {
    int depth = 0;
    const int n = next_node(node_off, &depth);
    return (n >= 0 && depth == 1) ? n : -1;
}

int Fdt::next_sibling(int node_off) const {
    int depth = 0;
    for (int n = next_node(node_off, &depth); n >= 0; n = next_node(n, &depth)) {
        if (depth < 0) return -1;
        if (depth == 0) return n;
    }
    return -1;
}

const char* Fdt::node_name(int node_off) const {
    if (!valid() || node_off < 0) return nullptr;
    return reinterpret_cast<const char*>(structs_ + node_off + 4);
}

bool Fdt::is_compatible(int node_off, const char* compat) const {
    uint32_t len;
    const char* p = static_cast<const char*>(prop(node_off, "compatible", &len));
    if (!p) return false;
    for (uint32_t i = 0; i < len;) {
        if (strcmp(p + i, compat) == 0) return true;
        i += static_cast<uint32_t>(strlen(p + i)) + 1;
    }
    return false;
}

int Fdt::find_compatible(const char* compat, int after) const {
    int depth = 0;
    int n = after < 0 ? next_node(-1, &depth) : next_node(after, &depth);
    for (; n >= 0; n = next_node(n, &depth))
        if (is_compatible(n, compat)) return n;
    return -1;
}

uint32_t Fdt::prop_u32(int node_off, const char* name, uint32_t fallback) const {
    uint32_t len;
    const void* p = prop(node_off, name, &len);
    return (p && len >= 4) ? be32(p) : fallback;
}

bool Fdt::reg_at(int node_off, unsigned index, uint64_t* addr, uint64_t* size) const {
    // The cells come from the nearest ancestor that states them, as Linux reads them
    // (of_n_addr_cells); the Devicetree Specification's defaults are 2 and 1.
    uint32_t ac = 0, sc = 0;
    bool have_ac = false, have_sc = false;
    for (int n = parent(node_off); n >= 0 && !(have_ac && have_sc); n = parent(n)) {
        uint32_t len;
        const void* p = prop(n, "#address-cells", &len);
        if (!have_ac && p && len == 4) {
            ac = be32(p);
            have_ac = true;
        }
        p = prop(n, "#size-cells", &len);
        if (!have_sc && p && len == 4) {
            sc = be32(p);
            have_sc = true;
        }
    }
    if (!have_ac) ac = 2;
    if (!have_sc) sc = 1;
    if (ac < 1 || ac > 2 || sc > 2) return false;
    uint32_t len;
    const uint8_t* p = static_cast<const uint8_t*>(prop(node_off, "reg", &len));
    const uint32_t entry = 4 * (ac + sc);
    if (!p || (index + 1) * entry > len) return false;
    p += index * entry;
    uint64_t a = 0, s = 0;
    for (uint32_t i = 0; i < ac; ++i, p += 4)
        a = (a << 32) | be32(p);
    for (uint32_t i = 0; i < sc; ++i, p += 4)
        s = (s << 32) | be32(p);
    *addr = a;
    *size = s;
    return true;
}

uint32_t Fdt::total_size() const {
    return valid() ? be32(base_ + 4) : 0;
}

} // namespace bare
