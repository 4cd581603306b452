// Console line discipline: prefixes, per-domain line buffers, one lock so lines of
// different pCPUs never interleave.
#include "console.h"

namespace hyp {

namespace {
ConsoleSink g_sink = nullptr;
SpinLock g_lock;

char g_in[256];
uint32_t g_in_head = 0, g_in_tail = 0;
SpinLock g_in_lock;

void emit(const char* s, size_t n) {
    if (g_sink) g_sink(s, n);
}

void emit_line(const char* prefix, const char* s, size_t n) {
    LockGuard g(g_lock);
    emit(prefix, strlen(prefix));
    emit(s, n);
    if (n == 0 || s[n - 1] != '\n') emit("\n", 1);
}
} // namespace

void console_set_sink(ConsoleSink sink) {
    g_sink = sink;
}

void vlog(const char* fmt, va_list ap) {
    char buf[320];
    const int n = vsnprintf(buf, sizeof buf, fmt, ap);
    size_t len = n < 0 ? 0 : min<size_t>(static_cast<size_t>(n), sizeof buf - 1);
    // One "(XEN) " prefix per line of the message.
    size_t start = 0;
    for (size_t i = 0; i <= len; ++i) {
        if (i == len || buf[i] == '\n') {
            if (i > start || i < len) emit_line("(XEN) ", buf + start, i - start);
            start = i + 1;
        }
    }
}

void log(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

void panic(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char buf[256];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    log("PANIC: %s", buf);
    hyp_halt();
}

void console_guest_flush(uint16_t domid, GuestConsoleBuffer& b) {
    if (b.len == 0) return;
    char prefix[16];
    snprintf(prefix, sizeof prefix, "(d%u) ", static_cast<unsigned>(domid));
    emit_line(prefix, b.line, b.len);
    b.len = 0;
}

void console_guest_write(uint16_t domid, GuestConsoleBuffer& b, const char* s, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        const char c = s[i];
        if (c == '\n') {
            console_guest_flush(domid, b);
            continue;
        }
        if (c == '\r' || c == 0) continue;
        // Non-printable bytes are shown as '.', so a guest cannot send terminal controls.
        b.line[b.len++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '.';
        if (b.len == sizeof b.line) console_guest_flush(domid, b);
    }
}

void console_input_push(char c) {
    LockGuard g(g_in_lock);
    const uint32_t next = (g_in_head + 1) % sizeof g_in;
    if (next == g_in_tail) return; // full: drop
    g_in[g_in_head] = c;
    g_in_head = next;
}

size_t console_input_read(char* dst, size_t n) {
    LockGuard g(g_in_lock);
    size_t i = 0;
    while (i < n && g_in_tail != g_in_head) {
        dst[i++] = g_in[g_in_tail];
        g_in_tail = (g_in_tail + 1) % sizeof g_in;
    }
    return i;
}

bool console_input_pending() {
    LockGuard g(g_in_lock);
    return g_in_head != g_in_tail;
}

} // namespace hyp
