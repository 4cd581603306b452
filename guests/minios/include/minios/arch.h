// AArch64 helpers for the mini-OS: barriers, interrupt masking, system registers.
#pragma once

#include <bare/cpu.h>
#include <proto/barrier.h>
#include <stdint.h>

#define MINIOS_READ_SYSREG(name)                                                                   \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        asm volatile("mrs %0, " #name : "=r"(v_));                                                 \
        v_;                                                                                        \
    })
#define MINIOS_WRITE_SYSREG(name, v)                                                               \
    asm volatile("msr " #name ", %0" : : "r"(uint64_t(v)) : "memory")

namespace minios::arch {

inline void isb() {
    asm volatile("isb" ::: "memory");
}
inline void dsb_sy() {
    asm volatile("dsb sy" ::: "memory");
}
inline void dsb_ish() {
    asm volatile("dsb ish" ::: "memory");
}
// Ordering between this CPU and other observers of shared memory (the hypervisor, other
// domains): Xen's rings use these as mb/rmb/wmb (DMB ISH, ISHLD, ISHST).
using proto::mb;
using proto::rmb;
using proto::wmb;
inline void compiler_barrier() {
    asm volatile("" ::: "memory");
}

using bare::irq_disable;
using bare::irq_enable;
inline bool irqs_enabled() {
    return (MINIOS_READ_SYSREG(daif) & (1u << 7)) == 0;
}
using bare::wfi;
inline void cpu_relax() {
    asm volatile("yield" ::: "memory");
}

inline uint64_t counter() {
    isb(); // CNTVCT reads may otherwise be taken early (ARM ARM D11.2.2)
    return MINIOS_READ_SYSREG(cntvct_el0);
}

} // namespace minios::arch
