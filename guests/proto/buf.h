// A growable byte buffer on malloc (host libc or the mini-OS heap): payloads, values, paths.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

namespace proto {

class Buf {
public:
    Buf() = default;
    Buf(const Buf&) = delete;
    Buf& operator=(const Buf&) = delete;
    Buf(Buf&& o) : data_(o.data_), len_(o.len_), cap_(o.cap_) {
        o.data_ = nullptr, o.len_ = o.cap_ = 0;
    }
    ~Buf() { ::free(data_); }

    bool append(const void* p, size_t n) {
        if (!reserve(len_ + n)) return false;
        if (n) memcpy(data_ + len_, p, n);
        len_ += n;
        return true;
    }
    bool append_str(const char* s) { return append(s, strlen(s)); }
    // Appends s and its terminating nul.
    bool append_strz(const char* s) { return append(s, strlen(s) + 1); }
    bool append_char(char c) { return append(&c, 1); }
    bool append_uint(uint64_t v) {
        char tmp[24];
        int n = 0;
        do {
            tmp[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        while (n)
            if (!append_char(tmp[--n])) return false;
        return true;
    }
    bool reserve(size_t n) {
        if (n <= cap_) return true;
        size_t c = cap_ ? cap_ : 64;
        while (c < n)
            c *= 2;
        char* d = static_cast<char*>(::malloc(c));
        if (!d) return false;
        if (len_) memcpy(d, data_, len_);
        ::free(data_);
        data_ = d;
        cap_ = c;
        return true;
    }
    void clear() { len_ = 0; }
    const char* data() const { return data_ ? data_ : ""; }
    char* data() { return data_; }
    size_t size() const { return len_; }
    // A nul-terminated view (appends a nul not counted in size()).
    const char* c_str() {
        if (!reserve(len_ + 1)) return "";
        data_[len_] = 0;
        return data_;
    }

private:
    char* data_ = nullptr;
    size_t len_ = 0;
    size_t cap_ = 0;
};

// A malloc'd copy of s (n bytes + nul), or nullptr.
inline char* dup(const char* s, size_t n) {
    char* d = static_cast<char*>(::malloc(n + 1));
    if (d) {
        if (n) memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}
inline char* dup(const char* s) {
    return dup(s, strlen(s));
}

// Decimal digits only, no sign, no overflow: the numbers xenstore and scripts carry.
inline bool parse_uint(const char* s, uint64_t* out) {
    if (!s || !*s) return false;
    uint64_t v = 0;
    for (; *s; ++s) {
        if (*s < '0' || *s > '9') return false;
        const uint64_t nv = v * 10 + uint64_t(*s - '0');
        if (nv / 10 != v) return false;
        v = nv;
    }
    *out = v;
    return true;
}

} // namespace proto
