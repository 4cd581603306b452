// armsim: parse options, check the inputs, build the board, run, check, print the digest.
#include "board.h"
#include "boot.h"
#include "loader.h"
#include "models/trace/chrome_json.h"
#include "models/trace/tee.h"
#include "models/trace/vcd.h"
#include "models/uart/pl011.h"
#include "options.h"
#include "qemu_equivalent.h"
#include "record.h"
#include "scenario.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <systemc>

#ifndef ARMSIM_VERSION
#define ARMSIM_VERSION "unknown"
#endif

namespace {

using namespace armsim;
using namespace armsim::sim;

int fail(const std::string& msg) {
    std::fprintf(stderr, "armsim: error: %s\n", msg.c_str());
    return kExitBadInput;
}

void write_file(const std::string& path, const std::vector<uint8_t>& data) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    if (!out) throw ImageError("cannot write '" + path + "'");
}

// The trace sinks of --trace and --vcd, installed for the run.
struct Tracing {
    std::unique_ptr<trace::ChromeJsonSink> json;
    std::unique_ptr<trace::VcdSink> vcd;
    std::unique_ptr<trace::TeeSink> tee;

    void open(const Options& opt) {
        if (!opt.trace.empty()) json = std::make_unique<trace::ChromeJsonSink>(opt.trace);
        if (!opt.vcd.empty()) vcd = std::make_unique<trace::VcdSink>(opt.vcd);
        if (json && vcd) tee = std::make_unique<trace::TeeSink>(*json, *vcd);
        trace::set_sink(tee    ? static_cast<trace::Sink*>(tee.get())
                        : json ? static_cast<trace::Sink*>(json.get())
                               : static_cast<trace::Sink*>(vcd.get()));
    }
    void close() {
        trace::set_sink(nullptr);
        if (json) json->close();
        if (vcd) vcd->close();
    }
};

int run(int argc, char* argv[]) {
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
    bc.cntfrq_hz = opt.cntfrq;
    bc.irq_delay_cycles = opt.irq_delay;
    bc.quantum_jitter = opt.interleave == Interleave::Quantum ? opt.quantum_jitter : 0;
    bc.fine_slice = opt.interleave == Interleave::Fine ? opt.fine_slice : 0;
    if (!opt.cpu_timing.empty()) {
        if (std::string err = bc.costs.load(opt.cpu_timing); !err.empty()) return fail(err);
    }

    // Every input is read and checked before anything is built or written.
    BootPlan plan;
    std::FILE* serial_out = nullptr;
    try {
        plan = plan_boot(opt);
        if (opt.serial_in == "-") {
            bc.serial_input.assign(std::istreambuf_iterator<char>(std::cin),
                                   std::istreambuf_iterator<char>());
        } else if (!opt.serial_in.empty()) {
            bc.serial_input = load_blob(opt.serial_in, "serial input").bytes;
        }
        if (!opt.dump_dtb.empty()) write_file(opt.dump_dtb, plan.dtb);
        if (opt.qemu_equivalent) {
            std::fputs(qemu_equivalent_json(opt, plan).c_str(), stdout);
            return 0;
        }
        if (opt.kernel.empty()) return 0;
        if (!opt.serial_out.empty()) {
            serial_out = std::fopen(opt.serial_out.c_str(), "w");
            if (!serial_out)
                throw ImageError("cannot write serial output file '" + opt.serial_out + "'");
            bc.console_out = serial_out;
        }
        if (!opt.record.empty()) write_record(opt.record, opt, plan, ARMSIM_VERSION);
    } catch (const ImageError& e) {
        return fail(e.what());
    } catch (const UsageError& e) {
        return fail(e.what());
    }

    Tracing tracing;
    try {
        tracing.open(opt);
    } catch (const std::runtime_error& e) {
        return fail(e.what());
    }

    // Everything SystemC prints about itself stays off stdout, which is the guest's console.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                            sc_core::SC_DO_NOTHING);
    Board board(bc);
    ConsoleChecks checks(opt.expect, opt.forbid, opt.stop_on);
    uart::Pl011& uart = board.uart();
    board.console().on_line([&](std::string_view line) {
        if (auto* t = trace::sink()) t->instant(uart.now_ps(), "uart0", "console", line);
        if (!checks.active()) return;
        if (checks.line(line))
            board.stop(kExitOk, "a console line matched --stop-on");
        else if (checks.forbidden_seen())
            board.stop(kExitCheckFailed, "a console line matched --forbid");
    });
    apply_boot(board, plan);
    board.on_reboot([&] { apply_boot(board, plan); });

    int code = board.run(opt.timeout_ps);
    tracing.close();
    if (serial_out) std::fclose(serial_out);
    std::fprintf(stderr, "armsim: %s\n", board.stop_reason().c_str());
    if (checks.has_checks()) {
        const std::string failure = checks.failure();
        if (!failure.empty()) {
            std::fprintf(stderr, "armsim: scenario failed: %s\n", failure.c_str());
            code = kExitCheckFailed;
        } else if (code != kExitOk) {
            std::fprintf(stderr, "armsim: scenario failed: the run ended with status %d (%s)\n",
                         code, board.stop_reason().c_str());
            code = kExitCheckFailed;
        } else {
            std::fprintf(stderr, "armsim: scenario passed: %s\n", checks.summary().c_str());
        }
    }
    const uint64_t digest = board.digest();
    std::fprintf(stderr, "armsim: %s\n", board.digest_line().c_str());
    if (!opt.record.empty()) append_record_digest(opt.record, digest);
    if (!opt.expect_digest.empty() && opt.expect_digest != hex64(digest)) {
        std::fprintf(stderr, "armsim: replay diverged: run digest %s, recorded %s\n",
                     hex64(digest).c_str(), opt.expect_digest.c_str());
        return kExitCheckFailed;
    }
    return code;
}

} // namespace

int sc_main(int argc, char* argv[]) {
    return run(argc, argv);
}

int main(int argc, char* argv[]) {
    // SystemC prints a banner on its first use unless told not to; stdout is the guest's.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
