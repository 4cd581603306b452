// What domU2 of the dom0less scenario writes into its xenstore page for dom0 to see.
#pragma once

#include <stdint.h>

struct DlPage {
    uint32_t magic;
};
inline constexpr uint32_t kDlMagic = 0x444c3032; // "DL02"
