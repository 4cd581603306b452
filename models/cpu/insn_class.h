// Instruction classes: the unit of the timing model. Every encoding-table entry belongs to
// one class, and the core's cost table (cortex-a57.cfg) gives each class a cycle count.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace armsim::cpu {

#define ARMSIM_INSN_CLASSES(X)                                                                     \
    X(Alu)       /* add/sub/logical/move, immediate or register */                                 \
    X(AluShift)  /* shifted or extended register operand */                                        \
    X(Bitfield)  /* bitfield move, extract, bit/byte reverse, count */                             \
    X(CondSel)   /* conditional select and compare */                                              \
    X(Mul)       /* 32/64-bit multiply(-accumulate) */                                             \
    X(MulLong)   /* widening multiply, multiply high */                                            \
    X(Div)       /* integer divide */                                                              \
    X(Crc)       /* CRC32/CRC32C */                                                                \
    X(Load)      /* single-register load */                                                        \
    X(Store)     /* single-register store */                                                       \
    X(LoadPair)  /* load pair */                                                                   \
    X(StorePair) /* store pair */                                                                  \
    X(Exclusive) /* load/store exclusive, acquire/release */                                       \
    X(Branch)    /* direct branch, conditional branch, compare/test and branch */                  \
    X(BranchReg) /* indirect branch and return */                                                  \
    X(Exception) /* SVC/HVC/SMC/BRK/HLT, ERET */                                                   \
    X(SysReg)    /* MRS/MSR */                                                                     \
    X(SysOp)     /* cache, TLB and address-translation operations */                               \
    X(Barrier)   /* DMB/DSB/ISB/CLREX */                                                           \
    X(Hint)      /* NOP/YIELD/WFE/WFI/SEV/SEVL and other hints */                                  \
    X(Fp)        /* floating point / Advanced SIMD (trap or UNDEFINED until implemented) */        \
    X(Undefined) /* unallocated encodings */

enum class InsnClass : uint8_t {
#define ARMSIM_X(name) name,
    ARMSIM_INSN_CLASSES(ARMSIM_X)
#undef ARMSIM_X
        count
};
constexpr unsigned kNumInsnClasses = static_cast<unsigned>(InsnClass::count);

constexpr std::array<std::string_view, kNumInsnClasses> kInsnClassNames = {
#define ARMSIM_X(name) #name,
    ARMSIM_INSN_CLASSES(ARMSIM_X)
#undef ARMSIM_X
};

// Flags of a table entry.
enum InsnFlags : uint32_t {
    kNone = 0,
    kWritesPc = 1u << 0, // the handler sets PC itself (branches, exception generation)
};

} // namespace armsim::cpu
