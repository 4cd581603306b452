#include "board.h"

#include "models/mem/ram.h"
#include "models/mem/router.h"
#include "models/psci/psci.h"
#include "models/semihosting/semihosting.h"
#include "models/uart/pl011.h"
#include "virt_map.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace armsim::sim {

using namespace sc_core;

Board::Board(const BoardConfig& cfg) : cfg_(cfg) {
    if (std::string_view err = cpu::check_sysreg_table(); !err.empty())
        throw std::logic_error("system register table: " + std::string(err));

    // The global quantum bounds how far a core runs ahead of the others.
    const sc_time period = sc_time(1, SC_SEC) / double(cfg.clock_hz);
    tlm::tlm_global_quantum::instance().set(period * double(cfg.quantum_cycles));

    code_ = std::make_unique<cpu::CodeCache>(cfg_.costs);
    router_ = std::make_unique<mem::Router>("bus");
    ram_ = std::make_unique<mem::Ram>("ram", cfg.ram_size);
    uart_ = std::make_unique<uart::Pl011>("uart0");
    uart_->on_tx([this](uint8_t c) { console_.put(c); });

    // Targets, bound to the router's initiator socket in the order they are mapped.
    router_->map("ram", virt::kRamBase, cfg.ram_size);
    router_->init.bind(ram_->socket);
    router_->map("uart0", virt::kUartBase, virt::kUartSize);
    router_->init.bind(uart_->socket);

    for (unsigned i = 0; i < cfg.smp; ++i) {
        cpu::CoreConfig cc;
        cc.index = i;
        // Aff0 = core number within a cluster of 8, as QEMU virt lays them out.
        cc.mpidr = 0x80000000ull | ((i / 8) << 8) | (i % 8);
        cc.clock_hz = cfg.clock_hz;
        cc.start_powered_on = false;
        cc.seed = Rng(cfg.seed, "core" + std::to_string(i)).next();
        auto core = std::make_unique<cpu::Core>(("core" + std::to_string(i)).c_str(), cc,
                                                *code_, cfg_.costs);
        core->bus.bind(router_->targ);
        core->set_run_control(this);
        core->set_insn_limit(cfg.max_insns);
        cores_.push_back(core.get());
        core_storage_.push_back(std::move(core));
    }
    for (cpu::Core* c : cores_)
        c->set_peers(&cores_);

    psci::Psci::Hooks ph;
    ph.system_off = [this] { stop(kExitOk, "guest powered off (PSCI SYSTEM_OFF)"); };
    ph.system_reset = [this] {
        stop(kExitOk, "guest requested a reset (PSCI SYSTEM_RESET), treated as power-off");
    };
    psci_ = std::make_unique<psci::Psci>(cores_, std::move(ph));

    semihosting::Semihosting::Hooks sh;
    sh.write = [this](const std::string& s) { console_.write(s); };
    sh.exit = [this](int code) {
        stop(code, "semihosting SYS_EXIT with status " + std::to_string(code));
    };
    sh.warn = [](const std::string& s) { std::fprintf(stderr, "armsim: warning: %s\n", s.c_str()); };
    semihosting_ = std::make_unique<semihosting::Semihosting>(std::move(sh));

    for (cpu::Core* c : cores_) {
        c->set_firmware(psci_.get());
        c->set_semihosting(semihosting_.get());
    }
}

Board::~Board() = default;

uint64_t Board::ram_base() const { return virt::kRamBase; }

std::vector<uint64_t> Board::mpidrs() const {
    std::vector<uint64_t> v;
    for (const cpu::Core* c : cores_)
        v.push_back(c->config().mpidr);
    return v;
}

void Board::write_ram(uint64_t pa, const void* data, size_t len) {
    std::memcpy(ram_->data() + (pa - virt::kRamBase), data, len);
}

void Board::load(const Image& img) {
    for (const Segment& s : img.segments) {
        uint8_t* dst = ram_->data() + (s.addr - virt::kRamBase);
        std::memcpy(dst, s.bytes.data(), s.bytes.size());
        std::memset(dst + s.bytes.size(), 0, s.memsz - s.bytes.size());
    }
}

void Board::boot(uint64_t entry, uint64_t x0) {
    cores_[0]->power_on(entry, 2, x0);
}

void Board::stop(int exit_code, const std::string& reason) {
    if (stopped_)
        return; // the first reason wins
    stopped_ = true;
    exit_code_ = exit_code;
    reason_ = reason;
    sc_core::sc_stop();
}

int Board::run() {
    sc_start();
    console_.flush();
    if (!stopped_) {
        stopped_ = true;
        exit_code_ = kExitStalled;
        reason_ = "every core is waiting for an interrupt and nothing is scheduled to send one";
    }
    return exit_code_;
}

std::string Board::digest_line() const {
    Fnv64 h;
    std::string insns;
    for (const cpu::Core* c : cores_) {
        h.add_u64(c->retired());
        h.add_u64(c->cycles());
        if (!insns.empty())
            insns += ',';
        insns += std::to_string(c->retired());
    }
    // Cores run ahead of the kernel's clock; the run ends at the furthest core's time.
    uint64_t ps = sc_time_stamp().value();
    for (const cpu::Core* c : cores_)
        ps = std::max<uint64_t>(ps, c->now().value());
    h.add_u64(ps);
    h.add_u64(console_.hash());
    h.add_u64(static_cast<uint64_t>(exit_code_));
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "digest: insns=%s time=%" PRIu64 "ps uart=%016" PRIx64 " exit=%d run=%016" PRIx64,
                  insns.c_str(), ps, console_.hash(), exit_code_, h.value());
    return buf;
}

} // namespace armsim::sim
