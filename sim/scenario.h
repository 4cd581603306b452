// Scenario checks on the console: `expect` patterns must each match some line, `forbid`
// patterns must match none, and a `stop-on` match ends the run. Patterns are ECMAScript
// regular expressions searched for anywhere in each line, in any order.
#pragma once

#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace armsim::sim {

class ConsoleChecks {
public:
    ConsoleChecks(const std::vector<std::string>& expect, const std::vector<std::string>& forbid,
                  const std::vector<std::string>& stop_on);

    bool active() const { return !expect_.empty() || !forbid_.empty() || !stop_on_.empty(); }
    bool has_checks() const { return !expect_.empty() || !forbid_.empty(); }
    // Checks one line; returns true when it matches a stop-on pattern (the run should end).
    bool line(std::string_view text);
    bool forbidden_seen() const { return !forbidden_.empty(); }

    // Empty when every expectation held, else one line saying what failed.
    std::string failure() const;
    std::string summary() const; // "3/3 expected lines seen, no forbidden line"

private:
    struct Pattern {
        std::string text;
        std::regex re;
    };
    std::vector<Pattern> expect_, forbid_, stop_on_;
    std::vector<bool> matched_;
    std::vector<std::string> forbidden_; // "pattern" matched "line", first few
};

} // namespace armsim::sim
