// Seeded random streams. Every random choice in a run comes from the run's seed, split
// per component by name, so adding a component never shifts the streams of the others.
#pragma once

#include <cstdint>
#include <string_view>

namespace armsim {

constexpr uint64_t fnv1a64(std::string_view s, uint64_t h = 0xcbf29ce484222325ull) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

// SplitMix64 (Steele, Lea, Flood 2014): small state, passes BigCrush, trivially splittable.
class Rng {
public:
    explicit Rng(uint64_t seed = 0) : state_(seed) {}
    Rng(uint64_t run_seed, std::string_view component)
        : state_(mix(run_seed ^ fnv1a64(component))) {}

    uint64_t next() {
        state_ += 0x9e3779b97f4a7c15ull;
        return mix(state_);
    }
    // Uniform in [0, n) for n > 0 (Lemire's multiply-shift; bias is < 2^-32 for our n).
    uint64_t below(uint64_t n) {
        return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
    }

private:
    static constexpr uint64_t mix(uint64_t z) {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint64_t state_;
};

// Incremental FNV-1a, used for the run digest.
class Fnv64 {
public:
    void add(const void* data, size_t n) {
        auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n; ++i) {
            h_ ^= p[i];
            h_ *= 0x100000001b3ull;
        }
    }
    void add_u64(uint64_t v) { add(&v, sizeof v); }
    uint64_t value() const { return h_; }

private:
    uint64_t h_ = 0xcbf29ce484222325ull;
};

} // namespace armsim
