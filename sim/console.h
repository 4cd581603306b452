// Where the guest's console output goes: stdout (or a file), hashed for the run digest.
#pragma once

#include "models/base/rng.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace armsim::sim {

class Console {
public:
    explicit Console(std::FILE* out = stdout) : out_(out) {}
    void put(uint8_t c) {
        hash_.add(&c, 1);
        ++bytes_;
        std::fputc(c, out_);
        if (c == '\n')
            std::fflush(out_);
    }
    void write(const std::string& s) {
        for (char c : s)
            put(static_cast<uint8_t>(c));
    }
    void flush() { std::fflush(out_); }
    uint64_t hash() const { return hash_.value(); }
    uint64_t bytes() const { return bytes_; }

private:
    std::FILE* out_;
    Fnv64 hash_;
    uint64_t bytes_ = 0;
};

} // namespace armsim::sim
