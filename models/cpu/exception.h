// Architectural exceptions as the core raises them: the exception class and syndrome
// (ARM DDI 0487 D13.2.37, ESR_ELx), and where it goes.
#pragma once

#include <cstdint>

namespace armsim::cpu {

// ESR_ELx.EC values used by an AArch64-only core.
enum class Ec : uint8_t {
    Unknown = 0x00,
    WfxTrap = 0x01,
    FpAccess = 0x07,
    IllegalState = 0x0e,
    Svc64 = 0x15,
    Hvc64 = 0x16,
    Smc64 = 0x17,
    SysRegTrap = 0x18,
    InsnAbortLower = 0x20,
    InsnAbortSame = 0x21,
    PcAlign = 0x22,
    DataAbortLower = 0x24,
    DataAbortSame = 0x25,
    SpAlign = 0x26,
    FpExc64 = 0x2c,
    SError = 0x2f,
    BreakpointLower = 0x30,
    BreakpointSame = 0x31,
    SoftStepLower = 0x32,
    SoftStepSame = 0x33,
    WatchpointLower = 0x34,
    WatchpointSame = 0x35,
    Brk64 = 0x3c,
};

// Fault status codes (DFSC/IFSC) for the long-descriptor format; the level is added to the
// per-level codes.
enum Fsc : uint8_t {
    kFscAddressSize = 0x00, // + level
    kFscTranslation = 0x04, // + level
    kFscAccessFlag = 0x08,  // + level
    kFscPermission = 0x0c,  // + level
    kFscSyncExternal = 0x10,
    kFscSyncExternalWalk = 0x14, // + level
    kFscAlignment = 0x21,
    kFscTlbConflict = 0x30,
};

enum class ExcKind : uint8_t { Sync, Irq, Fiq, SError };

struct Exception {
    Ec ec = Ec::Unknown;
    uint32_t iss = 0;
    // 0 means "route by the default rules" (the EL the exception would go to without any
    // EL2 control: EL1 from EL0/EL1, EL2 from EL2); 1 or 2 forces a target.
    uint8_t target_el = 0;
    bool far_valid = false;
    bool ipa_valid = false; // HPFAR_EL2 is written (stage-2 faults)
    uint64_t far = 0;
    uint64_t ipa = 0;
    uint64_t return_pc = 0; // preferred return address (ELR_ELx)
};

// Thrown by memory accesses and other helpers in the middle of an instruction; the run
// loop catches it in one place and takes the exception. The instruction does not retire.
struct GuestFault {
    Exception exc;
};

} // namespace armsim::cpu
