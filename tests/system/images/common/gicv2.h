// GICv2 and generic-timer helpers for the bare-metal test images (QEMU virt addresses).
#pragma once

#include <bare/bare.h>
#include <bare/cpu.h>

namespace gicv2 {

constexpr uint64_t kGicd = 0x08000000, kGicc = 0x08010000, kGich = 0x08030000, kGicv = 0x08040000;

// Distributor, CPU interface and virtual interface control offsets (IHI 0048B chapter 4, 5).
enum : uint32_t {
    GICD_CTLR = 0x000,
    GICD_IGROUPR = 0x080,
    GICD_ISENABLER = 0x100,
    GICD_ICENABLER = 0x180,
    GICD_ISPENDR = 0x200,
    GICD_ICPENDR = 0x280,
    GICD_ISACTIVER = 0x300,
    GICD_ICACTIVER = 0x380,
    GICD_IPRIORITYR = 0x400,
    GICD_ITARGETSR = 0x800,
    GICD_ICFGR = 0xc00,
    GICD_SGIR = 0xf00,
    GICD_CPENDSGIR = 0xf10,
    GICD_SPENDSGIR = 0xf20,
    GICC_CTLR = 0x00,
    GICC_PMR = 0x04,
    GICC_IAR = 0x0c,
    GICC_EOIR = 0x10,
    GICC_RPR = 0x14,
    GICC_HPPIR = 0x18,
    GICC_DIR = 0x1000,
    GICH_HCR = 0x00,
    GICH_VTR = 0x04,
    GICH_VMCR = 0x08,
    GICH_MISR = 0x10,
    GICH_EISR0 = 0x20,
    GICH_ELRSR0 = 0x30,
    GICH_APR = 0xf0,
    GICH_LR0 = 0x100,
};

// For images that expect no exception but IRQs: anything else is reported and ends the run.
inline void expect_irq(const BareFrame* f, uint64_t kind) {
    if (kind == 1) return;
    bare_printf("unexpected exception %u esr %lx\n", unsigned(kind), f->esr);
    bare_power_off();
}

inline volatile uint32_t& reg(uint64_t base, uint32_t off) {
    return *reinterpret_cast<volatile uint32_t*>(base + off);
}
inline uint32_t gicd(uint32_t off) {
    return reg(kGicd, off);
}
inline void gicd(uint32_t off, uint32_t v) {
    reg(kGicd, off) = v;
}
inline uint32_t gicc(uint32_t off) {
    return reg(kGicc, off);
}
inline void gicc(uint32_t off, uint32_t v) {
    reg(kGicc, off) = v;
}
inline uint32_t gich(uint32_t off) {
    return reg(kGich, off);
}
inline void gich(uint32_t off, uint32_t v) {
    reg(kGich, off) = v;
}
inline uint32_t gicv(uint32_t off) {
    return reg(kGicv, off);
}
inline void gicv(uint32_t off, uint32_t v) {
    reg(kGicv, off) = v;
}

inline void set_priority(unsigned id, uint8_t prio) {
    *reinterpret_cast<volatile uint8_t*>(kGicd + GICD_IPRIORITYR + id) = prio;
}
inline void enable(unsigned id, uint8_t prio) {
    set_priority(id, prio);
    gicd(GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32));
}
inline bool pending(unsigned id) {
    return (gicd(GICD_ISPENDR + 4 * (id / 32)) >> (id % 32)) & 1;
}
inline bool active(unsigned id) {
    return (gicd(GICD_ISACTIVER + 4 * (id / 32)) >> (id % 32)) & 1;
}

// This CPU's interface: Group 0 on, everything above priority 0xf0 signalled.
inline void cpu_interface_on(uint32_t ctlr = 1) {
    gicc(GICC_PMR, 0xf0);
    gicc(GICC_CTLR, ctlr);
}

// A list register (IHI 0048B 5.3.10).
inline uint32_t lr(unsigned vid, uint8_t prio, unsigned state, bool eoi = false) {
    return vid | (eoi ? 1u << 19 : 0) | (uint32_t(prio >> 3) << 23) | (state << 28);
}
inline uint32_t hw_lr(unsigned vid, unsigned pid, uint8_t prio, unsigned state) {
    return vid | (pid << 10) | (uint32_t(prio >> 3) << 23) | (state << 28) | (1u << 31);
}

using bare::irq_disable;
using bare::irq_enable;
using bare::wfi;

// Sleeps until `done()` holds, taking interrupts meanwhile. The check runs with IRQs masked,
// so an interrupt that arrives after it still ends the WFI (D1.16.2) instead of being taken
// just before it; returns with IRQs masked.
template <class Cond>
void wait_until(Cond done) {
    irq_disable();
    while (!done()) {
        wfi();
        irq_enable();
        asm volatile("isb" ::: "memory"); // pending interrupts are taken here
        irq_disable();
    }
}

} // namespace gicv2

// System registers by name.
#define READ_SYSREG(name)                                                                          \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        asm volatile("mrs %0, " #name : "=r"(v_)::"memory");                                       \
        v_;                                                                                        \
    })
#define WRITE_SYSREG(name, v)                                                                      \
    asm volatile("msr " #name ", %0; isb" ::"r"(static_cast<uint64_t>(v)) : "memory")

namespace el {

// Leaves EL2 for EL1h at `fn` with its own stack, IRQ/FIQ masked, EL1 in AArch64 with the
// MMU off and exceptions through the runtime's vectors. `hcr` chooses the routing.
inline void enter_el1(void (*fn)(), uint64_t sp, uint64_t hcr) {
    WRITE_SYSREG(hcr_el2, hcr | (1ull << 31)); // RW: EL1 is AArch64
    WRITE_SYSREG(sctlr_el1, 0x30d00800);       // RES1 bits, MMU and caches off
    WRITE_SYSREG(vbar_el1, reinterpret_cast<uint64_t>(bare_vectors));
    WRITE_SYSREG(tpidr_el1, bare::cpu_index());
    WRITE_SYSREG(sp_el1, sp);
    WRITE_SYSREG(elr_el2, reinterpret_cast<uint64_t>(fn));
    WRITE_SYSREG(spsr_el2, 0x3c5); // EL1h, DAIF masked
    asm volatile("eret" ::: "memory");
    __builtin_unreachable();
}

} // namespace el
