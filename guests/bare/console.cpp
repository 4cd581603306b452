// Console output on a PL011 (transmit only: poll FR.TXFF, write DR).
#include <bare/bare.h>
#include <bare/pl011.h>

namespace {
volatile uint32_t* uart = reinterpret_cast<volatile uint32_t*>(0x09000000);
} // namespace

namespace bare {

void console_init(const Fdt& fdt) {
    if (!fdt.valid()) return;
    const int n = fdt.stdout_node();
    uint64_t addr, size;
    if (n >= 0 && fdt.reg(n, &addr, &size)) uart = reinterpret_cast<volatile uint32_t*>(addr);
}

Fdt boot_console(uint64_t x0) {
    const Fdt fdt(find_dtb(x0));
    console_init(fdt);
    return fdt;
}

} // namespace bare

extern "C" void bare_putc(char c) {
    bare::pl011_putc(uart, c);
}

extern "C" void bare_puts(const char* s) {
    while (*s)
        bare_putc(*s++);
}

extern "C" int bare_printf(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    const int r = bare_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    bare_puts(buf);
    return r;
}
