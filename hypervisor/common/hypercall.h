// Hypercall dispatch: hvc #0xEA1, number in x16, arguments in x0..x4, result in x0. A table
// indexed by number; unknown numbers return -ENOSYS.
#pragma once

#include "types.h"

namespace hyp {

struct Vcpu;
struct GuestRegs;
struct Domain;

namespace hypercall {

void dispatch(Vcpu* v, GuestRegs* r);
// Marks the hypercall to be restarted with new arguments (long operations yield the pCPU
// between chunks): rewinds the guest's PC onto the HVC.
Status continuation(GuestRegs* r, uint64_t a0, uint64_t a1, uint64_t a2);
inline constexpr Status kContinuation = 1ll << 62;
void set_cmdline(const char* cmdline);
// Sets a new domain's shared_info wall clock from the last XENPF_settime64.
void init_domain_wallclock(Domain* d);
bool test_hooks_enabled();

// Handlers (hypercall.cpp, memory_op.cpp, domctl.cpp).
Status memory_op(Vcpu* v, GuestRegs* r, const uint64_t* a);
Status domctl(Vcpu* v, GuestRegs* r, const uint64_t* a);
Status sysctl(Vcpu* v, GuestRegs* r, const uint64_t* a);

} // namespace hypercall

} // namespace hyp
