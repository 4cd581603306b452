// Branches (ARM DDI 0487 C4.1.3): immediate, conditional, compare/test and branch,
// register-indirect, and the PC alignment fault of an indirect branch to a misaligned
// target (D1.10.4: taken when the target is fetched, ELR and FAR = the target).
#include "a64_snippets.h"
#include "core_harness.h"
#include "insn_cases.h"

#include <gtest/gtest.h>

using namespace armsim::test;
using namespace armsim::cpu;

namespace {
constexpr uint64_t K = CoreHarness::kCode;
}

TEST(Branch, Unconditional) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("b 1f; mov x0, #1; 1: mov x1, #2"), {}, {{0, 0u}, {1, 2u}}},
        {A64("bl 1f; mov x0, #1; 1: nop"), {}, {{30, K + 4}, {0, 0u}}},
    };
    run_cases(h, cases);
}

TEST(Branch, Backward) {
    CoreHarness h;
    h.x(0) = 3;
    h.run(A64("1: sub x0, x0, #1; add x1, x1, #1; cbnz x0, 1b"));
    EXPECT_EQ(h.x(1), 3u);
}

TEST(Branch, RegisterIndirect) {
    CoreHarness h;
    const InsnCase cases[] = {
        // target read before the link
        {A64("adr x30, 2f; blr x30; mov x0, #1; 2: nop"), {}, {{30, K + 8}, {0, 0u}}},
        {A64("adr x5, 1f; br x5; mov x0, #1; 1: nop"), {}, {{0, 0u}}},
        {A64("adr x30, 1f; ret; mov x0, #1; 1: nop"), {}, {{0, 0u}}},
        {A64("adr x7, 1f; ret x7; mov x0, #1; 1: nop"), {}, {{0, 0u}}},
    };
    run_cases(h, cases);
}

TEST(Branch, MisalignedTargetIsPcAlignmentFault) {
    CoreHarness h;
    h.run(A64("adr x1, 1f; add x1, x1, #2; br x1; 1: nop"));
    EXPECT_EQ(h.ec(2), 0x22u);
    EXPECT_EQ(h.iss(2), 0u);
    EXPECT_EQ(h.elr(2), K + 12 + 2);
    EXPECT_EQ(h.far(2), K + 12 + 2);
    EXPECT_EQ(h.core.st.pc, CoreHarness::kVectors + CoreHarness::kCurSpx);
}

TEST(Branch, CompareAndBranchLooksAtTheOperandWidth) {
    CoreHarness h;
    const InsnCase cases[] = {
        // W1 is zero: taken
        {A64("cbz w1, 1f; mov x0, #1; 1: nop"), {{1, 0x100000000}}, {{0, 0u}}},
        {A64("cbz x1, 1f; mov x0, #1; 1: nop"), {}, {{0, 1u}}},
        {A64("cbnz x1, 1f; mov x0, #1; 1: nop"), {{0, 0}}, {{0, 0u}}},
    };
    run_cases(h, cases);
}

TEST(Branch, TestBitAndBranch) {
    CoreHarness h;
    const InsnCase cases[] = {
        {A64("tbnz x1, #63, 1f; mov x0, #1; 1: nop"), {{1, 0x8000000000000000}}, {{0, 0u}}},
        {A64("tbz x1, #63, 1f; mov x0, #1; 1: nop"), {}, {{0, 1u}}},
        {A64("tbz w1, #0, 1f; mov x0, #2; 1: nop"), {{0, 0}, {1, 1}}, {{0, 2u}}},
    };
    run_cases(h, cases);
}

TEST(Branch, Conditional) {
    CoreHarness h;
    const InsnCase cases[] = {
        // Z
        {A64("b.eq 1f; mov x0, #1; 1: nop"), {{kNzcv, 0x4}}, {{0, 0u}}},
        {A64("b.ne 1f; mov x0, #1; 1: nop"), {}, {{0, 1u}}},
        // N and V: ge holds, lt does not
        {A64("b.lt 1f; b.ge 2f; 1: mov x0, #1; 2: nop"), {{0, 0}, {kNzcv, 0x9}}, {{0, 0u}}},
    };
    run_cases(h, cases);
}
