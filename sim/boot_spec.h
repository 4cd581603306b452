// What the user asked to boot: the kernel, an initrd, modules for a hypervisor, and
// dom0less domains, parsed from --kernel / --initrd / --module / --domain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace armsim::sim {

enum class KernelFormat { Auto, Elf, Image, Raw };

// --kernel FILE[,format=elf|image|raw][,addr=A][,entry=E]
// Without format=, ELF and Linux arm64 Image files are recognised by their magic numbers;
// anything else must be asked for as format=raw (QEMU loads unknown files raw silently; a
// typo'd path to a text file should not boot).
struct KernelSpec {
    std::string path;
    KernelFormat format = KernelFormat::Auto;
    std::optional<uint64_t> addr;  // raw only: load address (default RAM + 0x80000, as QEMU)
    std::optional<uint64_t> entry; // raw only: entry point (default: the load address)
};

// --module FILE[,addr=A][,compatible=C][,bootargs=ARGS][,domain=NAME]
// compatible: kernel | ramdisk | module | device-tree | xsm-policy, or a full string
// ("multiboot,,kernel"). Without it, the first module of a scope (/chosen, or a domain) is
// the kernel and the second the ramdisk, the inference Xen's booting.txt describes.
struct ModuleSpec {
    std::string path;
    std::optional<uint64_t> addr;
    std::vector<std::string> compatible; // resolved strings, most specific first
    std::optional<std::string> bootargs;
    std::string domain; // "" = a dom0 / top-level module under /chosen
    std::string text;   // the option as given, for messages
};

// --domain NAME,memory=SIZE,cpus=N[,vpl011]: a /chosen/NAME node with
// compatible = "xen,domain" (Xen's dom0less binding); its modules name it with domain=NAME.
struct DomainSpec {
    std::string name;
    uint64_t memory = 0; // bytes
    unsigned cpus = 1;
    bool vpl011 = false;
};

KernelSpec parse_kernel_spec(const std::string& text);
ModuleSpec parse_module_spec(const std::string& text);
DomainSpec parse_domain_spec(const std::string& text);
// Fills in inferred compatible strings (see ModuleSpec) and checks domain references.
void resolve_modules(std::vector<ModuleSpec>& modules, const std::vector<DomainSpec>& domains);

} // namespace armsim::sim
