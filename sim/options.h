// Command-line and config-file options (Boost.Program_options; the same keys in both).
#pragma once

#include "boot_spec.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace armsim::sim {

enum class Interleave { Quantum, Fine };

struct Options {
    // What to boot.
    std::string kernel; // the kernel file (kernel_spec.path)
    KernelSpec kernel_spec;
    std::string initrd;
    std::string append;     // /chosen/bootargs
    std::string hyp_append; // /chosen/xen,xen-bootargs
    std::vector<ModuleSpec> modules;
    std::vector<DomainSpec> domains;
    std::string dtb;      // use this DTB instead of generating one
    std::string dump_dtb; // write the DTB here

    // The machine.
    unsigned smp = 1;
    uint64_t mem = 512ull << 20;
    std::string cpu_timing; // core cost table (cortex-a57.cfg)
    std::string serial_in;  // "" none, "-" stdin, else a file
    std::string serial_out; // "" stdout

    // Run control and determinism.
    uint64_t seed = 0;
    uint64_t max_insns = 0;       // 0: no limit
    uint64_t timeout_ps = 0;      // simulated-time limit, 0: none
    uint64_t quantum = 10000;     // cycles between synchronisations of a core
    uint64_t cntfrq = 62'500'000; // generic timer counter frequency, Hz
    uint64_t irq_delay = 0;       // cycles: the seed delays each GIC signal by up to this
    unsigned quantum_jitter = 50; // percent of a quantum the seed may cut off
    Interleave interleave = Interleave::Quantum;
    unsigned fine_slice = 4; // --interleave fine: at most this many cycles per turn

    // Scenario checks on the console.
    std::vector<std::string> expect, forbid, stop_on;

    // Record / replay and observation.
    std::string record;
    std::string replay;
    std::vector<std::pair<std::string, std::string>> image_hashes; // path, hex (from a record)
    std::string expect_digest;                                     // from a record
    std::string trace;                                             // Chrome/Perfetto JSON
    std::string vcd;
    bool qemu_equivalent = false;

    std::string config;
    bool help = false;
    bool version = false;

    // Every option as "key = value" lines with absolute paths, in a stable order, for
    // --record (observation and record/replay keys left out).
    std::vector<std::pair<std::string, std::string>> effective;
};

// Bad options: the message is one line, ready to print after "armsim: error: ".
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses argv (and --config FILE or --replay FILE); throws UsageError.
Options parse_options(int argc, const char* const argv[]);
std::string usage_text();

// Where ${images} points: $ARMSIM_IMAGES, else <directory of this program>/../images.
std::string images_dir();

// "512M", "2G", "64K", "1073741824B"; a bare number is MiB (as QEMU's -m). Throws UsageError.
uint64_t parse_size(const std::string& text);
// A decimal or 0x-prefixed unsigned number. Throws UsageError naming --option.
uint64_t parse_uint(const std::string& option, const std::string& text);

} // namespace armsim::sim
