// The console: printf on top of one sink (PL011 natively, console_io for dom0, the PV
// console ring for a domU). Output before a sink exists is kept and replayed.
#include "internal.h"

#include <bare/pl011.h>

namespace minios {
namespace {

ConsoleSink sink = nullptr;
const char* sink_name = "none";
char early[8192];
size_t early_len = 0;
bool early_overflow = false;

volatile uint32_t* uart = nullptr; // the PL011

void pl011_write(const char* s, size_t n) {
    for (size_t i = 0; i < n; ++i)
        bare::pl011_putc(uart, s[i]);
}

} // namespace

void console_set_sink(ConsoleSink s, const char* name) {
    sink = s;
    sink_name = name;
    if (sink && early_len) {
        sink(early, early_len);
        early_len = 0;
        if (early_overflow) {
            static const char kLost[] = "[early console output lost]\n";
            sink(kLost, sizeof kLost - 1);
        }
    }
}

const char* console_sink_name() {
    return sink_name;
}

// The PL011 named by /chosen/stdout-path.
void console_init_native(const bare::Fdt& fdt) {
    const int node = fdt.stdout_node();
    uint64_t addr, size;
    if (node < 0 || !fdt.is_compatible(node, "arm,pl011") || !fdt.reg_at(node, 0, &addr, &size))
        return;
    if (!map(addr, size < kPageSize ? kPageSize : size, MemType::Device)) return;
    uart = reinterpret_cast<volatile uint32_t*>(addr);
    console_set_sink(pl011_write, "pl011");
}

void console_write(const char* s, size_t n) {
    if (sink) {
        sink(s, n);
        return;
    }
    for (size_t i = 0; i < n; ++i) {
        if (early_len < sizeof early)
            early[early_len++] = s[i];
        else
            early_overflow = true;
    }
}

int vprintf(const char* fmt, va_list ap) {
    char buf[512];
    const int n = bare_vsnprintf(buf, sizeof buf, fmt, ap);
    const size_t len = n < 0 ? 0 : (static_cast<size_t>(n) < sizeof buf ? n : sizeof buf - 1);
    console_write(buf, len);
    return n;
}

int printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char* fmt, ...) {
    arch::irq_disable();
    printf("minios: PANIC: ");
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    crash();
}

} // namespace minios

// The bare support library's printf writes here (bare_printf is not used by the mini-OS,
// but anything linked from bare_support may call bare_putc/bare_puts).
extern "C" void bare_putc(char c) {
    minios::console_write(&c, 1);
}
extern "C" void bare_puts(const char* s) {
    minios::console_write(s, strlen(s));
}
