// Small helpers for drivers: xenstore keys under a device directory.
#pragma once

#include <minios/xen.h>
#include <stdarg.h>

namespace drivers {

inline void xs_key(char* out, size_t n, const char* dir, const char* key) {
    bare_snprintf(out, n, "%s/%s", dir, key);
}

inline int xs_read(const char* dir, const char* key, proto::Buf& v) {
    char p[160];
    xs_key(p, sizeof p, dir, key);
    return minios::xenbus::read(p, v);
}

inline int xs_read_uint(const char* dir, const char* key, uint64_t* v) {
    char p[160];
    xs_key(p, sizeof p, dir, key);
    return minios::xenbus::read_uint(p, v);
}

inline int xs_write(const char* dir, const char* key, const char* v, uint32_t tx = 0) {
    char p[160];
    xs_key(p, sizeof p, dir, key);
    return minios::xenbus::write(p, v, tx);
}

__attribute__((format(printf, 3, 4))) inline int xs_printf(const char* dir, const char* key,
                                                           const char* fmt, ...) {
    char v[128];
    va_list ap;
    va_start(ap, fmt);
    bare_vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    return xs_write(dir, key, v);
}

} // namespace drivers
