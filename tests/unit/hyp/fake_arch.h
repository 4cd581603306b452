// The fake architecture the hypervisor core runs on in host tests, and a fixture that
// brings up the core (allocator over fake RAM, scheduler, domains) on 2 fake pCPUs.
#pragma once

#include "arch/arm64/vgic.h"
#include "common/arch.h"
#include "common/domain.h"
#include "common/page_alloc.h"
#include "common/percpu.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace fake {

inline constexpr uint64_t kRamBase = 0x40000000;
inline constexpr uint64_t kRamSize = 64ull << 20;

struct State {
    unsigned cpu = 0;
    uint64_t now = 1000;
    uint64_t timer_deadline[8] = {};
    std::vector<unsigned> kicks;
    std::vector<uint64_t> flushed_vmids;
    std::vector<uint64_t> flushed_ipas;
    // For each arch::vcpu_descheduled call: the vCPU's ctx_cpu at that moment.
    std::vector<int> descheduled_ctx_cpu;
    std::string console;
    bool machine_off = false;
    hyp::GichRegs gich = {};
};
State& state();
uint8_t* ram();

// Brings the core up: page allocator over fake RAM, timers, scheduler, domains, vGIC.
void boot(unsigned nr_pcpus = 2);
// Makes `v` the current vCPU of fake pCPU `cpu`.
void run_on(unsigned cpu, hyp::Vcpu* v);

// Guest memory helpers (guest virtual = guest physical in the fake arch).
template <class T>
T* guest_ptr(hyp::Domain* d, uint64_t ipa) {
    hyp::Hpa pa;
    EXPECT_TRUE(hyp::domain::ipa_to_hpa(d, hyp::Ipa(ipa), &pa, true));
    return static_cast<T*>(hyp::arch::hpa_to_ptr(pa));
}

} // namespace fake

class HypTest : public ::testing::Test {
protected:
    void SetUp() override { fake::boot(); }
    hyp::Domain* make_domain(unsigned vcpus = 2, uint64_t mem = 4ull << 20, bool dom0 = false);
};
