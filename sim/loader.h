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
    std::string format; // "elf"
    uint64_t entry = 0;
    std::vector<Segment> segments;
    uint64_t file_hash = 0; // FNV-1a of the file, for --record/--replay and the digest

    uint64_t lowest() const;
    uint64_t highest() const; // one past the last byte
};

std::vector<uint8_t> read_file(const std::string& path, const char* what);

// An AArch64 ELF64 executable: little-endian, EM_AARCH64, PT_LOAD segments at their
// physical addresses. Throws ImageError naming the problem.
Image load_elf(const std::string& path);

// Throws ImageError when a segment is not inside [base, base + size).
void check_in_ram(const Image& img, uint64_t base, uint64_t size);

} // namespace armsim::sim
