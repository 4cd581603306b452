// Exceptions taken to EL1: IRQs go to the GIC driver; a fault inside probe_read() is
// reported to its caller; anything else is a bug and panics with the syndrome.
#include "internal.h"

extern "C" {
// arch/probe.S: x0 = address -> x0 = value, x1 = 0; the load is at minios_probe_insn.
struct ProbeResult {
    uint64_t value;
    uint64_t faulted;
};
ProbeResult minios_probe_read64(const volatile void* p);
extern char minios_probe_insn[];
}

namespace minios {
namespace {

const char* ec_name(unsigned ec) {
    switch (ec) {
    case 0x00:
        return "unknown/undefined instruction";
    case 0x01:
        return "WFI/WFE trap";
    case 0x07:
        return "FP/SIMD access";
    case 0x15:
        return "SVC";
    case 0x16:
        return "HVC";
    case 0x17:
        return "SMC";
    case 0x18:
        return "system register trap";
    case 0x20:
    case 0x21:
        return "instruction abort";
    case 0x22:
        return "PC alignment";
    case 0x24:
    case 0x25:
        return "data abort";
    case 0x26:
        return "SP alignment";
    case 0x3c:
        return "BRK";
    default:
        return "other";
    }
}

} // namespace

bool probe_read(const volatile void* p, uint64_t* value) {
    const ProbeResult r = minios_probe_read64(p);
    if (r.faulted) return false;
    *value = r.value;
    return true;
}

extern "C" void minios_exception(Frame* f, uint64_t kind) {
    if (kind == 1) {
        gic_handle_irq();
        return;
    }
    const unsigned ec = static_cast<unsigned>(f->esr >> 26) & 0x3f;
    if (kind == 0 && (ec == 0x24 || ec == 0x25) &&
        f->elr == reinterpret_cast<uint64_t>(minios_probe_insn)) {
        f->x[1] = 1; // faulted
        f->elr += 4;
        return;
    }
    static const char* const kKinds[] = {"synchronous", "IRQ", "FIQ", "SError", "lower-EL"};
    panic("%s exception: %s (ESR 0x%lx) at ELR 0x%lx, FAR 0x%lx, thread %s",
          kKinds[kind < 5 ? kind : 4], ec_name(ec), f->esr, f->elr, f->far,
          thread_name(current_thread()));
}

} // namespace minios
