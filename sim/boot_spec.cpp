#include "boot_spec.h"

#include "options.h"
#include "spec.h"

#include <cctype>
#include <map>

namespace armsim::sim {

KernelSpec parse_kernel_spec(const std::string& text) {
    const Spec s = parse_spec("kernel", text, {"format", "addr", "entry"});
    KernelSpec k;
    k.path = s.first;
    if (const std::string* f = s.get("format")) {
        if (*f == "elf")
            k.format = KernelFormat::Elf;
        else if (*f == "image")
            k.format = KernelFormat::Image;
        else if (*f == "raw")
            k.format = KernelFormat::Raw;
        else
            throw UsageError("--kernel: unknown format '" + *f + "' (elf, image or raw)");
    }
    if (const std::string* a = s.get("addr")) k.addr = parse_uint("kernel addr", *a);
    if (const std::string* e = s.get("entry")) k.entry = parse_uint("kernel entry", *e);
    if ((k.addr || k.entry) && k.format != KernelFormat::Raw)
        throw UsageError("--kernel: addr= and entry= apply to format=raw only (ELF and Image "
                         "files say where they go)");
    return k;
}

namespace {

std::vector<std::string> compatible_for(const std::string& c) {
    if (c == "kernel") return {"multiboot,kernel", "multiboot,module"};
    if (c == "ramdisk") return {"multiboot,ramdisk", "multiboot,module"};
    if (c == "module" || c == "multiboot,module") return {"multiboot,module"};
    if (c == "device-tree") return {"multiboot,device-tree", "multiboot,module"};
    if (c == "xsm-policy") return {"xen,xsm-policy", "multiboot,module"};
    if (c.find(',') != std::string::npos) return {c, "multiboot,module"};
    throw UsageError("--module: unknown compatible '" + c +
                     "' (kernel, ramdisk, module, device-tree, xsm-policy, or a full "
                     "string written with ',,' for its comma)");
}

} // namespace

ModuleSpec parse_module_spec(const std::string& text) {
    const Spec s = parse_spec("module", text, {"addr", "compatible", "bootargs", "domain"});
    ModuleSpec m;
    m.text = text;
    m.path = s.first;
    if (const std::string* a = s.get("addr")) m.addr = parse_uint("module addr", *a);
    if (const std::string* c = s.get("compatible")) m.compatible = compatible_for(*c);
    if (const std::string* b = s.get("bootargs")) m.bootargs = *b;
    if (const std::string* d = s.get("domain")) m.domain = *d;
    return m;
}

DomainSpec parse_domain_spec(const std::string& text) {
    const Spec s = parse_spec("domain", text, {"memory", "cpus", "vpl011"});
    DomainSpec d;
    d.name = s.first;
    for (char c : d.name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            throw UsageError("--domain: name '" + d.name +
                             "' must be letters, digits, '-' or '_' (it becomes a node name)");
    const std::string* mem = s.get("memory");
    if (!mem) throw UsageError("--domain " + d.name + ": memory= is required");
    d.memory = parse_size(*mem);
    if (d.memory == 0 || d.memory % 1024)
        throw UsageError("--domain " + d.name + ": memory must be a positive multiple of 1K");
    if (const std::string* c = s.get("cpus")) {
        const uint64_t n = parse_uint("domain cpus", *c);
        if (n < 1 || n > 128)
            throw UsageError("--domain " + d.name + ": cpus must be between 1 and 128");
        d.cpus = static_cast<unsigned>(n);
    }
    d.vpl011 = s.has("vpl011");
    return d;
}

void resolve_modules(std::vector<ModuleSpec>& modules, const std::vector<DomainSpec>& domains) {
    std::map<std::string, bool> names;
    for (const DomainSpec& d : domains) {
        if (names.count(d.name)) throw UsageError("--domain " + d.name + " given twice");
        names[d.name] = false;
    }
    std::map<std::string, unsigned> generic; // modules without compatible, per scope
    for (ModuleSpec& m : modules) {
        if (!m.domain.empty()) {
            auto it = names.find(m.domain);
            if (it == names.end())
                throw UsageError("--module " + m.text + ": no --domain named '" + m.domain + "'");
            it->second = true;
        }
        if (!m.compatible.empty()) continue;
        const unsigned n = generic[m.domain]++;
        m.compatible = n == 0   ? compatible_for("kernel")
                       : n == 1 ? compatible_for("ramdisk")
                                : compatible_for("module");
    }
    for (const auto& [name, used] : names)
        if (!used) throw UsageError("--domain " + name + " has no --module with domain=" + name);
}

} // namespace armsim::sim
