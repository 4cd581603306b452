#include "psci.h"

#include "models/trace/trace.h"

namespace armsim::psci {

namespace {
const char* name_of(uint32_t fn) {
    switch (fn) {
    case PSCI_VERSION:
        return "PSCI_VERSION";
    case CPU_SUSPEND:
        return "CPU_SUSPEND";
    case CPU_OFF:
        return "CPU_OFF";
    case CPU_ON:
        return "CPU_ON";
    case AFFINITY_INFO:
        return "AFFINITY_INFO";
    case MIGRATE:
        return "MIGRATE";
    case MIGRATE_INFO_TYPE:
        return "MIGRATE_INFO_TYPE";
    case MIGRATE_INFO_UP_CPU:
        return "MIGRATE_INFO_UP_CPU";
    case SYSTEM_OFF:
        return "SYSTEM_OFF";
    case SYSTEM_RESET:
        return "SYSTEM_RESET";
    case PSCI_FEATURES:
        return "PSCI_FEATURES";
    default:
        return "PSCI (unknown function)";
    }
}
} // namespace

Psci::Psci(const std::vector<cpu::Core*>& cores, Hooks hooks)
    : cores_(cores), hooks_(std::move(hooks)) {}

cpu::Core* Psci::by_mpidr(uint64_t mpidr) const {
    const uint64_t aff = mpidr & 0xff00ffffffull; // Aff3..Aff0
    for (cpu::Core* c : cores_)
        if ((c->config().mpidr & 0xff00ffffffull) == aff) return c;
    return nullptr;
}

int64_t Psci::cpu_on(cpu::Core& caller, uint64_t mpidr, uint64_t entry, uint64_t context) {
    cpu::Core* target = by_mpidr(mpidr);
    if (!target) return INVALID_PARAMETERS;
    if (target->powered()) return ALREADY_ON;
    if (entry & 3) return INVALID_ADDRESS;
    // The target starts in the caller's exception level (DEN 0022D 5.6), AArch64, MMU off.
    target->power_on(entry, caller.st.el, context);
    return SUCCESS;
}

int64_t Psci::affinity_info(uint64_t mpidr, uint64_t level) {
    if (level != 0) return INVALID_PARAMETERS; // only level 0 (a single core) is supported (5.8)
    cpu::Core* target = by_mpidr(mpidr);
    if (!target) return INVALID_PARAMETERS;
    return target->powered() ? 0 /* ON */ : 1 /* OFF */;
}

bool Psci::call(cpu::Core& c, bool, uint16_t imm16) {
    if (imm16 != 0) return false; // SMCCC: the immediate is 0 for firmware calls
    const uint64_t x0 = c.st.x[0];
    uint32_t fn = static_cast<uint32_t>(x0);
    const bool smc64 = fn & kSmc64;
    // Only PSCI function IDs are firmware calls; anything else is UNDEFINED on this board,
    // as it is on QEMU's virt without EL3.
    if ((fn & ~kSmc64 & 0xffffffe0u) != 0x84000000u) return false;
    fn &= ~kSmc64;
    auto arg = [&](unsigned i) { return smc64 ? c.st.x[i] : static_cast<uint32_t>(c.st.x[i]); };
    if (hooks_.trace) hooks_.trace("psci", c, x0, c.st.x[1], c.st.x[2], c.st.x[3]);
    int64_t ret;
    switch (fn) {
    case PSCI_VERSION:
        ret = 0x00010000; // 1.0
        break;
    case CPU_SUSPEND:
        // Every power state is treated as standby: the core waits for an interrupt and
        // returns SUCCESS, which DEN 0022D 5.4.2 permits for powerdown requests too.
        c.standby();
        ret = SUCCESS;
        break;
    case CPU_OFF:
        c.power_off();
        ret = SUCCESS; // never seen by the caller
        break;
    case CPU_ON:
        ret = cpu_on(c, arg(1), arg(2), arg(3));
        break;
    case AFFINITY_INFO:
        ret = affinity_info(arg(1), arg(2));
        break;
    case MIGRATE:
    case MIGRATE_INFO_UP_CPU:
        ret = NOT_SUPPORTED;
        break;
    case MIGRATE_INFO_TYPE:
        ret = 2; // no Trusted OS: migration not required
        break;
    case SYSTEM_OFF:
        if (hooks_.system_off) hooks_.system_off();
        ret = SUCCESS;
        break;
    case SYSTEM_RESET:
        if (hooks_.system_reset) hooks_.system_reset();
        ret = SUCCESS;
        break;
    case PSCI_FEATURES: {
        const uint32_t q = static_cast<uint32_t>(c.st.x[1]) & ~kSmc64;
        switch (q) {
        case PSCI_VERSION:
        case CPU_OFF:
        case CPU_ON:
        case AFFINITY_INFO:
        case MIGRATE_INFO_TYPE:
        case SYSTEM_OFF:
        case SYSTEM_RESET:
        case PSCI_FEATURES:
            ret = SUCCESS;
            break;
        case CPU_SUSPEND:
            ret = 0; // original power_state format, no OS-initiated mode
            break;
        default:
            ret = NOT_SUPPORTED;
        }
        break;
    }
    default:
        ret = NOT_SUPPORTED;
    }
    c.st.x[0] = static_cast<uint64_t>(ret);
    if (auto* t = trace::sink())
        t->instant(c.now().value(), c.name(), "psci", name_of(fn),
                   {{"x1", c.st.x[1]},
                    {"x2", c.st.x[2]},
                    {"x3", c.st.x[3]},
                    {"ret", static_cast<uint64_t>(ret)}});
    return true;
}

} // namespace armsim::psci
