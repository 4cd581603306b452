// Sends every event to two sinks (--trace and --vcd together).
#pragma once

#include "trace.h"

namespace armsim::trace {

class TeeSink : public Sink {
public:
    TeeSink(Sink& a, Sink& b) : a_(a), b_(b) {}
    void instant(uint64_t t, std::string_view track, std::string_view cat, std::string_view name,
                 std::initializer_list<Arg> args = {}) override {
        a_.instant(t, track, cat, name, args);
        b_.instant(t, track, cat, name, args);
    }
    void begin(uint64_t t, std::string_view track, std::string_view name) override {
        a_.begin(t, track, name);
        b_.begin(t, track, name);
    }
    void end(uint64_t t, std::string_view track, std::string_view name) override {
        a_.end(t, track, name);
        b_.end(t, track, name);
    }
    void signal(uint64_t t, std::string_view wire, bool level) override {
        a_.signal(t, wire, level);
        b_.signal(t, wire, level);
    }

private:
    Sink& a_;
    Sink& b_;
};

} // namespace armsim::trace
