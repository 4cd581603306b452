// Stage-1 and stage-2 translation as a hypervisor sees it (ARM DDI 0487 D5): walks with
// 3- and 4-level starts and concatenated stage-2 start tables, stage-2 faults with the ISS
// and HPFAR_EL2 a hypervisor decodes to emulate MMIO (D13.2.37), faults on the stage-1
// walk (S1PTW), permission and execute-never faults, AT with PAR_EL1, and TLB maintenance
// after remapping. QEMU and armsim must print the same lines. (That a stale entry survives
// until the TLBI is checked on armsim only, in cpu_arch: nothing forces QEMU to keep it.)
#include <cputest.h>

using namespace cputest;

namespace {

constexpr uint64_t RW = 1ull << 31, VM = 1;
constexpr uint64_t kAF = 1ull << 10, kSh = 3ull << 8, kXN = 1ull << 54;
constexpr uint64_t kS1Normal = kAF | kSh | (1u << 2); // MAIR Attr1
constexpr uint64_t kS2Normal = kAF | kSh | (0xfu << 2) | (3u << 6);
constexpr uint64_t kS2ReadOnly = kAF | kSh | (0xfu << 2) | (1u << 6);

alignas(8192) uint64_t s2_root[1024]; // up to two concatenated level-1 tables
alignas(4096) uint64_t s2_l2[512], s2_l3[512], s2_l0[512], s2_l1b[512];
alignas(4096) uint64_t s2_l1c[512], s2_l2b[512], s2_l3b[512];
alignas(4096) uint64_t s1_root[512], s1_l2[512], s1_l3[512], s1_l0[512];
alignas(4096) uint64_t pages[4][512];

uint64_t pa(const void* p) {
    return reinterpret_cast<uint64_t>(p);
}

void write_stage2(uint64_t vttbr, uint64_t vtcr) {
    asm volatile(
        "msr vtcr_el2, %0; msr vttbr_el2, %1; dsb ish; tlbi vmalls12e1; dsb ish; isb" ::"r"(vtcr),
        "r"(vttbr)
        : "memory");
}
// VTCR: T0SZ, SL0, inner/outer WB, inner shareable, 4K, PS, RES1 bit 31.
uint64_t vtcr(unsigned t0sz, unsigned sl0, unsigned ps) {
    return t0sz | (sl0 << 6) | (1u << 8) | (1u << 10) | (3u << 12) | (uint64_t(ps) << 16) |
           (1ull << 31);
}
void write_stage1(uint64_t ttbr0, unsigned t0sz, bool on) {
    const uint64_t tcr = t0sz | (1u << 8) | (1u << 10) | (3u << 12) | (1ull << 23) | (2ull << 32);
    asm volatile("msr mair_el1, %0; msr tcr_el1, %1; msr ttbr0_el1, %2; msr sctlr_el1, %3;"
                 "dsb ish; tlbi vmalle1; dsb ish; isb" ::"r"(0xff00ull),
                 "r"(tcr), "r"(ttbr0), "r"(0x30d00800ull | (on ? 5u : 0u))
                 : "memory");
}

// EL1 accessors, run through run_el1 with their operands in globals.
volatile uint64_t g_va, g_val;
void el1_load() {
    g_val = *reinterpret_cast<volatile uint64_t*>(g_va);
}
void el1_store_w7() {
    register uint64_t x7 asm("x7") = 0x1234;
    asm volatile("str w7, [%0, #0x10]" ::"r"(g_va), "r"(x7) : "memory");
}
void el1_ldrsh_x3() {
    asm volatile("ldrsh x3, [%0]" ::"r"(g_va) : "x3", "memory");
}
void el1_ldar_x9() {
    asm volatile("ldar x9, [%0]" ::"r"(g_va) : "x9", "memory");
}
void el1_ldr_post() {
    asm volatile("mov x5, %0; ldr x3, [x5], #8" ::"r"(g_va) : "x3", "x5", "memory");
}
void el1_stp() {
    asm volatile("stp x3, x4, [%0]" ::"r"(g_va) : "memory");
}
void el1_store() {
    *reinterpret_cast<volatile uint64_t*>(g_va) = 0x55;
}
void el1_branch() {
    reinterpret_cast<void (*)()>(g_va)();
}

void show_load(const char* name, uint64_t va) {
    g_va = va;
    g_val = 0xdead;
    clear();
    run_el1(el1_load);
    bare_printf("%s: value %lx", name, g_val);
    if (last.taken)
        bare_printf(" exception el%u ec %02x iss %07x far %lx hpfar %lx", last.el, last.ec(),
                    last.iss(), last.far, last.hpfar);
    bare_printf("\n");
}

// For a stage-2 fault on the stage-1 walk (S1PTW), QEMU 7.2 reports the level of the
// stage-1 lookup in the DFSC instead of the stage-2 one (the pseudocode returns the stage-2
// fault record, AArch64.SecondStageWalk()); the level is masked here. The unit tests
// Stage2.S1ptwDataAbortFromEl1 and Stage2.FaultOnTheStage1WalkReportedByAt check it.
uint32_t printable_iss(uint32_t iss) {
    return (iss & (1u << 7)) ? (iss & ~3u) : iss;
}
uint64_t printable_par(uint64_t par) {
    return (par & 1) && (par & (1u << 8)) ? (par & ~(3ull << 1)) : par;
}

void fault(const char* name, void (*fn)(), uint64_t va) {
    g_va = va;
    clear();
    run_el1(fn);
    if (!last.taken) {
        bare_printf("%s: none\n", name);
        return;
    }
    bare_printf("%s: el%u ec %02x iss %07x far %lx hpfar %lx\n", name, last.el, last.ec(),
                printable_iss(last.iss()), last.far, last.hpfar);
}

uint64_t at(const char* op, uint64_t va) {
    uint64_t par;
    // Only the operations used below; each from EL2.
    if (op[0] == 'r')
        asm volatile("at s1e1r, %1; isb; mrs %0, par_el1" : "=r"(par) : "r"(va));
    else if (op[0] == 'w')
        asm volatile("at s1e1w, %1; isb; mrs %0, par_el1" : "=r"(par) : "r"(va));
    else if (op[0] == '0')
        asm volatile("at s1e0r, %1; isb; mrs %0, par_el1" : "=r"(par) : "r"(va));
    else if (op[0] == 'R')
        asm volatile("at s12e1r, %1; isb; mrs %0, par_el1" : "=r"(par) : "r"(va));
    else if (op[0] == 'W')
        asm volatile("at s12e1w, %1; isb; mrs %0, par_el1" : "=r"(par) : "r"(va));
    else
        asm volatile("at s12e0r, %1; isb; mrs %0, par_el1" : "=r"(par) : "r"(va));
    return par;
}

} // namespace

extern "C" void bare_main(uint64_t x0) {
    bare::boot_console(x0);
    for (unsigned i = 0; i < 4; ++i)
        pages[i][0] = pages[i][2] = 0x1000 + i;
    set_hcr(RW | VM);

    // --- stage 2 alone (stage 1 off at EL1: VA = IPA) ------------------------------------
    bare_printf("-- stage 2, start level 1, 4 GiB IPA\n");
    s2_root[1] = 0x40000000 | kS2Normal | 1; // RAM, identity, 1 GiB block
    s2_root[0] = pa(s2_l2) | 3;
    s2_l2[0x80] = pa(s2_l3) | 3; // IPA 0x10000000
    s2_l3[0] = pa(pages[0]) | kS2Normal | 3;
    s2_l3[1] = pa(pages[1]) | kS2ReadOnly | 3;
    s2_l3[2] = pa(pages[2]) | kS2Normal | kXN | 3;
    write_stage2(pa(s2_root) | (1ull << 48), vtcr(32, 1, 2));
    write_stage1(0, 25, false);
    show_load("ipa 0x10000000", 0x10000000);
    show_load("ipa 0x10001010", 0x10001010);
    show_load("ipa 0x08000000 (unmapped)", 0x08000000);
    show_load("ipa 0xc0000000 (no level-1 entry)", 0xc0000000);

    // The syndrome a hypervisor decodes to emulate an access to an unmapped IPA.
    fault("str w7, [x, #0x10] to unmapped", el1_store_w7, 0x08000000);
    fault("ldrsh x3 from unmapped", el1_ldrsh_x3, 0x08000002);
    fault("ldar x9 from unmapped", el1_ldar_x9, 0x08000008);
    fault("ldr x3, [x5], #8 from unmapped", el1_ldr_post, 0x08000000);
    fault("stp to unmapped", el1_stp, 0x08000000);
    fault("store to stage-2 read-only", el1_store, 0x10001000);
    fault("branch to stage-2 execute-never", el1_branch, 0x10002000);

    bare_printf("-- stage 2, concatenated start tables (T0SZ 24, start level 1)\n");
    for (auto& e : s2_root)
        e = 0;
    s2_root[1] = 0x40000000 | kS2Normal | 1;
    s2_root[512 + 1] = pa(s2_l1b) | 3; // IPA 0x8040000000: the second table
    s2_l1b[0] = pa(s2_l3) | 3;
    write_stage2(pa(s2_root) | (2ull << 48), vtcr(24, 1, 2));
    show_load("ipa 0x8040000000", 0x8040000000);
    show_load("ipa 0x8040001008", 0x8040001008);
    show_load("ipa 0x8080000000 (unmapped)", 0x8080000000);

    bare_printf("-- stage 2, 4-level start (T0SZ 20, start level 0)\n");
    for (auto& e : s2_l0)
        e = 0;
    s2_l0[0] = pa(s2_root) | 3;             // IPA 0 - 512 GiB: RAM identity (level-1 entry 1)
    s2_l0[0x18] = pa(s2_l1c) | 3;           // IPA 0xc0000000000
    s2_l1c[1] = 0x40000000 | kS2Normal | 1; // a 1 GiB block onto RAM
    s2_l1c[0] = pa(s2_l2b) | 3;
    s2_l2b[0] = pa(s2_l3b) | 3;
    s2_l3b[5] = pa(pages[2]) | kS2Normal | 3; // IPA 0xc0000005000, through all four levels
    write_stage2(pa(s2_l0) | (3ull << 48), vtcr(20, 2, 4));
    show_load("ipa 0xc0000005010", 0xc0000005010);
    show_load("ipa 0xc0000000000 + pa(pages[1])", 0xc0000000000 + pa(pages[1]));
    show_load("ipa 0xc0000006000 (invalid level-3 entry)", 0xc0000006000);
    show_load("ipa 0xc8000000000 (invalid level-0 entry)", 0xc8000000000);

    // --- stage 1 + stage 2 -------------------------------------------------------------
    bare_printf("-- stage 1 (T0SZ 25, 3 levels) over stage 2\n");
    for (auto& e : s2_root)
        e = 0;
    s2_root[1] = 0x40000000 | kS2Normal | 1;
    s2_root[0] = pa(s2_l2) | 3;
    write_stage2(pa(s2_root) | (1ull << 48), vtcr(32, 1, 2));
    s1_root[1] = 0x40000000 | kS1Normal | 1;
    s1_root[0] = pa(s1_l2) | 3;
    s1_l2[0] = pa(s1_l3) | 3;                          // VA 0 - 2 MiB
    s1_l3[1] = 0x10000000 | kS1Normal | 3;             // VA 0x1000 -> IPA 0x10000000
    s1_l3[2] = 0x10001000 | kS1Normal | 3;             // -> read-only at stage 2
    s1_l3[3] = 0x08000000 | kS1Normal | 3;             // -> unmapped IPA
    s1_l3[4] = 0x10000000 | kS1Normal | (2u << 6) | 3; // EL1 read-only at stage 1
    s1_l2[1] = 0x0c000000 | 3;                         // VA 2 - 4 MiB: table at an unmapped IPA
    write_stage1(pa(s1_root), 25, true);
    show_load("va 0x1000", 0x1000);
    show_load("va 0x2008", 0x2008);
    fault("store via va 0x2000 (stage-2 read-only)", el1_store, 0x2000);
    fault("store via va 0x3000 (unmapped ipa)", el1_store, 0x3000);
    fault("store via va 0x4000 (stage-1 read-only)", el1_store, 0x4000);
    fault("load via va 0x200000 (stage-1 table at unmapped ipa: s1ptw)", el1_load, 0x200000);
    fault("store via va 0x200000 (s1ptw)", el1_store, 0x200000);
    fault("load via va 0x5000 (invalid level-3 entry)", el1_load, 0x5000);

    bare_printf("-- address translation\n");
    show("at s1e1r va 0x1000", at("r", 0x1000));
    show("at s1e1w va 0x4000", at("w", 0x4000));
    show("at s1e0r va 0x1000", at("0", 0x1000));
    show("at s12e1r va 0x1000", at("R", 0x1000));
    show("at s12e1w va 0x2000", at("W", 0x2000));
    show("at s12e1r va 0x3000", at("R", 0x3000));
    show("at s12e1r va 0x200000", printable_par(at("R", 0x200000)));
    show("at s1e1r va 0x200000", printable_par(at("r", 0x200000)));
    show("at s12e1r va 0x5000", at("R", 0x5000));

    bare_printf("-- stage 1, 4 levels (T0SZ 16)\n");
    s1_l0[0] = pa(s1_root) | 3;     // VA 0 - 512 GiB: the 3-level tables above
    s1_l0[0x100] = pa(s1_root) | 3; // VA 0x800000000000: the same tables again
    write_stage1(pa(s1_l0), 16, true);
    show_load("va 0x800000001000", 0x800000001000);
    show_load("va 0x1000", 0x1000);

    bare_printf("-- TLB maintenance after remapping\n");
    write_stage1(pa(s1_root), 25, true);
    show_load("va 0x1000 before", 0x1000);
    s1_l3[1] = pa(pages[3]) | kS1Normal | 3; // IPA = PA of pages[3] (identity at stage 2)
    asm volatile("dsb ish; tlbi vae1, %0; dsb ish; isb" ::"r"(0x1000ull >> 12) : "memory");
    show_load("va 0x1000 after tlbi vae1", 0x1000);
    // Stage 2 remap: IPA 0x10000000 -> pages[2]; TLBI IPAS2E1 then VMALLE1 (D5.10.2).
    s2_l3[0] = pa(pages[2]) | kS2Normal | 3;
    s1_l3[1] = 0x10000000 | kS1Normal | 3;
    asm volatile(
        "dsb ish; tlbi ipas2e1, %0; dsb ish; tlbi vmalle1; dsb ish; isb" ::"r"(0x10000000ull >> 12)
        : "memory");
    show_load("va 0x1000 after ipas2e1 + vmalle1", 0x1000);
    asm volatile("tlbi vmalls12e1; dsb ish; isb" ::: "memory");
    show_load("va 0x1000 after vmalls12e1", 0x1000);

    set_hcr(RW);
    bare_printf("done\n");
}
