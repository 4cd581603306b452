#include "dtb.h"

#include "models/base/rng.h"
#include "virt_map.h"

#include <algorithm>
#include <cstring>
#include <libfdt.h>
#include <stdexcept>

namespace armsim::sim {

namespace {

// Throws on libfdt errors: they mean the blob was sized too small, a bug here.
void ok(int err, const char* what) {
    if (err < 0) throw std::logic_error(std::string("libfdt: ") + what + ": " + fdt_strerror(err));
}

class Writer {
public:
    explicit Writer(size_t size) : blob_(size) {
        ok(fdt_create(blob_.data(), int(size)), "create");
    }
    void begin(const std::string& name) { ok(fdt_begin_node(blob_.data(), name.c_str()), "begin"); }
    void end() { ok(fdt_end_node(blob_.data()), "end"); }
    void u32(const char* name, uint32_t v) { ok(fdt_property_u32(blob_.data(), name, v), name); }
    void cells(const char* name, const std::vector<uint32_t>& v) {
        std::vector<fdt32_t> be;
        for (uint32_t x : v)
            be.push_back(cpu_to_fdt32(x));
        ok(fdt_property(blob_.data(), name, be.data(), int(be.size() * 4)), name);
    }
    void str(const char* name, const std::string& s) {
        ok(fdt_property_string(blob_.data(), name, s.c_str()), name);
    }
    // A string list ("a\0b\0").
    void strs(const char* name, const std::vector<std::string>& list) {
        std::string joined;
        for (const auto& s : list) {
            joined += s;
            joined.push_back('\0');
        }
        ok(fdt_property(blob_.data(), name, joined.data(), int(joined.size())), name);
    }
    void empty(const char* name) { ok(fdt_property(blob_.data(), name, nullptr, 0), name); }
    std::vector<uint8_t> finish() {
        ok(fdt_finish(blob_.data()), "finish");
        ok(fdt_pack(blob_.data()), "pack");
        blob_.resize(fdt_totalsize(blob_.data()));
        return std::move(blob_);
    }
    std::vector<uint8_t>& raw() { return blob_; }

private:
    std::vector<uint8_t> blob_;
};

uint32_t hi(uint64_t v) {
    return uint32_t(v >> 32);
}
uint32_t lo(uint64_t v) {
    return uint32_t(v);
}

std::string node(const char* name, uint64_t addr) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s@%llx", name, static_cast<unsigned long long>(addr));
    return buf;
}

constexpr uint32_t kPhandleGic = 1, kPhandleClock = 2, kPhandleCpu0 = 16;
// Interrupt specifier flags (bindings/interrupt-controller/arm,gic.yaml).
constexpr uint32_t kSpi = 0, kPpi = 1, kLevelHigh = 4;

} // namespace

std::vector<uint8_t> build_dtb(const DtbConfig& cfg) {
    using namespace virt;
    Writer w(64 * 1024);
    ok(fdt_finish_reservemap(w.raw().data()), "reservemap");
    // PPI specifiers carry the mask of cores they reach (bits [15:8]).
    const uint32_t ppi_mask = ((1u << std::min(cfg.smp, 8u)) - 1) << 8;

    w.begin("");
    w.u32("interrupt-parent", kPhandleGic);
    w.str("model", "linux,dummy-virt");
    w.u32("#size-cells", 2);
    w.u32("#address-cells", 2);
    w.str("compatible", "linux,dummy-virt");

    w.begin("psci");
    w.strs("compatible", {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"});
    w.str("method", "smc");
    w.u32("cpu_suspend", 0xc4000001);
    w.u32("cpu_off", 0x84000002);
    w.u32("cpu_on", 0xc4000003);
    w.u32("migrate", 0xc4000005);
    w.end();

    w.begin(node("memory", cfg.ram_base));
    w.str("device_type", "memory");
    w.cells("reg", {hi(cfg.ram_base), lo(cfg.ram_base), hi(cfg.ram_size), lo(cfg.ram_size)});
    w.end();

    w.begin(node("pl011", kUartBase));
    w.strs("compatible", {"arm,pl011", "arm,primecell"});
    w.cells("reg", {0, lo(kUartBase), 0, lo(kUartSize)});
    w.cells("interrupts", {kSpi, kUartSpi, kLevelHigh});
    w.cells("clocks", {kPhandleClock, kPhandleClock});
    w.strs("clock-names", {"uartclk", "apb_pclk"});
    w.end();

    w.begin("pmu");
    w.str("compatible", "arm,armv8-pmuv3");
    w.cells("interrupts", {kPpi, kPpiPmu, ppi_mask | kLevelHigh});
    w.end();

    w.begin(node("intc", kGicdBase));
    w.str("compatible", "arm,cortex-a15-gic");
    w.u32("#interrupt-cells", 3);
    w.u32("#address-cells", 0); // dtc's interrupt_provider check wants it; no children
    w.empty("interrupt-controller");
    w.cells("reg", {0, lo(kGicdBase), 0, lo(kGicdSize), 0, lo(kGiccBase), 0, lo(kGiccSize), 0,
                    lo(kGichBase), 0, lo(kGichSize), 0, lo(kGicvBase), 0, lo(kGicvSize)});
    w.cells("interrupts", {kPpi, kPpiGicMaint, ppi_mask | kLevelHigh});
    w.u32("phandle", kPhandleGic);
    w.end();

    w.begin("cpus");
    w.u32("#address-cells", 1);
    w.u32("#size-cells", 0);
    for (unsigned i = 0; i < cfg.smp; ++i) {
        const uint64_t mpidr = cfg.mpidrs.at(i) & 0xffffff;
        w.begin(node("cpu", mpidr));
        w.str("device_type", "cpu");
        w.str("compatible", "arm,cortex-a57");
        w.u32("reg", uint32_t(mpidr));
        w.str("enable-method", "psci");
        w.u32("phandle", kPhandleCpu0 + i);
        w.end();
    }
    // Topology as QEMU 7.2 describes it (socket0/clusterN/coreM); clusters of 8, as the
    // MPIDR layout.
    w.begin("cpu-map");
    w.begin("socket0");
    for (unsigned cl = 0; cl * 8 < cfg.smp; ++cl) {
        w.begin("cluster" + std::to_string(cl));
        for (unsigned i = cl * 8; i < std::min(cfg.smp, cl * 8 + 8); ++i) {
            w.begin("core" + std::to_string(i - cl * 8));
            w.u32("cpu", kPhandleCpu0 + i);
            w.end();
        }
        w.end();
    }
    w.end();
    w.end();
    w.end();

    w.begin("timer");
    w.strs("compatible", {"arm,armv8-timer", "arm,armv7-timer"});
    const uint32_t f = ppi_mask | kLevelHigh;
    w.cells("interrupts", {kPpi, kPpiSecTimer, f, kPpi, kPpiPhysTimer, f, kPpi, kPpiVirtTimer, f,
                           kPpi, kPpiHypTimer, f});
    w.empty("always-on");
    w.end();

    w.begin("apb-pclk");
    w.str("compatible", "fixed-clock");
    w.u32("#clock-cells", 0);
    w.u32("clock-frequency", kApbClockHz);
    w.str("clock-output-names", "clk24mhz");
    w.u32("phandle", kPhandleClock);
    w.end();

    w.begin("chosen");
    w.str("stdout-path", node("/pl011", kUartBase));
    w.end();

    w.end();
    return w.finish();
}

namespace {

// Read-write libfdt on a copy of the tree with room to grow.
class Editor {
public:
    Editor(const std::vector<uint8_t>& dtb, size_t extra) : blob_(dtb.size() + extra) {
        ok(fdt_open_into(dtb.data(), blob_.data(), int(blob_.size())), "open_into");
    }
    void* fdt() { return blob_.data(); }
    int node(int parent, const std::string& name) {
        const int existing = fdt_subnode_offset(fdt(), parent, name.c_str());
        if (existing >= 0) return existing;
        const int off = fdt_add_subnode(fdt(), parent, name.c_str());
        ok(off, "add_subnode");
        return off;
    }
    void str(int node, const char* name, const std::string& v) {
        ok(fdt_setprop_string(fdt(), node, name, v.c_str()), name);
    }
    void strs(int node, const char* name, const std::vector<std::string>& list) {
        std::string joined;
        for (const auto& s : list) {
            joined += s;
            joined.push_back('\0');
        }
        ok(fdt_setprop(fdt(), node, name, joined.data(), int(joined.size())), name);
    }
    void u32(int node, const char* name, uint32_t v) {
        ok(fdt_setprop_u32(fdt(), node, name, v), name);
    }
    void u64(int node, const char* name, uint64_t v) {
        ok(fdt_setprop_u64(fdt(), node, name, v), name);
    }
    void reg64(int node, uint64_t addr, uint64_t size) {
        const fdt64_t cells[2] = {cpu_to_fdt64(addr), cpu_to_fdt64(size)};
        ok(fdt_setprop(fdt(), node, "reg", cells, sizeof cells), "reg");
    }
    void bytes(int node, const char* name, const void* data, int len) {
        ok(fdt_setprop(fdt(), node, name, data, len), name);
    }
    void empty(int node, const char* name) { ok(fdt_setprop(fdt(), node, name, nullptr, 0), name); }
    std::vector<uint8_t> finish() {
        ok(fdt_pack(fdt()), "pack");
        blob_.resize(fdt_totalsize(fdt()));
        return std::move(blob_);
    }

private:
    std::vector<uint8_t> blob_;
};

std::string module_node(uint64_t addr) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "module@%llx", static_cast<unsigned long long>(addr));
    return buf;
}

} // namespace

std::vector<uint8_t> fill_chosen(const std::vector<uint8_t>& dtb, const ChosenInfo& info) {
    size_t extra = 4096 + info.bootargs.size() + info.hyp_bootargs.size();
    for (const auto& m : info.modules)
        extra += 256 + (m.bootargs ? m.bootargs->size() : 0);
    extra += 256 * info.domains.size();
    Editor e(dtb, extra);
    int chosen = e.node(0, "chosen");
    if (!info.bootargs.empty()) e.str(chosen, "bootargs", info.bootargs);
    if (!info.hyp_bootargs.empty()) e.str(chosen, "xen,xen-bootargs", info.hyp_bootargs);
    if (info.initrd) {
        e.u64(chosen, "linux,initrd-start", info.initrd->first);
        e.u64(chosen, "linux,initrd-end", info.initrd->second);
    }
    if (info.seed) {
        // Linux seeds its entropy pool from rng-seed and randomises its base with
        // kaslr-seed; both come from the run's seed, so they are the same every run.
        Rng rng(*info.seed, "dtb-chosen");
        uint8_t seed[32];
        for (unsigned i = 0; i < sizeof seed; i += 8) {
            const uint64_t v = rng.next();
            std::memcpy(seed + i, &v, 8);
        }
        e.bytes(chosen, "rng-seed", seed, sizeof seed);
        e.u64(chosen, "kaslr-seed", rng.next());
    }
    if (!info.modules.empty()) {
        // Module reg properties are 2 + 2 cells, as QEMU's guest-loader writes them.
        e.u32(chosen, "#address-cells", 2);
        e.u32(chosen, "#size-cells", 2);
    }
    // fdt_add_subnode puts a new node first among its siblings: add in reverse so the tree
    // lists domains and modules in command-line order.
    for (auto d = info.domains.rbegin(); d != info.domains.rend(); ++d) {
        const int n = e.node(chosen, d->name);
        e.str(n, "compatible", "xen,domain");
        e.u32(n, "#address-cells", 2);
        e.u32(n, "#size-cells", 2);
        e.u64(n, "memory", d->memory / 1024); // KiB, as a 64-bit integer
        e.u32(n, "cpus", d->cpus);
        if (d->vpl011) e.empty(n, "vpl011");
    }
    for (auto it = info.modules.rbegin(); it != info.modules.rend(); ++it) {
        const int chosen_now = fdt_path_offset(e.fdt(), "/chosen");
        const int parent = it->domain.empty()
                               ? chosen_now
                               : fdt_subnode_offset(e.fdt(), chosen_now, it->domain.c_str());
        ok(parent, "module parent");
        const int n = e.node(parent, module_node(it->addr));
        e.strs(n, "compatible", it->compatible);
        e.reg64(n, it->addr, it->size);
        if (it->bootargs) e.str(n, "bootargs", *it->bootargs);
    }
    return e.finish();
}

std::string check_dtb(const std::vector<uint8_t>& blob) {
    if (blob.size() < sizeof(fdt_header)) return "too small to be a device tree blob";
    const void* fdt = blob.data();
    if (int err = fdt_check_header(fdt); err != 0)
        return std::string("bad device tree header: ") + fdt_strerror(err);
    if (fdt_totalsize(fdt) > blob.size()) return "device tree blob is truncated";
    // A full structure walk (names, properties, nesting), so a corrupt blob is caught
    // here and not by the guest.
    if (int err = fdt_check_full(fdt, blob.size()); err != 0)
        return std::string("bad device tree structure: ") + fdt_strerror(err);
    return {};
}

} // namespace armsim::sim
