// The virt board: cores, interconnect, RAM and devices at QEMU virt's addresses, wired
// together, plus run control (how a run ends) and the run digest.
#pragma once

#include "console.h"
#include "loader.h"
#include "models/cpu/core.h"
#include "models/cpu/cost_table.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace armsim::mem {
class Router;
class Ram;
} // namespace armsim::mem
namespace armsim::uart {
class Pl011;
}
namespace armsim::psci {
class Psci;
}
namespace armsim::gic {
class Gic400;
}
namespace armsim::timer {
class GenericTimer;
}
namespace armsim::semihosting {
class Semihosting;
}

namespace armsim::sim {

struct BoardConfig {
    unsigned smp = 1;
    uint64_t ram_size = 512ull << 20;
    uint64_t seed = 0;
    uint64_t max_insns = 0;
    uint64_t quantum_cycles = 10000;
    // Share (percent) of each quantum the seed may cut off, so synchronisation points move.
    unsigned quantum_jitter = 0;
    // Fine interleaving: cores take turns of 1..fine_slice cycles in a seeded order
    // (0: off, quanta as above).
    unsigned fine_slice = 0;
    uint64_t clock_hz = 1'000'000'000;
    uint64_t cntfrq_hz = 62'500'000; // generic timer counter frequency (virt::kCntFrq)
    uint64_t irq_delay_cycles = 0;   // GIC: seeded delay of each signal to a core, at most
    cpu::CostTable costs = cpu::CostTable::unit();
    std::FILE* console_out = stdout;
    std::vector<uint8_t> serial_input; // bytes for the PL011's receive line
};

// Exit codes of a run (also documented in --help and README.md).
enum ExitCode : int {
    kExitOk = 0,
    kExitBadInput = 1,
    kExitCheckFailed = 2, // scenario expectations or a replayed digest
    kExitInsnLimit = 3,   // --max-insns or --timeout
    kExitStalled = 4,
};

class Board : public cpu::RunControl {
public:
    explicit Board(const BoardConfig& cfg);
    ~Board() override;

    // Copies an image's segments into RAM (they must be inside it: check_in_ram).
    void load(const Image& img);
    void write_ram(uint64_t pa, const void* data, size_t len);
    // Starts core 0 at `entry` in EL2 with x0 = `x0`.
    void boot(uint64_t entry, uint64_t x0);

    // Runs to the end (or to `timeout_ps` of simulated time, 0 = none); returns the exit
    // code. A PSCI SYSTEM_RESET powers every core off, resets the devices and calls the
    // reboot function (which re-loads the images and starts core 0) without leaving run().
    int run(uint64_t timeout_ps = 0);
    void on_reboot(std::function<void()> fn) { reboot_ = std::move(fn); }
    // Devices wired in by others (GIC, timers) reset themselves here on SYSTEM_RESET.
    void add_reset_hook(std::function<void()> fn) { reset_hooks_.push_back(std::move(fn)); }
    unsigned resets() const { return resets_; }
    void stop(int exit_code, const std::string& reason) override;

    const std::string& stop_reason() const { return reason_; }
    // The run digest: instructions per core, simulated time, console hash, RAM hash and a
    // hash over everything (core state, devices, exit status).
    std::string digest_line() const;
    uint64_t digest() const;
    // Devices wired in by others (GIC, timers) add their state to the digest here.
    void add_digest_part(std::string name, std::function<uint64_t()> part);
    uart::Pl011& uart() { return *uart_; }
    mem::Router& router() { return *router_; }
    uint64_t ram_base() const;
    uint64_t ram_size() const { return cfg_.ram_size; }
    cpu::Core& core(unsigned i) { return *cores_.at(i); }
    unsigned num_cores() const { return static_cast<unsigned>(cores_.size()); }
    Console& console() { return console_; }
    gic::Gic400& gic() { return *gic_; }
    timer::GenericTimer& timer() { return *timer_; }
    std::vector<uint64_t> mpidrs() const;

private:
    BoardConfig cfg_;
    Console console_;
    std::unique_ptr<cpu::CodeCache> code_;
    std::unique_ptr<mem::Router> router_;
    std::unique_ptr<mem::Ram> ram_;
    std::unique_ptr<uart::Pl011> uart_;
    std::unique_ptr<gic::Gic400> gic_;
    std::unique_ptr<timer::GenericTimer> timer_;
    std::vector<std::unique_ptr<cpu::Core>> core_storage_;
    std::vector<cpu::Core*> cores_;
    std::unique_ptr<psci::Psci> psci_;
    std::unique_ptr<semihosting::Semihosting> semihosting_;
    std::unique_ptr<cpu::SlicePolicy> slicer_;
    std::unique_ptr<sc_core::sc_module> serial_in_;
    std::vector<std::pair<std::string, std::function<uint64_t()>>> digest_parts_;
    void request_reset();
    void system_reset();
    std::function<void()> reboot_;
    std::vector<std::function<void()>> reset_hooks_;
    bool reset_requested_ = false;
    unsigned resets_ = 0;
    uint64_t ram_hash() const; // computed once, at the end of the run
    mutable std::optional<uint64_t> ram_hash_;
    bool stopped_ = false;
    int exit_code_ = 0;
    std::string reason_;
};

} // namespace armsim::sim
