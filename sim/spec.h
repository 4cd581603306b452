// Option values of the form "FIRST,key=value,flag,...": a file (or name) followed by
// properties, with ",," standing for a literal comma as in QEMU's option syntax, so one
// convention works for both programs (`bootargs=console=hvc0,,115200`).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace armsim::sim {

struct Spec {
    std::string first; // the file or name before the first unescaped comma
    std::vector<std::pair<std::string, std::string>> props; // in order; flags have ""

    const std::string* get(std::string_view key) const;
    bool has(std::string_view key) const { return get(key) != nullptr; }
};

// Splits `text`; throws UsageError naming `--option` when a key is not in `keys`, appears
// twice, or the first field is empty.
Spec parse_spec(const std::string& option, const std::string& text,
                std::initializer_list<std::string_view> keys);

// Doubles every comma (the inverse of parse_spec's unescaping), for writing QEMU options.
std::string escape_commas(std::string_view s);

// Simulated durations: "10ms", "2s", "500us", "100ns", "7ps"; a bare number is
// picoseconds. Returns picoseconds; throws UsageError naming --option.
uint64_t parse_duration(const std::string& option, const std::string& text);

} // namespace armsim::sim
