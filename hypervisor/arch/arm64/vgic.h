// The virtual GICv2 (ARM IHI 0048B): the distributor is emulated (stage-2 data aborts on
// the guest's GICD page, one handler per register in a table), the CPU interface is the
// hardware GICV mapped at the guest's GICC address, fed through the list registers.
//
// Model (as KVM's new vgic): every interrupt that is pending or active for a vCPU sits on
// that vCPU's "ap list". On every exit the list registers are folded back into the software
// state; before every entry the best entries of the ap list (active first, then by priority)
// are written to the LRs. When there are more than fit, the underflow maintenance interrupt
// brings the vCPU back to refill them (the overflow queue is the rest of the ap list).
#pragma once

#include "../../common/lib.h"
#include "../../common/types.h"

namespace hyp {

struct Vcpu;
struct Domain;

inline constexpr unsigned kMaxVcpus = 8;  // GICv2 targets: 8 CPU interfaces
inline constexpr unsigned kMaxSpis = 256; // INTID 32..287
inline constexpr unsigned kMaxLrs = 16;
inline constexpr unsigned kPpiMaintenance = 25;
inline constexpr unsigned kPpiHypTimer = 26;
inline constexpr unsigned kPpiVirtTimer = 27;
inline constexpr unsigned kPpiPhysTimer = 30;
inline constexpr unsigned kPpiEvtchn = 31;

struct VIrq {
    ListNode ap_node;
    Vcpu* vcpu = nullptr;   // whose ap list holds it (null: on none)
    Vcpu* target = nullptr; // where a new pending instance goes
    uint16_t intid = 0;
    uint16_t hwintid = 0; // physical INTID deactivated with the virtual one (hw)
    uint8_t priority = 0;
    uint8_t targets = 0;     // GICD_ITARGETSR byte (SPIs)
    uint8_t sgi_sources = 0; // SGIs: pending per source vCPU
    uint8_t active_source = 0;
    bool enabled = false;
    bool pending_latch = false; // edge event or software pend (GICD_ISPENDR)
    bool line_level = false;    // level input (only for level-sensitive sources)
    bool active = false;
    bool edge = true;
    bool hw = false;
    bool phys_active = false; // hw: the physical interrupt is active, awaiting the guest's EOI
    bool clear_pending_req = false; // ICPENDR/ICACTIVER while possibly in a running vCPU's LR
    bool clear_active_req = false;
    bool (*level_fn)(Vcpu*) = nullptr; // level input resampled on entry and on EOI

    bool is_sgi() const { return intid < 16; }
    bool pending() const {
        if (is_sgi()) return sgi_sources != 0;
        return pending_latch || (!edge && line_level);
    }
};

struct VgicCpu {
    VIrq private_irqs[32];
    ListNode ap_list;
    unsigned lrs_used = 0;
    VIrq* lr_irq[kMaxLrs] = {};
    bool uie = false;
};

struct VgicDist {
    SpinLock lock; // all VIrq state of the domain and every ap list of its vCPUs
    bool enabled = false;
    unsigned nr_spis = 0;
    VIrq* spis = nullptr; // nr_spis entries, in pages from the page allocator
    uint64_t spis_pages = 0;
};

// The GICH register block: MMIO on arm64, a plain array in host tests.
struct GichRegs {
    uint32_t hcr, vtr, vmcr, pad0, misr, pad1[3], eisr[2], pad2[2], elrsr[2];
    uint32_t pad3[46];
    uint32_t apr;
    uint32_t pad4[3];
    uint32_t lr[64];
};
static_assert(offsetof(GichRegs, hcr) == 0x00 && offsetof(GichRegs, misr) == 0x10 &&
                  offsetof(GichRegs, eisr) == 0x20 && offsetof(GichRegs, elrsr) == 0x30 &&
                  offsetof(GichRegs, apr) == 0xf0 && offsetof(GichRegs, lr) == 0x100,
              "GICH register offsets (IHI 0048B 5.3)");

namespace vgic {

void set_gich(volatile GichRegs* gich, unsigned nr_lrs);
void cpu_init(); // this pCPU's list registers: empty
unsigned nr_lrs();

bool domain_init(Domain* d, unsigned nr_spis);
void domain_destroy(Domain* d);
void vcpu_init(Vcpu* v);

// Distributor register access from a guest (offset within the 4 KiB GICD page).
uint32_t dist_read(Vcpu* v, uint32_t offset, unsigned size);
void dist_write(Vcpu* v, uint32_t offset, unsigned size, uint32_t value);

// Interrupt sources.
void inject_private(Vcpu* v, unsigned intid);              // edge PPI/SGI-less event
void inject_spi(Domain* d, unsigned intid);                // edge
void inject_hw(Vcpu* v, unsigned intid, unsigned hwintid); // physical, deactivated by HW
void inject_spi_hw(Domain* d, unsigned intid, unsigned hwintid);
void update_level(Vcpu* v, unsigned intid); // resample a level_fn source
void send_sgi(Vcpu* from, unsigned filter, uint8_t target_list, unsigned sgi);

// List registers: fold after every exit, flush before every entry (current vCPU only).
void fold(Vcpu* v);
void flush(Vcpu* v);
// True when `v` has an interrupt it should wake up for (WFI).
bool vcpu_has_pending(Vcpu* v);
// For a hardware-forwarded interrupt: whether the physical one is active and waiting for
// the guest's deactivation; otherwise whether the virtual one is pending or active.
bool irq_in_flight(Vcpu* v, unsigned intid);
// Physical SPI `hwintid` routed to `d` (dom0's devices): enabled/targeted with the vIRQ.
void bind_hw_spi(Domain* d, unsigned intid);

VIrq* irq_of(Vcpu* v, unsigned intid);

// Physical SPIs forwarded to a guest follow its virtual enable, routing and trigger mode
// (arm64: irq.cpp; host tests: fake).
void hw_spi_enable(unsigned intid, bool on);
void hw_spi_route(unsigned intid, unsigned cpu);
void hw_spi_edge(unsigned intid, bool edge);
void hw_spi_release(unsigned intid);

} // namespace vgic

} // namespace hyp
