// ARM semihosting for A64 test images (HLT #0xF000; ARM "Semihosting for AArch32 and
// AArch64", IHI 0092 / DUI 0471). Console output and exit only: images that need files
// have no business in a deterministic simulator.
#pragma once

#include "models/cpu/core.h"

#include <functional>
#include <string>

namespace armsim::semihosting {

enum Op : uint64_t {
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_CLOCK = 0x10,
    SYS_ERRNO = 0x13,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
};
constexpr uint64_t kAdpStoppedApplicationExit = 0x20026;

class Semihosting : public cpu::Semihosting {
public:
    struct Hooks {
        std::function<void(const std::string&)> write; // console output
        std::function<void(int code)> exit;            // end of the run
        std::function<void(const std::string&)> warn;  // unsupported operations
    };
    explicit Semihosting(Hooks hooks) : hooks_(std::move(hooks)) {}
    void call(cpu::Core& core) override;

private:
    Hooks hooks_;
};

} // namespace armsim::semihosting
