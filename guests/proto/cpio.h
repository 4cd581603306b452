// Reading a "newc" cpio archive (the format of Linux initramfs images): dom0 receives its
// toolstack script and the guest images it starts as one archive, its ramdisk.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace cpio {

struct File {
    const char* name; // not nul-terminated
    size_t name_len;
    const uint8_t* data;
    size_t size;
};

// Calls fn(file) for every regular entry until the trailer; false when the archive is
// malformed (bad magic, sizes running past the end).
template <class F>
bool for_each(const uint8_t* a, size_t n, F fn);

// Looks a file up by name; false when absent or the archive is malformed.
bool find(const uint8_t* a, size_t n, const char* name, File* out);

namespace detail {
bool hex8(const uint8_t* p, uint32_t* v);
}

template <class F>
bool for_each(const uint8_t* a, size_t n, F fn) {
    constexpr size_t kHeader = 110;
    size_t off = 0;
    for (;;) {
        if (off + kHeader > n) return false;
        const uint8_t* h = a + off;
        static const char kMagic[] = "070701";
        for (int i = 0; i < 6; ++i)
            if (h[i] != uint8_t(kMagic[i])) return false;
        uint32_t mode, size, namesize;
        if (!detail::hex8(h + 6 + 8 * 1, &mode) || !detail::hex8(h + 6 + 8 * 6, &size) ||
            !detail::hex8(h + 6 + 8 * 11, &namesize) || namesize == 0)
            return false;
        const size_t name_at = off + kHeader;
        if (namesize > n - name_at) return false;
        const char* name = reinterpret_cast<const char*>(a + name_at);
        const size_t data_at = (name_at + namesize + 3) & ~size_t(3);
        if (data_at > n || size > n - data_at) return false;
        const size_t name_len = namesize - 1;
        static const char kTrailer[] = "TRAILER!!!";
        bool trailer = name_len == sizeof kTrailer - 1;
        for (size_t i = 0; trailer && i < name_len; ++i)
            trailer = name[i] == kTrailer[i];
        if (trailer) return true;
        if ((mode & 0170000) == 0100000) // regular file
            fn(File{name, name_len, a + data_at, size});
        off = (data_at + size + 3) & ~size_t(3);
    }
}

} // namespace cpio
