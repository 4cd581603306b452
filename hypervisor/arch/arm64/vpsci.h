// PSCI 1.0 for guests (ARM DEN 0022D), over HVC #0 (and trapped SMC #0): the function in
// w0, arguments in x1..x3, result in x0.
#pragma once

namespace hyp {
struct Vcpu;
struct GuestRegs;
} // namespace hyp

namespace hyp::arch {
void vpsci_handle(Vcpu* v, GuestRegs* r);
}
