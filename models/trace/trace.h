// Event tracing: models report what happened (exceptions, interrupt-line changes, GIC
// acknowledges, timer fires, PSCI calls, console lines ...) to one sink, which sim/ turns
// into a Chrome/Perfetto JSON trace or a VCD. When no sink is installed every call site
// costs one predictable branch: guard emissions with `if (auto* t = trace::sink())`.
//
// Tracing observes; it never changes simulated behaviour.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace armsim::trace {

struct Arg {
    std::string_view key;
    uint64_t value;
};

class Sink {
public:
    virtual ~Sink() = default;
    // An instant event at simulated time `t_ps` on a track ("core0", "gic", "uart0").
    virtual void instant(uint64_t t_ps, std::string_view track, std::string_view category,
                         std::string_view name, std::initializer_list<Arg> args = {}) = 0;
    // A duration on a track (e.g. time spent in an exception level).
    virtual void begin(uint64_t t_ps, std::string_view track, std::string_view name) = 0;
    virtual void end(uint64_t t_ps, std::string_view track, std::string_view name) = 0;
    // A named wire (interrupt lines) changed level: VCD and counter tracks.
    virtual void signal(uint64_t t_ps, std::string_view wire, bool level) = 0;
};

namespace detail {
inline Sink* g_sink = nullptr;
}
inline Sink* sink() {
    return detail::g_sink;
}
inline void set_sink(Sink* s) {
    detail::g_sink = s;
}

} // namespace armsim::trace
