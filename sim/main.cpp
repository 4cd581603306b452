// armsim: parse options, check the images, build the board, run, print the digest.
#include "board.h"
#include "dtb.h"
#include "loader.h"
#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <systemc>

#ifndef ARMSIM_VERSION
#define ARMSIM_VERSION "unknown"
#endif

namespace {

int fail(const std::string& msg) {
    std::fprintf(stderr, "armsim: error: %s\n", msg.c_str());
    return armsim::sim::kExitBadInput;
}

void write_file(const std::string& path, const std::vector<uint8_t>& data) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out)
        throw armsim::sim::ImageError("cannot write '" + path + "'");
}

// Where the DTB goes: the bottom of RAM when the image leaves room there (as QEMU does for
// ELF images), otherwise the first 2 MiB boundary above the image.
uint64_t place_dtb(const armsim::sim::Image& img, uint64_t ram_base, uint64_t ram_size,
                   uint64_t dtb_size) {
    if (img.lowest() >= ram_base + dtb_size)
        return ram_base;
    const uint64_t at = (img.highest() + (2u << 20) - 1) & ~uint64_t((2u << 20) - 1);
    if (at + dtb_size > ram_base + ram_size)
        throw armsim::sim::ImageError("no room in RAM for the device tree after the image");
    return at;
}

int run(int argc, char* argv[]) {
    using namespace armsim::sim;
    Options opt;
    try {
        opt = parse_options(argc, argv);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "armsim: error: %s (see armsim --help)\n", e.what());
        return kExitBadInput;
    }
    if (opt.help) {
        std::fputs(usage_text().c_str(), stdout);
        return 0;
    }
    if (opt.version) {
        std::printf("armsim %s (SystemC %s)\n", ARMSIM_VERSION, sc_core::sc_release());
        return 0;
    }

    BoardConfig bc;
    bc.smp = opt.smp;
    bc.ram_size = opt.mem;
    bc.seed = opt.seed;
    bc.max_insns = opt.max_insns;
    bc.quantum_cycles = opt.quantum;
    if (!opt.cpu_timing.empty()) {
        if (std::string err = bc.costs.load(opt.cpu_timing); !err.empty())
            return fail(err);
    }

    Image kernel;
    std::vector<uint8_t> dtb;
    try {
        if (!opt.kernel.empty()) {
            kernel = load_elf(opt.kernel);
            check_in_ram(kernel, 0x40000000, opt.mem);
        }
        if (!opt.dtb.empty()) {
            dtb = read_file(opt.dtb, "device tree");
            if (std::string err = check_dtb(dtb); !err.empty())
                return fail("device tree '" + opt.dtb + "': " + err);
        }
    } catch (const ImageError& e) {
        return fail(e.what());
    }

    // Everything SystemC prints about itself stays off stdout, which is the guest's console.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                            sc_core::SC_DO_NOTHING);
    Board board(bc);
    if (dtb.empty()) {
        DtbConfig dc;
        dc.smp = opt.smp;
        dc.ram_base = board.ram_base();
        dc.ram_size = opt.mem;
        dc.mpidrs = board.mpidrs();
        dtb = build_dtb(dc);
    }
    try {
        if (!opt.dump_dtb.empty())
            write_file(opt.dump_dtb, dtb);
        if (opt.kernel.empty())
            return 0;
        const uint64_t dtb_addr = place_dtb(kernel, board.ram_base(), opt.mem, dtb.size());
        board.load(kernel);
        board.write_ram(dtb_addr, dtb.data(), dtb.size());
        board.boot(kernel.entry, dtb_addr);
    } catch (const ImageError& e) {
        return fail(e.what());
    }

    const int code = board.run();
    std::fprintf(stderr, "armsim: %s\n", board.stop_reason().c_str());
    std::fprintf(stderr, "armsim: %s\n", board.digest_line().c_str());
    return code;
}

} // namespace

int sc_main(int argc, char* argv[]) { return run(argc, argv); }

int main(int argc, char* argv[]) {
    // SystemC prints a banner on its first use unless told not to; stdout is the guest's.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
