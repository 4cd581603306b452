// Boot arguments ("role=ping peer=2 count=1000 verbose"): whitespace-separated tokens, each
// a key=value pair or a bare flag. Values may not contain spaces.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace minios::args {

// Copies the value of key into out (nul-terminated); false when the key is absent.
inline bool get(const char* args, const char* key, char* out, size_t n) {
    const size_t klen = strlen(key);
    for (const char* p = args; p && *p;) {
        while (*p == ' ' || *p == '\t')
            ++p;
        const char* end = p;
        while (*end && *end != ' ' && *end != '\t')
            ++end;
        if (size_t(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t len = size_t(end - p) - klen - 1;
            if (len >= n) len = n - 1;
            memcpy(out, p + klen + 1, len);
            out[len] = 0;
            return true;
        }
        p = end;
    }
    return false;
}

inline bool flag(const char* args, const char* key) {
    const size_t klen = strlen(key);
    for (const char* p = args; p && *p;) {
        while (*p == ' ' || *p == '\t')
            ++p;
        const char* end = p;
        while (*end && *end != ' ' && *end != '\t')
            ++end;
        if (size_t(end - p) == klen && strncmp(p, key, klen) == 0) return true;
        p = end;
    }
    return false;
}

inline uint64_t get_uint(const char* args, const char* key, uint64_t fallback) {
    char buf[24];
    if (!get(args, key, buf, sizeof buf) || !buf[0]) return fallback;
    uint64_t v = 0;
    for (const char* c = buf; *c; ++c) {
        if (*c < '0' || *c > '9') return fallback;
        v = v * 10 + uint64_t(*c - '0');
    }
    return v;
}

} // namespace minios::args
