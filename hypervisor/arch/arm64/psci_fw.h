// Calls from the hypervisor to the platform's PSCI firmware (SMC, or HVC per the host DT).
#pragma once

#include <stdint.h>

namespace hyp::psci_fw {

inline constexpr uint32_t kVersion = 0x84000000, kCpuSuspend = 0xc4000001, kCpuOff = 0x84000002,
                          kCpuOn = 0xc4000003, kAffinityInfo = 0xc4000004, kMigrate = 0xc4000005,
                          kMigrateInfoType = 0x84000006, kMigrateInfoUpCpu = 0xc4000007,
                          kSystemOff = 0x84000008, kSystemReset = 0x84000009,
                          kFeatures = 0x8400000a;
inline constexpr uint32_t kCpuSuspend32 = 0x84000001, kCpuOn32 = 0x84000003,
                          kAffinityInfo32 = 0x84000004, kMigrate32 = 0x84000005,
                          kMigrateInfoUpCpu32 = 0x84000007;
inline constexpr uint32_t kSmcccVersion = 0x80000000, kSmcccArchFeatures = 0x80000001;
inline constexpr int64_t kSuccess = 0, kNotSupported = -1, kInvalidParameters = -2, kDenied = -3,
                         kAlreadyOn = -4, kOnPending = -5, kInternalFailure = -6, kNotPresent = -7,
                         kDisabled = -8, kInvalidAddress = -9;

void set_conduit_hvc(bool hvc);
int64_t call(uint64_t fn, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0);
int64_t cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
void system_off();
void system_reset();

} // namespace hyp::psci_fw
