#include "cputest.h"

extern "C" {
void cputest_run_lower(void (*fn)(), uint64_t spsr, uint64_t sp_lower);
extern char cputest_el2_return[];
}

namespace cputest {

Exc last;
namespace {
uint64_t resume_addr = 0;
unsigned checks = 0, failures = 0;
alignas(16) uint8_t el1_stack[8192];
alignas(16) uint8_t el0_stack[8192];

void (*g_fn)();
uint64_t g_x0;
// Calls g_fn with x0 = g_x0 and keeps the x0 it returns in g_x0. The sequences are
// functions: they may clobber every caller-saved register (AAPCS64: x0..x17, x30), and
// some do (t_mrs_ctr writes x6).
void call_with_x0() {
    register uint64_t x0 asm("x0") = g_x0;
    asm volatile("blr %1"
                 : "+r"(x0)
                 : "r"(g_fn)
                 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
                   "x14", "x15", "x16", "x17", "x30", "memory");
    g_x0 = x0;
}
} // namespace

void clear() {
    last = Exc{};
}
void resume_at(uint64_t addr) {
    resume_addr = addr;
}

void run_el1(void (*fn)()) {
    asm volatile("msr vbar_el1, %0; msr tpidr_el1, xzr" ::"r"(bare_vectors));
    set_hcr(hcr() | (1ull << 31));
    cputest_run_lower(fn, 0x3c5, reinterpret_cast<uint64_t>(el1_stack + sizeof el1_stack));
}

void run_el0(void (*fn)()) {
    asm volatile("msr vbar_el1, %0; msr tpidr_el1, xzr" ::"r"(bare_vectors));
    asm volatile("msr sp_el1, %0" ::"r"(el1_stack + sizeof el1_stack));
    set_hcr(hcr() | (1ull << 31));
    cputest_run_lower(fn, 0x3c0, reinterpret_cast<uint64_t>(el0_stack + sizeof el0_stack));
}

uint64_t run_with_x0(unsigned el, void (*fn)(), uint64_t x0, uint64_t hcr_extra) {
    clear();
    g_fn = fn;
    g_x0 = x0;
    if (el == 2) {
        call_with_x0();
        return g_x0;
    }
    constexpr uint64_t kRw = 1ull << 31;
    set_hcr(kRw | hcr_extra);
    if (el == 1)
        run_el1(call_with_x0);
    else
        run_el0(call_with_x0);
    set_hcr(kRw);
    return g_x0;
}

void show(const char* name, uint64_t v) {
    bare_printf("%s: %lx\n", name, v);
}

void show_exc(const char* name, const void* base, bool far, bool hpfar) {
    if (!last.taken) {
        bare_printf("%s: none\n", name);
        return;
    }
    const int64_t off = static_cast<int64_t>(last.elr - reinterpret_cast<uint64_t>(base));
    uint32_t iss = last.iss();
    // ISS[24:14] (ISV and the instruction syndrome) only for aborts from a lower EL to EL2:
    // QEMU also sets ISV for aborts taken to EL2 from EL2, where the ARM ARM (D13.2.37,
    // ISV) has it 0. cpu_arch checks that case on armsim.
    const bool abort = last.ec() >= 0x20 && last.ec() <= 0x25;
    if (abort && !(last.el == 2 && last.kind >= 4)) iss &= 0x3fff;
    bare_printf("%s: el%u kind %u ec %02x iss %07x elr %c%lx spsr %lx", name, last.el, last.kind,
                last.ec(), iss, off < 0 ? '-' : '+', off < 0 ? -off : off, last.spsr);
    if (far) bare_printf(" far %lx", last.far);
    if (hpfar) bare_printf(" hpfar %lx", last.hpfar);
    bare_printf("\n");
}

void check(const char* name, uint64_t got, uint64_t want) {
    ++checks;
    if (got != want) {
        ++failures;
        bare_printf("FAIL %s: got %lx, want %lx\n", name, got, want);
    }
}

void summary(const char* image) {
    if (failures)
        bare_printf("%s: %u of %u checks failed\n", image, failures, checks);
    else
        bare_printf("%s: %u checks passed\n", image, checks);
}

} // namespace cputest

using cputest::last;

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    const unsigned el = bare::current_el();
    const unsigned ec = static_cast<unsigned>(f->esr >> 26);
    const uint32_t imm = f->esr & 0xffff;
    // The end of run_el1 / run_el0.
    // (SVC from EL0 reaches EL2 directly when HCR_EL2.TGE is set.)
    if (el == 2 && kind == 4 && (ec == 0x16 || ec == 0x15) && imm == 0xffff) {
        f->elr = reinterpret_cast<uint64_t>(cputest_el2_return);
        f->spsr = 0x3c9;
        return;
    }
    if (el == 1 && kind == 4 && ec == 0x15 && imm == 0xffff) {
        asm volatile("hvc #0xffff"); // never returns here
    }
    last.taken = true;
    last.el = el;
    last.kind = static_cast<unsigned>(kind);
    last.esr = f->esr;
    last.far = f->far;
    last.elr = f->elr;
    last.spsr = f->spsr;
    last.hpfar = 0;
    if (el == 2) asm volatile("mrs %0, hpfar_el2" : "=r"(last.hpfar));
    if (ec == 0x0e)
        f->spsr &= ~(1ull << 20); // an illegal-state exception: return with PSTATE.IL clear
    if ((kind & 3) == 1)
        f->spsr |= 0x80; // IRQ: return with it masked, the source may still be pending
    else if ((kind & 3) == 2)
        f->spsr |= 0x40; // FIQ
    else if ((kind & 3) == 3)
        f->spsr |= 0x100; // SError
    if (cputest::resume_addr) {
        f->elr = cputest::resume_addr;
        cputest::resume_addr = 0;
    } else if ((kind & 3) == 0 && (ec == 0x20 || ec == 0x21)) {
        f->elr = f->x[30]; // an instruction abort: back to whoever branched there
    } else if ((kind & 3) == 0 && ec != 0x15 && ec != 0x16 && !(ec == 0x17 && el != 2)) {
        f->elr += 4; // SVC, HVC (and an untrapped SMC) already return past themselves
    }
}
