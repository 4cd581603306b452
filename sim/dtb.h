// The flattened device tree handed to the guest, generated with libfdt for the board as
// configured.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace armsim::sim {

struct DtbConfig {
    unsigned smp = 1;
    uint64_t ram_base = 0;
    uint64_t ram_size = 0;
    std::vector<uint64_t> mpidrs;
    std::string bootargs; // /chosen/bootargs when not empty
};

std::vector<uint8_t> build_dtb(const DtbConfig& cfg);
// Checks a DTB from a file (fdt_check_header and a full structure walk); returns an error
// message or an empty string.
std::string check_dtb(const std::vector<uint8_t>& blob);

} // namespace armsim::sim
