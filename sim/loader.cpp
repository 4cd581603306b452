#include "loader.h"

#include "boot_spec.h"
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
    case 3:
        return "x86";
    case 40:
        return "ARM (AArch32)";
    case 62:
        return "x86-64";
    case 243:
        return "RISC-V";
    default:
        return nullptr;
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
    uint64_t hi = reserved_end;
    for (const Segment& s : segments)
        hi = std::max(hi, s.addr + s.memsz);
    return hi;
}

std::vector<uint8_t> read_file(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ImageError(std::string("cannot open ") + what + " '" + path +
                         "': " + std::strerror(errno));
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    if (in.bad()) throw ImageError(std::string("cannot read ") + what + " '" + path + "'");
    return data;
}

namespace {

constexpr uint32_t kShtNobits = 8;
constexpr uint64_t kShfAlloc = 2;

// Linker scripts often leave NOLOAD .bss and stack sections outside every PT_LOAD segment.
// They still occupy memory at run time: find their physical extent (through the segment
// they follow, whose p_paddr - p_vaddr applies) and reserve it.
void reserve_alloc_sections(Image& img, const std::vector<uint8_t>& b, uint64_t phoff,
                            uint16_t phentsize, uint16_t phnum) {
    const uint64_t shoff = get<uint64_t>(b, 40);
    const uint16_t shentsize = get<uint16_t>(b, 58);
    const uint16_t shnum = get<uint16_t>(b, 60);
    if (shoff == 0 || shentsize < 64 || shoff > b.size() ||
        uint64_t(shnum) * shentsize > b.size() - shoff)
        return; // no usable section headers: the segments are all we know
    for (unsigned i = 0; i < shnum; ++i) {
        const uint64_t sh = shoff + uint64_t(i) * shentsize;
        const uint32_t type = get<uint32_t>(b, sh + 4);
        const uint64_t flags = get<uint64_t>(b, sh + 8);
        const uint64_t addr = get<uint64_t>(b, sh + 16);
        const uint64_t size = get<uint64_t>(b, sh + 32);
        if (!(flags & kShfAlloc) || type != kShtNobits || size == 0) continue;
        // The PT_LOAD segment with the highest p_vaddr at or below the section.
        bool found = false;
        uint64_t best_vaddr = 0, delta = 0;
        for (unsigned j = 0; j < phnum; ++j) {
            const uint64_t ph = phoff + uint64_t(j) * phentsize;
            if (get<uint32_t>(b, ph) != kPtLoad) continue;
            const uint64_t vaddr = get<uint64_t>(b, ph + 16);
            if (vaddr <= addr && (!found || vaddr >= best_vaddr)) {
                found = true;
                best_vaddr = vaddr;
                delta = get<uint64_t>(b, ph + 24) - vaddr;
            }
        }
        if (found && addr + size > addr)
            img.reserved_end = std::max(img.reserved_end, addr + delta + size);
    }
}

} // namespace

uint64_t hash_bytes(const std::vector<uint8_t>& bytes) {
    Fnv64 h;
    h.add(bytes.data(), bytes.size());
    return h.value();
}

Image load_elf(const std::string& path) {
    return load_elf(path, read_file(path, "kernel"));
}

Image load_elf(const std::string& path, const std::vector<uint8_t>& b) {
    const std::string who = "kernel '" + path + "'";
    if (b.size() < 4 || std::memcmp(b.data(),
                                    "\x7f"
                                    "ELF",
                                    4) != 0)
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
        throw ImageError(who + " is not an executable ELF file (e_type " + std::to_string(type) +
                         ")");
    Image img;
    img.path = path;
    img.format = "elf";
    img.entry = get<uint64_t>(b, 24);
    const uint64_t phoff = get<uint64_t>(b, 32);
    const uint16_t phentsize = get<uint16_t>(b, 54);
    const uint16_t phnum = get<uint16_t>(b, 56);
    if (phnum == 0) throw ImageError(who + " has no program headers");
    if (phentsize < 56 || phoff > b.size() || uint64_t(phnum) * phentsize > b.size() - phoff)
        throw ImageError(who + " is a truncated ELF file (program headers past the end)");
    for (unsigned i = 0; i < phnum; ++i) {
        const uint64_t ph = phoff + uint64_t(i) * phentsize;
        if (get<uint32_t>(b, ph) != kPtLoad) continue;
        const uint64_t offset = get<uint64_t>(b, ph + 8);
        const uint64_t paddr = get<uint64_t>(b, ph + 24);
        const uint64_t filesz = get<uint64_t>(b, ph + 32);
        const uint64_t memsz = get<uint64_t>(b, ph + 40);
        if (memsz == 0) continue;
        if (filesz > memsz)
            throw ImageError(who + ": segment " + std::to_string(i) + " has p_filesz > p_memsz");
        if (offset > b.size() || filesz > b.size() - offset)
            throw ImageError(who + " is a truncated ELF file (segment " + std::to_string(i) +
                             " extends past the end of the file)");
        if (paddr + memsz < paddr)
            throw ImageError(who + ": segment " + std::to_string(i) + " wraps the address space");
        img.segments.push_back(
            Segment{paddr,
                    std::vector<uint8_t>(b.begin() + static_cast<long>(offset),
                                         b.begin() + static_cast<long>(offset + filesz)),
                    memsz});
    }
    if (img.segments.empty()) throw ImageError(who + " has no loadable segments");
    reserve_alloc_sections(img, b, phoff, phentsize, phnum);
    img.file_hash = hash_bytes(b);
    return img;
}

namespace {
// Image header fields (booting.rst): code0/1, text_offset, image_size, flags, res2..4,
// magic "ARM\x64" at offset 56, res5.
constexpr size_t kImageHeaderSize = 64;
constexpr size_t kImageMagicOffset = 56;
constexpr uint64_t kTwoMiB = 2ull << 20;
constexpr uint64_t kQemuStubSize = 4096;     // QEMU's BOOTLOADER_MAX_SIZE
constexpr uint64_t kRawLoadOffset = 0x80000; // QEMU's KERNEL64_LOAD_ADDR

bool is_linux_image(const std::vector<uint8_t>& b) {
    return b.size() >= kImageHeaderSize &&
           std::memcmp(b.data() + kImageMagicOffset, "ARM\x64", 4) == 0;
}
} // namespace

Image load_linux_image(const std::string& path, const std::vector<uint8_t>& b, uint64_t ram_base) {
    const std::string who = "kernel '" + path + "'";
    if (!is_linux_image(b))
        throw ImageError(who + " has no Linux arm64 Image header (magic \"ARM\\x64\" at "
                               "offset 56)");
    uint64_t text_offset = get<uint64_t>(b, 8);
    const uint64_t image_size = get<uint64_t>(b, 16);
    const uint64_t flags = get<uint64_t>(b, 24);
    if (flags & 1) throw ImageError(who + " is a big-endian kernel (Image header flags bit 0)");
    // image_size 0 marks kernels before 3.17, whose text_offset is unreliable: 0x80000.
    if (image_size == 0)
        text_offset = kRawLoadOffset;
    else if (text_offset < kQemuStubSize)
        text_offset += kTwoMiB;
    if (text_offset % 4096)
        throw ImageError(who + ": text_offset " + hex(text_offset) + " is not page aligned");
    if (text_offset > (1ull << 40) || image_size > (1ull << 40))
        throw ImageError(who + ": implausible Image header (text_offset " + hex(text_offset) +
                         ", image_size " + hex(image_size) + ")");
    Image img;
    img.path = path;
    img.format = "image";
    img.entry = ram_base + text_offset;
    img.segments.push_back(Segment{img.entry, b, std::max<uint64_t>(image_size, b.size())});
    img.file_hash = hash_bytes(b);
    return img;
}

Image load_raw(const std::string& path, const std::vector<uint8_t>& b, uint64_t addr,
               uint64_t entry) {
    if (b.empty()) throw ImageError("kernel '" + path + "' is empty");
    if (entry & 3)
        throw ImageError("kernel '" + path + "': entry " + hex(entry) + " is not 4-byte aligned");
    Image img;
    img.path = path;
    img.format = "raw";
    img.entry = entry;
    img.segments.push_back(Segment{addr, b, b.size()});
    img.file_hash = hash_bytes(b);
    return img;
}

Image load_kernel(const KernelSpec& spec, uint64_t ram_base) {
    const std::vector<uint8_t> b = read_file(spec.path, "kernel");
    const bool elf = b.size() >= 4 && std::memcmp(b.data(),
                                                  "\x7f"
                                                  "ELF",
                                                  4) == 0;
    switch (spec.format) {
    case KernelFormat::Elf:
        return load_elf(spec.path, b);
    case KernelFormat::Image:
        return load_linux_image(spec.path, b, ram_base);
    case KernelFormat::Raw: {
        const uint64_t addr = spec.addr.value_or(ram_base + kRawLoadOffset);
        return load_raw(spec.path, b, addr, spec.entry.value_or(addr));
    }
    case KernelFormat::Auto:
        break;
    }
    if (elf) return load_elf(spec.path, b);
    if (is_linux_image(b)) return load_linux_image(spec.path, b, ram_base);
    const std::string who = "kernel '" + spec.path + "'";
    if (b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        throw ImageError(who + " is gzip-compressed; decompress it first (gunzip)");
    throw ImageError(who + " is not an ELF file or a Linux arm64 Image; load a raw binary "
                           "with --kernel FILE,format=raw[,addr=A]");
}

Blob load_blob(const std::string& path, const char* what) {
    Blob blob;
    blob.path = path;
    blob.bytes = read_file(path, what);
    blob.file_hash = hash_bytes(blob.bytes);
    return blob;
}

void check_in_ram(const Image& img, uint64_t base, uint64_t size) {
    if (img.reserved_end > base + size)
        throw ImageError(img.format + " image '" + img.path +
                         "': its memory (.bss, stacks) "
                         "extends to " +
                         hex(img.reserved_end) + ", past the end of RAM " + hex(base + size));
    for (size_t i = 0; i < img.segments.size(); ++i) {
        const Segment& s = img.segments[i];
        if (s.addr < base || s.addr >= base + size || s.memsz > base + size - s.addr)
            throw ImageError(img.format + " image '" + img.path + "': segment " +
                             std::to_string(i) + " [" + hex(s.addr) + ", " + hex(s.addr + s.memsz) +
                             ") lies outside RAM [" + hex(base) + ", " + hex(base + size) + ")");
    }
}

} // namespace armsim::sim
