// Reading boot images: parsed and checked before the board is built, so bad input fails
// fast with a one-line message.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace armsim::sim {

struct ImageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Segment {
    uint64_t addr;              // physical load address
    std::vector<uint8_t> bytes; // file contents
    uint64_t memsz;             // >= bytes.size(); the rest is zeroed
};

struct Image {
    std::string path;
    std::string format; // "elf", "image" (Linux arm64 Image) or "raw"
    uint64_t entry = 0;
    std::vector<Segment> segments;
    uint64_t file_hash = 0; // FNV-1a of the file, for --record/--replay and the digest
    // End of the memory the image uses beyond its segments: ELF sections that occupy
    // memory but no segment (NOLOAD .bss and stacks), so nothing is placed over them.
    uint64_t reserved_end = 0;

    uint64_t lowest() const;
    uint64_t highest() const; // one past the last byte it loads or reserves
    // Booted the way QEMU boots Linux (x0 = DTB, x1..x3 = 0; initrd and DTB placed after
    // the image) rather than as an ELF program.
    bool linux_boot() const { return format != "elf"; }
};

// A file loaded as-is: initrds and modules.
struct Blob {
    std::string path;
    std::vector<uint8_t> bytes;
    uint64_t file_hash = 0;
};

std::vector<uint8_t> read_file(const std::string& path, const char* what);

// An AArch64 ELF64 executable: little-endian, EM_AARCH64, PT_LOAD segments at their
// physical addresses. Throws ImageError naming the problem.
Image load_elf(const std::string& path);
Image load_elf(const std::string& path, const std::vector<uint8_t>& bytes);

// The Linux arm64 Image header (Documentation/arch/arm64/booting.rst, "Call the kernel
// image"): the kernel goes text_offset bytes above a 2 MiB-aligned base. Like QEMU, a
// text_offset below 4 KiB moves up by 2 MiB (QEMU keeps its boot stub in the first page
// of RAM), so modern kernels (text_offset 0) load at RAM + 2 MiB. Throws ImageError.
Image load_linux_image(const std::string& path, const std::vector<uint8_t>& bytes,
                       uint64_t ram_base);
// A raw binary at `addr` (default RAM + 0x80000, QEMU's address for headerless images),
// entered at `entry` (default: addr).
Image load_raw(const std::string& path, const std::vector<uint8_t>& bytes, uint64_t addr,
               uint64_t entry);
// The --kernel image in whatever format it is or was declared as. Throws ImageError.
struct KernelSpec;
Image load_kernel(const KernelSpec& spec, uint64_t ram_base);
Blob load_blob(const std::string& path, const char* what);
uint64_t hash_bytes(const std::vector<uint8_t>& bytes);

// Throws ImageError when a segment is not inside [base, base + size).
void check_in_ram(const Image& img, uint64_t base, uint64_t size);

} // namespace armsim::sim
