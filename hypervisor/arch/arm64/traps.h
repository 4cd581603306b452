// Trap handling entry points shared by the arm64 files.
#pragma once

#include "../../common/domain.h"
#include "syndrome.h"

namespace hyp::arch {

void handle_sync(Vcpu* v, GuestRegs* r);
void handle_irqs();
void leave_hypervisor();
[[noreturn]] void start_idle();

// Exceptions delivered to the guest's EL1 as if the hardware had raised them.
void inject_exception(Vcpu* v, GuestRegs* r, uint32_t ec, uint32_t iss, uint64_t far, bool has_far);
void inject_undef(Vcpu* v, GuestRegs* r);
void inject_dabt(Vcpu* v, GuestRegs* r, uint64_t far, bool write);
void inject_iabt(Vcpu* v, GuestRegs* r, uint64_t far);

} // namespace hyp::arch
