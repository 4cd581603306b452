// Placeholder until the Xen guest support lands: the image still boots on a hypervisor but
// says that it cannot use it.
#include "../kernel/internal.h"

namespace minios {

void xen_early_init(const bare::Fdt&) {}
void xen_init(const bare::Fdt&) {
    printf("minios: Xen support is not built into this image\n");
}
void xen_shutdown(unsigned) {
    psci_system_off();
}

} // namespace minios
