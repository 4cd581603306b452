// Helpers for the CPU system-test images: running code at EL1 or EL0 from EL2, recording the
// exceptions it takes, and printing results.
//
// Exceptions: the image's bare_exception() records the last exception (EL taken to, vector
// kind, ESR, FAR, ELR, SPSR, HPFAR) and resumes after the faulting instruction, or at the
// address given to resume_at(). SVC/HVC/SMC already return past themselves.
#pragma once

#include <bare/bare.h>

namespace cputest {

struct Exc {
    bool taken;
    unsigned el;   // EL the exception was taken to
    unsigned kind; // 0 sync, 1 irq, 2 fiq, 3 serror; +4 from a lower EL
    uint64_t esr, far, elr, spsr, hpfar;
    unsigned ec() const { return static_cast<unsigned>(esr >> 26); }
    uint32_t iss() const { return static_cast<uint32_t>(esr & 0x1ffffff); }
};
extern Exc last;
void clear();
// The next exception resumes at `addr` instead of after the faulting instruction.
void resume_at(uint64_t addr);
// Runs fn at EL1 (EL1h, interrupts masked) or EL0 (EL0t) and returns to EL2 when it
// returns. EL1 exceptions go to bare_vectors (VBAR_EL1 is set); HCR_EL2 is not changed
// (RW is set). fn must not use the FP registers.
void run_el1(void (*fn)());
void run_el0(void (*fn)());
// clear(), then runs fn with x0 = x0 (the test sequences take their operand there) at EL2
// (el == 2, as a plain call) or at EL1/EL0 with HCR_EL2 = RW | hcr_extra meanwhile (RW
// after). Returns x0 as fn left it. fn may clobber the caller-saved registers.
uint64_t run_with_x0(unsigned el, void (*fn)(), uint64_t x0 = 0, uint64_t hcr_extra = 0);

// Output lines, "name: ..." -- QEMU and armsim must print the same.
void show(const char* name, uint64_t v);
// Prints the last exception: EL, kind, EC, ISS, ELR relative to `base`, and (for aborts)
// FAR and HPFAR. "none" when nothing was taken.
void show_exc(const char* name, const void* base, bool far = false, bool hpfar = false);
// Checks with hand-derived expectations (for behaviour QEMU does not model exactly):
// silent when they hold, "FAIL ..." otherwise; summary() prints the count.
void check(const char* name, uint64_t got, uint64_t want);
void summary(const char* image);

inline uint64_t hcr() {
    uint64_t v;
    asm volatile("mrs %0, hcr_el2" : "=r"(v));
    return v;
}
inline void set_hcr(uint64_t v) {
    asm volatile("msr hcr_el2, %0; isb" ::"r"(v));
}

} // namespace cputest
