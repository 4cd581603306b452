// A trace sink writing the Chrome trace event format (JSON object form), which Perfetto
// (ui.perfetto.dev) and chrome://tracing load: one process "armsim", one thread track per
// track name ("core0", "gic", "uart0"), instants for events, counter tracks for wires.
// Timestamps are simulated time in microseconds with picosecond precision. Events are
// written as they come; under temporal decoupling they are not in time order, which both
// viewers accept.
#pragma once

#include "trace.h"

#include <cstdio>
#include <map>
#include <string>

namespace armsim::trace {

class ChromeJsonSink : public Sink {
public:
    // Throws std::runtime_error when the file cannot be written.
    explicit ChromeJsonSink(const std::string& path);
    ~ChromeJsonSink() override;
    ChromeJsonSink(const ChromeJsonSink&) = delete;
    ChromeJsonSink& operator=(const ChromeJsonSink&) = delete;

    void instant(uint64_t t_ps, std::string_view track, std::string_view category,
                 std::string_view name, std::initializer_list<Arg> args = {}) override;
    void begin(uint64_t t_ps, std::string_view track, std::string_view name) override;
    void end(uint64_t t_ps, std::string_view track, std::string_view name) override;
    void signal(uint64_t t_ps, std::string_view wire, bool level) override;

    void close(); // writes the closing brackets; the destructor calls it
    uint64_t events() const { return events_; }

private:
    unsigned tid(std::string_view track);
    void event_head(uint64_t t_ps, const char* ph, std::string_view name);

    std::FILE* f_ = nullptr;
    std::map<std::string, unsigned, std::less<>> tids_;
    uint64_t events_ = 0;
};

// Writes `s` as a JSON string literal (with quotes).
void write_json_string(std::FILE* f, std::string_view s);

} // namespace armsim::trace
