// CPU helpers every guest runtime needs (the mini-OS, xtest, the bare test images):
// interrupt masking at the current EL and waiting for an interrupt.
#pragma once

namespace bare {

// PSTATE.I: IRQs masked or taken at the current EL.
inline void irq_disable() {
    asm volatile("msr daifset, #2" ::: "memory");
}
inline void irq_enable() {
    asm volatile("msr daifclr, #2" ::: "memory");
}
// WFI once every earlier memory access has completed (DSB SY first).
inline void wfi() {
    asm volatile("dsb sy; wfi" ::: "memory");
}

} // namespace bare
