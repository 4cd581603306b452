// Reading 64-bit cells out of flattened device-tree properties in host tests.
//
// A property's value is only 4-byte aligned inside the blob (Devicetree Specification 0.4,
// 5.4: structure-block tokens are 32-bit aligned), so a 64-bit cell must be copied out, not
// dereferenced through an fdt64_t pointer (UBSan flags that as a misaligned load).
#pragma once

#include <cstdint>
#include <cstring>
#include <libfdt.h>

inline uint64_t fdt_cell64(const void* prop, int index) {
    fdt64_t raw;
    std::memcpy(&raw, static_cast<const char*>(prop) + 8 * index, sizeof raw);
    return fdt64_to_cpu(raw);
}
