// Basic types of the hypervisor core: typed addresses (guest-virtual, guest-physical,
// host-physical are distinct types, so one can never be passed where another is expected),
// page arithmetic, and small helpers. Portable: compiled for EL2 and for host unit tests.
#pragma once

#include <compare>
#include <stddef.h>
#include <stdint.h>

namespace hyp {

inline constexpr uint64_t kPageShift = 12;
inline constexpr uint64_t kPageSize = 1ull << kPageShift;
inline constexpr uint64_t kPageMask = kPageSize - 1;

// An address in one address space. Tag makes Gva, Ipa and Hpa incompatible types.
template <class Tag>
class Addr {
public:
    constexpr Addr() = default;
    constexpr explicit Addr(uint64_t v) : v_(v) {}
    static constexpr Addr from_frame(uint64_t frame) { return Addr(frame << kPageShift); }

    constexpr uint64_t raw() const { return v_; }
    constexpr uint64_t frame() const { return v_ >> kPageShift; }
    constexpr uint64_t page_offset() const { return v_ & kPageMask; }
    constexpr Addr page_base() const { return Addr(v_ & ~kPageMask); }
    constexpr bool page_aligned() const { return (v_ & kPageMask) == 0; }

    constexpr Addr operator+(uint64_t d) const { return Addr(v_ + d); }
    constexpr Addr operator-(uint64_t d) const { return Addr(v_ - d); }
    constexpr uint64_t operator-(Addr o) const { return v_ - o.v_; }
    constexpr Addr& operator+=(uint64_t d) {
        v_ += d;
        return *this;
    }
    constexpr auto operator<=>(const Addr&) const = default;

private:
    uint64_t v_ = 0;
};

struct GvaTag {};
struct IpaTag {};
struct HpaTag {};
using Gva = Addr<GvaTag>; // guest virtual (the guest's stage 1 input)
using Ipa = Addr<IpaTag>; // guest physical (stage 2 input)
using Hpa = Addr<HpaTag>; // host physical

constexpr uint64_t align_up(uint64_t v, uint64_t a) {
    return (v + a - 1) & ~(a - 1);
}
constexpr uint64_t align_down(uint64_t v, uint64_t a) {
    return v & ~(a - 1);
}

template <class T>
constexpr T min(T a, T b) {
    return a < b ? a : b;
}
template <class T>
constexpr T max(T a, T b) {
    return a < b ? b : a;
}

// Hypercall results: >= 0 success, negative Xen errno.
using Status = int64_t;

} // namespace hyp
