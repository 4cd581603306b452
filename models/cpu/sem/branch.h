// Branches (ARM DDI 0487 C4.1.3). All of these are kWritesPc entries.
#pragma once

#include "common.h"

namespace armsim::cpu::sem {

template <class B>
void B_uncond(B& b, Imm<26> imm26) {
    b.branch(b.pc() + uint64_t(sext(uint64_t(imm26) << 2, 28)));
}
template <class B>
void BL(B& b, Imm<26> imm26) {
    b.setX(Reg{30}, b.pc() + 4);
    b.branch(b.pc() + uint64_t(sext(uint64_t(imm26) << 2, 28)));
}
template <class B>
void B_cond(B& b, Imm<19> imm19, Cond c) {
    b.branch_if(b.cond(c), b.pc() + uint64_t(sext(uint64_t(imm19) << 2, 21)));
}
template <class B>
void CBZ(B& b, Bit sf, Imm<19> imm19, Reg t) {
    b.branch_if(b.R(sf, t) == 0, b.pc() + uint64_t(sext(uint64_t(imm19) << 2, 21)));
}
template <class B>
void CBNZ(B& b, Bit sf, Imm<19> imm19, Reg t) {
    b.branch_if(b.R(sf, t) != 0, b.pc() + uint64_t(sext(uint64_t(imm19) << 2, 21)));
}
template <class B>
void TBZ(B& b, Bit b5, Imm<5> b40, Imm<14> imm14, Reg t) {
    const unsigned pos = (uint32_t(b5) << 5) | b40;
    b.branch_if(((b.X(t) >> pos) & 1) == 0, b.pc() + uint64_t(sext(uint64_t(imm14) << 2, 16)));
}
template <class B>
void TBNZ(B& b, Bit b5, Imm<5> b40, Imm<14> imm14, Reg t) {
    const unsigned pos = (uint32_t(b5) << 5) | b40;
    b.branch_if(((b.X(t) >> pos) & 1) != 0, b.pc() + uint64_t(sext(uint64_t(imm14) << 2, 16)));
}
template <class B>
void BR(B& b, Reg n) {
    b.branch_indirect(b.X(n));
}
template <class B>
void BLR(B& b, Reg n) {
    const uint64_t target = b.X(n); // read before writing X30 (BLR X30)
    b.setX(Reg{30}, b.pc() + 4);
    b.branch_indirect(target);
}
template <class B>
void RET(B& b, Reg n) {
    b.branch_indirect(b.X(n));
}

} // namespace armsim::cpu::sem
