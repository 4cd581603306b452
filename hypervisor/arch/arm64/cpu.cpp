// EL2 configuration for running guests, the same on every pCPU.
#include "cpu.h"

#include "../../common/domain.h"
#include "../../common/p2m.h"
#include "sysreg.h"
#include "vgic.h"

namespace hyp::arch {

namespace {
bool g_has_fp = false;

bool vgicd_read(Vcpu* v, uint64_t off, unsigned size, uint64_t* value) {
    *value = vgic::dist_read(v, static_cast<uint32_t>(off), size);
    return true;
}
bool vgicd_write(Vcpu* v, uint64_t off, unsigned size, uint64_t value) {
    vgic::dist_write(v, static_cast<uint32_t>(off), size, static_cast<uint32_t>(value));
    return true;
}
} // namespace

bool cpu_has_fp() {
    return g_has_fp;
}

void cpu_init_el2() {
    using namespace reg;
    g_has_fp = ((sysreg::read_id_aa64pfr0_el1() >> 16) & 0xf) != 0xf;
    // Stage 2 on; physical IRQ/FIQ/SError to EL2 (virtual ones from the GICV/HCR to EL1);
    // guest TLB and cache maintenance broadcast to the inner-shareable domain; WFI/WFE,
    // SMC, ACTLR and implementation-defined registers trapped; EL1 is AArch64.
    sysreg::write_hcr_el2(kHcrVm | kHcrSwio | kHcrFmo | kHcrImo | kHcrAmo | kHcrFb | kHcrBsuIs |
                          kHcrTwi | kHcrTwe | kHcrTsc | kHcrTidcp | kHcrTacr | kHcrRw);
    sysreg::write_vtcr_el2(kVtcr);
    // FP/SIMD is switched eagerly (when present), so it is not trapped; trace is.
    sysreg::write_cptr_el2(kCptrRes1 | kCptrTta);
    // PMU and debug registers trap to EL2 (RAZ/WI there); HPMN = all counters.
    const uint64_t pmcr_n = (sysreg::read_pmcr_el0() >> 11) & 0x1f;
    sysreg::write_mdcr_el2(kMdcrTpmcr | kMdcrTpm | kMdcrTda | kMdcrTdosa | kMdcrTdra | pmcr_n);
    // EL1 may read the physical counter; the EL1 physical timer traps (emulated).
    sysreg::write_cnthctl_el2(kCnthctlEl1pcten);
    sysreg::write_cnthp_ctl_el2(0);
    sysreg::write_cntv_ctl_el0(0);
    sysreg::write_vpidr_el2(sysreg::read_midr_el1());
    sysreg::write_hstr_el2(0);
    sysreg::isb();
}

bool vgic_register_mmio(Domain* d) {
    MmioHandler h;
    h.base = GUEST_GICD_BASE;
    h.size = GUEST_GICD_SIZE;
    h.read = vgicd_read;
    h.write = vgicd_write;
    h.name = "vGICD";
    return d->mmio.add(h);
}

} // namespace hyp::arch
