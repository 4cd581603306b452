// SGIs across 4 cores started with PSCI CPU_ON: a token ring (each core acknowledges SGI 1
// and passes it on), SGIs pending from several sources at once, and the SGIR target filters.
// Only core 0 prints, after the others have recorded what they saw, so the output does not
// depend on timing. Expected on QEMU and armsim alike (compared by systest.py).
#include "../common/gicv2.h"

using namespace gicv2;

namespace {

constexpr unsigned kCpus = 4;
constexpr unsigned kRounds = 3;
constexpr unsigned kRingSgi = 1, kMultiSgi = 5, kBroadcastSgi = 6, kSelfSgi = 7;

volatile uint32_t ready[kCpus];
volatile uint32_t hops;                     // SGI 1 deliveries so far
volatile uint32_t seen[kCpus][kRounds + 1]; // IAR values of the ring SGI on each core
volatile uint32_t nseen[kCpus];
volatile uint32_t broadcast_iar[kCpus];
volatile uint32_t command; // 1: send SGI 5 to core 0; 2: send SGI 6 to all but self

void sgi(unsigned id, uint32_t filter, uint32_t targets) {
    asm volatile("dsb ish" ::: "memory"); // our writes before the interrupt
    gicd(GICD_SGIR, (filter << 24) | (targets << 16) | id);
}

void cpu_setup() {
    // At EL2 physical IRQs are taken only when routed to EL2 (HCR_EL2.IMO, D1.13.1).
    WRITE_SYSREG(hcr_el2, (1ull << 31) | (1ull << 4));
    set_priority(kRingSgi, 0x80); // SGI priorities are banked: each core sets its own
    set_priority(kBroadcastSgi, 0x80);
    set_priority(kMultiSgi, 0x80);
    set_priority(kSelfSgi, 0x80);
    cpu_interface_on();
}

} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    expect_irq(f, kind);
    const unsigned me = bare::cpu_index();
    const uint32_t iar = gicc(GICC_IAR);
    const unsigned id = iar & 0x3ff;
    if (id == kRingSgi) {
        seen[me][nseen[me]] = iar;
        nseen[me] = nseen[me] + 1;
        const uint32_t n = hops + 1;
        hops = n;
        gicc(GICC_EOIR, iar);
        if (n < kRounds * kCpus) sgi(kRingSgi, 0, 1u << ((me + 1) % kCpus));
    } else if (id == kBroadcastSgi) {
        gicc(GICC_EOIR, iar);
        broadcast_iar[me] = iar;
    } else if (id != 1023) {
        gicc(GICC_EOIR, iar);
    }
}

extern "C" void bare_secondary_main(uint64_t cpu) {
    cpu_setup();
    irq_enable();
    ready[cpu] = 1;
    uint32_t done = 0;
    for (;;) {
        asm volatile("wfe" ::: "memory");
        const uint32_t c = command;
        if (c == done) continue;
        done = c;
        if (c == 1) {
            sgi(kMultiSgi, 0, 1u << 0);
        } else if (c == 2 && cpu == 2) {
            sgi(kBroadcastSgi, 1, 0);
        }
        ready[cpu] = c + 1;
    }
}

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    gicd(GICD_CTLR, 1);
    cpu_setup();
    for (unsigned c = 1; c < kCpus; ++c) {
        const int64_t r = bare::psci_cpu_on(c, reinterpret_cast<uint64_t>(bare_secondary_entry), c);
        while (!ready[c])
            ;
        bare_printf("cpu %u on: %ld\n", c, static_cast<long>(r));
    }

    // The ring: core 0 starts it; it comes back to core 0 after each round.
    sgi(kRingSgi, 0, 1u << 1);
    wait_until([] { return hops == kRounds * kCpus; });
    for (unsigned c = 0; c < kCpus; ++c) {
        bare_printf("cpu %u got:", c);
        for (unsigned i = 0; i < nseen[c]; ++i)
            bare_printf(" %u/%u", seen[c][i] & 0x3ff, (seen[c][i] >> 10) & 7);
        bare_printf("\n");
    }

    // SGI 5 from cores 1, 2 and 3 while core 0 has interrupts masked: pending per source.
    command = 1;
    asm volatile("dsb ish; sev" ::: "memory");
    for (unsigned c = 1; c < kCpus; ++c)
        while (ready[c] != 2)
            ;
    bare_printf("SPENDSGIR1 %08x ISPENDR0 %08x\n", gicd(GICD_SPENDSGIR + 4), gicd(GICD_ISPENDR));
    for (;;) {
        const uint32_t iar = gicc(GICC_IAR);
        if ((iar & 0x3ff) == 1023) break;
        bare_printf("ack %u from cpu %u, still pending %u\n", iar & 0x3ff, (iar >> 10) & 7,
                    pending(kMultiSgi));
        gicc(GICC_EOIR, iar);
    }

    // Filter 1 from core 2: everyone but core 2 gets SGI 6.
    command = 2;
    asm volatile("dsb ish; sev" ::: "memory");
    for (unsigned c = 1; c < kCpus; ++c)
        while (ready[c] != 3)
            ;
    const uint32_t iar = gicc(GICC_IAR);
    bare_printf("core 0 acks %u from cpu %u\n", iar & 0x3ff, (iar >> 10) & 7);
    gicc(GICC_EOIR, iar);
    while (!broadcast_iar[1] || !broadcast_iar[3])
        ;
    for (unsigned c = 1; c < kCpus; ++c)
        bare_printf("core %u: %x\n", c, broadcast_iar[c]);

    // Filter 2: to self only.
    sgi(kSelfSgi, 2, 0xe);
    const uint32_t self = gicc(GICC_IAR);
    bare_printf("self: %u from cpu %u\n", self & 0x3ff, (self >> 10) & 7);
    gicc(GICC_EOIR, self);
    bare_printf("IAR now %u\n", gicc(GICC_IAR) & 0x3ff);
}
