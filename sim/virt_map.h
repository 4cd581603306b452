// The virt board's memory map and interrupt numbers: QEMU's virt machine with
// gic-version=2 and virtualization=on (hw/arm/virt.c), so one image runs on both.
#pragma once

#include <cstdint>

namespace armsim::sim::virt {

constexpr uint64_t kRamBase = 0x4000'0000;
constexpr uint64_t kGicdBase = 0x0800'0000, kGicdSize = 0x1'0000;
constexpr uint64_t kGiccBase = 0x0801'0000, kGiccSize = 0x1'0000;
constexpr uint64_t kGichBase = 0x0803'0000, kGichSize = 0x1'0000;
constexpr uint64_t kGicvBase = 0x0804'0000, kGicvSize = 0x1'0000;
constexpr uint64_t kUartBase = 0x0900'0000, kUartSize = 0x1000;

constexpr unsigned kUartSpi = 1; // SPI 1 = INTID 33
// PPIs, numbered from 16 (INTID = 16 + PPI number in the DT).
constexpr unsigned kPpiHypTimer = 10;  // INTID 26, CNTHP
constexpr unsigned kPpiVirtTimer = 11; // INTID 27, CNTV
constexpr unsigned kPpiSecTimer = 13;  // INTID 29, CNTPS
constexpr unsigned kPpiPhysTimer = 14; // INTID 30, CNTP
constexpr unsigned kPpiGicMaint = 9;   // INTID 25
constexpr unsigned kPpiPmu = 7;        // INTID 23

// MPIDR of core i: Aff0 = core number within a cluster of 8, Aff1 = cluster, as QEMU virt
// lays them out; bit 31 is RES1.
constexpr uint64_t mpidr(unsigned i) {
    return 0x80000000ull | ((i / 8) << 8) | (i % 8);
}

constexpr uint64_t kCntFrq = 62'500'000; // QEMU virt's generic timer frequency
constexpr uint32_t kApbClockHz = 24'000'000;

} // namespace armsim::sim::virt
