#include "board.h"

#include "models/gic/gic.h"
#include "models/mem/ram.h"
#include "models/mem/router.h"
#include "models/psci/psci.h"
#include "models/semihosting/semihosting.h"
#include "models/timer/generic_timer.h"
#include "models/trace/trace.h"
#include "models/uart/pl011.h"
#include "serial_input.h"
#include "virt_map.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace armsim::sim {

using namespace sc_core;

namespace {

// Slice lengths under the seed: in quantum mode each slice is the quantum minus a seeded
// cut of up to `jitter` percent, so synchronisation points (and with them the order in
// which cores see each other's stores and devices see accesses) move with the seed; in
// fine mode cores take turns of 1..fine cycles. Each core draws from its own stream.
class Slicer : public cpu::SlicePolicy {
public:
    Slicer(uint64_t seed, unsigned cores, uint64_t quantum, unsigned jitter, unsigned fine)
        : quantum_(quantum), cut_(quantum * jitter / 100), fine_(fine) {
        for (unsigned i = 0; i < cores; ++i)
            rngs_.emplace_back(seed, "slice.core" + std::to_string(i));
    }
    uint64_t next_slice(unsigned core, uint64_t) override {
        Rng& r = rngs_[core];
        if (fine_) return 1 + r.below(fine_);
        return quantum_ - r.below(cut_ + 1);
    }

private:
    uint64_t quantum_, cut_;
    unsigned fine_;
    std::vector<Rng> rngs_;
};

} // namespace

Board::Board(const BoardConfig& cfg) : cfg_(cfg), console_(cfg.console_out) {
    if (std::string_view err = cpu::check_sysreg_table(); !err.empty())
        throw std::logic_error("system register table: " + std::string(err));

    // The global quantum bounds how far a core runs ahead of the others.
    const sc_time period = sc_time(1, SC_SEC) / double(cfg.clock_hz);
    tlm::tlm_global_quantum::instance().set(period * double(cfg.quantum_cycles));

    code_ = std::make_unique<cpu::CodeCache>(cfg_.costs);
    router_ = std::make_unique<mem::Router>("bus");
    ram_ = std::make_unique<mem::Ram>("ram", cfg.ram_size);
    uart_ = std::make_unique<uart::Pl011>("uart0", virt::kApbClockHz);
    uart_->on_tx([this](uint8_t c) { console_.put(c); });
    if (!cfg.serial_input.empty())
        serial_in_ = std::make_unique<SerialInput>("serial_in", *uart_, cfg.serial_input);

    // Targets, bound to the router's initiator socket in the order they are mapped.
    router_->map("ram", virt::kRamBase, cfg.ram_size);
    router_->init.bind(ram_->socket);
    router_->map("uart0", virt::kUartBase, virt::kUartSize);
    router_->init.bind(uart_->socket);

    // GIC-400: its four frames at QEMU's addresses, decoded over the sizes QEMU's model
    // gives them (the rest of each 64 KiB window answers nothing, as on QEMU).
    gic::GicConfig gc;
    gc.num_cpus = cfg.smp;
    gc.seed = cfg.seed;
    gc.max_delivery_delay_ps = cfg.irq_delay_cycles * period.value();
    gic_ = std::make_unique<gic::Gic400>("gic", gc);
    router_->map("gicd", virt::kGicdBase, gic::Gic400::kDistSize);
    router_->init.bind(gic_->dist);
    router_->map("gicc", virt::kGiccBase, gic::Gic400::kCpuSize);
    router_->init.bind(gic_->cpu);
    router_->map("gich", virt::kGichBase, gic::Gic400::kHypSize);
    router_->init.bind(gic_->hyp);
    router_->map("gicv", virt::kGicvBase, gic::Gic400::kVcpuSize);
    router_->init.bind(gic_->vcpu);
    gic_->on_output([this](unsigned c, gic::Output line, bool level) {
        static constexpr cpu::IrqLine kLines[] = {cpu::IrqLine::Irq, cpu::IrqLine::Fiq,
                                                  cpu::IrqLine::VIrq, cpu::IrqLine::VFiq};
        cores_[c]->set_line(kLines[static_cast<unsigned>(line)], level);
    });
    uart_->on_irq([this](bool level) { gic_->set_spi(virt::kUartSpi, level); });

    // Generic timers: outputs to their PPIs, event streams to the cores' WFE.
    timer::TimerConfig tc;
    tc.num_cpus = cfg.smp;
    tc.frequency_hz = cfg.cntfrq_hz;
    timer_ = std::make_unique<timer::GenericTimer>("timer", tc);
    timer_->on_irq(
        [this](unsigned c, unsigned intid, bool level) { gic_->set_ppi(c, intid, level); });
    timer_->on_event([this](unsigned c) { cores_[c]->send_event(); });
    // The GIC's and the timers' whole state in the run digest.
    add_digest_part("gic", [this] { return gic_->digest(); });
    add_digest_part("timer", [this] { return timer_->digest(); });
    add_reset_hook([this] {
        timer_->reset();
        gic_->reset();
    });

    for (unsigned i = 0; i < cfg.smp; ++i) {
        cpu::CoreConfig cc;
        cc.index = i;
        cc.mpidr = virt::mpidr(i);
        cc.clock_hz = cfg.clock_hz;
        cc.start_powered_on = false;
        cc.seed = Rng(cfg.seed, "core" + std::to_string(i)).next();
        auto core = std::make_unique<cpu::Core>(("core" + std::to_string(i)).c_str(), cc, *code_,
                                                cfg_.costs);
        core->bus.bind(router_->targ);
        core->set_run_control(this);
        core->set_insn_limit(cfg.max_insns);
        core->set_timer_sysregs(timer_.get());
        cores_.push_back(core.get());
        core_storage_.push_back(std::move(core));
    }
    for (cpu::Core* c : cores_)
        c->set_peers(&cores_);
    if (cfg.fine_slice || cfg.quantum_jitter) {
        slicer_ = std::make_unique<Slicer>(cfg.seed, cfg.smp, cfg.quantum_cycles,
                                           cfg.quantum_jitter, cfg.fine_slice);
        for (cpu::Core* c : cores_)
            c->set_slice_policy(slicer_.get());
    }

    psci::Psci::Hooks ph;
    ph.system_off = [this] { stop(kExitOk, "guest powered off (PSCI SYSTEM_OFF)"); };
    ph.system_reset = [this] { request_reset(); };
    psci_ = std::make_unique<psci::Psci>(cores_, std::move(ph));

    semihosting::Semihosting::Hooks sh;
    sh.write = [this](const std::string& s) { console_.write(s); };
    sh.exit = [this](int code) {
        stop(code, "semihosting SYS_EXIT with status " + std::to_string(code));
    };
    sh.warn = [](const std::string& s) {
        std::fprintf(stderr, "armsim: warning: %s\n", s.c_str());
    };
    semihosting_ = std::make_unique<semihosting::Semihosting>(std::move(sh));

    for (cpu::Core* c : cores_) {
        c->set_firmware(psci_.get());
        c->set_semihosting(semihosting_.get());
    }
}

Board::~Board() = default;

uint64_t Board::ram_base() const {
    return virt::kRamBase;
}

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
    if (stopped_) return; // the first reason wins
    stopped_ = true;
    exit_code_ = exit_code;
    reason_ = reason;
    // The calling core would otherwise run on to the end of its slice: every core leaves
    // its run loop at the next instruction boundary, so the run ends where it was asked to.
    for (cpu::Core* c : cores_)
        c->stop_loop();
    sc_core::sc_stop();
}

int Board::run(uint64_t timeout_ps) {
    for (;;) {
        if (timeout_ps) {
            // Runs until the limit or until nothing is left to do, whichever comes first.
            const uint64_t now = sc_time_stamp().value();
            if (now < timeout_ps)
                sc_start(sc_time::from_value(timeout_ps - now), SC_EXIT_ON_STARVATION);
            // Stopped early with nothing left to do is a stall; with events still pending,
            // the limit was reached.
            if (!stopped_ && !reset_requested_ && (sc_pending_activity() || now >= timeout_ps)) {
                stopped_ = true;
                exit_code_ = kExitInsnLimit;
                reason_ = "reached the simulated-time limit (--timeout)";
            }
        } else {
            sc_start();
        }
        if (!reset_requested_ || stopped_) break;
        system_reset();
    }
    console_.finish();
    if (!stopped_) {
        stopped_ = true;
        exit_code_ = kExitStalled;
        reason_ = "every core is waiting for an interrupt and nothing is scheduled to send one";
    }
    return exit_code_;
}

// PSCI SYSTEM_RESET (DEN 0022D 5.11): the caller does not return. Every core leaves its
// run loop at the next instruction boundary and the kernel pauses; run() then resets the
// machine and carries on.
void Board::request_reset() {
    if (stopped_ || reset_requested_) return;
    reset_requested_ = true;
    for (cpu::Core* c : cores_)
        c->stop_loop();
    sc_pause();
}

// What a reset does here, as on QEMU: every core powers off and the boot core starts
// again at the image's entry; devices go back to their reset state; the images and the
// device tree are loaded again (a guest may have overwritten them). The rest of RAM keeps
// its contents, and simulated time goes on.
void Board::system_reset() {
    reset_requested_ = false;
    ++resets_;
    for (cpu::Core* c : cores_)
        c->force_power_off();
    // A core stops at its next synchronisation point, at most one quantum away.
    const sc_time step = sc_time(1, SC_SEC) / double(cfg_.clock_hz) * double(cfg_.quantum_cycles);
    for (unsigned i = 0; i < 64 && !stopped_; ++i) {
        if (std::none_of(cores_.begin(), cores_.end(), [](cpu::Core* c) { return c->powered(); }))
            break;
        sc_start(step, SC_EXIT_ON_STARVATION);
    }
    uart_->reset();
    for (const auto& hook : reset_hooks_)
        hook();
    code_->invalidate_all();
    if (auto* t = trace::sink())
        t->instant(sc_time_stamp().value(), "board", "psci", "system reset", {{"resets", resets_}});
    if (reboot_ && !stopped_) reboot_();
}

void Board::add_digest_part(std::string name, std::function<uint64_t()> part) {
    digest_parts_.emplace_back(std::move(name), std::move(part));
}

namespace {

// Hashes the non-zero 64-bit words of [p, p + words), position-sensitive (`base` is the
// index of p[0]). Zero words contribute nothing, so pages known to be zero can be skipped
// without changing the result.
void hash_words(uint64_t& h, const uint64_t* p, size_t words, size_t base) {
    for (size_t i = 0; i < words; ++i) {
        const uint64_t v = p[i];
        if (__builtin_expect(v != 0, 0)) {
            h ^= v + 0x9e3779b97f4a7c15ull + (uint64_t(base + i) << 6) + (h >> 2);
            h *= 0xff51afd7ed558ccdull;
        }
    }
}

// Pages of an anonymous mapping that were never touched are neither present nor swapped
// out (/proc/self/pagemap bits 63 and 62) and read as zero: only the others need reading.
// Returns false when pagemap cannot be read (then everything is scanned).
bool touched_pages(const void* base, size_t pages, std::vector<bool>& touched) {
    const int fd = ::open("/proc/self/pagemap", O_RDONLY);
    if (fd < 0) return false;
    const long page = ::sysconf(_SC_PAGESIZE);
    touched.assign(pages, false);
    std::vector<uint64_t> entries(4096);
    const uint64_t first = reinterpret_cast<uintptr_t>(base) / uint64_t(page);
    for (size_t done = 0; done < pages;) {
        const size_t n = std::min(entries.size(), pages - done);
        const ssize_t got = ::pread(fd, entries.data(), n * 8, off_t((first + done) * 8));
        if (got != ssize_t(n * 8)) {
            ::close(fd);
            return false;
        }
        for (size_t i = 0; i < n; ++i)
            touched[done + i] = (entries[i] >> 62) != 0;
        done += n;
    }
    ::close(fd);
    return true;
}

} // namespace

// A hash of RAM contents. Untouched RAM is skipped through pagemap, so a large --mem costs
// only what the guest used; the result is the same as hashing every word.
uint64_t Board::ram_hash() const {
    if (ram_hash_) return *ram_hash_;
    const auto* p = reinterpret_cast<const uint64_t*>(ram_->data());
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t words_per_page = page / 8;
    const size_t pages = (cfg_.ram_size + page - 1) / page;
    uint64_t h = 0x243f6a8885a308d3ull;
    std::vector<bool> touched;
    if (reinterpret_cast<uintptr_t>(p) % page == 0 && cfg_.ram_size % page == 0 &&
        touched_pages(p, pages, touched)) {
        for (size_t i = 0; i < pages; ++i)
            if (touched[i])
                hash_words(h, p + i * words_per_page, words_per_page, i * words_per_page);
    } else {
        hash_words(h, p, cfg_.ram_size / 8, 0);
    }
    ram_hash_ = h ^ (h >> 33);
    return *ram_hash_;
}

namespace {
uint64_t run_time_ps(const std::vector<cpu::Core*>& cores) {
    // Cores run ahead of the kernel's clock; the run ends at the furthest core's time.
    uint64_t ps = sc_time_stamp().value();
    for (const cpu::Core* c : cores)
        ps = std::max<uint64_t>(ps, c->now().value());
    return ps;
}
} // namespace

uint64_t Board::digest() const {
    Fnv64 h;
    for (cpu::Core* c : cores_) {
        h.add_u64(c->retired());
        h.add_u64(c->cycles());
        h.add_u64(c->exceptions_taken());
        h.add_u64(c->powered());
        const cpu::ArchState& st = c->st;
        for (uint64_t x : st.x)
            h.add_u64(x);
        for (uint64_t v : {st.sp, st.pc, uint64_t(st.nzcv), uint64_t(st.daif), uint64_t(st.el),
                           uint64_t(st.spsel), st.sp_el[0], st.sp_el[1], st.sp_el[2]})
            h.add_u64(v);
        for (unsigned r = 0; r < cpu::kNumSysRegs; ++r)
            h.add_u64(c->sysreg(static_cast<cpu::SysReg>(r)));
    }
    h.add_u64(run_time_ps(cores_));
    h.add_u64(console_.hash());
    h.add_u64(ram_hash());
    h.add_u64(uart_->digest());
    for (const auto& [name, part] : digest_parts_) {
        h.add(name.data(), name.size());
        h.add_u64(part());
    }
    h.add_u64(static_cast<uint64_t>(exit_code_));
    return h.value();
}

std::string Board::digest_line() const {
    std::string insns;
    for (const cpu::Core* c : cores_) {
        if (!insns.empty()) insns += ',';
        insns += std::to_string(c->retired());
    }
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "digest: insns=%s time=%" PRIu64 "ps uart=%016" PRIx64 " ram=%016" PRIx64
                  " exit=%d run=%016" PRIx64,
                  insns.c_str(), run_time_ps(cores_), console_.hash(), ram_hash(), exit_code_,
                  digest());
    return buf;
}

} // namespace armsim::sim
