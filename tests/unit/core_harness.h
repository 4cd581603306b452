// A core on a bus with RAM, elaborated and ready to run instructions synchronously.
#pragma once

#include "models/cpu/core.h"
#include "models/cpu/cost_table.h"
#include "models/mem/ram.h"
#include "models/mem/router.h"

#include <cstring>
#include <initializer_list>
#include <systemc>

namespace armsim::test {

struct CoreHarness {
    static constexpr uint64_t kRamBase = 0x40000000;
    static constexpr uint64_t kRamSize = 16ull << 20;
    static constexpr uint64_t kCode = kRamBase + 0x10000;

    cpu::CostTable costs = cpu::CostTable::unit();
    cpu::CodeCache code{costs};
    mem::Router bus{"bus"};
    mem::Ram ram{"ram", kRamSize};
    cpu::Core core;

    explicit CoreHarness(cpu::CoreConfig cfg = {})
        : core("core0", (cfg.start_powered_on = false, cfg), code, costs) {
        bus.map("ram", kRamBase, kRamSize);
        bus.init.bind(ram.socket);
        core.bus.bind(bus.targ);
        sc_core::sc_start(sc_core::SC_ZERO_TIME); // finish elaboration
        core.reset(kCode);
    }

    uint8_t* ram_at(uint64_t pa) { return ram.data() + (pa - kRamBase); }
    void put32(uint64_t pa, uint32_t v) { std::memcpy(ram_at(pa), &v, 4); }
    void put64(uint64_t pa, uint64_t v) { std::memcpy(ram_at(pa), &v, 8); }
    uint64_t get64(uint64_t pa) {
        uint64_t v;
        std::memcpy(&v, ram_at(pa), 8);
        return v;
    }
    // Places instruction words at kCode and runs exactly that many instructions from there.
    uint64_t run(std::initializer_list<uint32_t> words) {
        uint64_t a = kCode;
        for (uint32_t w : words) {
            put32(a, w);
            a += 4;
        }
        code.invalidate(kCode, words.size() * 4);
        core.st.pc = kCode;
        return core.run_steps(words.size());
    }
    uint64_t& x(unsigned i) { return core.st.x[i]; }
    uint32_t nzcv() const { return core.st.nzcv >> 28; }
};

} // namespace armsim::test
