// Cores on a bus with RAM and a small MMIO test device, elaborated and ready to run
// instructions synchronously (outside the SystemC scheduler).
#pragma once

#include "models/cpu/core.h"
#include "models/cpu/cost_table.h"
#include "models/cpu/regbits.h"
#include "models/mem/ram.h"
#include "models/mem/router.h"

#include <cstring>
#include <initializer_list>
#include <memory>
#include <systemc>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace armsim::test {

// A 4 KiB register file without DMI: every access is a b_transport, recorded.
struct TestDevice : sc_core::sc_module {
    tlm_utils::simple_target_socket<TestDevice> socket{"socket"};
    uint8_t regs[4096] = {};
    unsigned accesses = 0;
    uint64_t last_addr = 0;
    unsigned last_len = 0;
    bool last_write = false;
    explicit TestDevice(sc_core::sc_module_name n) : sc_module(n) {
        socket.register_b_transport(this, &TestDevice::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) {
        const uint64_t a = t.get_address();
        const unsigned len = t.get_data_length();
        if (a + len > sizeof regs) {
            t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        ++accesses;
        last_addr = a;
        last_len = len;
        last_write = t.is_write();
        if (t.is_write())
            std::memcpy(regs + a, t.get_data_ptr(), len);
        else
            std::memcpy(t.get_data_ptr(), regs + a, len);
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// Descriptor bits (VMSAv8-64, D5.3).
namespace desc {
constexpr uint64_t kBlock = 1, kPage = 3, kAF = 1ull << 10, kSh = 3ull << 8, kNG = 1ull << 11;
constexpr uint64_t attr(unsigned idx) {
    return uint64_t(idx) << 2;
}
constexpr uint64_t ap(unsigned v) {
    return uint64_t(v) << 6;
} // AP[2:1]
constexpr uint64_t kPXN = 1ull << 53, kUXN = 1ull << 54, kXN = 1ull << 54;
// Stage 2: MemAttr[5:2], S2AP[7:6].
constexpr uint64_t s2attr(unsigned v) {
    return uint64_t(v) << 2;
}
constexpr uint64_t s2ap(unsigned v) {
    return uint64_t(v) << 6;
}
} // namespace desc

struct CoreHarness {
    static constexpr uint64_t kRamBase = 0x40000000;
    static constexpr uint64_t kRamSize = 16ull << 20;
    static constexpr uint64_t kCode = kRamBase + 0x10000;
    static constexpr uint64_t kVectors = kRamBase + 0x20000; // VBAR_EL1 and VBAR_EL2
    static constexpr uint64_t kData = kRamBase + 0x100000;   // free for tests
    static constexpr uint64_t kTables = kRamBase + 0x800000; // page-table pool
    static constexpr uint64_t kDev = 0x09000000;

    cpu::CostTable costs = cpu::CostTable::unit();
    cpu::CodeCache code{costs};
    mem::Router bus{"bus"};
    mem::Ram ram{"ram", kRamSize};
    TestDevice dev{"dev"};
    std::vector<std::unique_ptr<cpu::Core>> cores;
    std::vector<cpu::Core*> core_ptrs;
    cpu::Core& core;
    uint64_t next_table = kTables;

    static cpu::Core* make(std::vector<std::unique_ptr<cpu::Core>>& v, unsigned n,
                           cpu::CodeCache& cc, const cpu::CostTable& costs) {
        for (unsigned i = 0; i < n; ++i) {
            cpu::CoreConfig cfg;
            cfg.index = i;
            cfg.mpidr = 0x80000000u | i;
            cfg.start_powered_on = false;
            v.push_back(
                std::make_unique<cpu::Core>(("core" + std::to_string(i)).c_str(), cfg, cc, costs));
        }
        return v[0].get();
    }

    explicit CoreHarness(unsigned ncores = 1) : core(*make(cores, ncores, code, costs)) {
        bus.map("ram", kRamBase, kRamSize);
        bus.init.bind(ram.socket);
        bus.map("dev", kDev, 4096);
        bus.init.bind(dev.socket);
        for (auto& c : cores) {
            c->bus.bind(bus.targ);
            core_ptrs.push_back(c.get());
        }
        for (auto& c : cores)
            c->set_peers(&core_ptrs);
        sc_core::sc_start(sc_core::SC_ZERO_TIME); // finish elaboration
        reset();
    }

    // Architectural reset of every core (at EL2, kCode), vectors at kVectors. SystemC allows
    // one harness per process; tests with several cases reset between them.
    void reset() {
        for (auto& c : cores) {
            c->reset(kCode);
            c->sysreg_ref(cpu::SysReg::VBAR_EL2) = kVectors;
            c->sysreg_ref(cpu::SysReg::VBAR_EL1) = kVectors;
        }
        next_table = kTables;
    }

    uint8_t* ram_at(uint64_t pa) { return ram.data() + (pa - kRamBase); }
    void put32(uint64_t pa, uint32_t v) { std::memcpy(ram_at(pa), &v, 4); }
    void put64(uint64_t pa, uint64_t v) { std::memcpy(ram_at(pa), &v, 8); }
    uint64_t get64(uint64_t pa) {
        uint64_t v;
        std::memcpy(&v, ram_at(pa), 8);
        return v;
    }
    uint32_t get32(uint64_t pa) {
        uint32_t v;
        std::memcpy(&v, ram_at(pa), 4);
        return v;
    }

    // Places instruction words at `at` (dropping any decoded copy of what was there).
    void load(uint64_t at, const std::vector<uint32_t>& words) {
        for (size_t i = 0; i < words.size(); ++i)
            put32(at + 4 * i, words[i]);
        code.invalidate(at, words.size() * 4);
    }

    // Places `words` at `at` and runs them on `c` from there until the last one has run,
    // an exception is taken, or `limit` instructions. Returns instructions retired.
    uint64_t run_on(cpu::Core& c, const std::vector<uint32_t>& words, uint64_t at = kCode,
                    uint64_t limit = 100000) {
        load(at, words);
        c.st.pc = at;
        return resume(c, at + 4 * words.size(), limit);
    }
    uint64_t resume(cpu::Core& c, uint64_t end, uint64_t limit = 100000) {
        const uint64_t start = c.retired();
        const uint64_t exc = c.exceptions_taken();
        while (c.st.pc != end && c.retired() - start < limit) {
            c.run_steps(1);
            if (c.exceptions_taken() != exc) break;
        }
        return c.retired() - start;
    }
    // A64("...") snippets: until the end, an exception, or 100000 instructions (loops).
    uint64_t run(const std::vector<uint32_t>& words) { return run_on(core, words); }
    // Instruction words: at most as many instructions as words.
    uint64_t run(std::initializer_list<uint32_t> words) {
        return run_on(core, std::vector<uint32_t>(words), kCode, words.size());
    }
    uint64_t& x(unsigned i) { return core.st.x[i]; }
    uint32_t nzcv() const { return core.st.nzcv >> 28; }

    // Exceptions.
    uint64_t exceptions() const { return core.exceptions_taken(); }
    uint64_t esr(unsigned el) const {
        return core.sysreg(el == 2 ? cpu::SysReg::ESR_EL2 : cpu::SysReg::ESR_EL1);
    }
    unsigned ec(unsigned el) const { return static_cast<unsigned>(esr(el) >> 26); }
    uint32_t iss(unsigned el) const { return static_cast<uint32_t>(esr(el) & 0x1ffffff); }
    uint64_t far(unsigned el) const {
        return core.sysreg(el == 2 ? cpu::SysReg::FAR_EL2 : cpu::SysReg::FAR_EL1);
    }
    uint64_t elr(unsigned el) const {
        return core.sysreg(el == 2 ? cpu::SysReg::ELR_EL2 : cpu::SysReg::ELR_EL1);
    }
    // Vector offsets (D1.10.2): current EL with SP_EL0 / SP_ELx, lower EL (AArch64).
    static constexpr uint64_t kCurSp0 = 0x000, kCurSpx = 0x200, kLower = 0x400;

    // Puts the core at `el` (0..2) with SPSel `spx`, as an ERET would.
    void enter(unsigned el, bool spx = true) { core.set_el_sp(el, spx && el != 0); }

    // Turns the EL2 stage-1 MMU on with an identity map: 0-1 GiB Device-nGnRnE (the test
    // device), 1-2 GiB Normal write-back (RAM), 1 GiB blocks, 39-bit VA. `sctlr_extra`
    // adds SCTLR_EL2 bits (A, SA, WXN ...). MAIR_EL2: Attr0 Device-nGnRnE, Attr1 Normal.
    void mmu_el2_identity(uint64_t sctlr_extra = 0) {
        const uint64_t l1 = new_table();
        put64(l1 + 0, 0x00000000 | desc::kAF | desc::attr(0) | desc::kXN | desc::kBlock);
        put64(l1 + 8, 0x40000000 | desc::kAF | desc::kSh | desc::attr(1) | desc::kBlock);
        core.sysreg_ref(cpu::SysReg::MAIR_EL2) = 0xff00;
        core.sysreg_ref(cpu::SysReg::TCR_EL2) =
            25 | (1u << 8) | (1u << 10) | (3u << 12) | (2ull << 16) | (1ull << 23) | (1ull << 31);
        core.sysreg_ref(cpu::SysReg::TTBR0_EL2) = l1;
        core.sysreg_ref(cpu::SysReg::SCTLR_EL2) = 0x30c50830ull | 1 | sctlr_extra;
        core.mmu().invalidate_all();
        core.flush_fast_tlb();
    }

    // --- translation tables ------------------------------------------------------------
    uint64_t new_table(unsigned pages = 1) {
        const uint64_t t = next_table;
        next_table += 4096 * pages;
        std::memset(ram_at(t), 0, 4096 * pages);
        return t;
    }
    // Writes a leaf descriptor for `va` at `level` under `root` (whose walk starts at
    // `start` with `root_bits` index bits), creating next-level tables as needed. `leaf`
    // is the whole descriptor (output address and attributes). 4 KiB granule.
    void map(uint64_t root, unsigned start, unsigned root_bits, uint64_t va, unsigned level,
             uint64_t leaf) {
        uint64_t table = root;
        for (unsigned l = start;; ++l) {
            const unsigned shift = 12 + 9 * (3 - l);
            const unsigned bits = l == start ? root_bits : 9;
            const uint64_t idx = (va >> shift) & ((1ull << bits) - 1);
            const uint64_t slot = table + 8 * idx;
            if (l == level) {
                put64(slot, leaf);
                return;
            }
            uint64_t d = get64(slot);
            if ((d & 3) != 3) {
                d = new_table() | 3;
                put64(slot, d);
            }
            table = d & 0x0000fffffffff000ull;
        }
    }
};

} // namespace armsim::test
