// The virtual timer of each vCPU (CNTV_*, PPI 27) and the emulated EL1 physical timer
// (CNTP_*, PPI 30).
//
// The virtual timer runs in hardware while its vCPU runs; its interrupt reaches EL2 and is
// injected with the LR HW bit, so the physical PPI stays active until the guest deactivates
// the virtual one (no duplicate, no loss, no masking dance with CNTV_CTL.IMASK). When the
// vCPU leaves the pCPU the timer is saved and disabled (it can never fire for the idle vCPU
// or another vCPU), the pCPU's banked active state of PPI 27 is cleared, and a hypervisor
// timer at the same deadline wakes the vCPU; on load the active state is restored if the
// virtual interrupt is still in flight.
#pragma once

#include <stdint.h>

namespace hyp {
struct Vcpu;
}

namespace hyp::arch {

void vtimer_init(Vcpu* v);
void vtimer_save(Vcpu* v);
void vtimer_restore(Vcpu* v);
void vtimer_descheduled(Vcpu* v);
// The virtual timer condition holds for the running vCPU and its interrupt is not in flight.
bool vtimer_pending(Vcpu* v);
// PPI 27 taken at EL2.
void vtimer_irq(uint32_t iar);

// CNTP_CTL_EL0 / CNTP_CVAL_EL0 / CNTP_TVAL_EL0 accesses (trapped).
bool ptimer_access(Vcpu* v, unsigned reg, bool read, uint64_t* value);
enum PtimerReg { kPtimerCtl, kPtimerCval, kPtimerTval };

} // namespace hyp::arch
