// What a core needs from the board it sits on. The board implements these; the core model
// never depends on sim/.
#pragma once

#include <cstdint>
#include <string>

namespace armsim::cpu {

class Core;

// Firmware reached by SMC (the virt board has no EL3: a PSCI service answers instead).
class Firmware {
public:
    virtual ~Firmware() = default;
    // Handles an SMC/HVC call with the arguments in the core's registers; returns false if
    // the call is not a firmware call (the instruction is then UNDEFINED).
    virtual bool call(Core& core, bool is_hvc, uint16_t imm16) = 0;
};

// ARM semihosting (HLT #0xF000), for test images.
class Semihosting {
public:
    virtual ~Semihosting() = default;
    virtual void call(Core& core) = 0;
};

// System-register accesses served by another model (the generic timer serves CNT*). The
// device may refuse an access with Core::trap_sysreg_access (a trapped MRS/MSR) or
// Core::undefined().
class SysRegDevice {
public:
    virtual ~SysRegDevice() = default;
    virtual uint64_t sysreg_read(Core& core, unsigned reg) = 0;
    virtual void sysreg_write(Core& core, unsigned reg, uint64_t value) = 0;
    // The core was reset (power-on, PSCI CPU_ON): its registers take their reset values.
    virtual void core_reset(Core& core) { (void)core; }
};

// How long a core runs before it next synchronises with the rest of the system (temporal
// decoupling). The board uses it to move synchronisation points under the seed and for
// fine-grained interleaving; without one, a core runs to the next global quantum boundary.
class SlicePolicy {
public:
    virtual ~SlicePolicy() = default;
    // Cycles for the next slice of core `core` (>= 1); `to_boundary` is the default.
    virtual uint64_t next_slice(unsigned core, uint64_t to_boundary) = 0;
};

// Run control: how a core ends the simulation.
class RunControl {
public:
    virtual ~RunControl() = default;
    // Stops the run with an exit status and a one-line reason for the log.
    virtual void stop(int exit_code, const std::string& reason) = 0;
};

} // namespace armsim::cpu
