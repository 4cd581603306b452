// The system register table: one entry per register of sysregs.inc, looked up by the
// 16-bit op0:op1:CRn:CRm:op2 key that MRS/MSR encode in bits [20:5].
#pragma once

#include <cstdint>
#include <string_view>

namespace armsim::cpu {

class Core;

enum class SysReg : uint16_t {
#define SYSREG(name, op0, op1, crn, crm, op2, access, trap, reset) name,
#include "sysregs.inc"
#undef SYSREG
    count
};
constexpr unsigned kNumSysRegs = static_cast<unsigned>(SysReg::count);

enum SysRegAccess : uint8_t {
    EL0_RW,
    EL0_RO,
    EL0_WO,
    EL1_RW,
    EL1_RO,
    EL1_WO,
    EL2_RW,
    EL2_RO,
    EL2_WO,
    EL0_RO_EL1_RW, // readable from EL0, writable from EL1 up (TPIDRRO_EL0, PMUSERENR_EL0)
};

// The EL2 control that traps an EL1/EL0 access to EL2 (ARM DDI 0487 D1.14, D13.2).
enum SysRegTrap : uint8_t {
    TID_NONE,
    TID1,   // HCR_EL2.TID1: REVIDR, AIDR
    TID2,   // HCR_EL2.TID2: cache identification
    TID3,   // HCR_EL2.TID3: ID group 3
    TVM,    // HCR_EL2.TVM (writes) / TRVM (reads): virtual memory controls
    TACR,   // HCR_EL2.TACR: ACTLR_EL1
    TIDCP,  // HCR_EL2.TIDCP: implementation defined
    TCPAC,  // CPTR_EL2.TCPAC: CPACR_EL1
    TPM,    // MDCR_EL2.TPM: performance monitors
    TPM_CR, // MDCR_EL2.TPM or TPMCR: PMCR_EL0
    TDA,    // MDCR_EL2.TDA: debug
    TDRA,   // MDCR_EL2.TDRA: debug ROM address
    TDOSA,  // MDCR_EL2.TDOSA: OS lock and power-down
};

constexpr uint32_t sysreg_key(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
                              unsigned op2) {
    return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

struct SysRegInfo {
    std::string_view name;
    uint32_t key;
    SysRegAccess access;
    SysRegTrap trap;
    uint64_t reset;
    // Optional hooks. Without them the value lives in Core::sysreg storage.
    uint64_t (*read)(Core&, SysReg) = nullptr;
    void (*write)(Core&, SysReg, uint64_t) = nullptr;
};

// The table, indexed by SysReg.
const SysRegInfo& sysreg_info(SysReg r);
// SysReg for an encoding key, or SysReg::count when no register has that encoding.
SysReg sysreg_by_key(uint32_t key);
// Checks the table (unique encodings and names, keys within 16 bits). Returns an empty
// string when valid, otherwise a description of the first problem.
std::string_view check_sysreg_table();

} // namespace armsim::cpu
