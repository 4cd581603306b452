// PSCI 1.0 firmware service (ARM DEN 0022D), reached by SMC (or HVC when the board says so)
// because the virt board has no EL3 firmware.
#pragma once

#include "models/cpu/core.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace armsim::psci {

// Function IDs (DEN 0022D 5.1); the SMC64 forms are 0xC4... .
enum Fn : uint32_t {
    PSCI_VERSION = 0x84000000,
    CPU_SUSPEND = 0x84000001,
    CPU_OFF = 0x84000002,
    CPU_ON = 0x84000003,
    AFFINITY_INFO = 0x84000004,
    MIGRATE = 0x84000005,
    MIGRATE_INFO_TYPE = 0x84000006,
    MIGRATE_INFO_UP_CPU = 0x84000007,
    SYSTEM_OFF = 0x84000008,
    SYSTEM_RESET = 0x84000009,
    PSCI_FEATURES = 0x8400000a,
};
constexpr uint32_t kSmc64 = 0x40000000; // bit 30 distinguishes SMC64 IDs

enum Status : int32_t {
    SUCCESS = 0,
    NOT_SUPPORTED = -1,
    INVALID_PARAMETERS = -2,
    DENIED = -3,
    ALREADY_ON = -4,
    ON_PENDING = -5,
    INTERNAL_FAILURE = -6,
    NOT_PRESENT = -7,
    DISABLED = -8,
    INVALID_ADDRESS = -9,
};

class Psci : public cpu::Firmware {
public:
    struct Hooks {
        std::function<void()> system_off;
        std::function<void()> system_reset;
        std::function<void(const char* call, cpu::Core& caller, uint64_t a0, uint64_t a1,
                           uint64_t a2, uint64_t a3)>
            trace; // optional
    };
    Psci(const std::vector<cpu::Core*>& cores, Hooks hooks);

    bool call(cpu::Core& core, bool is_hvc, uint16_t imm16) override;

private:
    int64_t cpu_on(cpu::Core& caller, uint64_t mpidr, uint64_t entry, uint64_t context);
    int64_t affinity_info(uint64_t mpidr, uint64_t level);
    cpu::Core* by_mpidr(uint64_t mpidr) const;

    const std::vector<cpu::Core*>& cores_;
    Hooks hooks_;
};

} // namespace armsim::psci
