// Start-up of the portable core, called by the architecture's boot code with the MMU on.
#pragma once

#include "boot_info.h"
#include "fdt.h"

namespace hyp {

[[noreturn]] void hyp_main(const FdtReader& fdt, const BootInfo& info, uint64_t image_start,
                           uint64_t image_end);
[[noreturn]] void hyp_secondary_main(unsigned cpu);

} // namespace hyp
