#include "semihosting.h"

#include <cinttypes>
#include <cstdio>

namespace armsim::semihosting {

void Semihosting::call(cpu::Core& c) {
    const uint64_t op = c.st.x[0] & 0xffffffffu;
    const uint64_t param = c.st.x[1];
    auto read_u64 = [&](uint64_t va, uint64_t& v) { return c.debug_read_virt(va, &v, 8); };
    int64_t ret = -1;
    switch (op) {
    case SYS_WRITEC: {
        char ch;
        if (c.debug_read_virt(param, &ch, 1) && hooks_.write) hooks_.write(std::string(1, ch));
        ret = 0;
        break;
    }
    case SYS_WRITE0: {
        std::string s;
        for (uint64_t a = param;; ++a) {
            char ch;
            if (!c.debug_read_virt(a, &ch, 1) || ch == 0 || s.size() > (1u << 20)) break;
            s.push_back(ch);
        }
        if (hooks_.write) hooks_.write(s);
        ret = 0;
        break;
    }
    case SYS_WRITE: {
        // Block: {handle, buffer, length}. Handles 1 and 2 are the console.
        uint64_t h, buf, len;
        if (!read_u64(param, h) || !read_u64(param + 8, buf) || !read_u64(param + 16, len)) break;
        if (h != 1 && h != 2) {
            ret = static_cast<int64_t>(len); // nothing written
            break;
        }
        std::string s(std::min<uint64_t>(len, 1u << 20), '\0');
        if (!c.debug_read_virt(buf, s.data(), static_cast<unsigned>(s.size()))) break;
        if (hooks_.write) hooks_.write(s);
        ret = 0; // bytes not written
        break;
    }
    case SYS_CLOCK: {
        const uint64_t cs = c.now().value() / sc_core::sc_time(10, sc_core::SC_MS).value();
        ret = static_cast<int64_t>(cs); // centiseconds of simulated time
        break;
    }
    case SYS_ERRNO:
        ret = 0;
        break;
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED: {
        // A64: the parameter points at {reason, subcode}.
        uint64_t reason = 0, sub = 0;
        read_u64(param, reason);
        read_u64(param + 8, sub);
        const int code = reason == kAdpStoppedApplicationExit ? static_cast<int>(sub & 0xff) : 1;
        if (hooks_.exit) hooks_.exit(code);
        c.stop_loop();
        ret = 0;
        break;
    }
    default: {
        char msg[96];
        std::snprintf(msg, sizeof msg, "unsupported semihosting operation 0x%" PRIx64, op);
        if (hooks_.warn) hooks_.warn(msg);
    }
    }
    c.st.x[0] = static_cast<uint64_t>(ret);
}

} // namespace armsim::semihosting
