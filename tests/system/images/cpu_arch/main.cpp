// Architecture checks QEMU cannot be the oracle for, with expectations derived by hand from
// ARM DDI 0487 (section in each comment). Runs on armsim only (--smp 2); prints one summary
// line, and "FAIL ..." for each check that does not hold.
//   - SP alignment checking (D1.8.2): QEMU does not implement it.
//   - WFE traps (HCR_EL2.TWE, C6.2 WFE): QEMU never traps WFE.
//   - DC ZVA to Device memory is an Alignment fault (C5.3 DC ZVA): QEMU zeroes it.
//   - The EC 0x18 syndrome of a trapped MSR DAIFSet (D13.2.37): QEMU swaps Op1/Op2.
//   - ISV is 0 for aborts taken to EL2 from EL2 (D13.2.37 ISV): QEMU sets it.
//   - TLB entries survive page-table changes until TLBI (D5.10): QEMU may also, but nothing
//     forces it to.
//   - The global exclusive monitor: another core's store of the same value clears a
//     reservation (B2.9.3); QEMU compares values, so the store-exclusive succeeds there.
//   - FP/SIMD, not implemented yet, is UNDEFINED when not trapped (no silent no-op).
#include <cputest.h>

using namespace cputest;

extern "C" {
void a_sp_align();
void a_sp_align_el0();
void a_wfe();
void a_dc_zva();
void a_daifset();
void a_ldar();
void a_fp();
uint64_t a_ldr(uint64_t va);
void a_tlbi_vae2(uint64_t va);
}

namespace {

constexpr uint64_t RW = 1ull << 31, TWE = 1ull << 14;
constexpr uint32_t kIL = 1u << 25;
constexpr uint64_t esr(unsigned ec, uint32_t iss) {
    return (uint64_t(ec) << 26) | kIL | iss;
}

alignas(64) uint8_t buffer[256];

uint64_t off(const void* fn) {
    return last.elr - reinterpret_cast<uint64_t>(fn);
}

void el2(void (*fn)(), uint64_t x0 = 0) {
    run_with_x0(2, fn, x0);
}
void lower(unsigned el, void (*fn)(), uint64_t hcr_extra = 0, uint64_t x0 = 0) {
    run_with_x0(el, fn, x0, hcr_extra);
}

// --- TLB staleness in the EL2 regime ------------------------------------------------------------
// VA 0x80000000 (1 GiB block entry 2 of a level-1 table) -> one of two pages via level 2/3.
alignas(4096) uint64_t l1[512], l2[512], l3[512];
alignas(4096) uint64_t page_a[512], page_b[512];
constexpr uint64_t kVa = 0x80000000;

void tlb_staleness() {
    constexpr uint64_t kAF = 1ull << 10, kSh = 3ull << 8, kNormal = 1u << 2, kXN = 1ull << 54;
    l1[0] = 0x00000000 | kAF | kXN | 1;           // devices, Device-nGnRnE (Attr0)
    l1[1] = 0x40000000 | kAF | kSh | kNormal | 1; // RAM
    l1[2] = reinterpret_cast<uint64_t>(l2) | 3;
    l2[0] = reinterpret_cast<uint64_t>(l3) | 3;
    l3[0] = reinterpret_cast<uint64_t>(page_a) | kAF | kSh | kNormal | 3;
    page_a[0] = 0xaaaa;
    page_b[0] = 0xbbbb;
    const uint64_t tcr =
        25 | (1u << 8) | (1u << 10) | (3u << 12) | (2ull << 16) | (1ull << 23) | (1ull << 31);
    asm volatile(
        "msr mair_el2, %0; msr tcr_el2, %1; msr ttbr0_el2, %2; dsb sy; tlbi alle2;"
        "dsb sy; isb; mrs x9, sctlr_el2; orr x9, x9, #1; msr sctlr_el2, x9; isb" ::"r"(0xff00ull),
        "r"(tcr), "r"(reinterpret_cast<uint64_t>(l1))
        : "x9", "memory");
    check("tlb: first translation", a_ldr(kVa), 0xaaaa);
    l3[0] = reinterpret_cast<uint64_t>(page_b) | kAF | kSh | kNormal | 3;
    asm volatile("dsb ish; isb" ::: "memory");
    check("tlb: stale entry survives the table change", a_ldr(kVa), 0xaaaa);
    a_tlbi_vae2(kVa);
    check("tlb: new translation after TLBI VAE2", a_ldr(kVa), 0xbbbb);
    asm volatile("mrs x9, sctlr_el2; bic x9, x9, #1; msr sctlr_el2, x9; isb" ::: "x9", "memory");
}

// --- the global monitor across two cores -------------------------------------------------------
volatile uint64_t word = 5;
volatile unsigned step = 0;
volatile uint64_t secondary_status = 99;

} // namespace

extern "C" void bare_secondary_main(uint64_t) {
    // Take the reservation, let core 0 store the same value, then try the store-exclusive.
    uint64_t v;
    asm volatile("ldxr %0, [%1]" : "=r"(v) : "r"(&word) : "memory");
    step = 1;
    while (step != 2)
        asm volatile("" ::: "memory");
    uint32_t status;
    asm volatile("stxr %w0, %2, [%1]" : "=&r"(status) : "r"(&word), "r"(v + 1) : "memory");
    secondary_status = status;
    step = 3;
    for (;;)
        asm volatile("wfi");
}

extern "C" void bare_main(uint64_t x0) {
    bare::boot_console(x0);
    asm volatile("msr cptr_el2, %0; msr mdcr_el2, xzr; msr cpacr_el1, %1; isb" ::"r"(0x33ffull),
                 "r"(3ull << 20));
    set_hcr(RW);

    // SP alignment (D1.8.2): SCTLR_EL2.SA at EL2, SCTLR_EL1.SA0 at EL0; EC 0x26, ISS 0.
    asm volatile("mrs x9, sctlr_el2; orr x9, x9, #8; msr sctlr_el2, x9; isb" ::: "x9");
    el2(a_sp_align, reinterpret_cast<uint64_t>(buffer + 8));
    check("sp alignment at el2: esr", last.esr, esr(0x26, 0));
    check("sp alignment at el2: elr", off(reinterpret_cast<const void*>(a_sp_align)), 20);
    asm volatile("msr sctlr_el1, %0; isb" ::"r"(0x30d00800ull | (1u << 4)));
    lower(0, a_sp_align_el0, 0, reinterpret_cast<uint64_t>(buffer + 4));
    check("sp alignment at el0: el", last.el, 1);
    check("sp alignment at el0: esr", last.esr, esr(0x26, 0));
    asm volatile("msr sctlr_el1, %0; isb" ::"r"(0x30d00800ull));

    // WFE (C6.2): no trap while the event register is set; HCR_EL2.TWE traps it otherwise.
    lower(1, a_wfe, TWE);
    check("wfe trapped by twe: el", last.el, 2);
    check("wfe trapped by twe: esr", last.esr, esr(0x01, 0x1e00001));
    check("wfe trapped by twe: elr", off(reinterpret_cast<const void*>(a_wfe)), 8);

    // DC ZVA with the MMU off (Device memory): Alignment fault, WnR = 1, FAR = Xt.
    el2(a_dc_zva, reinterpret_cast<uint64_t>(buffer + 3));
    check("dc zva on device: esr", last.esr, esr(0x25, 0x40 | 0x21));
    check("dc zva on device: far", last.far, reinterpret_cast<uint64_t>(buffer + 3));

    // MSR DAIFSet at EL0 with SCTLR_EL1.UMA = 0: EC 0x18, Op0 0, Op2 6, Op1 3, CRn 4,
    // Rt 31, CRm 2, write.
    lower(0, a_daifset);
    check("msr daifset at el0: esr", last.esr,
          esr(0x18, (6u << 17) | (3u << 14) | (4u << 10) | (31u << 5) | (2u << 1)));

    // A load-acquire alignment fault at EL2 from EL2: ISV = 0.
    el2(a_ldar, reinterpret_cast<uint64_t>(buffer + 2));
    check("ldar alignment fault at el2: esr", last.esr, esr(0x25, 0x21));

    // FP/SIMD with no trap enabled: UNDEFINED until implemented.
    lower(1, a_fp);
    check("fp not trapped: undefined at el1", last.esr, esr(0, 0));

    tlb_staleness();

    // The global monitor: a store by another core clears the reservation even when it
    // writes the value that is already there.
    bare::psci_cpu_on(1, reinterpret_cast<uint64_t>(bare_secondary_entry), 1);
    while (step != 1)
        asm volatile("" ::: "memory");
    word = 5;
    asm volatile("dsb ish" ::: "memory");
    step = 2;
    while (step != 3)
        asm volatile("" ::: "memory");
    check("global monitor: same-value store clears the reservation", secondary_status, 1);
    check("global monitor: memory unchanged", word, 5);

    summary("cpu_arch");
}
