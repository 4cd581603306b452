// A small vsnprintf: %d %i %u %x %X %p %s %c %%, with l/ll/z, width, zero padding, - and #
// (C's alternate form: "0x"/"0X" before a non-zero hexadecimal value, counted in the width).
// (bare_printf, which writes to the console, lives with the console.)
#include <bare/bare.h>

namespace {

struct Out {
    char* buf;
    size_t cap;
    size_t len;
    void put(char c) {
        if (len + 1 < cap) buf[len] = c;
        ++len;
    }
};

// `prefix` is the sign or the alternate form's "0x": before zero padding, after spaces.
void put_num(Out& o, uint64_t v, unsigned base, bool upper, int width, char pad,
             const char* prefix) {
    char tmp[24];
    int n = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    const int total = n + static_cast<int>(strlen(prefix));
    if (pad == '0')
        for (const char* p = prefix; *p; ++p)
            o.put(*p);
    for (int i = total; i < width; ++i)
        o.put(pad);
    if (pad != '0')
        for (const char* p = prefix; *p; ++p)
            o.put(*p);
    while (n)
        o.put(tmp[--n]);
}

} // namespace

extern "C" int bare_vsnprintf(char* buf, size_t cap, const char* fmt, va_list ap) {
    Out o{buf, cap, 0};
    for (; *fmt; ++fmt) {
        if (*fmt != '%') {
            o.put(*fmt);
            continue;
        }
        ++fmt;
        char pad = ' ';
        int width = 0;
        bool left = false, alt = false;
        for (;; ++fmt) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '#')
                alt = true;
            else
                break;
        }
        if (*fmt == '0' && !left) {
            pad = '0';
            ++fmt;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        // Left-justified: emit without padding, then fill up to the width.
        const size_t start = o.len;
        const int right_width = width;
        if (left) width = 0;
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            longs = *fmt == 'z' ? 2 : longs + 1;
            ++fmt;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            const int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(o, v < 0 ? 0 - uint64_t(v) : uint64_t(v), 10, false, width, pad,
                    v < 0 ? "-" : "");
            break;
        }
        case 'u':
            put_num(o, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, false, width, pad,
                    "");
            break;
        case 'x':
        case 'X': {
            const uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            const char* prefix = !alt || v == 0 ? "" : *fmt == 'X' ? "0X" : "0x";
            put_num(o, v, 16, *fmt == 'X', width, pad, prefix);
            break;
        }
        case 'p':
            o.put('0');
            o.put('x');
            put_num(o, reinterpret_cast<uint64_t>(va_arg(ap, void*)), 16, false, width, pad, "");
            break;
        case 's': {
            const char* s = va_arg(ap, const char*);
            if (!s) s = "(null)";
            int n = static_cast<int>(strlen(s));
            for (int i = n; i < width; ++i)
                o.put(' ');
            while (*s)
                o.put(*s++);
            break;
        }
        case 'c':
            o.put(static_cast<char>(va_arg(ap, int)));
            break;
        case '%':
            o.put('%');
            break;
        case 0:
            --fmt;
            break;
        default:
            o.put('%');
            o.put(*fmt);
        }
        while (left && o.len - start < size_t(right_width))
            o.put(' ');
    }
    if (cap) buf[o.len < cap ? o.len : cap - 1] = 0;
    return static_cast<int>(o.len);
}

extern "C" int bare_snprintf(char* buf, size_t n, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const int r = bare_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}
