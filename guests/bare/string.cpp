// The mem*/str* functions the compiler may call even with -fno-builtin.
#include <bare/bare.h>

extern "C" {

void* memcpy(void* d, const void* s, size_t n) {
    auto* dp = static_cast<uint8_t*>(d);
    auto* sp = static_cast<const uint8_t*>(s);
    while (n--)
        *dp++ = *sp++;
    return d;
}

void* memmove(void* d, const void* s, size_t n) {
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

void* memset(void* d, int c, size_t n) {
    auto* dp = static_cast<uint8_t*>(d);
    while (n--)
        *dp++ = static_cast<uint8_t>(c);
    return d;
}

int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const uint8_t*>(a);
    auto* y = static_cast<const uint8_t*>(b);
    for (; n; --n, ++x, ++y)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n])
        ++n;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b)
        ++a, ++b;
    return static_cast<uint8_t>(*a) - static_cast<uint8_t>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (; n; --n, ++a, ++b) {
        if (*a != *b)
            return static_cast<uint8_t>(*a) - static_cast<uint8_t>(*b);
        if (!*a)
            return 0;
    }
    return 0;
}
}
