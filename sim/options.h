// Command-line and config-file options (Boost.Program_options; the same keys in both).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace armsim::sim {

struct Options {
    std::string kernel;
    unsigned smp = 1;
    uint64_t mem = 512ull << 20;
    uint64_t seed = 0;
    uint64_t max_insns = 0; // 0: no limit
    uint64_t quantum = 10000; // cycles between synchronisations of a core
    std::string dtb;        // use this DTB instead of generating one
    std::string dump_dtb;   // write the DTB here
    std::string cpu_timing; // core cost table (cortex-a57.cfg)
    std::string config;
    bool help = false;
    bool version = false;
};

// Bad options: the message is one line, ready to print after "armsim: error: ".
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses argv (and --config FILE); throws UsageError.
Options parse_options(int argc, const char* const argv[]);
std::string usage_text();

// "512M", "2G", "64K", "1073741824B"; a bare number is MiB (as QEMU's -m). Throws UsageError.
uint64_t parse_size(const std::string& text);
// A decimal or 0x-prefixed unsigned number. Throws UsageError naming --option.
uint64_t parse_uint(const std::string& option, const std::string& text);

} // namespace armsim::sim
