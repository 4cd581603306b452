// vCPU state on arm64: reset, the full EL1 context switch (GP registers through the trap
// frame, EL1 system registers, FP/SIMD when the CPU has it, virtual timer, vGIC interface),
// and per-domain set-up (VMID/stage 2 are in the core; here: vGIC, GICV mapping, CNTVOFF).
#include "../../common/arch.h"
#include "../../common/percpu.h"
#include "cpu.h"
#include "gic.h"
#include "sysreg.h"
#include "vtimer.h"

extern "C" void fpsimd_save(hyp::FpState* s);
extern "C" void fpsimd_restore(const hyp::FpState* s);

namespace hyp::arch {

namespace {

void save_el1(El1Regs& r) {
    using namespace sysreg;
    r.sctlr = read_sctlr_el1();
    r.ttbr0 = read_ttbr0_el1();
    r.ttbr1 = read_ttbr1_el1();
    r.tcr = read_tcr_el1();
    r.mair = read_mair_el1();
    r.amair = read_amair_el1();
    r.vbar = read_vbar_el1();
    r.contextidr = read_contextidr_el1();
    r.tpidr_el0 = read_tpidr_el0();
    r.tpidrro_el0 = read_tpidrro_el0();
    r.tpidr_el1 = read_tpidr_el1();
    r.cpacr = read_cpacr_el1();
    r.esr = read_esr_el1();
    r.far = read_far_el1();
    r.par = read_par_el1();
    r.afsr0 = read_afsr0_el1();
    r.afsr1 = read_afsr1_el1();
    r.sp_el0 = read_sp_el0();
    r.sp_el1 = read_sp_el1();
    r.elr = read_elr_el1();
    r.spsr = read_spsr_el1();
    r.cntkctl = read_cntkctl_el1();
    r.csselr = read_csselr_el1();
}

void restore_el1(const El1Regs& r) {
    using namespace sysreg;
    write_sctlr_el1(r.sctlr);
    write_ttbr0_el1(r.ttbr0);
    write_ttbr1_el1(r.ttbr1);
    write_tcr_el1(r.tcr);
    write_mair_el1(r.mair);
    write_amair_el1(r.amair);
    write_vbar_el1(r.vbar);
    write_contextidr_el1(r.contextidr);
    write_tpidr_el0(r.tpidr_el0);
    write_tpidrro_el0(r.tpidrro_el0);
    write_tpidr_el1(r.tpidr_el1);
    write_cpacr_el1(r.cpacr);
    write_esr_el1(r.esr);
    write_far_el1(r.far);
    write_par_el1(r.par);
    write_afsr0_el1(r.afsr0);
    write_afsr1_el1(r.afsr1);
    write_sp_el0(r.sp_el0);
    write_sp_el1(r.sp_el1);
    write_elr_el1(r.elr);
    write_spsr_el1(r.spsr);
    write_cntkctl_el1(r.cntkctl);
    write_csselr_el1(r.csselr);
}

void save(Vcpu* v, Pcpu& p) {
    v->arch.regs = *p.frame;
    save_el1(v->arch.el1);
    if (cpu_has_fp()) fpsimd_save(&v->arch.fp);
    vtimer_save(v);
    volatile GichRegs* gich = gic::gich();
    v->arch.gich_vmcr = gich->vmcr;
    v->arch.gich_apr = gich->apr;
    gich->hcr = 0;
}

void restore(Vcpu* v, Pcpu& p) {
    Domain* d = v->domain;
    const uint64_t vttbr = d->p2m.vttbr();
    sysreg::write_vttbr_el2(vttbr);
    sysreg::isb();
    // Another vCPU of this VMID ran here since `v` did: its TLB entries (tagged only by
    // VMID/ASID) would be visible to `v`, whose guest assumes a private TLB per CPU.
    if (d->last_vcpu_ran[p.id] != static_cast<int8_t>(v->id)) {
        tlb_flush_vmid_local(vttbr);
        d->last_vcpu_ran[p.id] = static_cast<int8_t>(v->id);
    }
    sysreg::write_vmpidr_el2(v->arch.vmpidr);
    restore_el1(v->arch.el1);
    if (cpu_has_fp()) fpsimd_restore(&v->arch.fp);
    volatile GichRegs* gich = gic::gich();
    gich->vmcr = v->arch.gich_vmcr;
    gich->apr = v->arch.gich_apr;
    gich->hcr = 1; // En
    vtimer_restore(v);
    *p.frame = v->arch.regs;
    sysreg::isb();
}

} // namespace

void vcpu_init(Vcpu* v) {
    // MPIDR as Xen gives it: Aff0 = id % 16, Aff1 = id / 16, RES1 bit 31.
    v->arch.vmpidr = (1ull << 31) | ((v->id / 16) << 8) | (v->id % 16);
    vtimer_init(v);
    vgic::vcpu_init(v);
    v->arch.el1.sctlr = reg::kSctlrEl1Reset;
}

void vcpu_reset(Vcpu* v, uint64_t entry, uint64_t x0) {
    v->arch.regs = GuestRegs{};
    v->arch.regs.pc = entry;
    v->arch.regs.pstate = reg::kPsrDaif | reg::kPsrEl1h;
    v->arch.regs.x[0] = x0;
    v->arch.el1 = El1Regs{};
    v->arch.el1.sctlr = reg::kSctlrEl1Reset;
    v->arch.fp = FpState{};
    v->arch.vtimer = VtimerState{};
    v->arch.gich_vmcr = 0;
    v->arch.gich_apr = 0;
}

void vcpu_save(Vcpu* v) {
    save(v, this_pcpu());
}

void vcpu_restore(Vcpu* v) {
    restore(v, this_pcpu());
}

void vcpu_descheduled(Vcpu* v) {
    vtimer_descheduled(v);
}

bool vcpu_has_pending(Vcpu* v) {
    return vgic::vcpu_has_pending(v) || vtimer_pending(v);
}

bool domain_init(Domain* d, unsigned nr_spis) {
    if (!vgic::domain_init(d, nr_spis)) return false;
    d->cntvoff = now();
    // The guest's GIC CPU interface is the hardware's virtual CPU interface.
    const gic::Config& g = gic::config();
    for (uint64_t off = 0; off < GUEST_GICC_SIZE; off += kPageSize)
        if (d->p2m.map(Ipa(GUEST_GICC_BASE + off), Hpa(g.vcpu + off), P2mType::Mmio)) return false;
    return vgic_register_mmio(d);
}

void domain_destroy(Domain* d) {
    vgic::domain_destroy(d);
    d->mmio.clear();
}

} // namespace hyp::arch
