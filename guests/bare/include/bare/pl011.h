// Transmit-only PL011 output for the guest runtimes (bare, mini-OS): wait while FR.TXFF
// is set, then write DR (PrimeCell UART PL011 TRM, DDI 0183: DR at 0x000, FR at 0x018,
// TXFF is FR bit 5).
#pragma once

#include <stdint.h>

namespace bare {

inline void pl011_putc(volatile uint32_t* base, char c) {
    constexpr unsigned kDr = 0x00 / 4, kFr = 0x18 / 4;
    constexpr uint32_t kFrTxff = 1u << 5;
    while (base[kFr] & kFrTxff) {
    }
    base[kDr] = static_cast<uint8_t>(c);
}

} // namespace bare
