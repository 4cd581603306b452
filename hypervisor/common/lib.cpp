// Portable helpers: formatted printing, command-line parsing, the ticket lock.
#include "lib.h"

namespace hyp {

namespace {

struct Out {
    char* buf;
    size_t cap;
    size_t len = 0;
    void put(char c) {
        if (len + 1 < cap) buf[len] = c;
        ++len;
    }
};

void put_num(Out& o, uint64_t v, unsigned base, bool upper, int width, char pad, bool neg) {
    char tmp[24];
    int n = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg) tmp[n++] = '-';
    for (int i = n; i < width; ++i)
        o.put(pad);
    while (n)
        o.put(tmp[--n]);
}

} // namespace

int vsnprintf(char* buf, size_t cap, const char* fmt, va_list ap) {
    Out o{buf, cap};
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            o.put(*p);
            continue;
        }
        ++p;
        char pad = ' ';
        int width = 0;
        bool left = false, alt = false;
        for (;; ++p) {
            if (*p == '-')
                left = true;
            else if (*p == '#')
                alt = true;
            else
                break;
        }
        if (*p == '0') {
            pad = '0';
            ++p;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        int lng = 0;
        while (*p == 'l') {
            ++lng;
            ++p;
        }
        if (*p == 'z') {
            lng = 2;
            ++p;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            const int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(o, v < 0 ? -static_cast<uint64_t>(v) : static_cast<uint64_t>(v), 10, false,
                    width, pad, v < 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            const uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            if (alt && *p != 'u') {
                o.put('0');
                o.put('x');
            }
            put_num(o, v, *p == 'u' ? 10 : 16, *p == 'X', width, pad, false);
            break;
        }
        case 'p':
            o.put('0');
            o.put('x');
            put_num(o, reinterpret_cast<uintptr_t>(va_arg(ap, void*)), 16, false, 0, ' ', false);
            break;
        case 'c':
            o.put(static_cast<char>(va_arg(ap, int)));
            break;
        case 's': {
            const char* s = va_arg(ap, const char*);
            if (!s) s = "(null)";
            const int n = static_cast<int>(strlen(s));
            if (!left)
                for (int i = n; i < width; ++i)
                    o.put(' ');
            while (*s)
                o.put(*s++);
            if (left)
                for (int i = n; i < width; ++i)
                    o.put(' ');
            break;
        }
        case '%':
            o.put('%');
            break;
        default:
            o.put('%');
            o.put(*p);
            break;
        }
        if (!*p) break;
    }
    if (cap) buf[o.len < cap ? o.len : cap - 1] = 0;
    return static_cast<int>(o.len);
}

int snprintf(char* buf, size_t n, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

size_t strnlen(const char* s, size_t max) {
    size_t n = 0;
    while (n < max && s[n])
        ++n;
    return n;
}

size_t strlcpy(char* d, const char* s, size_t n) {
    const size_t len = strlen(s);
    if (n) {
        const size_t c = len < n - 1 ? len : n - 1;
        memcpy(d, s, c);
        d[c] = 0;
    }
    return len;
}

bool parse_u64(const char* s, uint64_t* out, const char** end, bool size_suffix) {
    uint64_t v = 0;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    const char* start = s;
    for (;; ++s) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = static_cast<unsigned>(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = static_cast<unsigned>(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = static_cast<unsigned>(*s - 'A' + 10);
        else
            break;
        if (v > (~0ull - d) / base) return false; // overflow
        v = v * base + d;
    }
    if (s == start) return false;
    if (size_suffix) {
        unsigned shift = 0;
        switch (*s) {
        case 'k':
        case 'K':
            shift = 10;
            break;
        case 'm':
        case 'M':
            shift = 20;
            break;
        case 'g':
        case 'G':
            shift = 30;
            break;
        default:
            break;
        }
        if (shift) {
            if (v > (~0ull >> shift)) return false;
            v <<= shift;
            ++s;
        }
    }
    *out = v;
    if (end) *end = s;
    return true;
}

bool cmdline_get(const char* cmdline, const char* key, char* val, size_t n) {
    if (!cmdline) return false;
    const size_t klen = strlen(key);
    const char* p = cmdline;
    while (*p) {
        while (*p == ' ')
            ++p;
        const char* word = p;
        while (*p && *p != ' ')
            ++p;
        const size_t wlen = static_cast<size_t>(p - word);
        if (wlen >= klen && strncmp(word, key, klen) == 0 && (wlen == klen || word[klen] == '=')) {
            const char* v = wlen == klen ? word + klen : word + klen + 1;
            const size_t vlen = static_cast<size_t>(p - v);
            if (n) {
                const size_t c = vlen < n - 1 ? vlen : n - 1;
                memcpy(val, v, c);
                val[c] = 0;
            }
            return true;
        }
    }
    return false;
}

void SpinLock::lock() {
    const uint32_t me = __atomic_fetch_add(&next_, 1u, __ATOMIC_RELAXED);
    while (__atomic_load_n(&owner_, __ATOMIC_ACQUIRE) != me) {
#if defined(__aarch64__)
        asm volatile("yield");
#endif
    }
}

void SpinLock::unlock() {
    __atomic_store_n(&owner_, owner_ + 1, __ATOMIC_RELEASE);
}

bool SpinLock::is_locked() const {
    return __atomic_load_n(&owner_, __ATOMIC_RELAXED) != __atomic_load_n(&next_, __ATOMIC_RELAXED);
}

} // namespace hyp
