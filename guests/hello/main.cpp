// First light: prints the exception level it runs at and the board model from the device
// tree, then powers off with PSCI. Runs unchanged on QEMU virt and on armsim.
#include <bare/bare.h>

extern "C" void bare_main(uint64_t x0) {
    const bare::Fdt fdt = bare::boot_console(x0);
    const char* model = fdt.valid() ? fdt.prop_string(fdt.node("/"), "model") : nullptr;
    bare_printf("Hello from EL%u on %s\n", bare::current_el(), model ? model : "(no device tree)");
}
