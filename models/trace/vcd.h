// A trace sink writing the wires (interrupt lines) as a Value Change Dump (IEEE 1364-2005
// clause 18) for GTKWave. Wires are declared as they first change, so changes are kept
// in memory and the file is written at close(), sorted by time (cores report changes at
// their own local times, which temporal decoupling leaves out of order). A wire named
// "a.b" becomes wire b in scope a. Other events are ignored.
#pragma once

#include "trace.h"

#include <map>
#include <string>
#include <vector>

namespace armsim::trace {

class VcdSink : public Sink {
public:
    // Checks at once that the file can be written (throws std::runtime_error).
    explicit VcdSink(const std::string& path);
    ~VcdSink() override;
    VcdSink(const VcdSink&) = delete;
    VcdSink& operator=(const VcdSink&) = delete;

    void instant(uint64_t, std::string_view, std::string_view, std::string_view,
                 std::initializer_list<Arg>) override {}
    void begin(uint64_t, std::string_view, std::string_view) override {}
    void end(uint64_t, std::string_view, std::string_view) override {}
    void signal(uint64_t t_ps, std::string_view wire, bool level) override;

    void close();

private:
    struct Change {
        uint64_t t_ps;
        unsigned wire;
        bool level;
    };
    std::string path_;
    std::map<std::string, unsigned, std::less<>> wires_;
    std::vector<Change> changes_;
    bool closed_ = false;
};

} // namespace armsim::trace
