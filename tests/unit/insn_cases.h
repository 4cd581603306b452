// Table-driven instruction tests: each case sets registers, runs one A64 snippet on the
// harness's core and checks registers afterwards. Cases run in order on the same core, so
// a case sees what the earlier ones left (flags, registers) unless it sets them itself.
// A failure names the snippet and the register.
//
// Only for cases that cannot take the process down: a case whose exception unwinds through
// SystemC's threads belongs in a TEST() of its own (see isa_system_test.cpp).
#pragma once

#include "a64_snippets.h"
#include "core_harness.h"

#include <gtest/gtest.h>
#include <span>
#include <string>
#include <vector>

namespace armsim::test {

// What a case sets or checks: X0..X30 by number (31 is the XZR slot, which must stay 0),
// SP, or NZCV as the 4-bit value N:Z:C:V.
enum CaseReg : unsigned { kSp = 32, kNzcv = 33 };

struct RegValue {
    unsigned reg;
    uint64_t value;
};

struct InsnCase {
    const std::vector<uint32_t>& code; // A64("...")
    std::vector<RegValue> before;
    std::vector<RegValue> after;
};

inline std::string case_reg_name(unsigned reg) {
    return reg == kSp ? "sp" : reg == kNzcv ? "nzcv" : "x" + std::to_string(reg);
}

inline uint64_t case_reg(CoreHarness& h, unsigned reg) {
    return reg == kSp ? h.core.st.sp : reg == kNzcv ? h.nzcv() : h.x(reg);
}

inline void set_case_reg(CoreHarness& h, RegValue r) {
    if (r.reg == kSp)
        h.core.st.sp = r.value;
    else if (r.reg == kNzcv)
        h.core.st.nzcv = static_cast<uint32_t>(r.value << 28);
    else
        h.x(r.reg) = r.value;
}

inline void run_cases(CoreHarness& h, std::span<const InsnCase> cases) {
    for (const InsnCase& c : cases) {
        SCOPED_TRACE(a64_text(c.code));
        for (const RegValue& r : c.before)
            set_case_reg(h, r);
        h.run(c.code);
        for (const RegValue& r : c.after)
            EXPECT_EQ(case_reg(h, r.reg), r.value) << case_reg_name(r.reg);
    }
}

} // namespace armsim::test
