// The generic timer: counter, per-core timers, access controls and event streams.
#include "generic_timer.h"

#include "models/base/rng.h"
#include "models/cpu/core.h"
#include "models/trace/trace.h"

#include <string>

namespace armsim::timer {

using namespace sc_core;
using cpu::SysReg;

namespace {

constexpr uint64_t kPsPerSec = 1'000'000'000'000ull;
constexpr uint32_t kCtlEnable = 1u << 0, kCtlImask = 1u << 1, kCtlIstatus = 1u << 2;

// CNTKCTL_EL1 (D13.8.15) and CNTHCTL_EL2 without VHE (D13.8.9).
constexpr uint32_t kKctlEl0Pcten = 1u << 0, kKctlEl0Vcten = 1u << 1, kKctlEl0Vten = 1u << 8,
                   kKctlEl0Pten = 1u << 9, kKctlMask = 0x3ff;
constexpr uint32_t kHctlEl1Pcten = 1u << 0, kHctlEl1Pcen = 1u << 1, kHctlMask = 0xff;
constexpr uint32_t kEvntEn = 1u << 2, kEvntDir = 1u << 3; // the same bits in both

} // namespace

GenericTimer::GenericTimer(sc_module_name name, const TimerConfig& cfg)
    : sc_module(name), cfg_(cfg) {
    for (unsigned c = 0; c < cfg.num_cpus; ++c) {
        cores_.push_back(std::make_unique<PerCore>());
        PerCore& p = *cores_.back();
        p.cntfrq = cfg.frequency_hz;
        // One method per timer and per event stream, woken by its own event only.
        const std::string core = std::to_string(c);
        for (unsigned k = 0; k < kNumKinds; ++k)
            spawn_on(p.ch[k].ev, "t" + core + "_" + std::to_string(k),
                     [this, c, k] { fire(c, k); });
        for (unsigned s = 0; s < 2; ++s)
            spawn_on(p.stream[s].ev, "ev" + core + "_" + std::to_string(s),
                     [this, c, s] { stream_fire(c, s); });
        p.cnthctl = kHctlEl1Pcten | kHctlEl1Pcen;
    }
}

GenericTimer::~GenericTimer() = default;

uint64_t GenericTimer::digest() const {
    Fnv64 h;
    for (const auto& p : cores_) {
        for (const Channel& ch : p->ch)
            for (uint64_t v : {uint64_t(ch.ctl), ch.cval, uint64_t(ch.out), ch.due_ps})
                h.add_u64(v);
        for (const EventStream& es : p->stream)
            h.add_u64(es.due_ps);
        for (uint64_t v : {p->cntvoff, p->cntfrq, uint64_t(p->cntkctl), uint64_t(p->cnthctl)})
            h.add_u64(v);
    }
    h.add_u64(fires_);
    return h.value();
}

uint64_t GenericTimer::count_at(uint64_t ps) const {
    return static_cast<uint64_t>(static_cast<unsigned __int128>(ps) * cfg_.frequency_hz /
                                 kPsPerSec);
}

uint64_t GenericTimer::time_of(uint64_t count) const {
    const unsigned __int128 t =
        (static_cast<unsigned __int128>(count) * kPsPerSec + cfg_.frequency_hz - 1) /
        cfg_.frequency_hz;
    // Far beyond any run (about 106 days): treat as never, keeping sc_time arithmetic safe.
    return t >= (1ull << 63) ? UINT64_MAX : static_cast<uint64_t>(t);
}

void GenericTimer::spawn_on(sc_event& ev, const std::string& name, std::function<void()> fn) {
    sc_spawn_options o;
    o.spawn_method();
    o.dont_initialize();
    o.set_sensitivity(&ev);
    sc_spawn(std::move(fn), name.c_str(), &o);
}

void GenericTimer::notify_at(sc_event& ev, uint64_t& due, uint64_t ps) {
    ev.cancel();
    due = ps;
    if (ps == UINT64_MAX) return;
    const uint64_t now = sc_time_stamp().value();
    ev.notify(sc_time::from_value(ps > now ? ps - now : 0));
}

// --- timers ----------------------------------------------------------------------------------

bool GenericTimer::condition(const PerCore& p, unsigned k, uint64_t ps) const {
    // The timer condition: CVAL <= counter - offset, as unsigned 64-bit values (D10.2.4).
    return count_at(ps) - offset(p, k) >= p.ch[k].cval;
}

void GenericTimer::set_out(unsigned c, unsigned k, bool level, uint64_t ps) {
    Channel& ch = cores_[c]->ch[k];
    if (ch.out == level) return;
    ch.out = level;
    if (auto* t = trace::sink()) {
        static constexpr const char* kNames[] = {"cntp", "cntv", "cnthp"};
        t->signal(ps, "core" + std::to_string(c) + "." + kNames[k], level);
        if (level) t->instant(ps, "core" + std::to_string(c), "timer", "fire", {{"timer", k}});
    }
    if (level) ++fires_;
    if (irq_) irq_(c, kIntid[k], level);
}

void GenericTimer::evaluate(unsigned c, unsigned k, uint64_t ps) {
    PerCore& p = *cores_[c];
    Channel& ch = p.ch[k];
    if (!(ch.ctl & kCtlEnable)) {
        // A disabled timer has ISTATUS and its output clear (D10.2.4; QEMU does the same).
        set_out(c, k, false, ps);
        notify_at(ch.ev, ch.due_ps, UINT64_MAX);
        return;
    }
    const uint64_t cnt = count_at(ps);
    const uint64_t v = cnt - offset(p, k);
    const bool met = v >= ch.cval;
    set_out(c, k, met && !(ch.ctl & kCtlImask), ps);
    if (met) {
        notify_at(ch.ev, ch.due_ps, UINT64_MAX);
        return;
    }
    // The condition becomes true when the counter has advanced by CVAL - v.
    const uint64_t target = cnt + (ch.cval - v);
    notify_at(ch.ev, ch.due_ps, target < cnt ? UINT64_MAX : time_of(target));
}

void GenericTimer::fire(unsigned c, unsigned k) {
    cores_[c]->ch[k].due_ps = UINT64_MAX;
    evaluate(c, k, sc_time_stamp().value());
}

void GenericTimer::catch_up(unsigned c, uint64_t ps) {
    PerCore& p = *cores_[c];
    for (unsigned k = 0; k < kNumKinds; ++k) {
        if (p.ch[k].due_ps <= ps) evaluate(c, k, ps);
    }
}

// --- event streams ---------------------------------------------------------------------------

void GenericTimer::schedule_stream(unsigned c, unsigned s, uint64_t ps) {
    PerCore& p = *cores_[c];
    EventStream& es = p.stream[s];
    const uint32_t ctl = s == 0 ? p.cntkctl : p.cnthctl;
    if (!(ctl & kEvntEn)) {
        notify_at(es.ev, es.due_ps, UINT64_MAX);
        return;
    }
    // An event each time counter bit EVNTI makes the transition EVNTDIR selects: 0 to 1 when
    // the count modulo 2^(EVNTI+1) reaches 2^EVNTI, 1 to 0 when it wraps to 0 (D10.2.3).
    const unsigned n = (ctl >> 4) & 0xf;
    const uint64_t period = 2ull << n;
    const uint64_t phase = (ctl & kEvntDir) ? 0 : (1ull << n);
    const uint64_t cnt = count_at(ps);
    const uint64_t v = cnt - (s == 0 ? p.cntvoff : 0);
    uint64_t delta = (phase - v) & (period - 1);
    if (delta == 0) delta = period; // this count's transition has happened already
    notify_at(es.ev, es.due_ps, time_of(cnt + delta));
}

void GenericTimer::stream_fire(unsigned c, unsigned s) {
    cores_[c]->stream[s].due_ps = UINT64_MAX;
    if (event_) event_(c);
    schedule_stream(c, s, sc_time_stamp().value());
}

// --- system registers ------------------------------------------------------------------------

void GenericTimer::check_access(cpu::Core& core, unsigned reg, bool read) const {
    const PerCore& p = *cores_[core.config().index];
    const unsigned el = core.st.el;
    if (el == 2) return;
    const auto r = static_cast<SysReg>(reg);
    // Trap priorities (D10.2.x pseudocode): EL0 first by CNTKCTL_EL1 (to EL1, or to EL2 when
    // HCR_EL2.TGE is set: target 0 routes by default), then EL0/EL1 by CNTHCTL_EL2 to EL2.
    const uint32_t k = p.cntkctl, h = p.cnthctl;
    switch (r) {
    case SysReg::CNTFRQ_EL0:
        if (!read) core.undefined(); // writable only at the highest EL, EL2 here (D13.8.1)
        if (el == 0 && !(k & (kKctlEl0Pcten | kKctlEl0Vcten))) core.trap_sysreg_access(0);
        break;
    case SysReg::CNTPCT_EL0:
        if (el == 0 && !(k & kKctlEl0Pcten)) core.trap_sysreg_access(0);
        if (!(h & kHctlEl1Pcten)) core.trap_sysreg_access(2);
        break;
    case SysReg::CNTVCT_EL0:
        if (el == 0 && !(k & kKctlEl0Vcten)) core.trap_sysreg_access(0);
        break;
    case SysReg::CNTP_CTL_EL0:
    case SysReg::CNTP_CVAL_EL0:
    case SysReg::CNTP_TVAL_EL0:
        if (el == 0 && !(k & kKctlEl0Pten)) core.trap_sysreg_access(0);
        if (!(h & kHctlEl1Pcen)) core.trap_sysreg_access(2);
        break;
    case SysReg::CNTV_CTL_EL0:
    case SysReg::CNTV_CVAL_EL0:
    case SysReg::CNTV_TVAL_EL0:
        if (el == 0 && !(k & kKctlEl0Vten)) core.trap_sysreg_access(0);
        break;
    default:
        break; // CNTKCTL_EL1 and the EL2 registers: the table's EL checks suffice
    }
}

namespace {
// Each timer has the same three registers; this table maps them back to (timer, field).
enum Field : unsigned { kCtl, kCval, kTval, kNumFields };
constexpr SysReg kTimerRegs[kNumKinds][kNumFields] = {
    {SysReg::CNTP_CTL_EL0, SysReg::CNTP_CVAL_EL0, SysReg::CNTP_TVAL_EL0},
    {SysReg::CNTV_CTL_EL0, SysReg::CNTV_CVAL_EL0, SysReg::CNTV_TVAL_EL0},
    {SysReg::CNTHP_CTL_EL2, SysReg::CNTHP_CVAL_EL2, SysReg::CNTHP_TVAL_EL2},
};

// The timer `r` belongs to (and which of its registers it is), or -1 for another register.
int kind_of(SysReg r, Field& field) {
    for (unsigned k = 0; k < kNumKinds; ++k)
        for (unsigned f = 0; f < kNumFields; ++f)
            if (kTimerRegs[k][f] == r) {
                field = static_cast<Field>(f);
                return static_cast<int>(k);
            }
    return -1;
}
} // namespace

uint64_t GenericTimer::begin_access(cpu::Core& core, unsigned reg, bool read) {
    check_access(core, reg, read);
    const uint64_t ps = core.now().value();
    catch_up(core.config().index, ps);
    return ps;
}

uint64_t GenericTimer::sysreg_read(cpu::Core& core, unsigned reg) {
    const unsigned c = core.config().index;
    const uint64_t ps = begin_access(core, reg, true);
    PerCore& p = *cores_[c];
    const auto r = static_cast<SysReg>(reg);
    Field field = kCtl;
    if (const int k = kind_of(r, field); k >= 0) {
        const Channel& ch = p.ch[k];
        switch (field) {
        case kCtl: {
            const bool istatus = (ch.ctl & kCtlEnable) && condition(p, k, ps);
            return ch.ctl | (istatus ? kCtlIstatus : 0);
        }
        case kCval:
            return ch.cval;
        default: // kTval: CVAL - (counter - offset), 32 bits; bits [63:32] RES0 (D13.8.x)
            return static_cast<uint32_t>(ch.cval - (count_at(ps) - offset(p, k)));
        }
    }
    switch (r) {
    case SysReg::CNTFRQ_EL0:
        return p.cntfrq;
    case SysReg::CNTPCT_EL0:
        return count_at(ps);
    case SysReg::CNTVCT_EL0:
        return count_at(ps) - p.cntvoff;
    case SysReg::CNTVOFF_EL2:
        return p.cntvoff;
    case SysReg::CNTKCTL_EL1:
        return p.cntkctl;
    case SysReg::CNTHCTL_EL2:
        return p.cnthctl;
    default:
        return 0;
    }
}

void GenericTimer::sysreg_write(cpu::Core& core, unsigned reg, uint64_t v) {
    const unsigned c = core.config().index;
    const uint64_t ps = begin_access(core, reg, false);
    PerCore& p = *cores_[c];
    const auto r = static_cast<SysReg>(reg);
    Field field = kCtl;
    if (const int k = kind_of(r, field); k >= 0) {
        Channel& ch = p.ch[k];
        switch (field) {
        case kCtl:
            ch.ctl = static_cast<uint32_t>(v) & (kCtlEnable | kCtlImask);
            break;
        case kCval:
            ch.cval = v;
            break;
        default: // kTval: CVAL = (counter - offset) + SignExtend(TVAL[31:0])
            ch.cval = count_at(ps) - offset(p, k) +
                      static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
            break;
        }
        evaluate(c, static_cast<unsigned>(k), ps);
        return;
    }
    switch (r) {
    case SysReg::CNTFRQ_EL0:
        p.cntfrq = static_cast<uint32_t>(v);
        break;
    case SysReg::CNTVOFF_EL2:
        p.cntvoff = v;
        evaluate(c, kVirt, ps);
        schedule_stream(c, 0, ps);
        break;
    case SysReg::CNTKCTL_EL1:
        p.cntkctl = static_cast<uint32_t>(v) & kKctlMask;
        schedule_stream(c, 0, ps);
        break;
    case SysReg::CNTHCTL_EL2:
        p.cnthctl = static_cast<uint32_t>(v) & kHctlMask;
        schedule_stream(c, 1, ps);
        break;
    default:
        break; // CNTPCT/CNTVCT are read-only: the table rejects writes
    }
}

void GenericTimer::core_reset(cpu::Core& core) {
    if (core.config().index < cores_.size()) reset_core(core.config().index);
}

void GenericTimer::reset() {
    for (unsigned c = 0; c < cores_.size(); ++c)
        reset_core(c);
}

void GenericTimer::reset_core(unsigned c) {
    PerCore& p = *cores_[c];
    const uint64_t ps = sc_time_stamp().value();
    for (unsigned k = 0; k < kNumKinds; ++k) {
        p.ch[k].ctl = 0;
        p.ch[k].cval = 0;
        evaluate(c, k, ps);
    }
    p.cntvoff = 0;
    p.cntfrq = cfg_.frequency_hz;
    p.cntkctl = 0;
    p.cnthctl = kHctlEl1Pcten | kHctlEl1Pcen;
    for (unsigned s = 0; s < 2; ++s)
        schedule_stream(c, s, ps);
}

} // namespace armsim::timer
