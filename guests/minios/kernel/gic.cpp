// GICv2 driver (ARM IHI 0048B): the distributor and CPU interface the device tree names.
// Natively that is the GIC-400 of the virt board; under a hypervisor the same code drives
// the virtual distributor (trapped) and the GICV mapped as our CPU interface.
#include "internal.h"

namespace minios {
namespace {

// Distributor registers (IHI 0048B 4.1.2), byte offsets.
constexpr uint32_t kDCtlr = 0x000, kDTyper = 0x004, kDIsenabler = 0x100, kDIcenabler = 0x180,
                   kDIcpendr = 0x280, kDIcactiver = 0x380, kDIpriorityr = 0x400,
                   kDItargetsr = 0x800;
// CPU interface registers (4.1.3).
constexpr uint32_t kCCtlr = 0x00, kCPmr = 0x04, kCBpr = 0x08, kCIar = 0x0c, kCEoir = 0x10;
constexpr unsigned kMaxIrqs = 1020;
constexpr unsigned kSpurious = 1020; // IDs 1020..1023 are special

volatile uint8_t* gicd = nullptr;
volatile uint8_t* gicc = nullptr;
unsigned nr_irqs = 0;

struct Handler {
    IrqHandler fn;
    void* arg;
};
Handler handlers[kMaxIrqs];

uint32_t rd(volatile uint8_t* base, uint32_t off) {
    return *reinterpret_cast<volatile uint32_t*>(base + off);
}
void wr(volatile uint8_t* base, uint32_t off, uint32_t v) {
    *reinterpret_cast<volatile uint32_t*>(base + off) = v;
}

} // namespace

bool gic_init(const bare::Fdt& fdt) {
    static const char* const kCompatible[] = {"arm,gic-400", "arm,cortex-a15-gic",
                                              "arm,cortex-a9-gic"};
    int node = -1;
    for (const char* c : kCompatible)
        if ((node = fdt.find_compatible(c)) >= 0) break;
    uint64_t d, dsize, c, csize;
    if (node < 0 || !fdt.reg_at(node, 0, &d, &dsize) || !fdt.reg_at(node, 1, &c, &csize))
        return false;
    if (!map(d, 0x1000, MemType::Device) || !map(c, 0x2000, MemType::Device)) return false;
    gicd = reinterpret_cast<volatile uint8_t*>(d);
    gicc = reinterpret_cast<volatile uint8_t*>(c);
    nr_irqs = 32 * ((rd(gicd, kDTyper) & 0x1f) + 1);
    if (nr_irqs > kMaxIrqs) nr_irqs = kMaxIrqs;

    // Everything disabled, inactive and not pending, at one middle priority, SPIs to CPU 0.
    wr(gicd, kDCtlr, 0);
    for (unsigned i = 0; i < nr_irqs; i += 32) {
        wr(gicd, kDIcenabler + i / 8, 0xffffffff);
        wr(gicd, kDIcpendr + i / 8, 0xffffffff);
        // A virtual distributor ignores (and Xen's complains about) ICACTIVER writes;
        // nothing can be active before we ran anyway.
        if (!boot_info().xen) wr(gicd, kDIcactiver + i / 8, 0xffffffff);
    }
    for (unsigned i = 0; i < nr_irqs; i += 4)
        wr(gicd, kDIpriorityr + i, 0xa0a0a0a0);
    for (unsigned i = 32; i < nr_irqs; i += 4)
        wr(gicd, kDItargetsr + i, 0x01010101);
    wr(gicd, kDCtlr, 1);
    wr(gicc, kCPmr, 0xf0);
    wr(gicc, kCBpr, 0);
    wr(gicc, kCCtlr, 1);
    return true;
}

bool gic_present() {
    return gicd != nullptr;
}

void gic_enable(unsigned intid) {
    if (gicd && intid < nr_irqs) wr(gicd, kDIsenabler + (intid / 32) * 4, 1u << (intid % 32));
}

bool irq_register(unsigned intid, IrqHandler fn, void* arg) {
    if (!gicd || intid >= nr_irqs) return false;
    handlers[intid] = {fn, arg};
    gic_enable(intid);
    return true;
}

void gic_handle_irq() {
    if (!gicc) return;
    for (;;) {
        const uint32_t iar = rd(gicc, kCIar);
        const unsigned id = iar & 0x3ff;
        if (id >= kSpurious) return;
        // Data another agent published before raising the interrupt is visible only after
        // the acknowledge (GICv2 3.2.1: order reads after the IAR read).
        arch::mb();
        if (id < kMaxIrqs && handlers[id].fn)
            handlers[id].fn(id, handlers[id].arg);
        else
            printf("minios: unexpected interrupt %u\n", id);
        wr(gicc, kCEoir, iar);
    }
}

int dt_interrupt(const bare::Fdt& fdt, int node, unsigned index) {
    uint32_t len;
    const uint8_t* p = static_cast<const uint8_t*>(fdt.prop(node, "interrupts", &len));
    if (!p || (index + 1) * 12 > len) return -1;
    p += index * 12;
    auto be32 = [](const uint8_t* b) {
        return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
    };
    const uint32_t type = be32(p), num = be32(p + 4);
    // Binding arm,gic: type 0 = SPI (ID 32 + n), 1 = PPI (ID 16 + n).
    if (type == 0) return static_cast<int>(32 + num);
    if (type == 1 && num < 16) return static_cast<int>(16 + num);
    return -1;
}

} // namespace minios
