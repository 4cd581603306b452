// Interfaces between the parts of the mini-OS kernel (not for apps).
#pragma once

#include <minios/arch.h>
#include <minios/minios.h>

extern "C" {
extern char __image_start[], __image_end[];
void minios_start(uint64_t dtb, uint64_t entered_at_el2);
}

namespace minios {

struct Frame {
    uint64_t x[31];
    uint64_t elr, spsr, esr, far;
    uint64_t pad;
};

// boot.cpp
BootInfo& mutable_boot_info();

// console.cpp: output goes to an early buffer until a sink is installed.
using ConsoleSink = void (*)(const char* s, size_t n);
void console_set_sink(ConsoleSink sink, const char* name);
const char* console_sink_name();
void console_init_native(const bare::Fdt& fdt);

// page_alloc.cpp
void page_alloc_add_ram(paddr_t base, uint64_t size);
void page_alloc_reserve(paddr_t base, uint64_t size);
void page_alloc_init(); // after all RAM and reservations are known
bool page_alloc_is_ram(paddr_t pa);

// mmu.cpp
void mmu_init(); // builds the final tables (RAM + devices already requested) and switches

// gic.cpp
bool gic_init(const bare::Fdt& fdt);
bool gic_present();
void gic_enable(unsigned intid);
void gic_handle_irq();

// time.cpp
void time_init(const bare::Fdt& fdt);
uint64_t ns_to_ticks(uint64_t ns);
// The hardware deadline of the scheduler's earliest sleeper (0 = none).
void timer_program(uint64_t deadline_ns);
// Lets Xen replace the timer backend (VIRQ_TIMER).
struct TimerBackend {
    const char* name;
    void (*program)(uint64_t deadline_ns); // 0: cancel
};
void timer_set_backend(const TimerBackend* b);
const char* timer_backend_name();

// sched.cpp
void sched_init();
[[noreturn]] void sched_start(ThreadFn first, void* arg);
void sched_on_timer(); // called by timer interrupt handlers

// exceptions.cpp
extern "C" void minios_exception(Frame* f, uint64_t kind);

// psci.cpp (native power control)
void psci_init(const bare::Fdt& fdt);
[[noreturn]] void psci_system_off();

// Xen glue, xen/xen.cpp. All of them do nothing when not on Xen.
void xen_early_init(const bare::Fdt& fdt); // hypercalls usable, features, dom0 flag
void xen_init(const bare::Fdt& fdt);       // shared info, events, grants, console
[[noreturn]] void xen_shutdown(unsigned reason);

} // namespace minios
