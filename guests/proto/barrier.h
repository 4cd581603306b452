// Memory ordering for data shared with another domain, usable in the guests and in host
// unit tests. In a guest these are the barriers Xen's rings prescribe (mb/rmb/wmb = DMB ISH
// variants); on the host, the equivalent C++ fences.
#pragma once

namespace proto {

#if defined(__aarch64__)
inline void mb() {
    asm volatile("dmb ish" ::: "memory");
}
inline void rmb() {
    asm volatile("dmb ishld" ::: "memory");
}
inline void wmb() {
    asm volatile("dmb ishst" ::: "memory");
}
#else
inline void mb() {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
inline void rmb() {
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}
inline void wmb() {
    __atomic_thread_fence(__ATOMIC_RELEASE);
}
#endif

// A single load the compiler may not repeat, merge or tear (shared indexes and fields the
// other end writes).
template <class T>
inline T read_once(const T& v) {
    return *static_cast<const volatile T*>(&v);
}
template <class T>
inline void write_once(T& v, T x) {
    *static_cast<volatile T*>(&v) = x;
}

} // namespace proto
