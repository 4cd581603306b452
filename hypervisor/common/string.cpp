// mem*/str* for the freestanding build (the host unit tests use the C library's).
// Written byte-wise or word-wise without SIMD; alignment respected for -mstrict-align.
#include "lib.h"

extern "C" {

void* memcpy(void* d, const void* s, size_t n) {
    auto* dp = static_cast<unsigned char*>(d);
    const auto* sp = static_cast<const unsigned char*>(s);
    if (((reinterpret_cast<uintptr_t>(dp) | reinterpret_cast<uintptr_t>(sp)) & 7) == 0) {
        while (n >= 8) {
            *reinterpret_cast<uint64_t*>(dp) = *reinterpret_cast<const uint64_t*>(sp);
            dp += 8;
            sp += 8;
            n -= 8;
        }
    }
    while (n--)
        *dp++ = *sp++;
    return d;
}

void* memset(void* d, int c, size_t n) {
    auto* dp = static_cast<unsigned char*>(d);
    if ((reinterpret_cast<uintptr_t>(dp) & 7) == 0) {
        uint64_t v = static_cast<unsigned char>(c);
        v |= v << 8;
        v |= v << 16;
        v |= v << 32;
        while (n >= 8) {
            *reinterpret_cast<uint64_t*>(dp) = v;
            dp += 8;
            n -= 8;
        }
    }
    while (n--)
        *dp++ = static_cast<unsigned char>(c);
    return d;
}

void* memmove(void* d, const void* s, size_t n) {
    auto* dp = static_cast<unsigned char*>(d);
    const auto* sp = static_cast<const unsigned char*>(s);
    if (dp <= sp || dp >= sp + n) return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

int memcmp(const void* a, const void* b, size_t n) {
    const auto* x = static_cast<const unsigned char*>(a);
    const auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n])
        ++n;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b) {
        ++a;
        ++b;
    }
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (a[i] != b[i])
            return static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]);
        if (!a[i]) return 0;
    }
    return 0;
}

} // extern "C"
