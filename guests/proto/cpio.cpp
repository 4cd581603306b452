#include "cpio.h"

#include <string.h>

namespace cpio {

namespace detail {
bool hex8(const uint8_t* p, uint32_t* v) {
    uint32_t x = 0;
    for (int i = 0; i < 8; ++i) {
        const uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        x = x * 16 + d;
    }
    *v = x;
    return true;
}
} // namespace detail

bool find(const uint8_t* a, size_t n, const char* name, File* out) {
    bool found = false;
    const size_t want = strlen(name);
    const bool ok = for_each(a, n, [&](const File& f) {
        if (!found && f.name_len == want && memcmp(f.name, name, want) == 0) {
            *out = f;
            found = true;
        }
    });
    return ok && found;
}

} // namespace cpio
