// GIC-400 (ARM CoreLink GIC-400 TRM, DDI 0471B) implementing the GICv2 architecture (ARM IHI
// 0048B) with the virtualization extensions, as QEMU's `virt,gic-version=2,virtualization=on`
// presents it: no Security Extensions (GICD_TYPER.SecurityExtn = 0, so every access sees the
// "Secure" view and both interrupt groups are programmable), 4 list registers and 5 bits of
// priority (GIC-400: 32 levels, IPRIORITYR/PMR bits [2:0] RAZ/WI).
//
// Four register frames, each a TLM target: the distributor (GICD), the CPU interface (GICC),
// the virtual interface control (GICH, this CPU's) and the virtual CPU interface (GICV).
// Banked registers pick their CPU from the initiator id cores attach to every MMIO
// transaction (models/mem/initiator_id.h).
//
// Inputs are level signals: PPIs per CPU (set_ppi) and SPIs (set_spi). Outputs are the four
// interrupt lines of each core (IRQ, FIQ, virtual IRQ, virtual FIQ), reported through a
// callback only when a level changes. Everything happens at once: a register write that makes
// an interrupt signalable changes the line before the transaction returns.
//
// Deliberate choices where the architecture leaves room (each cited where it is made):
//   * 1-of-N SPIs: one pending state per SPI; the first CPU to acknowledge it wins and the
//     others read the spurious ID (IHI 0048B 3.1.1). QEMU instead keeps per-CPU pending bits.
//   * An active SPI is active for every CPU (QEMU 7.2 banks it per CPU, a bug fixed later).
//   * GICD_ICFGR for PPIs is programmable (as QEMU; GIC-400 fixes PPIs as level-sensitive).
//   * Accesses of an unsupported size, to reserved offsets, reads of write-only and writes of
//     read-only registers are RAZ/WI; each is counted (bad_accesses()) and traced.
#pragma once

#include "models/base/rng.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace armsim::gic {

// The interrupt outputs to one core.
enum class Output : uint8_t { Irq, Fiq, VIrq, VFiq };

struct GicConfig {
    unsigned num_cpus = 1;   // 1..8
    unsigned num_irqs = 288; // INTIDs 0..num_irqs-1, a multiple of 32 (QEMU virt: 256 SPIs)
    // Race hunting: each rising edge of an output reaches its core after a delay drawn from
    // the run's seed in [0, max_delivery_delay_ps]; 0 = at once. Falling edges are never
    // delayed (a withdrawn interrupt must not be taken). The architecture leaves signalling
    // latency open, so software that works on hardware works with any delay.
    uint64_t max_delivery_delay_ps = 0;
    uint64_t seed = 0;
};

class Gic400 : public sc_core::sc_module {
public:
    // Register frames (offsets within each frame; the board maps them).
    tlm_utils::simple_target_socket<Gic400> dist, cpu, hyp, vcpu;

    // Frame sizes as QEMU's GICv2 model decodes them; the rest of each 64 KiB window of the
    // virt board is not the GIC's.
    static constexpr uint64_t kDistSize = 0x1000, kCpuSize = 0x2000, kHypSize = 0x1000,
                              kVcpuSize = 0x2000;
    static constexpr unsigned kNumLrs = 4;
    static constexpr unsigned kMaintenanceIntid = 25; // PPI 9

    Gic400(sc_core::sc_module_name name, const GicConfig& cfg);

    // Back to the reset state (a system reset): registers, pending and active state, list
    // registers; the outputs go low. Input wire levels stay: the devices drive them.
    void reset();

    void on_output(std::function<void(unsigned cpu, Output line, bool level)> fn) {
        out_ = std::move(fn);
    }
    // A PPI input (INTID 16..31) of one CPU changed level.
    void set_ppi(unsigned cpu, unsigned intid, bool level);
    // An SPI input changed level; `spi` counts from 0 (INTID 32 + spi).
    void set_spi(unsigned spi, bool level);

    // Observation (tests, trace).
    bool output(unsigned cpu, Output line) const {
        return cpus_.at(cpu).out_level[static_cast<unsigned>(line)];
    }
    uint64_t bad_accesses() const { return bad_accesses_; }
    // A hash of the whole interrupt state, for the run digest.
    uint64_t digest() const;
    unsigned num_cpus() const { return cfg_.num_cpus; }

    // Distributor register offsets (IHI 0048B 4.1.2).
    enum Dist : uint32_t {
        GICD_CTLR = 0x000,
        GICD_TYPER = 0x004,
        GICD_IIDR = 0x008,
        GICD_IGROUPR = 0x080,
        GICD_ISENABLER = 0x100,
        GICD_ICENABLER = 0x180,
        GICD_ISPENDR = 0x200,
        GICD_ICPENDR = 0x280,
        GICD_ISACTIVER = 0x300,
        GICD_ICACTIVER = 0x380,
        GICD_IPRIORITYR = 0x400,
        GICD_ITARGETSR = 0x800,
        GICD_ICFGR = 0xc00,
        GICD_PPISR = 0xd00,
        GICD_SPISR = 0xd04,
        GICD_SGIR = 0xf00,
        GICD_CPENDSGIR = 0xf10,
        GICD_SPENDSGIR = 0xf20,
        GICD_PIDR4 = 0xfd0,
    };
    // CPU interface and virtual CPU interface offsets (4.1.3, 5.5).
    enum Cpu : uint32_t {
        GICC_CTLR = 0x00,
        GICC_PMR = 0x04,
        GICC_BPR = 0x08,
        GICC_IAR = 0x0c,
        GICC_EOIR = 0x10,
        GICC_RPR = 0x14,
        GICC_HPPIR = 0x18,
        GICC_ABPR = 0x1c,
        GICC_AIAR = 0x20,
        GICC_AEOIR = 0x24,
        GICC_AHPPIR = 0x28,
        GICC_APR0 = 0xd0,
        GICC_NSAPR0 = 0xe0,
        GICC_IIDR = 0xfc,
        GICC_DIR = 0x1000,
    };
    // Virtual interface control offsets (5.3).
    enum Hyp : uint32_t {
        GICH_HCR = 0x00,
        GICH_VTR = 0x04,
        GICH_VMCR = 0x08,
        GICH_MISR = 0x10,
        GICH_EISR0 = 0x20,
        GICH_EISR1 = 0x24,
        GICH_ELRSR0 = 0x30,
        GICH_ELRSR1 = 0x34,
        GICH_APR = 0xf0,
        GICH_LR0 = 0x100,
    };

    // GICC_CTLR bits without the Security Extensions (4.4.1, table 4-33).
    static constexpr uint32_t kCtlrEnableGrp0 = 1u << 0, kCtlrEnableGrp1 = 1u << 1,
                              kCtlrAckCtl = 1u << 2, kCtlrFiqEn = 1u << 3, kCtlrCbpr = 1u << 4,
                              kCtlrEoiMode = 1u << 9;

    static constexpr unsigned kSpurious = 1023, kSpuriousGroup1 = 1022;

private:
    // --- state ----------------------------------------------------------------------------
    // One CPU interface (physical or virtual): priority mask, binary points, active
    // priorities. Priorities are 8-bit values with the unimplemented low bits zero.
    struct Iface {
        uint32_t ctlr = 0;
        uint8_t pmr = 0;
        uint8_t bpr = 2, abpr = 3; // GIC-400 reset values and minima (TRM 3.3)
        uint32_t apr = 0;          // group 0 (GICC_APR0); for the virtual interface: GICH_APR
        uint32_t nsapr = 0;        // group 1 (GICC_NSAPR0); unused by the virtual interface
    };

    struct CpuState {
        // Banked INTIDs 0..31, one bit each.
        uint32_t enabled = 0xffff; // SGI enables are RAO/WI (GIC-400: GICD_ISENABLER0[15:0])
        uint32_t latch = 0;        // pending set by an edge or by software (PPIs)
        uint32_t level = 0;        // PPI input levels
        uint32_t active = 0;
        uint32_t edge = 0xffff; // GICD_ICFGR: SGIs are edge-triggered
        uint32_t group = 0;
        std::array<uint8_t, 32> prio{};
        std::array<uint8_t, 16> sgi_sources{}; // pending SGIs: bit n = from CPU n
        Iface phys;

        // Virtual interface (GICH / GICV).
        uint32_t hcr = 0;
        std::array<uint32_t, kNumLrs> lr{};
        Iface virt;

        std::array<bool, 4> out_level{}; // current level of each Output
        bool maint_level = false;
    };

    // --- transport (gic.cpp) ----------------------------------------------------------------
    enum class Frame : uint8_t { Dist, Cpu, Hyp, Vcpu };
    template <Frame F>
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    template <Frame F>
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    // Counts and traces an access the GIC ignores (RAZ/WI).
    void bad_access(Frame frame, uint64_t offset, unsigned len, bool write);
    void set_output(unsigned cpu, Output line, bool level);
    uint64_t now_ps() const { return now_ps_; }

    // --- distributor (distributor.cpp) ----------------------------------------------------
    uint32_t dist_read(unsigned cpu, uint32_t off, unsigned len);
    void dist_write(unsigned cpu, uint32_t off, uint32_t value, unsigned len);
    bool dist_access_ok(uint32_t off, unsigned len) const;
    uint32_t dist_read_word(unsigned cpu, uint32_t off);
    void dist_write_word(unsigned cpu, uint32_t off, uint32_t value);
    void dist_write_byte(unsigned cpu, uint32_t off, uint8_t value);
    // The 32-bit bitmap word `n` (INTIDs 32n..32n+31) of a per-interrupt property, banked
    // for n == 0. Returns nullptr when those interrupts do not exist.
    uint32_t* bits(unsigned cpu, unsigned n, uint32_t CpuState::*banked,
                   std::vector<uint32_t>& spi);
    uint32_t pending_word(unsigned cpu, unsigned n) const;
    void send_sgi(unsigned from, uint32_t sgir);
    void drive_ppi(unsigned cpu, unsigned intid, bool level);
    bool is_pending(unsigned cpu, unsigned id) const;
    bool is_enabled(unsigned cpu, unsigned id) const;
    bool is_active(unsigned cpu, unsigned id) const;
    bool in_group1(unsigned cpu, unsigned id) const;
    uint8_t priority(unsigned cpu, unsigned id) const;
    void set_active(unsigned cpu, unsigned id, bool on);
    bool targets_cpu(unsigned cpu, unsigned id) const;
    // The highest-priority pending interrupt the distributor forwards to `cpu` (group
    // enabled in GICD_CTLR and GICC_CTLR, not active, targeted), or kSpurious.
    unsigned best_pending(unsigned cpu) const;

    // --- CPU interface (cpu_interface.cpp) ------------------------------------------------
    uint32_t cpu_read(unsigned cpu, uint32_t off);
    void cpu_write(unsigned cpu, uint32_t off, uint32_t value);
    uint32_t acknowledge(unsigned cpu, bool alias);
    uint32_t highest_pending_id(unsigned cpu, bool alias) const;
    void end_of_interrupt(unsigned cpu, uint32_t value, bool alias);
    void deactivate(unsigned cpu, unsigned id);
    uint8_t group_priority(const Iface& f, uint8_t prio, bool group1) const;
    static uint8_t running_priority(const Iface& f);
    void update(); // recomputes every CPU's physical IRQ/FIQ outputs
    void update_cpu(unsigned cpu);

    // --- virtual interface (virt_interface.cpp) -------------------------------------------
    uint32_t hyp_read(unsigned cpu, uint32_t off);
    void hyp_write(unsigned cpu, uint32_t off, uint32_t value);
    uint32_t vcpu_read(unsigned cpu, uint32_t off);
    void vcpu_write(unsigned cpu, uint32_t off, uint32_t value);
    int best_lr(unsigned cpu) const; // highest-priority pending list register, or -1
    uint32_t vacknowledge(unsigned cpu, bool alias);
    void vend_of_interrupt(unsigned cpu, uint32_t value, bool alias);
    void vdeactivate(unsigned cpu, unsigned vid);
    uint32_t misr(unsigned cpu) const;
    uint32_t eisr(unsigned cpu) const;
    uint32_t elrsr(unsigned cpu) const;
    void update_virt(unsigned cpu); // virtual IRQ/FIQ outputs and the maintenance interrupt

    GicConfig cfg_;
    uint32_t cpu_mask_; // bits of the CPUs that exist
    uint32_t dctlr_ = 0;
    std::vector<CpuState> cpus_;
    // SPIs (index INTID - 32), one bit per SPI in 32-bit words, plus bytes.
    std::vector<uint32_t> spi_enabled_, spi_latch_, spi_level_, spi_active_, spi_edge_, spi_group_;
    std::vector<uint8_t> spi_prio_, spi_targets_;
    std::function<void(unsigned, Output, bool)> out_;
    // Delayed delivery (max_delivery_delay_ps > 0): what each core has been told so far.
    struct Delivery {
        bool delivered = false;
        sc_core::sc_event ev;
    };
    std::vector<std::unique_ptr<Delivery>> delivery_; // [cpu * 4 + line]
    void deliver(unsigned cpu, Output line);
    Rng rng_;
    uint64_t bad_accesses_ = 0;
    uint64_t now_ps_ = 0;
};

} // namespace armsim::gic
