// Prints what the boot loader handed over: the entry address and exception level, x0..x3,
// the memory node, /chosen's command lines and initrd, and every module node under /chosen
// (and under xen,domain nodes) with a checksum of the bytes it describes. Run on QEMU and
// armsim with the same files, the output must agree (tests/system: boot-protocol).
#include <bare/bare.h>

extern "C" uint64_t boot_regs[5];

namespace {

uint32_t be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
uint64_t cells(const uint8_t* p, uint32_t n) {
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; ++i)
        v = (v << 32) | be32(p + 4 * i);
    return v;
}
uint32_t align4(uint32_t v) {
    return (v + 3) & ~3u;
}

bool contains(const char* hay, const char* needle) {
    const size_t n = strlen(needle);
    for (; *hay; ++hay)
        if (strncmp(hay, needle, n) == 0) return true;
    return false;
}

uint64_t fnv(uint64_t addr, uint64_t size) {
    const volatile uint8_t* p = reinterpret_cast<const volatile uint8_t*>(addr);
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < size; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

struct Module {
    char compat[160]; // sorted, space-separated
    uint64_t addr, size, sum;
    const char* bootargs;
    const char* domain;
};

Module modules[16];
unsigned num_modules;

// Sorts the NUL-separated string list into a space-separated one (QEMU and Xen's binding
// list the same strings in different orders).
void sorted_list(const char* list, uint32_t len, char* out, size_t cap) {
    const char* items[8];
    unsigned n = 0;
    for (uint32_t off = 0; off < len && n < 8; off += static_cast<uint32_t>(strlen(list + off)) + 1)
        items[n++] = list + off;
    for (unsigned i = 1; i < n; ++i)
        for (unsigned j = i; j > 0 && strcmp(items[j - 1], items[j]) > 0; --j) {
            const char* t = items[j];
            items[j] = items[j - 1];
            items[j - 1] = t;
        }
    size_t pos = 0;
    out[0] = 0;
    for (unsigned i = 0; i < n; ++i)
        pos += bare_snprintf(out + pos, cap - pos, "%s%s", i ? " " : "", items[i]);
}

// Walks the tree: /chosen's children and grandchildren with "multiboot,module" are modules.
void scan(const uint8_t* fdt) {
    const uint8_t* st = fdt + be32(fdt + 8);
    const char* strings = reinterpret_cast<const char*>(fdt + be32(fdt + 12));
    const uint32_t size = be32(fdt + 36);
    int depth = -1;
    bool in_chosen = false;
    const char* domain = nullptr;
    Module cur{};
    bool cur_is_module = false;
    uint32_t off = 0;
    while (off < size) {
        const uint32_t tag = be32(st + off);
        off += 4;
        if (tag == 1) { // BEGIN_NODE
            const char* name = reinterpret_cast<const char*>(st + off);
            off += align4(static_cast<uint32_t>(strlen(name)) + 1);
            ++depth;
            if (depth == 1) in_chosen = strcmp(name, "chosen") == 0;
            if (in_chosen && depth == 2) domain = name;
            cur = Module{};
            cur_is_module = false;
            cur.domain = in_chosen && depth == 3 ? domain : "-";
        } else if (tag == 2) { // END_NODE
            if (cur_is_module && num_modules < 16) modules[num_modules++] = cur;
            cur_is_module = false;
            --depth;
        } else if (tag == 3) { // PROP
            const uint32_t len = be32(st + off);
            const char* pname = strings + be32(st + off + 4);
            const uint8_t* val = st + off + 8;
            off += 8 + align4(len);
            if (!in_chosen || depth < 2) continue;
            if (strcmp(pname, "compatible") == 0) {
                sorted_list(reinterpret_cast<const char*>(val), len, cur.compat, sizeof cur.compat);
                cur_is_module = contains(cur.compat, "multiboot,module");
            } else if (strcmp(pname, "reg") == 0 && len == 16) {
                cur.addr = cells(val, 2);
                cur.size = cells(val + 8, 2);
            } else if (strcmp(pname, "bootargs") == 0) {
                cur.bootargs = reinterpret_cast<const char*>(val);
            } else if (depth == 2 && strcmp(pname, "cpus") == 0) {
                bare_printf("domain %s: cpus=%u\n", domain, be32(val));
            } else if (depth == 2 && strcmp(pname, "memory") == 0) {
                bare_printf("domain %s: memory=%luK\n", domain, cells(val, len / 4));
            }
        } else if (tag == 9) {
            break;
        }
    }
}

} // namespace

extern "C" void bare_main(uint64_t x0) {
    const uint64_t dtb = bare::find_dtb(x0);
    const bare::Fdt fdt(dtb);
    bare::console_init(fdt);
    bare_printf("entry 0x%lx at EL%u\n", boot_regs[4], bare::current_el());
    bare_printf("x0=%s x1=0x%lx x2=0x%lx x3=0x%lx\n",
                boot_regs[0] == 0     ? "0"
                : boot_regs[0] == dtb ? "dtb"
                                      : "other",
                boot_regs[1], boot_regs[2], boot_regs[3]);
    if (!fdt.valid()) {
        bare_printf("no device tree\n");
        return;
    }
    bare_printf("dtb at 0x%lx\n", dtb);
    uint64_t a, s;
    if (fdt.reg(fdt.node("/memory"), &a, &s)) bare_printf("memory 0x%lx size 0x%lx\n", a, s);
    const int chosen = fdt.node("/chosen");
    static const char* const kArgs[] = {"bootargs", "xen,xen-bootargs"};
    for (const char* p : kArgs) {
        const char* v = fdt.prop_string(chosen, p);
        bare_printf("%s: %s\n", p, v ? v : "(none)");
    }
    uint32_t len0, len1;
    const uint8_t* is = static_cast<const uint8_t*>(fdt.prop(chosen, "linux,initrd-start", &len0));
    const uint8_t* ie = static_cast<const uint8_t*>(fdt.prop(chosen, "linux,initrd-end", &len1));
    if (is && ie) {
        const uint64_t start = cells(is, len0 / 4), end = cells(ie, len1 / 4);
        bare_printf("initrd 0x%lx-0x%lx sum %016lx\n", start, end, fnv(start, end - start));
    } else {
        bare_printf("initrd: (none)\n");
    }
    scan(reinterpret_cast<const uint8_t*>(dtb));
    // Sorted by address: QEMU lists guest-loader modules in reverse order of creation.
    for (unsigned i = 1; i < num_modules; ++i)
        for (unsigned j = i; j > 0 && modules[j - 1].addr > modules[j].addr; --j) {
            const Module t = modules[j];
            modules[j] = modules[j - 1];
            modules[j - 1] = t;
        }
    for (unsigned i = 0; i < num_modules; ++i) {
        const Module& m = modules[i];
        bare_printf("module 0x%lx size 0x%lx domain %s [%s] sum %016lx bootargs %s\n", m.addr,
                    m.size, m.domain, m.compat, fnv(m.addr, m.size), m.bootargs ? m.bootargs : "-");
    }
}
