// Freestanding library: memory/string functions, formatted printing, bit helpers, atomics,
// spinlocks. On the host (unit tests) the C library provides the mem*/str* functions.
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <string.h> // host unit tests: the C library's
#else
extern "C" {
void* memcpy(void* d, const void* s, size_t n);
void* memset(void* d, int c, size_t n);
void* memmove(void* d, const void* s, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
}
#endif

namespace hyp {

int vsnprintf(char* buf, size_t n, const char* fmt, va_list ap);
int snprintf(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

size_t strnlen(const char* s, size_t max);
// Copies at most n-1 bytes and terminates; returns the length of src.
size_t strlcpy(char* d, const char* s, size_t n);
// Parses an unsigned number (decimal, or 0x hex) with an optional K/M/G suffix when
// `size_suffix`; returns false on garbage. *end points after the number.
bool parse_u64(const char* s, uint64_t* out, const char** end = nullptr, bool size_suffix = false);
// Looks up `key=` (or a bare `key`) in a space-separated command line; copies the value.
bool cmdline_get(const char* cmdline, const char* key, char* val, size_t n);

inline unsigned ctz64(uint64_t v) {
    return static_cast<unsigned>(__builtin_ctzll(v));
}
inline unsigned clz64(uint64_t v) {
    return static_cast<unsigned>(__builtin_clzll(v));
}

// Atomics on shared memory (guest pages included): plain builtins, lock-free on AArch64.
template <class T>
inline T atomic_load(const T* p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
template <class T>
inline void atomic_store(T* p, T v) {
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
template <class T>
inline T atomic_fetch_or(T* p, T v) {
    return __atomic_fetch_or(p, v, __ATOMIC_ACQ_REL);
}
template <class T>
inline T atomic_fetch_and(T* p, T v) {
    return __atomic_fetch_and(p, v, __ATOMIC_ACQ_REL);
}
template <class T>
inline T atomic_fetch_add(T* p, T v) {
    return __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL);
}
template <class T>
inline bool atomic_cas(T* p, T* expected, T desired) {
    return __atomic_compare_exchange_n(p, expected, desired, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}
// Bit operations on arrays of 64-bit words; return the previous bit value.
inline bool test_and_set_bit(uint64_t* words, unsigned bit) {
    const uint64_t m = 1ull << (bit % 64);
    return (atomic_fetch_or(&words[bit / 64], m) & m) != 0;
}
inline bool test_and_clear_bit(uint64_t* words, unsigned bit) {
    const uint64_t m = 1ull << (bit % 64);
    return (atomic_fetch_and(&words[bit / 64], ~m) & m) != 0;
}
inline bool test_bit(const uint64_t* words, unsigned bit) {
    return (atomic_load(&words[bit / 64]) >> (bit % 64)) & 1;
}

// A ticket lock: fair, so no pCPU starves another (isolation includes the hypervisor's own
// locks). Interrupts are always masked at EL2, so no irqsave variants are needed.
inline void cpu_relax() {
#if defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#else
    asm volatile("" ::: "memory");
#endif
}

class SpinLock {
public:
    void lock();
    void unlock();
    bool is_locked() const;

private:
    uint32_t next_ = 0;
    uint32_t owner_ = 0;
};

class LockGuard {
public:
    explicit LockGuard(SpinLock& l) : l_(l) { l_.lock(); }
    ~LockGuard() { l_.unlock(); }
    LockGuard(const LockGuard&) = delete;
    LockGuard& operator=(const LockGuard&) = delete;

private:
    SpinLock& l_;
};

// Doubly linked intrusive list.
struct ListNode {
    ListNode* prev = this;
    ListNode* next = this;
    bool linked() const { return next != this; }
    void unlink() {
        prev->next = next;
        next->prev = prev;
        prev = next = this;
    }
    void insert_before(ListNode* n) { // puts n before this
        n->next = this;
        n->prev = prev;
        prev->next = n;
        prev = n;
    }
};

#define HYP_CONTAINER_OF(ptr, type, member)                                                        \
    reinterpret_cast<type*>(reinterpret_cast<char*>(ptr) - offsetof(type, member))

} // namespace hyp
