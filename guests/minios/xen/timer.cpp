// Timeouts under Xen: VIRQ_TIMER, armed with VCPUOP_set_singleshot_timer or set_timer_op
// (absolute Xen system time). Hypervisors without either (upstream Xen on Arm has neither)
// keep the architected virtual timer through the vGIC.
#include "xen_internal.h"

namespace minios::xen {
namespace {

enum class Arm { SingleShot, SetTimerOp };
Arm how = Arm::SingleShot;
evtchn_port_t virq_port = 0;

void program(uint64_t deadline_ns) {
    if (!deadline_ns) {
        if (how == Arm::SingleShot)
            hypercall(__HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0);
        else
            hypercall(__HYPERVISOR_set_timer_op, 0);
        return;
    }
    // Deadlines are in our counter's time: convert through "now" on both clocks.
    const uint64_t now = now_ns();
    const uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
    const uint64_t abs = system_time_ns() + delta + 1;
    if (how == Arm::SingleShot) {
        vcpu_set_singleshot_timer_t t{};
        t.timeout_abs_ns = abs;
        t.flags = 0; // a deadline already past fires at once
        hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0,
                  reinterpret_cast<uint64_t>(&t));
    } else {
        hypercall(__HYPERVISOR_set_timer_op, abs);
    }
}

void on_virq(evtchn_port_t, void*) {
    sched_on_timer();
}

const TimerBackend virq_backend = {"xen-virq-timer", program};

} // namespace

void timer_init_virq() {
    // Probe with a harmless request: stopping a timer that is not running.
    if (hypercall(__HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0) == 0)
        how = Arm::SingleShot;
    else if (hypercall(__HYPERVISOR_set_timer_op, 0) == 0)
        how = Arm::SetTimerOp;
    else
        return; // keep the virtual timer
    if (bind_virq(VIRQ_TIMER, on_virq, nullptr, &virq_port) != 0) return;
    timer_set_backend(&virq_backend);
}

} // namespace minios::xen
