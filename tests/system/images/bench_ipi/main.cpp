// A 4-core workload with IPIs for `make bench`: every core runs the same integer kernel in
// chunks and, after each chunk, posts a message to the next core (a counter in memory) and
// rings its doorbell, SGI 3. An SGI is a pending flag, not a queue (IHI 0048B 3.2.3): two
// rings before the receiver acknowledges make one interrupt, so the handler reads the
// counter rather than counting interrupts. At the end each core waits (WFI, not spinning, so
// the instruction count hardly depends on the simulator's speed) until it has seen every
// message of its neighbour, and core 0 prints every core's checksum and message count: the
// same on every simulator.
#include "../common/gicv2.h"

using namespace gicv2;

namespace {

constexpr unsigned kMaxCpus = 8;
constexpr unsigned kChunks = 5000;
constexpr unsigned kChunkIters = 2500; // about 10 instructions each
constexpr unsigned kSgi = 3;

volatile unsigned up[kMaxCpus];
volatile unsigned posted[kMaxCpus];   // messages sent to core n (by core n - 1 only)
volatile unsigned received[kMaxCpus]; // messages core n has seen
volatile unsigned finished[kMaxCpus];
volatile uint64_t checksum[kMaxCpus];
unsigned ncpus;

uint64_t chunk(uint64_t s, unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s += i * 0x9e3779b97f4a7c15ull;
    }
    return s;
}

void cpu_setup() {
    WRITE_SYSREG(hcr_el2, (1ull << 31) | (1ull << 4)); // IRQs to EL2
    set_priority(kSgi, 0x80);
    cpu_interface_on();
}

void work(unsigned me) {
    irq_enable(); // doorbells interrupt the computation
    uint64_t s = 0x12345678u + me;
    for (unsigned c = 0; c < kChunks; ++c) {
        s = chunk(s, kChunkIters);
        const unsigned next = (me + 1) % ncpus;
        posted[next] = c + 1;
        asm volatile("dsb ish" ::: "memory"); // the message before the doorbell
        gicd(GICD_SGIR, (1u << (16 + next)) | kSgi);
    }
    checksum[me] = s;
    wait_until([me] { return received[me] == kChunks; });
    finished[me] = 1;
    asm volatile("dsb ish; sev" ::: "memory");
}

} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    expect_irq(f, kind);
    const uint32_t iar = gicc(GICC_IAR);
    if ((iar & 0x3ff) == kSgi) {
        const unsigned me = bare::cpu_index();
        received[me] = posted[me];
    }
    gicc(GICC_EOIR, iar);
}

extern "C" void bare_secondary_main(uint64_t cpu) {
    cpu_setup();
    up[cpu] = 1;
    asm volatile("dsb ish; sev" ::: "memory");
    while (!up[0])
        asm volatile("wfe" ::: "memory");
    work(static_cast<unsigned>(cpu));
    for (;;)
        wfi();
}

extern "C" void bare_main(uint64_t dtb) {
    bare::boot_console(dtb);
    gicd(GICD_CTLR, 1);
    cpu_setup();
    ncpus = 1;
    while (ncpus < kMaxCpus &&
           bare::psci_cpu_on(ncpus, reinterpret_cast<uint64_t>(bare_secondary_entry), ncpus) == 0) {
        while (!up[ncpus])
            asm volatile("wfe" ::: "memory");
        ++ncpus;
    }
    asm volatile("dsb ish" ::: "memory");
    up[0] = 1; // go
    asm volatile("dsb ish; sev" ::: "memory");
    work(0);
    for (unsigned c = 1; c < ncpus; ++c)
        while (!finished[c])
            asm volatile("wfe" ::: "memory");
    bare_printf("%u cores, %u SGIs each\n", ncpus, kChunks);
    for (unsigned c = 0; c < ncpus; ++c)
        bare_printf("core %u: checksum %016lx received %u\n", c, checksum[c], received[c]);
}
