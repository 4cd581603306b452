// The GIC's bus side: four TLM targets, access-size checks, outputs and tracing.
#include "gic.h"

#include "models/mem/initiator_id.h"
#include "models/trace/trace.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace armsim::gic {

using namespace sc_core;

Gic400::Gic400(sc_module_name name, const GicConfig& cfg)
    : sc_module(name), dist("dist"), cpu("cpu"), hyp("hyp"), vcpu("vcpu"), cfg_(cfg) {
    if (cfg.num_cpus < 1 || cfg.num_cpus > 8)
        throw std::invalid_argument("GIC: 1 to 8 CPU interfaces");
    if (cfg.num_irqs < 32 || cfg.num_irqs > 1020 || cfg.num_irqs % 32)
        throw std::invalid_argument("GIC: the number of interrupts must be 32..992, step 32");
    cpu_mask_ = (1u << cfg.num_cpus) - 1;
    cpus_.resize(cfg.num_cpus);
    const unsigned spis = cfg.num_irqs - 32;
    const unsigned words = (spis + 31) / 32;
    for (auto* v : {&spi_enabled_, &spi_latch_, &spi_level_, &spi_active_, &spi_edge_, &spi_group_})
        v->assign(words, 0);
    spi_prio_.assign(spis, 0);
    // A uniprocessor GIC has RAZ/WI target registers and sends every SPI to its CPU (4.3.12).
    spi_targets_.assign(spis, cfg.num_cpus == 1 ? 1 : 0);

    rng_ = Rng(cfg.seed, "gic");
    if (cfg.max_delivery_delay_ps) {
        for (unsigned c = 0; c < cfg.num_cpus; ++c) {
            for (unsigned l = 0; l < 4; ++l) {
                delivery_.push_back(std::make_unique<Delivery>());
                sc_spawn_options o;
                o.spawn_method();
                o.dont_initialize();
                o.set_sensitivity(&delivery_.back()->ev);
                sc_spawn([this, c, l] { deliver(c, static_cast<Output>(l)); },
                         ("deliver" + std::to_string(c) + "_" + std::to_string(l)).c_str(), &o);
            }
        }
    }

    dist.register_b_transport(this, &Gic400::b_transport<Frame::Dist>);
    cpu.register_b_transport(this, &Gic400::b_transport<Frame::Cpu>);
    hyp.register_b_transport(this, &Gic400::b_transport<Frame::Hyp>);
    vcpu.register_b_transport(this, &Gic400::b_transport<Frame::Vcpu>);
    dist.register_transport_dbg(this, &Gic400::transport_dbg<Frame::Dist>);
    cpu.register_transport_dbg(this, &Gic400::transport_dbg<Frame::Cpu>);
    hyp.register_transport_dbg(this, &Gic400::transport_dbg<Frame::Hyp>);
    vcpu.register_transport_dbg(this, &Gic400::transport_dbg<Frame::Vcpu>);
}

template <Gic400::Frame F>
void Gic400::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    now_ps_ = (sc_time_stamp() + delay).value();
    const uint64_t off = trans.get_address();
    const unsigned len = trans.get_data_length();
    const bool write = trans.is_write();
    const unsigned cpu_id = mem::initiator_of(trans);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);

    uint32_t value = 0;
    if (write && len <= 4) std::memcpy(&value, trans.get_data_ptr(), len);
    auto finish_read = [&](uint32_t v) {
        std::memset(trans.get_data_ptr(), 0, len);
        std::memcpy(trans.get_data_ptr(), &v, len < 4 ? len : 4);
    };

    if (cpu_id >= cfg_.num_cpus) {
        bad_access(F, off, len, write); // not a core of this GIC: nothing is banked for it
        if (!write) finish_read(0);
        return;
    }
    // Every register is 32 bits wide; the distributor also allows byte accesses to the
    // byte-accessible registers (IHI 0048B 4.1.4). Everything else is RAZ/WI.
    bool size_ok = len == 4 && (off & 3) == 0;
    if constexpr (F == Frame::Dist) size_ok = dist_access_ok(static_cast<uint32_t>(off), len);
    if (!size_ok) {
        bad_access(F, off, len, write);
        if (!write) finish_read(0);
        return;
    }
    const uint32_t o = static_cast<uint32_t>(off);
    if (write) {
        if constexpr (F == Frame::Dist)
            dist_write(cpu_id, o, value, len);
        else if constexpr (F == Frame::Cpu)
            cpu_write(cpu_id, o, value);
        else if constexpr (F == Frame::Hyp)
            hyp_write(cpu_id, o, value);
        else
            vcpu_write(cpu_id, o, value);
    } else {
        uint32_t v;
        if constexpr (F == Frame::Dist)
            v = dist_read(cpu_id, o, len);
        else if constexpr (F == Frame::Cpu)
            v = cpu_read(cpu_id, o);
        else if constexpr (F == Frame::Hyp)
            v = hyp_read(cpu_id, o);
        else
            v = vcpu_read(cpu_id, o);
        finish_read(v);
    }
}

template <Gic400::Frame F>
unsigned Gic400::transport_dbg(tlm::tlm_generic_payload&) {
    return 0; // reads of IAR and friends have side effects: debuggers see nothing
}

void Gic400::bad_access(Frame frame, uint64_t offset, unsigned len, bool write) {
    ++bad_accesses_;
    if (auto* t = trace::sink()) {
        t->instant(now_ps_, "gic", "gic", "bad_access",
                   {{"frame", static_cast<uint64_t>(frame)}, // 0 GICD, 1 GICC, 2 GICH, 3 GICV
                    {"offset", offset},
                    {"size", len},
                    {"write", write ? 1u : 0u},
                    {"count", bad_accesses_}});
    }
}

void Gic400::reset() {
    now_ps_ = sc_time_stamp().value();
    for (unsigned c = 0; c < cfg_.num_cpus; ++c)
        for (Output l : {Output::Irq, Output::Fiq, Output::VIrq, Output::VFiq})
            set_output(c, l, false);
    for (CpuState& s : cpus_) {
        // The maintenance interrupt is the GIC's own output, not a wire from outside.
        const uint32_t wires = s.level & ~(1u << kMaintenanceIntid);
        s = CpuState{};
        s.level = wires;
    }
    dctlr_ = 0;
    for (auto* v : {&spi_enabled_, &spi_latch_, &spi_active_, &spi_edge_, &spi_group_})
        std::fill(v->begin(), v->end(), 0);
    std::fill(spi_prio_.begin(), spi_prio_.end(), 0);
    std::fill(spi_targets_.begin(), spi_targets_.end(), cfg_.num_cpus == 1 ? 1 : 0);
}

uint64_t Gic400::digest() const {
    Fnv64 h;
    h.add_u64(dctlr_);
    for (const CpuState& s : cpus_) {
        for (uint32_t v : {s.enabled, s.latch, s.level, s.active, s.edge, s.group, s.hcr})
            h.add_u64(v);
        h.add(s.prio.data(), s.prio.size());
        h.add(s.sgi_sources.data(), s.sgi_sources.size());
        for (const Iface* f : {&s.phys, &s.virt})
            for (uint64_t v : {uint64_t(f->ctlr), uint64_t(f->pmr), uint64_t(f->bpr),
                               uint64_t(f->abpr), uint64_t(f->apr), uint64_t(f->nsapr)})
                h.add_u64(v);
        for (uint32_t lr : s.lr)
            h.add_u64(lr);
        for (bool b : s.out_level)
            h.add_u64(b);
    }
    for (const auto* v :
         {&spi_enabled_, &spi_latch_, &spi_level_, &spi_active_, &spi_edge_, &spi_group_})
        for (uint32_t w : *v)
            h.add_u64(w);
    h.add(spi_prio_.data(), spi_prio_.size());
    h.add(spi_targets_.data(), spi_targets_.size());
    for (const auto& d : delivery_)
        h.add_u64(d->delivered);
    h.add_u64(bad_accesses_);
    return h.value();
}

void Gic400::set_output(unsigned c, Output line, bool level) {
    CpuState& s = cpus_[c];
    bool& cur = s.out_level[static_cast<unsigned>(line)];
    if (cur == level) return;
    cur = level;
    if (auto* t = trace::sink()) {
        static constexpr const char* kNames[] = {"irq", "fiq", "virq", "vfiq"};
        t->signal(now_ps_, "core" + std::to_string(c) + "." + kNames[static_cast<unsigned>(line)],
                  level);
    }
    if (delivery_.empty()) {
        if (out_) out_(c, line, level);
        return;
    }
    Delivery& d = *delivery_[c * 4 + static_cast<unsigned>(line)];
    d.ev.cancel();
    if (level) {
        const uint64_t at = now_ps_ + rng_.below(cfg_.max_delivery_delay_ps + 1);
        const uint64_t kernel = sc_time_stamp().value();
        d.ev.notify(sc_time::from_value(at > kernel ? at - kernel : 0));
    } else if (d.delivered) {
        d.delivered = false;
        if (out_) out_(c, line, false);
    }
}

void Gic400::deliver(unsigned c, Output line) {
    Delivery& d = *delivery_[c * 4 + static_cast<unsigned>(line)];
    if (!cpus_[c].out_level[static_cast<unsigned>(line)] || d.delivered) return;
    d.delivered = true;
    if (out_) out_(c, line, true);
}

template void Gic400::b_transport<Gic400::Frame::Dist>(tlm::tlm_generic_payload&, sc_time&);
template void Gic400::b_transport<Gic400::Frame::Cpu>(tlm::tlm_generic_payload&, sc_time&);
template void Gic400::b_transport<Gic400::Frame::Hyp>(tlm::tlm_generic_payload&, sc_time&);
template void Gic400::b_transport<Gic400::Frame::Vcpu>(tlm::tlm_generic_payload&, sc_time&);

} // namespace armsim::gic
