// FP/SIMD state survives vCPU switches: several vCPUs fill the 32 vector registers with
// their own pattern, give their pCPU away many times, and check every register. Only when
// the CPU has FP/SIMD (ID_AA64PFR0_EL1.FP); armsim does not model it yet.
#include "../../../hypervisor/include/public/hyp_test.h"
#include "../../../hypervisor/include/public/sched.h"
#include "suites.h"

#include <bare/bare.h>

using namespace xt;

namespace {
volatile unsigned g_ok[8], g_done[8];

bool has_fp() {
    uint64_t pfr0;
    asm volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
    return ((pfr0 >> 16) & 0xf) != 0xf;
}

// Fills v0..v31 with (seed + i) in both halves, yields, and checks them (assembly: the
// images are built with -mgeneral-regs-only).
bool fp_round(uint64_t seed) {
    uint64_t bad = 0;
    asm volatile(
        ".arch_extension fp\n .arch_extension simd\n"
        "mov x9, %[seed]\n"
        ".irp "
        "n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "add x10, x9, #\\n\n fmov d\\n, x10\n mov v\\n\\().d[1], x10\n .endr\n"
        "mov x16, #29\n mov x0, #0\n mov x1, #0\n hvc #0xea1\n" // sched_op(yield)
        "mov %[bad], #0\n"
        ".irp "
        "n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "add x10, x9, #\\n\n fmov x11, d\\n\n mov x12, v\\n\\().d[1]\n"
        "cmp x10, x11\n cinc %[bad], %[bad], ne\n cmp x10, x12\n cinc %[bad], %[bad], ne\n .endr\n"
        : [bad] "=&r"(bad)
        : [seed] "r"(seed)
        : "x0", "x1", "x9", "x10", "x11", "x12", "x16", "memory", "cc");
    return bad == 0;
}

void worker(unsigned cpu) {
    asm volatile("msr cpacr_el1, %0\n isb" ::"r"(3ull << 20)); // FPEN: no traps
    unsigned ok = 0;
    for (unsigned i = 0; i < 40; ++i)
        ok += fp_round((uint64_t(cpu) << 32) | (i << 8));
    g_ok[cpu] = ok;
    g_done[cpu] = 1;
}
} // namespace

void suites::fpsimd(unsigned vcpus) {
    if (!has_fp()) {
        printf("fpsimd: the CPU has no FP/SIMD: nothing to switch\n");
        return;
    }
    for (unsigned c = 1; c < vcpus; ++c)
        if (const int64_t r = cpu_on(c, worker)) printf("fpsimd: CPU_ON of vCPU %u: %ld\n", c, r);
    worker(0);
    const uint64_t end = counter() + 20 * counter_hz(); // QEMU on a busy host
    for (unsigned c = 1; c < vcpus; ++c)
        while (!g_done[c] && counter() < end)
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    for (unsigned c = 0; c < vcpus; ++c)
        if (!g_done[c]) {
            hypercall(__HYPERVISOR_hyp_test, HYP_TEST_debug_dump); // with test hooks
            break;
        }
    for (unsigned c = 0; c < vcpus; ++c) {
        char name[32];
        bare_snprintf(name, sizeof name, "fpsimd.vcpu%u", c);
        check(g_done[c] && g_ok[c] == 40, name, "done=%u ok=%u", g_done[c], g_ok[c]);
    }
}
