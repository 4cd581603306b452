// Console output on a PL011 (transmit only: poll FR.TXFF, write DR).
#include <bare/bare.h>

namespace {
volatile uint32_t* uart = reinterpret_cast<volatile uint32_t*>(0x09000000);
constexpr unsigned kDr = 0x00 / 4, kFr = 0x18 / 4;
constexpr uint32_t kFrTxff = 1u << 5;
} // namespace

namespace bare {

void console_init(const Fdt& fdt) {
    if (!fdt.valid()) return;
    const int chosen = fdt.node("/chosen");
    const char* path = chosen >= 0 ? fdt.prop_string(chosen, "stdout-path") : nullptr;
    if (!path) return;
    // stdout-path may carry options after ':' ("/pl011@9000000:115200n8").
    char buf[128];
    size_t i = 0;
    while (path[i] && path[i] != ':' && i + 1 < sizeof buf) {
        buf[i] = path[i];
        ++i;
    }
    buf[i] = 0;
    const int n = fdt.node(buf);
    uint64_t addr, size;
    if (n >= 0 && fdt.reg(n, &addr, &size)) uart = reinterpret_cast<volatile uint32_t*>(addr);
}

} // namespace bare

extern "C" void bare_putc(char c) {
    while (uart[kFr] & kFrTxff) {
    }
    uart[kDr] = static_cast<uint8_t>(c);
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
