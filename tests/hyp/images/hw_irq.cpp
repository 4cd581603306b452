// A physical SPI forwarded to dom0 with the list-register HW bit: the guest's EOI through
// its virtual CPU interface deactivates the physical interrupt (IHI 0048B 5.2.1). Needs the
// hypervisor's "testhooks" to pend the physical interrupt.
#include "../../../hypervisor/include/public/hyp_test.h"
#include "suites.h"

using namespace xt;

namespace {
constexpr unsigned kSpi = 80;
volatile int64_t g_state_in_handler = -1;
volatile unsigned g_count = 0;

int64_t phys_state(unsigned intid) {
    return hypercall(__HYPERVISOR_hyp_test, HYP_TEST_phys_irq_state, intid);
}

void handler(uint32_t) {
    g_state_in_handler = phys_state(kSpi);
    g_count = g_count + 1;
}
} // namespace

void suites::hw_irq() {
    if (hypercall(__HYPERVISOR_hyp_test, HYP_TEST_current_pcpu) < 0) {
        check(false, "hw.testhooks", "the hypervisor was not started with testhooks");
        return;
    }
    gic_init_cpu();
    set_irq_handler(kSpi, handler);
    // Edge-triggered, so the software pend is consumed by the acknowledge.
    const uint32_t cfg = gicd_read(0xc00 + 4 * (kSpi / 16));
    gicd_write(0xc00 + 4 * (kSpi / 16), cfg | (2u << (2 * (kSpi % 16))));
    gic_enable(kSpi);
    irq_enable();
    const int64_t r = hypercall(__HYPERVISOR_hyp_test, HYP_TEST_pend_phys_irq, kSpi);
    check(r == 0, "hw.pend_physical", "%ld", r);
    const uint64_t end = counter() + counter_hz() / 10;
    (void)end;
    wait_until([] { return g_count != 0; });
    check(g_count == 1, "hw.delivered", "count %u", g_count);
    check(g_state_in_handler == 2, "hw.physical_active_in_handler", "state %ld",
          g_state_in_handler);
    check(phys_state(kSpi) == 0, "hw.deactivated_by_guest_eoi", "state %ld", phys_state(kSpi));
    check(hypercall(__HYPERVISOR_hyp_test, HYP_TEST_pend_phys_irq, 33) != 0,
          "hw.pend_foreign_refused");
    irq_disable();
}
