#include "boot.h"

#include "board.h"
#include "dtb.h"
#include "layout.h"
#include "virt_map.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <map>

namespace armsim::sim {

namespace fs = std::filesystem;

std::string hex64(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
    return buf;
}

namespace {

std::string absolute(const std::string& path) {
    std::error_code ec;
    const fs::path p = fs::absolute(path, ec);
    return ec ? path : p.lexically_normal().string();
}

// Collects the input files' hashes and checks them against a replay's records.
class Inputs {
public:
    explicit Inputs(const Options& opt) {
        for (const auto& [path, hex] : opt.image_hashes)
            expected_[absolute(path)] = hex;
    }
    void add(const std::string& path, uint64_t hash) {
        const std::string abs = absolute(path);
        for (const auto& f : files_)
            if (f.first == abs) return;
        files_.emplace_back(abs, hash);
        auto it = expected_.find(abs);
        if (!expected_.empty() && it == expected_.end())
            throw ImageError("replay: '" + path + "' is not among the recorded images");
        if (it != expected_.end() && it->second != hex64(hash))
            throw ImageError("replay: '" + path + "' changed since the run was recorded (hash " +
                             hex64(hash) + ", recorded " + it->second + ")");
        seen_.insert(abs);
    }
    void finish() {
        for (const auto& [path, hex] : expected_)
            if (!seen_.count(path))
                throw ImageError("replay: the recorded image '" + path +
                                 "' is not used by this run");
    }
    std::vector<std::pair<std::string, uint64_t>> files() const { return files_; }

private:
    std::map<std::string, std::string> expected_;
    std::set<std::string> seen_;
    std::vector<std::pair<std::string, uint64_t>> files_;
};

} // namespace

BootPlan plan_boot(const Options& opt) {
    BootPlan plan;
    Inputs inputs(opt);
    const uint64_t ram_base = virt::kRamBase;

    std::vector<uint8_t> base_dtb;
    if (!opt.dtb.empty()) {
        const Blob b = load_blob(opt.dtb, "device tree");
        if (std::string err = check_dtb(b.bytes); !err.empty())
            throw ImageError("device tree '" + opt.dtb + "': " + err);
        inputs.add(opt.dtb, b.file_hash);
        base_dtb = b.bytes;
    } else {
        DtbConfig dc;
        dc.smp = opt.smp;
        dc.ram_base = ram_base;
        dc.ram_size = opt.mem;
        for (unsigned i = 0; i < opt.smp; ++i)
            dc.mpidrs.push_back(virt::mpidr(i));
        base_dtb = build_dtb(dc);
    }
    for (const std::string* extra : {&opt.cpu_timing, &opt.serial_in}) {
        if (!extra->empty() && *extra != "-")
            inputs.add(*extra, load_blob(*extra, "input file").file_hash);
    }

    ChosenInfo chosen;
    chosen.bootargs = opt.append;
    chosen.hyp_bootargs = opt.hyp_append;
    chosen.domains = opt.domains;
    chosen.seed = opt.seed;
    if (opt.kernel.empty()) {
        plan.dtb = fill_chosen(base_dtb, chosen);
        inputs.finish();
        plan.files = inputs.files();
        return plan;
    }

    plan.kernel = load_kernel(opt.kernel_spec, ram_base);
    check_in_ram(plan.kernel, ram_base, opt.mem);
    inputs.add(opt.kernel, plan.kernel.file_hash);

    LayoutRequest req;
    req.ram_base = ram_base;
    req.ram_size = opt.mem;
    if (!opt.initrd.empty()) {
        plan.initrd = load_blob(opt.initrd, "initrd");
        inputs.add(opt.initrd, plan.initrd->file_hash);
        req.initrd_size = plan.initrd->bytes.size();
    }
    for (const ModuleSpec& m : opt.modules) {
        Blob b = load_blob(m.path, "module");
        inputs.add(m.path, b.file_hash);
        req.modules.push_back({m.path, b.bytes.size(), m.addr});
        plan.modules.push_back({std::move(b), 0});
    }
    inputs.finish();
    plan.files = inputs.files();

    const Layout layout = plan_layout(plan.kernel, req);
    if (plan.initrd) {
        plan.initrd_addr = layout.initrd_addr;
        chosen.initrd = {layout.initrd_addr, layout.initrd_addr + plan.initrd->bytes.size()};
    }
    for (size_t i = 0; i < opt.modules.size(); ++i) {
        plan.modules[i].addr = layout.module_addrs[i];
        const ModuleSpec& m = opt.modules[i];
        chosen.modules.push_back({m.compatible, layout.module_addrs[i],
                                  plan.modules[i].blob.bytes.size(), m.bootargs, m.domain});
    }
    plan.dtb = fill_chosen(base_dtb, chosen);
    if (plan.dtb.size() > layout.dtb_room)
        throw ImageError("the device tree (" + std::to_string(plan.dtb.size()) +
                         " bytes) does not fit in the " + std::to_string(layout.dtb_room) +
                         " bytes free at 0x" + hex64(layout.dtb_addr));
    plan.dtb_addr = layout.dtb_addr;
    plan.entry = plan.kernel.entry;
    // booting.rst: x0 = DTB, x1..x3 = 0. QEMU passes x0 = 0 to ELF images; armsim passes
    // the DTB there too, which images that check x0 first and fall back to the bottom of
    // RAM (bare::find_dtb) treat the same.
    plan.x[0] = plan.dtb_addr;
    return plan;
}

void apply_boot(Board& board, const BootPlan& plan) {
    board.load(plan.kernel);
    if (plan.initrd)
        board.write_ram(plan.initrd_addr, plan.initrd->bytes.data(), plan.initrd->bytes.size());
    for (const BootPlan::Module& m : plan.modules)
        board.write_ram(m.addr, m.blob.bytes.data(), m.blob.bytes.size());
    board.write_ram(plan.dtb_addr, plan.dtb.data(), plan.dtb.size());
    board.boot(plan.entry, plan.x[0]);
}

} // namespace armsim::sim
