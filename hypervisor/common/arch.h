// What the portable core needs from the architecture. arch/arm64 implements it for EL2;
// tests/unit/hyp/fake_arch.cpp implements it on the host (fake RAM, recorded TLB flushes,
// a settable clock) so the core's logic runs in unit tests (Hafnium's fake arch).
#pragma once

#include "types.h"

namespace hyp {
struct Vcpu;
struct Domain;
} // namespace hyp

namespace hyp::arch {

// This pCPU's index (0 .. nr_pcpus-1).
unsigned cpu_id();

// The hypervisor's view of host memory: every RAM page is mapped at its physical address.
void* hpa_to_ptr(Hpa pa);
Hpa ptr_to_hpa(const void* p);
// Data cache maintenance to the point of coherency, for memory a guest may read with its
// caches off (ARM DDI 0487 D4.4.8).
void clean_dcache(const void* p, size_t len);

// Stage-2 TLB maintenance for a VMID on all pCPUs (inner shareable), and on this pCPU only.
void tlb_flush_vmid(uint64_t vttbr);
void tlb_flush_ipa(uint64_t vttbr, Ipa ipa);
void tlb_flush_vmid_local(uint64_t vttbr);

// Time: the system counter (CNTPCT), its frequency, and this pCPU's hypervisor timer.
uint64_t now();
uint64_t counter_hz();
void timer_program(uint64_t deadline); // 0 disables

// Makes `cpu` leave its guest and look at its softirqs.
void kick_cpu(unsigned cpu);

// Translates a guest virtual address of the current vCPU with its stage 1 (the EL1
// translation regime as the guest configured it). False when stage 1 faults.
bool gva_to_ipa(Gva va, bool write, Ipa* out);

// vCPU and domain architecture state (arm64: vcpu.cpp, vgic, vtimer).
void vcpu_init(Vcpu* v);
void vcpu_reset(Vcpu* v, uint64_t entry, uint64_t x0);
// Saves a (non-idle) vCPU's registers from this pCPU to memory / loads them onto it.
void vcpu_save(Vcpu* v);
void vcpu_restore(Vcpu* v);
bool domain_init(Domain* d, unsigned nr_spis);
void domain_destroy(Domain* d);
// Whether the vCPU has something to wake up for (a pending virtual interrupt, an expired
// virtual timer, an event-channel upcall).
bool vcpu_has_pending(Vcpu* v);
// Arms/cancels the wake-up for the virtual timer of a descheduled vCPU.
void vcpu_descheduled(Vcpu* v);

[[noreturn]] void machine_off();
[[noreturn]] void machine_reset();

} // namespace hyp::arch
