#include "options.h"

#include <boost/program_options.hpp>
#include <cctype>
#include <fstream>
#include <sstream>

namespace po = boost::program_options;

namespace armsim::sim {

namespace {

po::options_description describe(Options& o) {
    po::options_description d("Options (also accepted as 'key = value' lines in --config FILE)");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&o.help), "print this help and exit")
        ("version", po::bool_switch(&o.version), "print the version and exit")
        ("config", po::value(&o.config)->value_name("FILE"),
            "read options from FILE; command-line values win")
        ("kernel", po::value(&o.kernel)->value_name("FILE"),
            "AArch64 ELF image to boot at EL2 on core 0 (x0 = DTB address)")
        ("smp", po::value<std::string>()->value_name("N")->default_value("1"),
            "number of cores, 1 to 8; cores 1..N-1 start powered off (PSCI CPU_ON)")
        ("mem", po::value<std::string>()->value_name("SIZE")->default_value("512M"),
            "RAM size at 0x40000000: 512M, 2G, 64K ...; a bare number is MiB")
        ("seed", po::value<std::string>()->value_name("N")->default_value("0"),
            "seed for every random choice of the run")
        ("max-insns", po::value<std::string>()->value_name("N")->default_value("0"),
            "stop (exit 3) when a core has executed N instructions (exceptions count); 0 = none")
        ("quantum", po::value<std::string>()->value_name("CYCLES")->default_value("10000"),
            "cycles a core runs ahead before synchronising with the rest of the system")
        ("cpu-timing", po::value(&o.cpu_timing)->value_name("FILE"),
            "per-instruction-class cycle costs (default: 1 cycle per instruction)")
        ("dtb", po::value(&o.dtb)->value_name("FILE"),
            "pass this device tree instead of the generated one")
        ("dump-dtb", po::value(&o.dump_dtb)->value_name("FILE"),
            "write the device tree to FILE (then exit, unless --kernel is given)");
    // clang-format on
    return d;
}

} // namespace

std::string usage_text() {
    Options o;
    std::ostringstream s;
    s << "Usage: armsim --kernel FILE [options]\n"
         "A deterministic ARMv8-A full-system simulator of QEMU's virt board\n"
         "(GICv2, virtualization extensions).\n\n"
      << describe(o)
      << "\nExit status: 0 when the guest powers off (PSCI SYSTEM_OFF), the semihosting\n"
         "exit code for test images, 1 for bad input, 3 when --max-insns is reached, 4 when\n"
         "every core waits for an interrupt that nothing will send.\n";
    return s.str();
}

// A decimal or 0x-prefixed unsigned number, nothing else (Boost would accept "-1").
uint64_t parse_uint(const std::string& option, const std::string& text) {
    const auto bad = [&] {
        return UsageError("--" + option + ": '" + text + "' is not an unsigned number");
    };
    if (text.empty())
        throw bad();
    const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const std::string digits = hex ? text.substr(2) : text;
    for (char c : digits)
        if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
                  : std::isdigit(static_cast<unsigned char>(c))))
            throw bad();
    try {
        size_t used = 0;
        const uint64_t v = std::stoull(digits, &used, hex ? 16 : 10);
        if (used != digits.size())
            throw bad();
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
    if (i == 0 || i > 15)
        throw bad();
    const uint64_t n = std::stoull(text.substr(0, i));
    std::string suffix = text.substr(i);
    for (char& c : suffix)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (suffix.size() == 3 && suffix.substr(1) == "IB")
        suffix.resize(1);
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
    if (n > (~0ull) / mult)
        throw bad();
    return n * mult;
}

Options parse_options(int argc, const char* const argv[]) {
    Options o;
    po::options_description d = describe(o);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(d).run(), vm);
        if (vm.count("config")) {
            const std::string path = vm["config"].as<std::string>();
            std::ifstream in(path);
            if (!in)
                throw UsageError("cannot open config file '" + path + "'");
            po::store(po::parse_config_file(in, d), vm);
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    if (o.help || o.version)
        return o;
    o.mem = parse_size(vm["mem"].as<std::string>());
    const uint64_t smp = parse_uint("smp", vm["smp"].as<std::string>());
    if (smp < 1 || smp > 8)
        throw UsageError("--smp must be between 1 and 8 (got " + vm["smp"].as<std::string>() + ")");
    o.smp = static_cast<unsigned>(smp);
    o.seed = parse_uint("seed", vm["seed"].as<std::string>());
    o.max_insns = parse_uint("max-insns", vm["max-insns"].as<std::string>());
    o.quantum = parse_uint("quantum", vm["quantum"].as<std::string>());
    if (o.mem < (16ull << 20) || o.mem > (255ull << 30))
        throw UsageError("--mem must be between 16M and 255G");
    if (o.mem % 4096)
        throw UsageError("--mem must be a multiple of 4K");
    if (o.quantum == 0)
        throw UsageError("--quantum must be at least 1 cycle");
    if (o.kernel.empty() && o.dump_dtb.empty())
        throw UsageError("no --kernel given");
    return o;
}

} // namespace armsim::sim
