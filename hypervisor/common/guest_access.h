// Hypercall arguments live in guest virtual memory (the ARM hypercall ABI passes guest
// virtual addresses). Each page is translated through the guest's stage 1 (arch, for the
// current vCPU) and then its stage 2 (p2m, which must say the page is the domain's RAM), so
// a bad pointer can only ever produce -EFAULT.
#pragma once

#include "types.h"

namespace hyp {

struct Vcpu;

Status copy_from_guest(Vcpu* v, void* dst, uint64_t gva, uint64_t len);
Status copy_to_guest(Vcpu* v, uint64_t gva, const void* src, uint64_t len);
// Resolves a guest virtual address (within one page) to a hypervisor pointer.
void* guest_va_to_ptr(Vcpu* v, uint64_t gva, uint64_t len, bool write);

template <class T>
Status get_guest(Vcpu* v, T* out, uint64_t gva) {
    return copy_from_guest(v, out, gva, sizeof(T));
}
template <class T>
Status put_guest(Vcpu* v, uint64_t gva, const T& in) {
    return copy_to_guest(v, gva, &in, sizeof(T));
}

} // namespace hyp
