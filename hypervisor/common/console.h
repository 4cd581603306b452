// The hypervisor console: whole lines, each prefixed with its source — "(XEN) " for the
// hypervisor, "(d<N>) " for guest output — so interleaved output of several pCPUs and
// domains stays readable and scenario patterns can match per source.
#pragma once

#include "lib.h"
#include "types.h"

namespace hyp {

using ConsoleSink = void (*)(const char* s, size_t n);
void console_set_sink(ConsoleSink sink);

// Prints a "(XEN) " line (a trailing newline is added when missing).
void log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vlog(const char* fmt, va_list ap);
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Guest console output, buffered per domain until a newline.
struct GuestConsoleBuffer {
    char line[256];
    uint32_t len = 0;
};
void console_guest_write(uint16_t domid, GuestConsoleBuffer& buf, const char* s, size_t n);
void console_guest_flush(uint16_t domid, GuestConsoleBuffer& buf);

// Characters received on the hypervisor's serial port, kept for dom0 (CONSOLEIO_read).
void console_input_push(char c);
size_t console_input_read(char* dst, size_t n);
bool console_input_pending();

} // namespace hyp

// Called when the hypervisor cannot continue (arch: halts the machine).
extern "C" [[noreturn]] void hyp_halt();
