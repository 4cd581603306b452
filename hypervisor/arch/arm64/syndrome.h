// ESR_EL2 decoded once, at trap entry, into a struct the handlers read (ARM DDI 0487
// D13.2.37: EC in [31:26], IL [25], ISS [24:0]; per-class ISS encodings as cited).
#pragma once

#include "../../common/types.h"

#include <stdint.h>

namespace hyp {

enum class Ec : uint8_t {
    Unknown = 0x00,
    Wfx = 0x01,
    FpAccess = 0x07,
    IllegalState = 0x0e,
    Svc64 = 0x15,
    Hvc64 = 0x16,
    Smc64 = 0x17,
    SysReg = 0x18,
    IabtLow = 0x20,
    PcAlign = 0x22,
    DabtLow = 0x24,
    SpAlign = 0x26,
    SError = 0x2f,
};

struct Syndrome {
    uint64_t esr = 0;
    uint32_t ec = 0;
    uint32_t iss = 0;
    bool il = false;
    uint64_t far = 0;
    Ipa fault_ipa;
    // Data abort (ISS D13-... "ISS encoding for an exception from a Data Abort").
    struct {
        bool isv, sse, sf, ar, wnr, s1ptw, cm;
        uint8_t sas; // log2 of the access size
        uint8_t srt; // register
        uint8_t fsc;
    } dabt{};
    // MSR/MRS/SYS (ISS for EC 0x18).
    struct {
        uint8_t op0, op1, crn, crm, op2, rt;
        bool read;
        uint32_t key; // op0:op1:crn:crm:op2 packed as in sysreg_key()
    } sysreg{};
    uint16_t imm16 = 0; // HVC/SMC immediate
    bool wfe = false;   // WFx: WFE (TI = 1) or WFI
};

constexpr uint32_t sysreg_key(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
                              unsigned op2) {
    return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

} // namespace hyp
