// Per-pCPU EL2 configuration and CPU features.
#pragma once

#include <stdint.h>

namespace hyp {
struct Domain;
}

namespace hyp::arch {

// Programs HCR_EL2, VTCR_EL2, CPTR_EL2, MDCR_EL2, CNTHCTL_EL2 for running guests.
void cpu_init_el2();
// ID_AA64PFR0_EL1.FP: armsim (for now) reports FP/SIMD absent; QEMU's cortex-a57 has it.
bool cpu_has_fp();
// Registers the vGIC distributor MMIO handler for a domain.
bool vgic_register_mmio(Domain* d);

} // namespace hyp::arch
