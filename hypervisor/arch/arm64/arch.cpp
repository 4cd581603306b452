// arm64 implementation of the portable core's architecture interface (common/arch.h).
#include "../../common/arch.h"

#include "../../common/percpu.h"
#include "gic.h"
#include "psci_fw.h"
#include "sysreg.h"

namespace hyp {

Pcpu& this_pcpu() {
    return *reinterpret_cast<Pcpu*>(sysreg::read_tpidr_el2());
}

} // namespace hyp

namespace hyp::arch {

namespace {
uint64_t dcache_line() {
    uint64_t ctr;
    asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
    return 4ull << ((ctr >> 16) & 0xf);
}
} // namespace

unsigned cpu_id() {
    return this_pcpu().id;
}

void* hpa_to_ptr(Hpa pa) {
    return reinterpret_cast<void*>(pa.raw());
}
Hpa ptr_to_hpa(const void* p) {
    return Hpa(reinterpret_cast<uint64_t>(p));
}

void clean_dcache(const void* p, size_t len) {
    const uint64_t line = dcache_line();
    uint64_t a = reinterpret_cast<uint64_t>(p) & ~(line - 1);
    const uint64_t end = reinterpret_cast<uint64_t>(p) + len;
    for (; a < end; a += line)
        asm volatile("dc cvac, %0" ::"r"(a) : "memory");
    sysreg::dsb_ish();
}

// TLBI VMALLS12E1IS / IPAS2E1IS act on the VMID in VTTBR_EL2, so the target domain's VTTBR
// is loaded around them (ARM DDI 0487 D5.10.2).
namespace {
struct VttbrSwitch {
    uint64_t saved;
    explicit VttbrSwitch(uint64_t vttbr) : saved(sysreg::read_vttbr_el2()) {
        if (saved != vttbr) {
            sysreg::write_vttbr_el2(vttbr);
            sysreg::isb();
        }
    }
    ~VttbrSwitch() {
        if (sysreg::read_vttbr_el2() != saved) {
            sysreg::write_vttbr_el2(saved);
            sysreg::isb();
        }
    }
};
} // namespace

void tlb_flush_vmid(uint64_t vttbr) {
    VttbrSwitch s(vttbr);
    sysreg::dsb_ish();
    asm volatile("tlbi vmalls12e1is" ::: "memory");
    sysreg::dsb_ish();
    sysreg::isb();
}

void tlb_flush_ipa(uint64_t vttbr, Ipa ipa) {
    VttbrSwitch s(vttbr);
    sysreg::dsb_ish();
    asm volatile("tlbi ipas2e1is, %0" ::"r"(ipa.raw() >> 12) : "memory");
    sysreg::dsb_ish();
    // Combined stage 1+2 entries are not removed by IPAS2E1IS (D5.10.2): drop them too.
    asm volatile("tlbi vmalle1is" ::: "memory");
    sysreg::dsb_ish();
    sysreg::isb();
}

void tlb_flush_vmid_local(uint64_t vttbr) {
    VttbrSwitch s(vttbr);
    asm volatile("dsb nshst\n tlbi vmalls12e1\n dsb nsh\n isb" ::: "memory");
}

uint64_t now() {
    sysreg::isb();
    return sysreg::read_cntpct_el0();
}

uint64_t counter_hz() {
    return sysreg::read_cntfrq_el0();
}

void timer_program(uint64_t deadline) {
    if (!deadline) {
        sysreg::write_cnthp_ctl_el2(0);
    } else {
        sysreg::write_cnthp_cval_el2(deadline);
        sysreg::write_cnthp_ctl_el2(reg::kCntCtlEnable);
    }
    sysreg::isb();
}

void kick_cpu(unsigned cpu) {
    if (cpu != cpu_id()) gic::send_sgi(cpu, gic::kSgiKick);
}

bool gva_to_ipa(Gva va, bool write, Ipa* out) {
    // AT S1E1R/W at EL2 with stage 2 enabled returns the IPA in PAR_EL1 (D5.9, C5.5.x).
    // PAR_EL1 belongs to the guest: preserve it.
    const uint64_t saved = sysreg::read_par_el1();
    if (write)
        asm volatile("at s1e1w, %0" ::"r"(va.raw()));
    else
        asm volatile("at s1e1r, %0" ::"r"(va.raw()));
    sysreg::isb();
    const uint64_t par = sysreg::read_par_el1();
    sysreg::write_par_el1(saved);
    if (par & 1) return false;
    *out = Ipa((par & 0x0000fffffffff000ull) | (va.raw() & 0xfff));
    return true;
}

void machine_off() {
    psci_fw::system_off();
    for (;;)
        asm volatile("wfi");
}

void machine_reset() {
    psci_fw::system_reset();
    for (;;)
        asm volatile("wfi");
}

} // namespace hyp::arch

extern "C" void hyp_halt() {
    hyp::arch::machine_off();
}
