#include "spec.h"

#include "options.h"

#include <algorithm>
#include <cctype>

namespace armsim::sim {

const std::string* Spec::get(std::string_view key) const {
    for (const auto& [k, v] : props)
        if (k == key) return &v;
    return nullptr;
}

Spec parse_spec(const std::string& option, const std::string& text,
                std::initializer_list<std::string_view> keys) {
    // Split at single commas; ",," is a literal comma.
    std::vector<std::string> fields(1);
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ',') {
            if (i + 1 < text.size() && text[i + 1] == ',') {
                fields.back() += ',';
                ++i;
            } else {
                fields.emplace_back();
            }
        } else {
            fields.back() += text[i];
        }
    }
    Spec s;
    s.first = fields[0];
    if (s.first.empty())
        throw UsageError("--" + option + ": '" + text + "' does not start with a file or name");
    for (size_t i = 1; i < fields.size(); ++i) {
        const std::string& f = fields[i];
        const size_t eq = f.find('=');
        std::string key = f.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : f.substr(eq + 1);
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            std::string known;
            for (std::string_view k : keys)
                known += (known.empty() ? "" : ", ") + std::string(k);
            throw UsageError("--" + option + ": unknown property '" + key + "' in '" + text +
                             "' (known: " + (known.empty() ? "none" : known) + ")");
        }
        if (s.has(key))
            throw UsageError("--" + option + ": property '" + key + "' given twice in '" + text +
                             "'");
        s.props.emplace_back(std::move(key), std::move(value));
    }
    return s;
}

std::string escape_commas(std::string_view s) {
    std::string out;
    for (char c : s) {
        out += c;
        if (c == ',') out += ',';
    }
    return out;
}

uint64_t parse_duration(const std::string& option, const std::string& text) {
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
        ++i;
    const auto bad = [&] {
        return UsageError("--" + option + ": bad duration '" + text +
                          "' (examples: 10ms, 2s, 500us)");
    };
    if (i == 0 || i > 15) throw bad();
    const uint64_t n = std::stoull(text.substr(0, i));
    const std::string unit = text.substr(i);
    uint64_t mult;
    if (unit.empty() || unit == "ps")
        mult = 1;
    else if (unit == "ns")
        mult = 1000;
    else if (unit == "us")
        mult = 1000'000;
    else if (unit == "ms")
        mult = 1000'000'000;
    else if (unit == "s")
        mult = 1000'000'000'000;
    else
        throw bad();
    if (n > ~0ull / mult) throw bad();
    return n * mult;
}

} // namespace armsim::sim
