// dom0 <-> domU protocol of the dom0-domu scenario. The domU's xenstore page (granted to
// dom0 by the hypervisor as GNTTAB_RESERVED_XENSTORE) and its store event channel (unbound,
// offered to dom0) carry a ping-pong; the domU also grants one of its own pages for a
// grant copy.
#pragma once

#include <stdint.h>

struct PingPage {
    uint32_t magic;    // kPingMagic once the domU listens
    uint32_t copy_ref; // grant reference of the domU's pattern page
    volatile uint32_t seq_dom0;
    volatile uint32_t seq_domu;
    volatile uint64_t t_domu; // physical count when the domU answered (diagnostics)
};
inline uint64_t phys_count() {
    uint64_t v;
    asm volatile("isb\n mrs %0, cntpct_el0" : "=r"(v));
    return v;
}

inline constexpr uint32_t kPingMagic = 0x50494e47; // "PING"
inline constexpr uint32_t kPingDone = 0xffffffff;
inline constexpr unsigned kPingRounds = 50;
inline constexpr uint8_t pattern_byte(unsigned i) {
    return static_cast<uint8_t>(i * 13 + 5);
}
