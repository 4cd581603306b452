#include "qemu_equivalent.h"

#include "spec.h"
#include "virt_map.h"

#include <cinttypes>
#include <cstdio>

namespace armsim::sim {

namespace {

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

std::string json_list(const std::vector<std::string>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i)
        out += (i ? ", " : "") + json_string(v[i]);
    return out + "]";
}

bool is_compat(const ModuleSpec& m, const char* what) {
    return !m.compatible.empty() && m.compatible.front() == what;
}

// Whether guest-loader can describe every module exactly as armsim does.
bool guest_loader_can(const Options& opt) {
    for (const ModuleSpec& m : opt.modules) {
        if (!m.domain.empty()) return false;
        if (is_compat(m, "multiboot,kernel")) continue;
        if (is_compat(m, "multiboot,ramdisk") && !m.bootargs) continue;
        return false;
    }
    return true;
}

} // namespace

QemuCommand qemu_command(const Options& opt, const BootPlan& plan) {
    QemuCommand q;
    auto& a = q.argv;
    a = {"qemu-system-aarch64",
         "-M",
         "virt,gic-version=2,virtualization=on",
         "-cpu",
         opt.cntfrq == 62'500'000 ? "cortex-a57"
                                  : "cortex-a57,cntfrq=" + std::to_string(opt.cntfrq),
         "-nographic",
         "-smp",
         std::to_string(opt.smp),
         "-m",
         opt.mem % (1ull << 20) ? std::to_string(opt.mem >> 10) + "K"
                                : std::to_string(opt.mem >> 20) + "M"};
    q.uses_armsim_dtb = !opt.dtb.empty() || !opt.hyp_append.empty() || !opt.domains.empty() ||
                        !guest_loader_can(opt);
    if (q.uses_armsim_dtb) {
        if (opt.dump_dtb.empty())
            throw UsageError("--qemu-equivalent: this boot needs armsim's device tree on QEMU; "
                             "give --dump-dtb FILE to write it");
        a.insert(a.end(), {"-dtb", opt.dump_dtb});
    }

    const Image& k = plan.kernel;
    const uint64_t raw_default = virt::kRamBase + 0x80000;
    if (k.format == "raw" && (k.lowest() != raw_default || k.entry != raw_default)) {
        // QEMU loads headerless -kernel files at RAM + 0x80000 only: use the generic loader,
        // which sets the PC but passes no DTB address in x0.
        a.insert(a.end(), {"-device",
                           "loader,file=" + escape_commas(k.path) + ",addr=" + hex(k.lowest()) +
                               ",force-raw=on",
                           "-device", "loader,addr=" + hex(k.entry) + ",cpu-num=0"});
        q.notes.push_back("raw kernel away from RAM+0x80000: QEMU starts it with x0 = 0 and "
                          "the device tree at the bottom of RAM");
    } else {
        a.insert(a.end(), {"-kernel", k.path});
    }
    if (plan.initrd) a.insert(a.end(), {"-initrd", plan.initrd->path});
    if (!opt.append.empty() && !q.uses_armsim_dtb) a.insert(a.end(), {"-append", opt.append});
    for (size_t i = 0; i < opt.modules.size(); ++i) {
        const ModuleSpec& m = opt.modules[i];
        const std::string addr = hex(plan.modules[i].addr);
        const std::string file = escape_commas(plan.modules[i].blob.path);
        if (q.uses_armsim_dtb) {
            a.insert(a.end(),
                     {"-device", "loader,file=" + file + ",addr=" + addr + ",force-raw=on"});
        } else if (is_compat(m, "multiboot,kernel")) {
            std::string dev = "guest-loader,addr=" + addr + ",kernel=" + file;
            if (m.bootargs) dev += ",bootargs=" + escape_commas(*m.bootargs);
            a.insert(a.end(), {"-device", dev});
        } else {
            a.insert(a.end(), {"-device", "guest-loader,addr=" + addr + ",initrd=" + file});
        }
    }
    if (k.format == "elf")
        q.notes.push_back("QEMU enters ELF kernels with x0 = 0 (armsim passes the DTB address); "
                          "both put the device tree at the bottom of RAM when there is room");
    return q;
}

std::string qemu_equivalent_json(const Options& opt, const BootPlan& plan) {
    const QemuCommand q = qemu_command(opt, plan);
    std::string j = "{\n";
    j += "  \"argv\": " + json_list(q.argv) + ",\n";
    j += std::string("  \"uses_armsim_dtb\": ") + (q.uses_armsim_dtb ? "true" : "false") + ",\n";
    j += "  \"notes\": " + json_list(q.notes) + ",\n";
    j += "  \"expect\": " + json_list(opt.expect) + ",\n";
    j += "  \"forbid\": " + json_list(opt.forbid) + ",\n";
    j += "  \"stop_on\": " + json_list(opt.stop_on) + ",\n";
    j += "  \"timeout_ps\": " + std::to_string(opt.timeout_ps) + ",\n";
    j += "  \"max_insns\": " + std::to_string(opt.max_insns) + ",\n";
    j += "  \"serial_in\": " + json_string(opt.serial_in) + "\n";
    return j + "}\n";
}

} // namespace armsim::sim
