// Where the guest's console output goes: stdout (or --serial-out FILE), hashed for the run
// digest, and cut into lines for the scenario checks and the trace.
#pragma once

#include "models/base/rng.h"

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace armsim::sim {

class Console {
public:
    explicit Console(std::FILE* out = stdout) : out_(out) {}
    void set_output(std::FILE* out) { out_ = out; }
    // Called with every complete line (without its '\n' or a trailing '\r').
    void on_line(std::function<void(std::string_view)> fn) { line_fn_ = std::move(fn); }

    void put(uint8_t c) {
        hash_.add(&c, 1);
        ++bytes_;
        std::fputc(c, out_);
        if (c == '\n') {
            std::fflush(out_);
            if (line_fn_) {
                if (!line_.empty() && line_.back() == '\r') line_.pop_back();
                line_fn_(line_);
                line_.clear();
            }
        } else if (line_fn_) {
            line_ += static_cast<char>(c);
        }
    }
    void write(const std::string& s) {
        for (char c : s)
            put(static_cast<uint8_t>(c));
    }
    // Ends the output: a last line without '\n' still counts as a line.
    void finish() {
        std::fflush(out_);
        if (line_fn_ && !line_.empty()) {
            line_fn_(line_);
            line_.clear();
        }
    }
    void flush() { std::fflush(out_); }
    uint64_t hash() const { return hash_.value(); }
    uint64_t bytes() const { return bytes_; }

private:
    std::FILE* out_;
    Fnv64 hash_;
    uint64_t bytes_ = 0;
    std::string line_;
    std::function<void(std::string_view)> line_fn_;
};

} // namespace armsim::sim
