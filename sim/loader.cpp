#include "loader.h"

#include "models/base/rng.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace armsim::sim {

namespace {

constexpr uint16_t kEmAarch64 = 183;
constexpr uint32_t kPtLoad = 1;

template <class T>
T get(const std::vector<uint8_t>& b, uint64_t off) {
    T v;
    std::memcpy(&v, b.data() + off, sizeof v);
    return v;
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
}

const char* machine_name(uint16_t m) {
    switch (m) {
    case 3: return "x86";
    case 40: return "ARM (AArch32)";
    case 62: return "x86-64";
    case 243: return "RISC-V";
    default: return nullptr;
    }
}

} // namespace

uint64_t Image::lowest() const {
    uint64_t lo = ~0ull;
    for (const Segment& s : segments)
        lo = std::min(lo, s.addr);
    return lo;
}

uint64_t Image::highest() const {
    uint64_t hi = 0;
    for (const Segment& s : segments)
        hi = std::max(hi, s.addr + s.memsz);
    return hi;
}

std::vector<uint8_t> read_file(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ImageError(std::string("cannot open ") + what + " '" + path +
                         "': " + std::strerror(errno));
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw ImageError(std::string("cannot read ") + what + " '" + path + "'");
    return data;
}

Image load_elf(const std::string& path) {
    const std::vector<uint8_t> b = read_file(path, "kernel");
    const std::string who = "kernel '" + path + "'";
    if (b.size() < 4 || std::memcmp(b.data(), "\x7f" "ELF", 4) != 0)
        throw ImageError(who + " is not an ELF file");
    if (b.size() < 64)
        throw ImageError(who + " is a truncated ELF file (" + std::to_string(b.size()) +
                         " bytes, no complete header)");
    if (b[4] != 2)
        throw ImageError(who + " is a 32-bit ELF file; an AArch64 (ELF64) image is needed");
    if (b[5] != 1)
        throw ImageError(who + " is a big-endian ELF file; only little-endian is supported");
    const uint16_t type = get<uint16_t>(b, 16);
    const uint16_t machine = get<uint16_t>(b, 18);
    if (machine != kEmAarch64) {
        const char* n = machine_name(machine);
        throw ImageError(who + " is an ELF file for " +
                         (n ? std::string(n) : "machine " + std::to_string(machine)) +
                         ", not AArch64");
    }
    if (type != 2 && type != 3)
        throw ImageError(who + " is not an executable ELF file (e_type " + std::to_string(type) + ")");
    Image img;
    img.path = path;
    img.format = "elf";
    img.entry = get<uint64_t>(b, 24);
    const uint64_t phoff = get<uint64_t>(b, 32);
    const uint16_t phentsize = get<uint16_t>(b, 54);
    const uint16_t phnum = get<uint16_t>(b, 56);
    if (phnum == 0)
        throw ImageError(who + " has no program headers");
    if (phentsize < 56 || phoff > b.size() || uint64_t(phnum) * phentsize > b.size() - phoff)
        throw ImageError(who + " is a truncated ELF file (program headers past the end)");
    for (unsigned i = 0; i < phnum; ++i) {
        const uint64_t ph = phoff + uint64_t(i) * phentsize;
        if (get<uint32_t>(b, ph) != kPtLoad)
            continue;
        const uint64_t offset = get<uint64_t>(b, ph + 8);
        const uint64_t paddr = get<uint64_t>(b, ph + 24);
        const uint64_t filesz = get<uint64_t>(b, ph + 32);
        const uint64_t memsz = get<uint64_t>(b, ph + 40);
        if (memsz == 0)
            continue;
        if (filesz > memsz)
            throw ImageError(who + ": segment " + std::to_string(i) + " has p_filesz > p_memsz");
        if (offset > b.size() || filesz > b.size() - offset)
            throw ImageError(who + " is a truncated ELF file (segment " + std::to_string(i) +
                             " extends past the end of the file)");
        if (paddr + memsz < paddr)
            throw ImageError(who + ": segment " + std::to_string(i) + " wraps the address space");
        img.segments.push_back(Segment{paddr,
                                       std::vector<uint8_t>(b.begin() + static_cast<long>(offset),
                                                            b.begin() + static_cast<long>(offset + filesz)),
                                       memsz});
    }
    if (img.segments.empty())
        throw ImageError(who + " has no loadable segments");
    Fnv64 h;
    h.add(b.data(), b.size());
    img.file_hash = h.value();
    return img;
}

void check_in_ram(const Image& img, uint64_t base, uint64_t size) {
    for (size_t i = 0; i < img.segments.size(); ++i) {
        const Segment& s = img.segments[i];
        if (s.addr < base || s.addr + s.memsz > base + size)
            throw ImageError(img.format + " image '" + img.path + "': segment " + std::to_string(i) +
                             " [" + hex(s.addr) + ", " + hex(s.addr + s.memsz) +
                             ") lies outside RAM [" + hex(base) + ", " + hex(base + size) + ")");
    }
}

} // namespace armsim::sim
