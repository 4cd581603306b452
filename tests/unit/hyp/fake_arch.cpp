// Fake architecture for host tests of the hypervisor core.
#include "fake_arch.h"

#include "common/console.h"
#include "common/hypercall.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace fake {

namespace {
State* g_state = nullptr;
uint8_t* g_ram = nullptr;
} // namespace

State& state() {
    return *g_state;
}
uint8_t* ram() {
    return g_ram;
}

void boot(unsigned nr_pcpus) {
    g_state = new State();
    g_ram = static_cast<uint8_t*>(std::aligned_alloc(4096, kRamSize));
    std::memset(g_ram, 0xa5, kRamSize); // stale data: the core must clear what guests see
    new (&hyp::g_pages) hyp::PageAllocator();
    const bool ok = hyp::g_pages.add_bank(
        hyp::Hpa(kRamBase), kRamSize,
        [](uint64_t bytes, void*) -> void* { return std::calloc(1, bytes); }, nullptr);
    EXPECT_TRUE(ok);
    hyp::console_set_sink([](const char* s, size_t n) { state().console.append(s, n); });
    hyp::g_nr_pcpus = nr_pcpus;
    for (unsigned i = 0; i < nr_pcpus; ++i) {
        hyp::Pcpu& p = hyp::pcpu(i);
        p.id = i;
        p.online = true;
        p.idle.is_idle = true;
        p.idle.pause_flags = 0;
        p.idle.sched.prio = hyp::Prio::Idle;
        p.current = &p.idle;
    }
    hyp::timers_init();
    hyp::sched::init(nr_pcpus, 1000);
    hyp::domain::init();
    hyp::vgic::set_gich(&state().gich, 4);
}

void run_on(unsigned cpu, hyp::Vcpu* v) {
    state().cpu = cpu;
    hyp::pcpu(cpu).current = v;
}

} // namespace fake

hyp::Domain* HypTest::make_domain(unsigned vcpus, uint64_t mem, bool dom0) {
    hyp::DomainConfig cfg;
    cfg.name = dom0 ? "dom0" : "guest";
    cfg.nr_vcpus = vcpus;
    cfg.mem_bytes = mem;
    cfg.privileged = dom0;
    if (dom0) cfg.domid = 0;
    hyp::Domain* d = nullptr;
    EXPECT_EQ(hyp::domain::create(cfg, &d), 0);
    return d;
}

// --- the architecture interface ------------------------------------------------------------

namespace hyp {

Pcpu& this_pcpu() {
    return pcpu(fake::state().cpu);
}

namespace arch {

unsigned cpu_id() {
    return fake::state().cpu;
}
void* hpa_to_ptr(Hpa pa) {
    if (pa.raw() < fake::kRamBase || pa.raw() >= fake::kRamBase + fake::kRamSize)
        ADD_FAILURE() << "host physical address outside RAM: " << std::hex << pa.raw();
    return fake::ram() + (pa.raw() - fake::kRamBase);
}
Hpa ptr_to_hpa(const void* p) {
    return Hpa(fake::kRamBase + (static_cast<const uint8_t*>(p) - fake::ram()));
}
void clean_dcache(const void*, size_t) {}
void tlb_flush_vmid(uint64_t vttbr) {
    fake::state().flushed_vmids.push_back(vttbr >> 48);
}
void tlb_flush_ipa(uint64_t vttbr, Ipa ipa) {
    fake::state().flushed_vmids.push_back(vttbr >> 48);
    fake::state().flushed_ipas.push_back(ipa.raw());
}
void tlb_flush_vmid_local(uint64_t vttbr) {
    fake::state().flushed_vmids.push_back(vttbr >> 48);
}
uint64_t now() {
    return fake::state().now;
}
uint64_t counter_hz() {
    return 62500000;
}
void timer_program(uint64_t deadline) {
    fake::state().timer_deadline[cpu_id()] = deadline;
}
void kick_cpu(unsigned cpu) {
    if (cpu != cpu_id()) fake::state().kicks.push_back(cpu);
}
bool gva_to_ipa(Gva va, bool, Ipa* out) {
    *out = Ipa(va.raw()); // the fake guest runs with its MMU off
    return true;
}
void machine_off() {
    fake::state().machine_off = true;
    throw std::runtime_error("machine off");
}
void machine_reset() {
    machine_off();
}
void vcpu_init(Vcpu* v) {
    vgic::vcpu_init(v);
}
void vcpu_reset(Vcpu* v, uint64_t entry, uint64_t x0) {
    v->arch.regs = GuestRegs{};
    v->arch.regs.pc = entry;
    v->arch.regs.x[0] = x0;
}
void vcpu_save(Vcpu*) {}
void vcpu_restore(Vcpu*) {}
bool domain_init(Domain* d, unsigned nr_spis) {
    return vgic::domain_init(d, nr_spis);
}
void domain_destroy(Domain* d) {
    vgic::domain_destroy(d);
}
bool vcpu_has_pending(Vcpu* v) {
    return vgic::vcpu_has_pending(v);
}
void vcpu_descheduled(Vcpu* v) {
    fake::state().descheduled_ctx_cpu.push_back(v->sched.ctx_cpu);
}

} // namespace arch

namespace vgic {
void hw_spi_enable(unsigned, bool) {}
void hw_spi_route(unsigned, unsigned) {}
void hw_spi_edge(unsigned, bool) {}
void hw_spi_release(unsigned) {}
} // namespace vgic

namespace hypercall {
Status arch_test_op(Vcpu*, uint64_t, uint64_t) {
    return -38;
}
} // namespace hypercall

namespace domain {
void rebuild_boot_domain(const DomainConfig&, const BootImage&) {}
} // namespace domain

} // namespace hyp

extern "C" void hyp_halt() {
    throw std::runtime_error("hypervisor halted");
}
