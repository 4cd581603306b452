// Boot arguments ("role=ping peer=2 count=1000 verbose"): whitespace-separated tokens, each
// a key=value pair or a bare flag. Values may not contain spaces.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace minios::args {

// Calls fn(token, length) for each whitespace-separated token until fn returns true;
// returns whether it did.
template <class Fn>
bool find_token(const char* args, Fn fn) {
    for (const char* p = args; p && *p;) {
        while (*p == ' ' || *p == '\t')
            ++p;
        const char* end = p;
        while (*end && *end != ' ' && *end != '\t')
            ++end;
        if (fn(p, size_t(end - p))) return true;
        p = end;
    }
    return false;
}

// Copies the value of key into out (nul-terminated); false when the key is absent.
inline bool get(const char* args, const char* key, char* out, size_t n) {
    const size_t klen = strlen(key);
    return find_token(args, [&](const char* p, size_t len) {
        if (len <= klen || strncmp(p, key, klen) != 0 || p[klen] != '=') return false;
        size_t vlen = len - klen - 1;
        if (vlen >= n) vlen = n - 1;
        memcpy(out, p + klen + 1, vlen);
        out[vlen] = 0;
        return true;
    });
}

inline bool flag(const char* args, const char* key) {
    const size_t klen = strlen(key);
    return find_token(
        args, [&](const char* p, size_t len) { return len == klen && strncmp(p, key, klen) == 0; });
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
