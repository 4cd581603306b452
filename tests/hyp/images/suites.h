// Test suites shared by the in-guest test images.
#pragma once

#include <xtest/xtest.h>

namespace suites {

void abi();                  // hypercall ABI: versions, errors, console, params, memory, vCPU ops
void evtchn();               // event channels inside one domain (needs >= 2 vCPUs)
void grant_self();           // grant table set-up, versions, self copy
void vgic();                 // SGIs, PPIs, SPIs, priorities, active/pending, retargeting, overflow
void psci();                 // PSCI for guests (needs >= 2 vCPUs)
void isolation();            // attempts to crash the hypervisor or reach what is not ours
void vtimer(unsigned vcpus); // virtual timer interrupts across deschedules
void hw_irq();               // physical SPI forwarded with the LR HW bit (dom0, "testhooks")
void fpsimd(unsigned vcpus); // FP/SIMD registers across vCPU switches (when the CPU has FP)
void pv_console();           // the PV console ring the hypervisor serves (domUs)

} // namespace suites
