// strchr, strrchr and memchr. Apart from string.cpp because the C library declares them as
// C++ overloads (const and non-const) that a definition cannot share a file with.
#include <stddef.h>

extern "C" {

char* strchr(const char* s, int c) {
    for (;; ++s) {
        if (*s == static_cast<char>(c)) return const_cast<char*>(s);
        if (!*s) return nullptr;
    }
}

char* strrchr(const char* s, int c) {
    const char* last = nullptr;
    for (;; ++s) {
        if (*s == static_cast<char>(c)) last = s;
        if (!*s) return const_cast<char*>(last);
    }
}

void* memchr(const void* p, int c, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (; n; --n, ++b)
        if (*b == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(b);
    return nullptr;
}
}
