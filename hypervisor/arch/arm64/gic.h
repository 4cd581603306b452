// The physical GICv2 (ARM IHI 0048B) as the hypervisor drives it: distributor set-up,
// per-CPU interface with EOImode = 1 (priority drop and deactivation split, so a guest's
// virtual EOI can deactivate a forwarded interrupt through the LR HW bit), SGIs between
// pCPUs, and the GICH block for the vGIC.
#pragma once

#include "vgic.h"

#include <stdint.h>

namespace hyp::gic {

struct Config {
    uint64_t dist = 0, cpu = 0, hyp = 0, vcpu = 0, vcpu_size = 0;
    unsigned maintenance_ppi = kPpiMaintenance;
};

inline constexpr unsigned kSgiKick = 0; // "look at your softirqs"
inline constexpr uint8_t kHypPriority = 0xa0;
inline constexpr unsigned kSpurious = 1023;

void init_dist(const Config& cfg);
void init_cpu(unsigned cpu);
const Config& config();
unsigned nr_lines();

// Acknowledge: returns the raw IAR (INTID in bits 9:0, SGI source in 12:10).
uint32_t ack();
void eoi(uint32_t iar);        // priority drop
void deactivate(uint32_t iar); // GICC_DIR

void send_sgi(unsigned cpu, unsigned sgi);
void enable(unsigned intid, bool on);
void set_priority(unsigned intid, uint8_t prio);
void set_target(unsigned intid, unsigned cpu);
void set_edge(unsigned intid, bool edge);
void set_pending(unsigned intid);
// Active state; for SGIs/PPIs it is the calling CPU's banked copy.
void set_active(unsigned intid, bool active);
bool is_active(unsigned intid);
bool is_enabled(unsigned intid);
bool is_pending(unsigned intid);

volatile GichRegs* gich();

} // namespace hyp::gic
