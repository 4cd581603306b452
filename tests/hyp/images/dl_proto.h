// What domU2 of the dom0less scenario writes into its xenstore page for dom0 to see.
#pragma once

#include <stdint.h>

// domU2 writes `magic` and then waits for dom0's `go`: dom0 reboots the first incarnation
// (which never gets a go) and lets the second one run.
struct DlPage {
    volatile uint32_t magic;
    volatile uint32_t go;
};
inline constexpr uint32_t kDlMagic = 0x444c3032; // "DL02"
