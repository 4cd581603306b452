#include "options.h"

#include "config_file.h"
#include "spec.h"

#include <boost/program_options.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace armsim::sim {

namespace {

using Strings = std::vector<std::string>;

po::options_description describe(Options& o) {
    po::options_description d("Options (also accepted as 'key = value' lines in --config FILE)");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&o.help), "print this help and exit")
        ("version", po::bool_switch(&o.version), "print the version and exit")
        ("config", po::value(&o.config)->value_name("FILE"),
            "read options from FILE (a scenario.cfg); command-line values win")
        ("kernel", po::value<std::string>()->value_name("FILE[,format=elf|image|raw][,addr=A][,entry=E]"),
            "image to boot at EL2 on core 0: an AArch64 ELF, a Linux arm64 Image, or a raw "
            "binary (format=raw; default addr RAM+0x80000 like QEMU)")
        ("initrd", po::value(&o.initrd)->value_name("FILE"),
            "initial ramdisk for a Linux Image or raw kernel (/chosen linux,initrd-start/end)")
        ("append", po::value(&o.append)->value_name("ARGS"), "kernel command line (/chosen/bootargs)")
        ("hyp-append", po::value(&o.hyp_append)->value_name("ARGS"),
            "hypervisor command line (/chosen/xen,xen-bootargs)")
        ("module", po::value<Strings>()->composing()->value_name("FILE[,addr=A][,compatible=C][,bootargs=ARGS][,domain=NAME]"),
            "load FILE into RAM and describe it under /chosen as a multiboot module (Xen's "
            "binding); repeatable; ',,' is a literal comma")
        ("domain", po::value<Strings>()->composing()->value_name("NAME,memory=SIZE[,cpus=N][,vpl011]"),
            "a dom0less domain: /chosen/NAME with compatible \"xen,domain\"; repeatable")
        ("dtb", po::value(&o.dtb)->value_name("FILE"),
            "pass this device tree instead of the generated one (/chosen is still filled in)")
        ("dump-dtb", po::value(&o.dump_dtb)->value_name("FILE"),
            "write the device tree to FILE (then exit, unless --kernel is given)")
        ("smp", po::value<std::string>()->value_name("N")->default_value("1"),
            "number of cores, 1 to 8; cores 1..N-1 start powered off (PSCI CPU_ON)")
        ("mem", po::value<std::string>()->value_name("SIZE")->default_value("512M"),
            "RAM size at 0x40000000: 512M, 2G, 64K ...; a bare number is MiB")
        ("cpu-timing", po::value(&o.cpu_timing)->value_name("FILE"),
            "per-instruction-class cycle costs (default: 1 cycle per instruction)")
        ("serial-in", po::value(&o.serial_in)->value_name("FILE|-"),
            "bytes for the PL011's receive line, one per character time from time 0, held "
            "while the receive FIFO is full; '-' reads stdin")
        ("serial-out", po::value(&o.serial_out)->value_name("FILE"),
            "write the console to FILE instead of stdout")
        ("seed", po::value<std::string>()->value_name("N")->default_value("0"),
            "seed for every random choice of the run")
        ("max-insns", po::value<std::string>()->value_name("N")->default_value("0"),
            "stop (exit 3) when a core has executed N instructions (exceptions count); 0 = none")
        ("timeout", po::value<std::string>()->value_name("TIME"),
            "stop (exit 3) at this simulated time: 10ms, 2s ...")
        ("cntfrq", po::value<std::string>()->value_name("HZ")->default_value("62500000"),
            "generic timer counter frequency (CNTFRQ_EL0); QEMU virt's is 62.5 MHz")
        ("irq-delay", po::value<std::string>()->value_name("CYCLES")->default_value("0"),
            "the seed delays each interrupt the GIC signals to a core by 0..CYCLES (race hunting)")
        ("quantum", po::value<std::string>()->value_name("CYCLES")->default_value("10000"),
            "cycles a core runs ahead before synchronising with the rest of the system")
        ("quantum-jitter", po::value<std::string>()->value_name("PERCENT")->default_value("50"),
            "the seed cuts up to this share off each quantum, moving synchronisation points")
        ("interleave", po::value<std::string>()->value_name("quantum|fine[:N]")->default_value("quantum"),
            "fine: cores take turns of 1..N cycles (default 4) in a seeded order (race hunting)")
        ("expect", po::value<Strings>()->composing()->value_name("REGEX"),
            "scenario check: some console line must match REGEX; repeatable")
        ("forbid", po::value<Strings>()->composing()->value_name("REGEX"),
            "scenario check: no console line may match REGEX; repeatable")
        ("stop-on", po::value<Strings>()->composing()->value_name("REGEX"),
            "end the run (as a success) at the first console line matching REGEX")
        ("record", po::value(&o.record)->value_name("FILE"),
            "write what is needed to repeat this run (options, seed, image hashes, digest)")
        ("replay", po::value(&o.replay)->value_name("FILE"),
            "repeat a recorded run; refuses when an image changed, fails when the digest differs")
        ("image-hash", po::value<Strings>()->composing()->value_name("HEX:FILE"),
            "(written by --record) refuse to run when FILE's hash is not HEX")
        ("expect-digest", po::value(&o.expect_digest)->value_name("HEX"),
            "(written by --record) fail when the run digest differs")
        ("trace", po::value(&o.trace)->value_name("FILE.json"),
            "write a Chrome/Perfetto trace of exceptions, interrupts, PSCI and console lines")
        ("vcd", po::value(&o.vcd)->value_name("FILE"), "write interrupt lines as a VCD for GTKWave")
        ("qemu-equivalent", po::bool_switch(&o.qemu_equivalent),
            "print the equivalent QEMU command line and the checks as JSON, then exit "
            "(used by tools/run-on-qemu)");
    // clang-format on
    return d;
}

// Options that --record leaves out: they observe or control recording, not the run.
bool recorded(const std::string& key) {
    static const std::set<std::string> skip = {
        "help",  "version", "config",   "record",        "replay",         "image-hash",
        "trace", "vcd",     "dump-dtb", "expect-digest", "qemu-equivalent"};
    return !skip.count(key);
}

void store_config(const std::string& path, const po::options_description& d,
                  po::variables_map& vm) {
    po::parsed_options parsed(&d);
    for (const ConfigEntry& e : read_config_file(path)) {
        if (!d.find_nothrow(e.key, false)) {
            throw UsageError("config file '" + path + "' line " + std::to_string(e.line) +
                             ": unknown option '" + e.key + "'");
        }
        po::option opt;
        opt.string_key = e.key;
        opt.value.push_back(e.value);
        opt.original_tokens = {e.key, e.value};
        parsed.options.push_back(std::move(opt));
    }
    try {
        po::store(parsed, vm);
    } catch (const po::error& err) {
        throw UsageError("config file '" + path + "': " + err.what());
    }
}

Strings strings(const po::variables_map& vm, const char* key) {
    return vm.count(key) ? vm[key].as<Strings>() : Strings{};
}

void check_regexes(const char* key, const Strings& patterns) {
    for (const std::string& p : patterns) {
        try {
            std::regex re(p);
        } catch (const std::regex_error& e) {
            throw UsageError(std::string("--") + key + ": bad regular expression '" + p +
                             "': " + e.what());
        }
    }
}

std::vector<std::pair<std::string, std::string>> effective_options(const po::variables_map& vm) {
    std::vector<std::pair<std::string, std::string>> out;
    const std::string cwd = fs::current_path().string();
    for (const auto& [key, value] : vm) { // std::map: a stable, sorted order
        if (!recorded(key)) continue;
        const auto add = [&](std::string v) {
            if (is_input_path_option(key)) v = absolute_path_value(v, cwd);
            out.emplace_back(key, std::move(v));
        };
        if (const auto* s = boost::any_cast<std::string>(&value.value()))
            add(*s);
        else if (const auto* v = boost::any_cast<Strings>(&value.value()))
            for (const std::string& x : *v)
                add(x);
        else if (const auto* b = boost::any_cast<bool>(&value.value()))
            out.emplace_back(key, *b ? "true" : "false");
    }
    return out;
}

} // namespace

std::string images_dir() {
    if (const char* env = std::getenv("ARMSIM_IMAGES"); env && *env) return env;
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "images";
    buf[n] = 0;
    return (fs::path(buf).parent_path().parent_path() / "images").string();
}

std::string usage_text() {
    Options o;
    std::ostringstream s;
    s << "Usage: armsim --kernel FILE [options]\n"
         "       armsim --config scenarios/NAME/scenario.cfg\n"
         "A deterministic ARMv8-A full-system simulator of QEMU's virt board\n"
         "(GICv2, virtualization extensions).\n\n"
      << describe(o)
      << "\nExit status: 0 when the guest powers off (PSCI SYSTEM_OFF) or a --stop-on line\n"
         "appears, the semihosting exit code for test images, 1 for bad input, 2 when\n"
         "--expect/--forbid checks or --expect-digest fail, 3 when --max-insns or --timeout\n"
         "is reached, 4 when every core waits for an interrupt that nothing will send.\n";
    return s.str();
}

// A decimal or 0x-prefixed unsigned number, nothing else (Boost would accept "-1").
uint64_t parse_uint(const std::string& option, const std::string& text) {
    const auto bad = [&] {
        return UsageError("--" + option + ": '" + text + "' is not an unsigned number");
    };
    if (text.empty()) throw bad();
    const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const std::string digits = hex ? text.substr(2) : text;
    for (char c : digits)
        if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
                  : std::isdigit(static_cast<unsigned char>(c))))
            throw bad();
    try {
        size_t used = 0;
        const uint64_t v = std::stoull(digits, &used, hex ? 16 : 10);
        if (used != digits.size()) throw bad();
        return v;
    } catch (const std::out_of_range&) {
        throw UsageError("--" + option + ": '" + text + "' is too large");
    }
}

uint64_t parse_size(const std::string& text) {
    const auto bad = [&] {
        return UsageError("bad size '" + text + "' (examples: 512M, 2G, 64K)");
    };
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
        ++i;
    if (i == 0 || i > 15) throw bad();
    const uint64_t n = std::stoull(text.substr(0, i));
    std::string suffix = text.substr(i);
    for (char& c : suffix)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (suffix.size() == 3 && suffix.substr(1) == "IB") suffix.resize(1);
    uint64_t mult;
    if (suffix.empty() || suffix == "M")
        mult = 1ull << 20;
    else if (suffix == "K")
        mult = 1ull << 10;
    else if (suffix == "G")
        mult = 1ull << 30;
    else if (suffix == "B")
        mult = 1;
    else
        throw bad();
    if (n > (~0ull) / mult) throw bad();
    return n * mult;
}

Options parse_options(int argc, const char* const argv[]) {
    Options o;
    po::options_description d = describe(o);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(d).run(), vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    if (vm.count("config") && vm.count("replay"))
        throw UsageError("--config and --replay cannot be combined (a record is a config file)");
    if (vm.count("config")) store_config(vm["config"].as<std::string>(), d, vm);
    if (vm.count("replay")) {
        const std::string path = vm["replay"].as<std::string>();
        store_config(path, d, vm);
        if (!vm.count("image-hash"))
            throw UsageError("replay file '" + path +
                             "' has no image-hash lines (was it written "
                             "by --record?)");
    }
    try {
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    if (o.help || o.version) return o;

    if (vm.count("kernel")) {
        o.kernel_spec = parse_kernel_spec(vm["kernel"].as<std::string>());
        o.kernel = o.kernel_spec.path;
    }
    for (const std::string& m : strings(vm, "module"))
        o.modules.push_back(parse_module_spec(m));
    for (const std::string& m : strings(vm, "domain"))
        o.domains.push_back(parse_domain_spec(m));
    resolve_modules(o.modules, o.domains);

    o.mem = parse_size(vm["mem"].as<std::string>());
    const uint64_t smp = parse_uint("smp", vm["smp"].as<std::string>());
    if (smp < 1 || smp > 8)
        throw UsageError("--smp must be between 1 and 8 (got " + vm["smp"].as<std::string>() + ")");
    o.smp = static_cast<unsigned>(smp);
    o.seed = parse_uint("seed", vm["seed"].as<std::string>());
    o.max_insns = parse_uint("max-insns", vm["max-insns"].as<std::string>());
    if (vm.count("timeout"))
        o.timeout_ps = parse_duration("timeout", vm["timeout"].as<std::string>());
    o.quantum = parse_uint("quantum", vm["quantum"].as<std::string>());
    o.cntfrq = parse_uint("cntfrq", vm["cntfrq"].as<std::string>());
    o.irq_delay = parse_uint("irq-delay", vm["irq-delay"].as<std::string>());
    if (o.irq_delay > 1'000'000'000)
        throw UsageError("--irq-delay must be at most 1000000000 cycles");
    if (o.cntfrq < 1000 || o.cntfrq > 1'000'000'000)
        throw UsageError("--cntfrq must be between 1000 and 1000000000 Hz");
    const uint64_t jitter = parse_uint("quantum-jitter", vm["quantum-jitter"].as<std::string>());
    if (jitter > 90) throw UsageError("--quantum-jitter must be between 0 and 90 (percent)");
    o.quantum_jitter = static_cast<unsigned>(jitter);
    const std::string il = vm["interleave"].as<std::string>();
    if (il == "quantum") {
        o.interleave = Interleave::Quantum;
    } else if (il == "fine" || il.rfind("fine:", 0) == 0) {
        o.interleave = Interleave::Fine;
        if (il.size() > 4) {
            const uint64_t n = parse_uint("interleave", il.substr(5));
            if (n < 1 || n > 1000)
                throw UsageError("--interleave fine:N needs N between 1 and 1000");
            o.fine_slice = static_cast<unsigned>(n);
        }
    } else {
        throw UsageError("--interleave: '" + il + "' is not 'quantum' or 'fine[:N]'");
    }
    o.expect = strings(vm, "expect");
    o.forbid = strings(vm, "forbid");
    o.stop_on = strings(vm, "stop-on");
    check_regexes("expect", o.expect);
    check_regexes("forbid", o.forbid);
    check_regexes("stop-on", o.stop_on);
    for (const std::string& h : strings(vm, "image-hash")) {
        const size_t colon = h.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == h.size())
            throw UsageError("--image-hash: expected HEX:FILE, got '" + h + "'");
        o.image_hashes.emplace_back(h.substr(colon + 1), h.substr(0, colon));
    }

    if (o.mem < (16ull << 20) || o.mem > (255ull << 30))
        throw UsageError("--mem must be between 16M and 255G");
    if (o.mem % 4096) throw UsageError("--mem must be a multiple of 4K");
    if (o.quantum == 0) throw UsageError("--quantum must be at least 1 cycle");
    if (o.kernel.empty() && o.dump_dtb.empty()) throw UsageError("no --kernel given");
    if (!o.record.empty() && o.serial_in == "-")
        throw UsageError("--record cannot keep what stdin sends: put the input in a file and "
                         "pass --serial-in FILE");
    if (o.kernel.empty() && (!o.modules.empty() || !o.initrd.empty()))
        throw UsageError("--module and --initrd need a --kernel to boot");
    o.effective = effective_options(vm);
    return o;
}

} // namespace armsim::sim
