// Virtual timer and emulated physical timer (see vtimer.h). Timer semantics: ARM DDI 0487
// D11.2 (CTL.ENABLE/IMASK/ISTATUS, CVAL, TVAL as a signed 32-bit down-counter).
#include "vtimer.h"

#include "../../common/arch.h"
#include "../../common/domain.h"
#include "../../common/percpu.h"
#include "gic.h"
#include "sysreg.h"

namespace hyp::arch {

namespace {

void wake_fn(void* data) {
    domain::vcpu_unblock(static_cast<Vcpu*>(data));
}

void ptimer_fn(void* data) {
    auto* v = static_cast<Vcpu*>(data);
    PtimerState& t = v->arch.ptimer;
    if ((t.ctl & reg::kCntCtlEnable) && !(t.ctl & reg::kCntCtlImask))
        vgic::inject_private(v, kPpiPhysTimer);
}

void ptimer_arm(Vcpu* v) {
    PtimerState& t = v->arch.ptimer;
    timer_stop(&t.timer);
    if ((t.ctl & reg::kCntCtlEnable) && !(t.ctl & reg::kCntCtlImask))
        timer_set(&t.timer, t.cval, v->sched.processor);
}

} // namespace

void vtimer_init(Vcpu* v) {
    timer_init(&v->arch.vtimer_wake, wake_fn, v);
    timer_init(&v->arch.ptimer.timer, ptimer_fn, v);
    // The timer interrupt is forwarded from hardware: the virtual PPI 27 is tied to the
    // physical PPI 27 of whichever pCPU runs the vCPU.
    VIrq* irq = vgic::irq_of(v, kPpiVirtTimer);
    irq->hw = true;
    irq->hwintid = kPpiVirtTimer;
}

void vtimer_save(Vcpu* v) {
    v->arch.vtimer.ctl = sysreg::read_cntv_ctl_el0();
    v->arch.vtimer.cval = sysreg::read_cntv_cval_el0();
    sysreg::write_cntv_ctl_el0(0);
    sysreg::isb();
    // The physical PPI 27 of this pCPU must be free for the next vCPU.
    if (vgic::irq_in_flight(v, kPpiVirtTimer)) gic::set_active(kPpiVirtTimer, false);
}

void vtimer_restore(Vcpu* v) {
    timer_stop(&v->arch.vtimer_wake);
    if (vgic::irq_in_flight(v, kPpiVirtTimer))
        gic::set_active(kPpiVirtTimer, true); // deactivated by the guest's EOI (LR HW bit)
    sysreg::write_cntvoff_el2(v->domain->cntvoff);
    sysreg::write_cntv_cval_el0(v->arch.vtimer.cval);
    sysreg::write_cntv_ctl_el0(v->arch.vtimer.ctl & (reg::kCntCtlEnable | reg::kCntCtlImask));
    sysreg::isb();
}

void vtimer_descheduled(Vcpu* v) {
    const VtimerState& t = v->arch.vtimer;
    if ((t.ctl & reg::kCntCtlEnable) && !(t.ctl & reg::kCntCtlImask) &&
        !vgic::irq_in_flight(v, kPpiVirtTimer))
        timer_set(&v->arch.vtimer_wake, t.cval + v->domain->cntvoff, arch::cpu_id());
}

bool vtimer_pending(Vcpu* v) {
    if (v != current()) return false;
    const uint64_t ctl = sysreg::read_cntv_ctl_el0();
    return (ctl & reg::kCntCtlEnable) && !(ctl & reg::kCntCtlImask) &&
           (ctl & reg::kCntCtlIstatus) && !vgic::irq_in_flight(v, kPpiVirtTimer);
}

void vtimer_irq(uint32_t iar) {
    Vcpu* v = current();
    gic::eoi(iar); // priority drop only: the guest's EOI deactivates it (HW bit)
    if (v->is_idle) {
        // Cannot happen while the timer is disabled for idle; never give it to idle.
        gic::deactivate(iar);
        return;
    }
    vgic::inject_hw(v, kPpiVirtTimer, kPpiVirtTimer);
}

bool ptimer_access(Vcpu* v, unsigned r, bool read, uint64_t* value) {
    PtimerState& t = v->arch.ptimer;
    const uint64_t now = arch::now(); // CNTPOFF is zero: physical count
    switch (r) {
    case kPtimerCtl:
        if (read) {
            const bool met = now >= t.cval;
            *value = (t.ctl & (reg::kCntCtlEnable | reg::kCntCtlImask)) |
                     ((t.ctl & reg::kCntCtlEnable) && met ? reg::kCntCtlIstatus : 0);
        } else {
            t.ctl = *value & (reg::kCntCtlEnable | reg::kCntCtlImask);
            ptimer_arm(v);
        }
        return true;
    case kPtimerCval:
        if (read) {
            *value = t.cval;
        } else {
            t.cval = *value;
            ptimer_arm(v);
        }
        return true;
    case kPtimerTval:
        if (read) {
            *value = static_cast<uint32_t>(t.cval - now);
        } else {
            t.cval =
                now + static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(*value)));
            ptimer_arm(v);
        }
        return true;
    default:
        return false;
    }
}

} // namespace hyp::arch
