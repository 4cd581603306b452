// Talking to a Xen-ABI hypervisor from EL1, for every guest runtime (the mini-OS and the
// hypervisor's xtest images): the hypercall instruction and the console_io write.
// Only the public ABI (hypervisor/include/public) is shared with the hypervisor itself.
#pragma once

#include <public/xen.h>
#include <stddef.h>
#include <stdint.h>

namespace bare {

// hvc #0xEA1 with the number in x16, arguments in x0..x4 and the result in x0 (Xen's
// arch-arm.h). Xen may clobber the argument registers and x16 (debug builds poison them).
inline int64_t xen_hypercall(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                             uint64_t a3 = 0, uint64_t a4 = 0) {
    register uint64_t x0 asm("x0") = a0;
    register uint64_t x1 asm("x1") = a1;
    register uint64_t x2 asm("x2") = a2;
    register uint64_t x3 asm("x3") = a3;
    register uint64_t x4 asm("x4") = a4;
    register uint64_t x16 asm("x16") = nr;
    asm volatile("hvc #0xEA1"
                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x16)
                 :
                 : "memory");
    return static_cast<int64_t>(x0);
}

// CONSOLEIO_write of n bytes at s: the hypervisor's own console. Takes a guest virtual
// address; the guests using it map themselves one to one, so it equals the physical one.
inline int64_t xen_console_write(const char* s, size_t n) {
    return xen_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, n,
                         reinterpret_cast<uint64_t>(s));
}

} // namespace bare
