// The bare-metal runtime's interface.
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
// mem*/str*: the C library's declarations; string.cpp and search.cpp implement them.
#include <string.h>

extern "C" {
// Provided by the image.
void bare_main(uint64_t dtb);
void bare_secondary_main(uint64_t cpu); // weak default: wfi forever
// Called from the exception vectors; kind: 0 sync, 1 irq, 2 fiq, 3 serror for the current
// EL; 4..7 the same from a lower EL. Weak default: prints the syndrome and powers off.
struct BareFrame {
    uint64_t x[31];
    uint64_t elr, spsr, esr, far;
    uint64_t pad;
};
void bare_exception(BareFrame* f, uint64_t kind);
void bare_secondary_entry(); // PSCI CPU_ON entry point (context id = cpu index)
extern char bare_vectors[];

// Runtime.
void bare_power_off() __attribute__((noreturn));
void bare_putc(char c);
void bare_puts(const char* s);
int bare_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int bare_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap);
int bare_snprintf(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
}

namespace bare {

inline unsigned current_el() {
    uint64_t v;
    asm volatile("mrs %0, CurrentEL" : "=r"(v));
    return static_cast<unsigned>((v >> 2) & 3);
}

unsigned cpu_index(); // from the TPIDR of the current EL set at entry

// Minimal read-only device-tree access.
class Fdt {
public:
    explicit Fdt(uint64_t addr);
    bool valid() const { return base_ != nullptr; }
    // Offset of the node at `path` ("/", "/chosen", "/pl011@9000000"), or -1.
    int node(const char* path) const;
    // Property value and length, or nullptr.
    const void* prop(int node, const char* name, uint32_t* len = nullptr) const;
    const char* prop_string(int node, const char* name) const;
    // The node /chosen/stdout-path names (without the options after ':', as in
    // "/pl011@9000000:115200n8"), or -1.
    int stdout_node() const;
    // First (address, size) pair of `reg` with 2+2 cells.
    bool reg(int node, uint64_t* addr, uint64_t* size) const;

    // Walking the tree (offsets as returned by node()). next_node() visits every node in
    // document order, updating *depth (the root has depth 0); it returns -1 at the end.
    // next_node(-1, &d) gives the root.
    int next_node(int node, int* depth) const;
    int parent(int node) const;
    int first_child(int node) const;
    int next_sibling(int node) const;
    const char* node_name(int node) const;
    // True when `compat` is one of the strings of the node's "compatible" list.
    bool is_compatible(int node, const char* compat) const;
    // The first node after `after` (-1: from the start) compatible with `compat`, or -1.
    int find_compatible(const char* compat, int after = -1) const;
    // Entry `index` of `reg`, decoded with the parent's #address-cells / #size-cells.
    bool reg_at(int node, unsigned index, uint64_t* addr, uint64_t* size) const;
    uint32_t prop_u32(int node, const char* name, uint32_t fallback) const;
    uint32_t total_size() const;
    const void* base() const { return base_; }

private:
    uint32_t skip_node_header(uint32_t off) const;
    const uint8_t* base_ = nullptr;
    const uint8_t* structs_ = nullptr;
    const char* strings_ = nullptr;
    uint32_t struct_size_ = 0;
};

// The DTB for this boot: x0 if it holds one, else the bottom of RAM (QEMU's ELF boot).
uint64_t find_dtb(uint64_t x0);
// Sets the console from /chosen/stdout-path (PL011), falling back to 0x09000000.
void console_init(const Fdt& fdt);
// How images start: the device tree for x0 (find_dtb) and the console it names.
Fdt boot_console(uint64_t x0);

// PSCI over SMC (EL2) or HVC (EL1 under a hypervisor), chosen by the current EL.
int64_t psci_call(uint64_t fn, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);

} // namespace bare
