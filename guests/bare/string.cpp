// The mem*/str* functions the compiler may call even with -fno-builtin, with the C
// library's declarations. memcpy and memset move 8 bytes at a time when both ends are
// aligned (block I/O and page copies live on them); -mstrict-align forbids anything else.
#include <stdint.h>
#include <string.h>

extern "C" {

void* memcpy(void* d, const void* s, size_t n) noexcept {
    auto* dp = static_cast<uint8_t*>(d);
    auto* sp = static_cast<const uint8_t*>(s);
    if (((reinterpret_cast<uintptr_t>(dp) | reinterpret_cast<uintptr_t>(sp)) & 7) == 0) {
        for (; n >= 8; n -= 8, dp += 8, sp += 8)
            *reinterpret_cast<uint64_t*>(dp) = *reinterpret_cast<const uint64_t*>(sp);
    }
    while (n--)
        *dp++ = *sp++;
    return d;
}

void* memmove(void* d, const void* s, size_t n) noexcept {
    auto* dp = static_cast<uint8_t*>(d);
    auto* sp = static_cast<const uint8_t*>(s);
    if (dp < sp) {
        while (n--)
            *dp++ = *sp++;
    } else {
        while (n--)
            dp[n] = sp[n];
    }
    return d;
}

void* memset(void* d, int c, size_t n) noexcept {
    auto* dp = static_cast<uint8_t*>(d);
    if ((reinterpret_cast<uintptr_t>(dp) & 7) == 0) {
        const uint64_t v = 0x0101010101010101ULL * static_cast<uint8_t>(c);
        for (; n >= 8; n -= 8, dp += 8)
            *reinterpret_cast<uint64_t*>(dp) = v;
    }
    while (n--)
        *dp++ = static_cast<uint8_t>(c);
    return d;
}

int memcmp(const void* a, const void* b, size_t n) noexcept {
    auto* x = static_cast<const uint8_t*>(a);
    auto* y = static_cast<const uint8_t*>(b);
    for (; n; --n, ++x, ++y)
        if (*x != *y) return *x < *y ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) noexcept {
    size_t n = 0;
    while (s[n])
        ++n;
    return n;
}

int strcmp(const char* a, const char* b) noexcept {
    while (*a && *a == *b)
        ++a, ++b;
    return static_cast<uint8_t>(*a) - static_cast<uint8_t>(*b);
}

int strncmp(const char* a, const char* b, size_t n) noexcept {
    for (; n; --n, ++a, ++b) {
        if (*a != *b) return static_cast<uint8_t>(*a) - static_cast<uint8_t>(*b);
        if (!*a) return 0;
    }
    return 0;
}
}
