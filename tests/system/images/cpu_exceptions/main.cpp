// Exceptions at EL2, EL1 and EL0: what is taken where, with which syndrome, ELR and SPSR
// (ARM DDI 0487 D1.10-D1.11, D13.2.37), and the traps HCR_EL2, CPTR_EL2, MDCR_EL2, CPACR_EL1
// and SCTLR_EL1 control. QEMU and armsim must print the same lines. Behaviour QEMU does
// not model exactly is left to cpu_arch (hand-derived checks on armsim).
#include <cputest.h>

using namespace cputest;

extern "C" {
void t_svc();
void t_hvc();
void t_smc();
void t_brk();
void t_udf();
void t_wfi();
void t_wfe();
void t_ldxr_unaligned();
void t_ldar_unaligned();
void t_str_unaligned();
void t_pc_align();
extern char t_pc_align_target[];
void t_msr_sctlr_el1();
void t_mrs_ttbr0_el1();
void t_mrs_id();
void t_mrs_ctr();
void t_dc_cisw();
void t_tlbi();
void t_actlr();
void t_fp();
void t_cpacr();
void t_mdscr();
void t_pmccntr();
void t_unknown_sysreg();
void t_el2_reg();
void t_dc_zva();
void t_dczid();
void t_eret_illegal();
void t_eret_to_el0_with_spx();
void t_virq();
}

namespace {

constexpr uint64_t RW = 1ull << 31, VM = 1, IMO = 1ull << 4, FMO = 1ull << 3, AMO = 1ull << 5,
                   VF = 1ull << 6, VI = 1ull << 7, VSE = 1ull << 8, TWI = 1ull << 13,
                   TWE = 1ull << 14, TID2 = 1ull << 17, TID3 = 1ull << 18, TSC = 1ull << 19,
                   TACR = 1ull << 21, TSW = 1ull << 22, TTLB = 1ull << 25, TVM = 1ull << 26,
                   TGE = 1ull << 27, TRVM = 1ull << 30;

alignas(64) uint8_t buffer[256];

void el2(const char* name, void (*fn)(), uint64_t x0 = 0, bool far = false) {
    run_with_x0(2, fn, x0);
    show_exc(name, reinterpret_cast<const void*>(fn), far);
}

// Runs fn at `el` (1 or 0) with HCR_EL2 = RW | hcr_extra, then prints the exception.
void lower(unsigned el, const char* name, void (*fn)(), uint64_t hcr_extra = 0, uint64_t x0 = 0,
           bool far = false) {
    run_with_x0(el, fn, x0, hcr_extra);
    show_exc(name, reinterpret_cast<const void*>(fn), far);
}

void sysreg_write(const char* which, uint64_t v) {
    // Only the registers this image changes.
    if (which[0] == 's')
        asm volatile("msr sctlr_el1, %0; isb" ::"r"(v));
    else if (which[0] == 'c')
        asm volatile("msr cpacr_el1, %0; isb" ::"r"(v));
    else if (which[0] == 't')
        asm volatile("msr cptr_el2, %0; isb" ::"r"(v));
    else
        asm volatile("msr mdcr_el2, %0; isb" ::"r"(v));
}

} // namespace

extern "C" void bare_main(uint64_t x0) {
    bare::boot_console(x0);
    // Known values for the controls whose reset values are UNKNOWN or differ between
    // implementations: SCTLR_EL1 with the MMU off, no alignment checks, EL0 traps enabled
    // (nTWI = nTWE = UCT = DZE = UCI = UMA = 0); no CPACR/CPTR/MDCR traps.
    sysreg_write("sctlr", 0x30d00800);
    sysreg_write("cpacr", 3u << 20);
    sysreg_write("tptr", 0x33ff);
    sysreg_write("mdcr", 0);
    set_hcr(RW);

    bare_printf("-- EL2\n");
    el2("el2 svc", t_svc);
    el2("el2 hvc", t_hvc);
    el2("el2 brk", t_brk);
    el2("el2 udf", t_udf);
    el2("el2 ldxr unaligned", t_ldxr_unaligned, reinterpret_cast<uint64_t>(buffer + 4), true);
    el2("el2 ldar unaligned", t_ldar_unaligned, reinterpret_cast<uint64_t>(buffer + 2), true);
    resume_at(reinterpret_cast<uint64_t>(t_pc_align_target));
    clear();
    t_pc_align();
    show_exc("el2 pc alignment", reinterpret_cast<const void*>(t_pc_align), true);

    bare_printf("-- EL1\n");
    lower(1, "el1 svc", t_svc);
    lower(1, "el1 hvc", t_hvc);
    lower(1, "el1 smc trapped by TSC", t_smc, TSC);
    lower(1, "el1 brk", t_brk);
    lower(1, "el1 udf", t_udf);
    lower(1, "el1 wfi trapped by TWI", t_wfi, TWI);
    lower(1, "el1 msr sctlr_el1 trapped by TVM", t_msr_sctlr_el1, TVM);
    lower(1, "el1 mrs sctlr_el1 trapped by TRVM", t_msr_sctlr_el1, TRVM);
    lower(1, "el1 mrs ttbr0_el1 trapped by TRVM", t_mrs_ttbr0_el1, TRVM);
    lower(1, "el1 mrs id_aa64mmfr0_el1 trapped by TID3", t_mrs_id, TID3);
    lower(1, "el1 mrs ctr_el0 trapped by TID2", t_mrs_ctr, TID2);
    lower(1, "el1 dc cisw trapped by TSW", t_dc_cisw, TSW);
    lower(1, "el1 tlbi vmalle1 trapped by TTLB", t_tlbi, TTLB);
    lower(1, "el1 mrs actlr_el1 trapped by TACR", t_actlr, TACR);
    lower(1, "el1 ldxr unaligned", t_ldxr_unaligned, 0, reinterpret_cast<uint64_t>(buffer + 4),
          true);
    lower(1, "el1 unknown sysreg", t_unknown_sysreg);
    lower(1, "el1 mrs hcr_el2", t_el2_reg);
    lower(1, "el1 eret to el2 (illegal)", t_eret_illegal);
    lower(1, "el1 eret to el0 with sp_elx (illegal)", t_eret_to_el0_with_spx);

    // FP/SIMD access traps: CPACR_EL1.FPEN to EL1, CPTR_EL2.TFP to EL2.
    sysreg_write("cpacr", 0);
    lower(1, "el1 fp with cpacr.fpen=0", t_fp);
    sysreg_write("cpacr", 3u << 20);
    sysreg_write("tptr", 0x33ff | (1u << 10));
    lower(1, "el1 fp with cptr_el2.tfp", t_fp);
    sysreg_write("tptr", 0x33ff | (1u << 31));
    lower(1, "el1 mrs cpacr_el1 with cptr_el2.tcpac", t_cpacr);
    sysreg_write("tptr", 0x33ff);
    sysreg_write("mdcr", 1u << 9);
    lower(1, "el1 mrs mdscr_el1 with mdcr_el2.tda", t_mdscr);
    sysreg_write("mdcr", 1u << 6);
    lower(1, "el1 mrs pmccntr_el0 with mdcr_el2.tpm", t_pmccntr);
    sysreg_write("mdcr", 0);

    // Virtual interrupts from HCR_EL2 (D1.13.4): taken at EL1 once PSTATE unmasks them.
    lower(1, "el1 virtual irq (vi)", t_virq, IMO | VI);
    lower(1, "el1 virtual fiq (vf)", t_virq, FMO | VF);
    lower(1, "el1 virtual serror (vse)", t_virq, AMO | VSE);
    bare_printf("hcr_el2.vse after the virtual serror: %lx\n", (hcr() >> 8) & 1);
    lower(1, "el1 vi without imo", t_virq, VI);

    bare_printf("-- EL0\n");
    lower(0, "el0 svc", t_svc);
    lower(0, "el0 hvc", t_hvc);
    lower(0, "el0 smc", t_smc);
    lower(0, "el0 brk", t_brk);
    lower(0, "el0 udf", t_udf);
    lower(0, "el0 mrs sctlr_el1", t_msr_sctlr_el1);
    lower(0, "el0 wfi with ntwi=0", t_wfi);
    lower(0, "el0 mrs ctr_el0 with uct=0", t_mrs_ctr);
    lower(0, "el0 dc zva with dze=0", t_dc_zva, 0, reinterpret_cast<uint64_t>(buffer));
    bare_printf("el0 dczid_el0 with dze=0: %lx\n", run_with_x0(0, t_dczid));
    lower(0, "el0 svc under tge", t_svc, TGE);
    lower(0, "el0 udf under tge", t_udf, TGE);
    sysreg_write("sctlr", 0x30d00800 | (1u << 16) | (1u << 15) | (1u << 14));
    lower(0, "el0 wfi with ntwi=1", t_wfi, TWI); // now HCR_EL2.TWI traps it to EL2
    lower(0, "el0 mrs ctr_el0 with uct=1", t_mrs_ctr);
    sysreg_write("sctlr", 0x30d00800);
    bare_printf("done\n");
}
