// A sweep of the distributor and CPU interface registers on 2 cores, compared with QEMU:
// write patterns, read them back (SPI state, banked SGI/PPI state seen from the other core,
// SGI source bits), then priorities, preemption and running priority, the group 1 and FIQ
// rules and the split EOI. Values stay inside what GIC-400 and QEMU's GIC both implement
// (priorities are multiples of 8, binary points are set explicitly).
#include "../common/gicv2.h"

using namespace gicv2;

namespace {

volatile unsigned core1_step, core1_done;
volatile uint32_t core1_seen[8];
volatile uint32_t fiq_id;

uint32_t checksum;
void show(const char* what, uint32_t v) {
    bare_printf("%s: %08x\n", what, v);
    checksum = checksum * 31 + v;
}

// Pattern writes and read-back of one bitmap register family for the SPIs (words 1..8).
void sweep(const char* name, uint32_t set, uint32_t clear) {
    uint32_t h = 0;
    for (unsigned n = 1; n < 9; ++n) {
        gicd(set + 4 * n, 0xa5a5a5a5u ^ n);
        h = h * 131 + gicd(set + 4 * n);
        if (clear) {
            gicd(clear + 4 * n, 0x0f0f0f0fu);
            h = h * 131 + gicd(set + 4 * n);
            gicd(clear + 4 * n, 0xffffffffu);
            h = h * 131 + gicd(clear + 4 * n);
        }
    }
    show(name, h);
}

void spi(unsigned id, uint8_t prio) {
    enable(id, prio);
    *reinterpret_cast<volatile uint8_t*>(kGicd + GICD_ITARGETSR + id) = 1;
}
void pend(unsigned id) {
    gicd(GICD_ISPENDR + 4 * (id / 32), 1u << (id % 32));
}

} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    if (kind == 2) { // FIQ at EL2
        const uint32_t iar = gicc(GICC_IAR);
        gicc(GICC_EOIR, iar);
        fiq_id = iar;
        return;
    }
    bare_printf("unexpected exception %u esr %lx\n", unsigned(kind), f->esr);
    bare_power_off();
}

extern "C" void bare_secondary_main(uint64_t) {
    // Core 1: its banked view of what core 0 wrote to its own banked registers.
    while (core1_step != 1)
        asm volatile("wfe" ::: "memory");
    core1_seen[0] = gicd(GICD_IGROUPR);
    core1_seen[1] = gicd(GICD_ISENABLER);
    core1_seen[2] = gicd(GICD_IPRIORITYR + 24);
    core1_seen[3] = gicd(GICD_ITARGETSR + 28);
    core1_seen[4] = gicd(GICD_SPENDSGIR);
    // Its own banked writes.
    gicd(GICD_IGROUPR, 0x00ff00ffu);
    gicd(GICD_IPRIORITYR + 24, 0x10203040u);
    core1_seen[5] = gicd(GICD_IGROUPR);
    core1_seen[6] = gicd(GICD_IPRIORITYR + 24);
    core1_seen[7] = gicd(GICD_ITARGETSR + 32 + 8); // an SPI target, shared
    asm volatile("dsb sy" ::: "memory");
    core1_done = 1;
    asm volatile("sev" ::: "memory");
    for (;;)
        wfi();
}

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    bare::psci_cpu_on(1, reinterpret_cast<uint64_t>(bare_secondary_entry), 1);

    show("GICD_TYPER", gicd(0x004));
    show("GICD_CTLR (write 3)", (gicd(GICD_CTLR, 3), gicd(GICD_CTLR)));
    sweep("IGROUPR sweep", GICD_IGROUPR, 0);
    sweep("ISENABLER/ICENABLER sweep", GICD_ISENABLER, 0x180);
    for (unsigned id = 32; id < 288; id += 4) // targets first: pending goes to targets
        gicd(GICD_ITARGETSR + id, 0x01010101);
    sweep("ISPENDR/ICPENDR sweep", GICD_ISPENDR, GICD_ICPENDR);
    sweep("ISACTIVER/ICACTIVER sweep", GICD_ISACTIVER, 0x380);
    uint32_t h = 0;
    for (unsigned id = 32; id < 288; id += 4) {
        gicd(GICD_IPRIORITYR + id, (id * 0x01030507u) & 0xf8f8f8f8u);
        h = h * 131 + gicd(GICD_IPRIORITYR + id);
    }
    show("IPRIORITYR sweep", h);
    h = 0;
    for (unsigned id = 32; id < 288; id += 4) {
        // Only bits of CPU interfaces that exist: the others are RAZ/WI (IHI 0048B 4.3.12);
        // QEMU keeps all 8.
        gicd(GICD_ITARGETSR + id, (0x03020100u + id) & 0x03030303u);
        h = h * 131 + gicd(GICD_ITARGETSR + id);
    }
    show("ITARGETSR sweep", h);
    h = 0;
    for (unsigned n = 2; n < 18; ++n) {
        gicd(0xc00 + 4 * n, 0xffffffffu);
        h = h * 131 + gicd(0xc00 + 4 * n);
        gicd(0xc00 + 4 * n, 0x5a5a5a5au);
        h = h * 131 + gicd(0xc00 + 4 * n);
    }
    show("ICFGR sweep (SPIs)", h);
    for (unsigned n = 2; n < 18; ++n)
        gicd(0xc00 + 4 * n, 0);

    // Banked registers: core 0 writes its own; core 1 must not see them.
    gicd(GICD_IGROUPR, 0xffff0000u);
    gicd(GICD_ISENABLER, 1u << 27);
    gicd(GICD_IPRIORITYR + 24, 0x80808080u);
    gicd(GICD_SPENDSGIR, 0x00000300u); // SGI 1 from cores 0 and 1
    show("own IGROUPR0", gicd(GICD_IGROUPR));
    show("own ISENABLER0", gicd(GICD_ISENABLER));
    show("own IPRIORITYR6", gicd(GICD_IPRIORITYR + 24));
    show("own ITARGETSR7", gicd(GICD_ITARGETSR + 28));
    show("own SPENDSGIR0", gicd(GICD_SPENDSGIR));
    gicd(GICD_CPENDSGIR, 0x00000100u);
    show("after CPENDSGIR", gicd(GICD_SPENDSGIR));
    gicd(GICD_CPENDSGIR, 0xffffffffu);
    gicd(GICD_IGROUPR, 0);
    gicd(GICD_ICENABLER, 1u << 27);
    core1_step = 1;
    asm volatile("dsb sy; sev" ::: "memory");
    while (!core1_done)
        asm volatile("wfe" ::: "memory");
    const char* names[8] = {"core 1 IGROUPR0",   "core 1 ISENABLER0",   "core 1 IPRIORITYR6",
                            "core 1 ITARGETSR7", "core 1 SPENDSGIR0",   "core 1 own IGROUPR0",
                            "core 1 own IPRIO6", "core 1 ITARGETSR SPI"};
    for (unsigned i = 0; i < 8; ++i)
        show(names[i], core1_seen[i]);
    show("core 0 IPRIORITYR6 again", gicd(GICD_IPRIORITYR + 24));

    // Clean slate for the behaviour part: all SPIs inactive, not pending, disabled, group 0.
    for (unsigned n = 1; n < 9; ++n) {
        gicd(0x180 + 4 * n, ~0u);
        gicd(GICD_ICPENDR + 4 * n, ~0u);
        gicd(0x380 + 4 * n, ~0u);
        gicd(GICD_IGROUPR + 4 * n, 0);
    }
    gicc(GICC_PMR, 0xf8);
    gicc(0x08, 2); // BPR: group priority [7:3]
    gicc(GICC_CTLR, 1);
    show("GICC_CTLR", gicc(GICC_CTLR));
    show("GICC_PMR", gicc(GICC_PMR));
    spi(40, 0x80);
    spi(41, 0x40);
    spi(42, 0x48);
    spi(43, 0x40);
    pend(40);
    show("HPPIR (40 pending)", gicc(GICC_HPPIR));
    show("IAR", gicc(GICC_IAR));
    show("RPR", gicc(GICC_RPR));
    pend(42);
    pend(43);
    pend(41);
    show("HPPIR (41, 42, 43)", gicc(GICC_HPPIR)); // equal priority: the lower INTID
    show("IAR nested", gicc(GICC_IAR));
    show("RPR nested", gicc(GICC_RPR));
    show("IAR again (equal prio)", gicc(GICC_IAR));
    gicc(GICC_PMR, 0x48);
    show("HPPIR with PMR 0x48", gicc(GICC_HPPIR));
    gicc(GICC_PMR, 0xf8);
    gicc(GICC_EOIR, 41);
    show("RPR after EOI 41", gicc(GICC_RPR));
    show("IAR (43)", gicc(GICC_IAR));
    gicc(GICC_EOIR, 43);
    show("IAR (42)", gicc(GICC_IAR));
    gicc(GICC_EOIR, 42);
    gicc(GICC_EOIR, 40);
    show("RPR idle", gicc(GICC_RPR));
    show("ISACTIVER1", gicd(GICD_ISACTIVER + 4));

    // Split EOI: EOIR drops the priority, DIR deactivates.
    gicc(GICC_CTLR, 1 | (1u << 9));
    pend(40);
    const uint32_t i40 = gicc(GICC_IAR);
    gicc(GICC_EOIR, i40);
    show("split: RPR after EOIR", gicc(GICC_RPR));
    show("split: active after EOIR", gicd(GICD_ISACTIVER + 4));
    gicc(GICC_DIR, i40);
    show("split: active after DIR", gicd(GICD_ISACTIVER + 4));

    // Group 1: without AckCtl the IAR answers 1022; with it, the interrupt.
    gicc(GICC_CTLR, 3);
    gicd(GICD_IGROUPR + 4, 1u << (44 - 32));
    spi(44, 0x30);
    pend(44);
    show("group 1: HPPIR", gicc(GICC_HPPIR));
    show("group 1: IAR", gicc(GICC_IAR));
    gicc(GICC_CTLR, 3 | 4);
    show("AckCtl: IAR", gicc(GICC_IAR));
    gicc(GICC_EOIR, 44);
    show("AckCtl: RPR after EOI", gicc(GICC_RPR));
    // (With Group 1 disabled in GICD_CTLR, QEMU still shows a pending Group 1 interrupt in
    // HPPIR; the distributor forwards nothing of a disabled group (4.3.1): unit-tested.)

    // Group 0 with FIQEn: an FIQ, taken at EL2 (HCR_EL2.FMO).
    WRITE_SYSREG(hcr_el2, (1ull << 31) | (1ull << 3));
    gicc(GICC_CTLR, 1 | (1u << 3));
    pend(40);
    asm volatile("msr daifclr, #1; isb; msr daifset, #1" ::: "memory");
    show("FIQ took", fiq_id);
    bare_printf("checksum %08x\n", checksum);
}
