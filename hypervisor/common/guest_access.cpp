// Copies between the hypervisor and guest virtual memory.
#include "guest_access.h"

#include "../include/public/errno.h"
#include "arch.h"
#include "domain.h"

namespace hyp {

namespace {
bool translate(Vcpu* v, uint64_t gva, bool write, Hpa* out) {
    Ipa ipa;
    if (!arch::gva_to_ipa(Gva(gva), write, &ipa)) return false;
    return domain::ipa_to_hpa(v->domain, ipa, out, write);
}
} // namespace

Status copy_from_guest(Vcpu* v, void* dst, uint64_t gva, uint64_t len) {
    auto* o = static_cast<uint8_t*>(dst);
    if (gva + len < gva) return -XEN_EFAULT;
    while (len) {
        const uint64_t n = min(len, kPageSize - (gva & kPageMask));
        Hpa pa;
        if (!translate(v, gva, false, &pa)) return -XEN_EFAULT;
        memcpy(o, arch::hpa_to_ptr(pa), n);
        o += n;
        gva += n;
        len -= n;
    }
    return 0;
}

Status copy_to_guest(Vcpu* v, uint64_t gva, const void* src, uint64_t len) {
    const auto* s = static_cast<const uint8_t*>(src);
    if (gva + len < gva) return -XEN_EFAULT;
    while (len) {
        const uint64_t n = min(len, kPageSize - (gva & kPageMask));
        Hpa pa;
        if (!translate(v, gva, true, &pa)) return -XEN_EFAULT;
        memcpy(arch::hpa_to_ptr(pa), s, n);
        s += n;
        gva += n;
        len -= n;
    }
    return 0;
}

void* guest_va_to_ptr(Vcpu* v, uint64_t gva, uint64_t len, bool write) {
    if (len == 0 || (gva & kPageMask) + len > kPageSize) return nullptr;
    Hpa pa;
    if (!translate(v, gva, write, &pa)) return nullptr;
    return arch::hpa_to_ptr(pa);
}

} // namespace hyp
