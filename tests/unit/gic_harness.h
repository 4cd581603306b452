// A GIC-400 driven through its four TLM sockets, as cores would: every transaction carries
// the initiator id of the CPU that issues it. Output-line changes are recorded with the
// simulated time at which they happen.
#pragma once

#include "models/gic/gic.h"
#include "models/mem/initiator_id.h"

#include <cstring>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

namespace armsim::test {

// Four initiator sockets, one per GIC frame.
struct GicInitiator : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<GicInitiator> sock[4];
    explicit GicInitiator(sc_core::sc_module_name name)
        : sc_module(name), sock{tlm_utils::simple_initiator_socket<GicInitiator>("d"),
                                tlm_utils::simple_initiator_socket<GicInitiator>("c"),
                                tlm_utils::simple_initiator_socket<GicInitiator>("h"),
                                tlm_utils::simple_initiator_socket<GicInitiator>("v")} {}
};

struct GicHarness {
    enum Frame { D, C, H, V };
    struct Edge {
        uint64_t ps;
        unsigned cpu;
        gic::Output line;
        bool level;
    };

    GicInitiator init{"init"};
    tlm_utils::simple_initiator_socket<GicInitiator>* sock = init.sock;
    gic::Gic400 gic;
    std::vector<Edge> edges;
    // Local time offset given with each access (as a core running ahead would).
    sc_core::sc_time offset = sc_core::SC_ZERO_TIME;

    explicit GicHarness(unsigned cpus) : GicHarness(config(cpus)) {}
    explicit GicHarness(const gic::GicConfig& cfg) : gic("gic", cfg) {
        sock[D].bind(gic.dist);
        sock[C].bind(gic.cpu);
        sock[H].bind(gic.hyp);
        sock[V].bind(gic.vcpu);
        gic.on_output([this](unsigned c, gic::Output l, bool lv) {
            edges.push_back({(sc_core::sc_time_stamp() + offset).value(), c, l, lv});
        });
        sc_core::sc_start(sc_core::SC_ZERO_TIME); // end of elaboration
    }

    static gic::GicConfig config(unsigned cpus) {
        gic::GicConfig c;
        c.num_cpus = cpus;
        return c;
    }

    // A bus access of `len` bytes; returns the value read (0 for writes) and the response.
    uint64_t access(Frame f, unsigned cpu, uint64_t off, bool write, uint64_t value, unsigned len,
                    tlm::tlm_response_status* status = nullptr) {
        tlm::tlm_generic_payload t;
        uint8_t buf[8] = {};
        std::memcpy(buf, &value, len);
        t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        t.set_address(off);
        t.set_data_ptr(buf);
        t.set_data_length(len);
        t.set_streaming_width(len);
        mem::InitiatorId id;
        id.id = cpu;
        t.set_extension(&id);
        sc_core::sc_time delay = offset;
        sock[f]->b_transport(t, delay);
        t.clear_extension(&id);
        if (status) *status = t.get_response_status();
        uint64_t v = 0;
        std::memcpy(&v, buf, len);
        return write ? 0 : v;
    }
    uint32_t rd(Frame f, unsigned cpu, uint32_t off) {
        return static_cast<uint32_t>(access(f, cpu, off, false, 0, 4));
    }
    void wr(Frame f, unsigned cpu, uint32_t off, uint32_t v) { access(f, cpu, off, true, v, 4); }

    bool line(unsigned cpu, gic::Output l) const { return gic.output(cpu, l); }

    // Distributor on for both groups, every CPU interface on with PMR 0xf0 (Group 0 only
    // unless told), and INTID `id` enabled at priority `prio`.
    void basic_setup(uint32_t cpu_ctlr = gic::Gic400::kCtlrEnableGrp0) {
        wr(D, 0, gic::Gic400::GICD_CTLR, 3);
        for (unsigned c = 0; c < gic.num_cpus(); ++c) {
            wr(C, c, gic::Gic400::GICC_CTLR, cpu_ctlr);
            wr(C, c, gic::Gic400::GICC_PMR, 0xf0);
        }
    }
    void enable(unsigned cpu, unsigned id, uint8_t prio) {
        wr(D, cpu, gic::Gic400::GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32));
        access(D, cpu, gic::Gic400::GICD_IPRIORITYR + id, true, prio, 1);
    }
    void target(unsigned id, uint8_t cpus) {
        access(D, 0, gic::Gic400::GICD_ITARGETSR + id, true, cpus, 1);
    }
};

} // namespace armsim::test
