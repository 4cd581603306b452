// Smoke test: the guest boots, prints through console_io, and powers off.
#include "../../../hypervisor/include/public/version.h"

#include <xtest/xtest.h>

void xt::main() {
    const int64_t v = hypercall(__HYPERVISOR_xen_version, XENVER_version, 0);
    printf("hello from a guest on Xen %ld.%ld, %u vCPU(s)\n", v >> 16, v & 0xffff, nr_cpus());
    check(v == ((4 << 16) | 17), "xen_version");
    finish("hello");
}
