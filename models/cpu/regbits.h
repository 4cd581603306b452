// Named bits of the control registers the core interprets (ARM DDI 0487 D13.2).
#pragma once

#include <cstdint>

namespace armsim::cpu {

namespace hcr {
constexpr uint64_t VM = 1ull << 0, SWIO = 1ull << 1, PTW = 1ull << 2, FMO = 1ull << 3,
                   IMO = 1ull << 4, AMO = 1ull << 5, VF = 1ull << 6, VI = 1ull << 7,
                   VSE = 1ull << 8, FB = 1ull << 9, DC = 1ull << 12, TWI = 1ull << 13,
                   TWE = 1ull << 14, TID0 = 1ull << 15, TID1 = 1ull << 16, TID2 = 1ull << 17,
                   TID3 = 1ull << 18, TSC = 1ull << 19, TIDCP = 1ull << 20, TACR = 1ull << 21,
                   TSW = 1ull << 22, TPC = 1ull << 23, TPU = 1ull << 24, TTLB = 1ull << 25,
                   TVM = 1ull << 26, TGE = 1ull << 27, TDZ = 1ull << 28, HCD = 1ull << 29,
                   TRVM = 1ull << 30, RW = 1ull << 31, CD = 1ull << 32, ID = 1ull << 33;
// Bits that exist in ARMv8.0 (the rest are RES0).
constexpr uint64_t kWritable = (1ull << 34) - 1;
} // namespace hcr

namespace sctlr {
constexpr uint64_t M = 1ull << 0, A = 1ull << 1, C = 1ull << 2, SA = 1ull << 3, SA0 = 1ull << 4,
                   UMA = 1ull << 9, I = 1ull << 12, DZE = 1ull << 14, UCT = 1ull << 15,
                   nTWI = 1ull << 16, nTWE = 1ull << 18, WXN = 1ull << 19, E0E = 1ull << 24,
                   EE = 1ull << 25, UCI = 1ull << 26;
} // namespace sctlr

namespace cptr {
constexpr uint64_t TFP = 1ull << 10, TTA = 1ull << 20, TCPAC = 1ull << 31;
}

namespace mdcr {
constexpr uint64_t TPMCR = 1ull << 5, TPM = 1ull << 6, HPME = 1ull << 7, TDE = 1ull << 8,
                   TDA = 1ull << 9, TDOSA = 1ull << 10, TDRA = 1ull << 11;
}

// SPSR_ELx / PSTATE layout for AArch64 (C5.2.18).
namespace spsr {
constexpr uint64_t M_MASK = 0x1f, NRW = 1ull << 4, F = 1ull << 6, I = 1ull << 7, A = 1ull << 8,
                   D = 1ull << 9, IL = 1ull << 20, SS = 1ull << 21, NZCV = 0xfull << 28;
}

} // namespace armsim::cpu
