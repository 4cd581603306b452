// domU1 of the dom0less scenario (4 vCPUs on a 4-pCPU machine shared with 5 other vCPUs):
// virtual timers across deschedules, FP/SIMD across switches, PSCI, the PV console ring.
#include "suites.h"

void xt::main() {
    printf("domU1: %u vCPUs\n", nr_cpus());
    suites::vtimer(nr_cpus());
    suites::fpsimd(nr_cpus());
    suites::pv_console();
    finish("domU1");
}
