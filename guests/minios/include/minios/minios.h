// The mini-OS: a small EL1 kernel that boots natively and under a Xen-style hypervisor from
// one image. Apps provide app_main(); everything else lives behind this header.
//
// Model: one CPU, cooperative threads. Threads run with IRQs masked; interrupts are taken
// only while the scheduler waits for work (or in poll_interrupts()), so thread code never
// races with handlers. Handlers only record what happened and wake threads.
#pragma once

#include <bare/bare.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

namespace minios {

constexpr uint64_t kPageSize = 4096;
constexpr unsigned kPageShift = 12;
using paddr_t = uint64_t;

// --- boot information ---------------------------------------------------------------------
struct Module {
    uint64_t addr = 0, size = 0;
    const char* bootargs = nullptr; // the module node's "bootargs", if any
    int node = -1;                  // its device-tree node
};

struct BootInfo {
    const bare::Fdt* fdt = nullptr;
    const char* bootargs = "";                 // /chosen/bootargs
    bool xen = false;                          // a /hypervisor node compatible with "xen,xen"
    bool dom0 = false;                         // the hypervisor says we are dom0 (XENFEAT_dom0)
    bool entered_at_el2 = false;               // native boot: we dropped from EL2 to EL1 ourselves
    uint64_t initrd_addr = 0, initrd_size = 0; // /chosen linux,initrd-start/-end
    static constexpr unsigned kMaxModules = 8;
    unsigned modules = 0;
    Module module[kMaxModules]; // /chosen children compatible with "multiboot,module"
};
const BootInfo& boot_info();

// --- console ------------------------------------------------------------------------------
void console_write(const char* s, size_t n);
int printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char* fmt, va_list ap);
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// Ends the system natively (PSCI SYSTEM_OFF) or this domain under Xen (SCHEDOP_shutdown).
[[noreturn]] void power_off();
// Under Xen: shut the domain down as crashed; natively the same as power_off().
[[noreturn]] void crash();

#define MINIOS_ASSERT(cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) ::minios::panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);   \
    } while (0)

// --- memory -------------------------------------------------------------------------------
// Physical pages, zeroed. 0 when there are not enough contiguous free pages.
paddr_t alloc_pages(size_t count);
void free_pages(paddr_t pa, size_t count);
size_t free_page_count();
size_t total_page_count();
// The heap (sizes up to a few pages; larger requests take whole pages).
void* malloc(size_t n);
void* calloc(size_t n, size_t size);
void free(void* p);

// Virtual addresses equal physical (guest-physical under a hypervisor) addresses.
enum class MemType { Device, NormalNonCacheable, Normal };
bool map(paddr_t pa, uint64_t size, MemType type);
inline void* phys_to_virt(paddr_t pa) {
    return reinterpret_cast<void*>(pa);
}
inline paddr_t virt_to_phys(const volatile void* p) {
    return reinterpret_cast<paddr_t>(p);
}
inline uint64_t virt_to_pfn(const volatile void* p) {
    return virt_to_phys(p) >> kPageShift;
}

// --- time ---------------------------------------------------------------------------------
uint64_t now_ns(); // from the virtual counter
uint64_t counter_frequency();

// --- threads ------------------------------------------------------------------------------
struct Thread;
using ThreadFn = void (*)(void* arg);
Thread* thread_create(const char* name, ThreadFn fn, void* arg, size_t stack_bytes = 32768);
Thread* current_thread();
const char* thread_name(const Thread* t);
void yield();
void sleep_ns(uint64_t ns);
inline void sleep_ms(uint64_t ms) {
    sleep_ns(ms * 1000000);
}
[[noreturn]] void thread_exit();
// Takes pending interrupts now (threads otherwise see them only when all are waiting).
void poll_interrupts();

// Threads wait here until woken or until a deadline passes.
class WaitQueue {
public:
    // Blocks the calling thread. deadline_ns: absolute now_ns() value, 0 = none.
    // Returns false when the deadline passed first.
    bool wait_until(uint64_t deadline_ns);
    bool wait_for(uint64_t timeout_ns) { return wait_until(now_ns() + timeout_ns); }
    void wait() { wait_until(0); }
    void wake_one();
    void wake_all();
    bool empty() const { return head_ == nullptr; }

private:
    friend struct Scheduler;
    Thread* head_ = nullptr;
};

// A flag a handler sets and a thread waits for.
class Event {
public:
    void signal() {
        set_ = true;
        q_.wake_all();
    }
    // Waits until signalled (consuming the signal) or the deadline passes.
    bool wait_until(uint64_t deadline_ns) {
        while (!set_)
            if (!q_.wait_until(deadline_ns)) return consume();
        return consume();
    }
    bool wait_for(uint64_t timeout_ns) { return wait_until(now_ns() + timeout_ns); }
    bool pending() const { return set_; }
    void clear() { set_ = false; }

private:
    bool consume() {
        const bool was = set_;
        set_ = false;
        return was;
    }
    bool set_ = false;
    WaitQueue q_;
};

// --- interrupts ---------------------------------------------------------------------------
using IrqHandler = void (*)(unsigned intid, void* arg);
// Installs a handler for a GIC interrupt ID and enables it at the distributor.
bool irq_register(unsigned intid, IrqHandler fn, void* arg);
// The INTID of the `index`-th interrupt of a DT node (GIC three-cell specifier), or -1.
int dt_interrupt(const bare::Fdt& fdt, int node, unsigned index);

// --- faults -------------------------------------------------------------------------------
// Reads 8 bytes at p; false (and *value untouched) when the access faults.
bool probe_read(const volatile void* p, uint64_t* value);

} // namespace minios

// The application: runs in the first thread once the kernel is up. Its return value is
// printed; then the system (native) or the domain (Xen) powers off.
extern "C" int app_main(const minios::BootInfo& info);
