// Guest PSCI: vCPU power states map onto the scheduler (CPU_ON = reset + up, CPU_OFF =
// down), SYSTEM_OFF/RESET onto domain shutdown (poweroff / reboot).
#include "vpsci.h"

#include "../../common/domain.h"
#include "../../include/public/sched.h"
#include "psci_fw.h"

namespace hyp::arch {

namespace {
// MPIDR -> vCPU (Aff0 = id % 16, Aff1 = id / 16, as vcpu_init assigns).
Vcpu* vcpu_by_mpidr(Domain* d, uint64_t mpidr) {
    if (mpidr & ~0xffffull) return nullptr;
    const uint64_t aff0 = mpidr & 0xff, aff1 = (mpidr >> 8) & 0xff;
    if (aff0 >= 16) return nullptr;
    const uint64_t id = aff1 * 16 + aff0;
    return id < d->nr_vcpus ? &d->vcpus[id] : nullptr;
}

bool supported(uint32_t fn) {
    using namespace psci_fw;
    switch (fn) {
    case kVersion:
    case kCpuSuspend:
    case kCpuSuspend32:
    case kCpuOff:
    case kCpuOn:
    case kCpuOn32:
    case kAffinityInfo:
    case kAffinityInfo32:
    case kMigrateInfoType:
    case kSystemOff:
    case kSystemReset:
    case kFeatures:
        return true;
    default:
        return false;
    }
}
} // namespace

void vpsci_handle(Vcpu* v, GuestRegs* r) {
    using namespace psci_fw;
    const uint32_t fn = static_cast<uint32_t>(r->x[0]);
    const bool smc32 = (fn & 0x40000000) == 0;
    auto arg = [&](unsigned i) { return smc32 ? (r->x[i] & 0xffffffffull) : r->x[i]; };
    Domain* d = v->domain;
    int64_t ret = kNotSupported;
    switch (fn) {
    case kVersion:
        ret = 0x10000; // 1.0
        break;
    case kFeatures:
        ret = supported(static_cast<uint32_t>(arg(1))) ? kSuccess : kNotSupported;
        break;
    case kCpuOn:
    case kCpuOn32: {
        Vcpu* t = vcpu_by_mpidr(d, arg(1));
        LockGuard g(d->lock); // one CPU_ON at a time wins
        if (!t) {
            ret = kInvalidParameters;
        } else if (!(__atomic_load_n(&t->pause_flags, __ATOMIC_ACQUIRE) & kVpfDown)) {
            ret = kAlreadyOn;
        } else {
            // Just powered off: its old pCPU may not have saved it yet, and that save must
            // not land on top of the new context.
            sched::wait_context_saved(t);
            domain::vcpu_reset(t, arg(2), arg(3));
            domain::vcpu_up(t);
            ret = kSuccess;
        }
        break;
    }
    case kCpuOff:
        domain::vcpu_down(v);
        ret = kSuccess; // not seen: the vCPU only runs again after CPU_ON resets it
        break;
    case kAffinityInfo:
    case kAffinityInfo32: {
        Vcpu* t = arg(2) == 0 ? vcpu_by_mpidr(d, arg(1)) : nullptr;
        if (!t)
            ret = kInvalidParameters;
        else
            ret = (__atomic_load_n(&t->pause_flags, __ATOMIC_ACQUIRE) & kVpfDown) ? 1 : 0;
        break;
    }
    case kCpuSuspend:
    case kCpuSuspend32:
        // Standby: wait for an interrupt like WFI.
        domain::vcpu_block(v);
        ret = kSuccess;
        break;
    case kMigrateInfoType:
        ret = 2; // no Trusted OS that would need migrating
        break;
    case kSystemOff:
        domain::shutdown(d, SHUTDOWN_poweroff);
        ret = kSuccess;
        break;
    case kSystemReset:
        domain::shutdown(d, SHUTDOWN_reboot);
        ret = kSuccess;
        break;
    default:
        ret = kNotSupported;
        break;
    }
    r->x[0] = static_cast<uint64_t>(ret);
}

} // namespace hyp::arch
