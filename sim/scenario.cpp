#include "scenario.h"

namespace armsim::sim {

ConsoleChecks::ConsoleChecks(const std::vector<std::string>& expect,
                             const std::vector<std::string>& forbid,
                             const std::vector<std::string>& stop_on) {
    // The patterns were validated when the options were parsed.
    for (const std::string& p : expect)
        expect_.push_back({p, std::regex(p)});
    for (const std::string& p : forbid)
        forbid_.push_back({p, std::regex(p)});
    for (const std::string& p : stop_on)
        stop_on_.push_back({p, std::regex(p)});
    matched_.assign(expect_.size(), false);
}

bool ConsoleChecks::line(std::string_view text) {
    const std::string s(text);
    for (size_t i = 0; i < expect_.size(); ++i)
        if (!matched_[i] && std::regex_search(s, expect_[i].re)) matched_[i] = true;
    for (const Pattern& p : forbid_)
        if (forbidden_.size() < 3 && std::regex_search(s, p.re))
            forbidden_.push_back("forbidden /" + p.text + "/ matched \"" + s + "\"");
    for (const Pattern& p : stop_on_)
        if (std::regex_search(s, p.re)) return true;
    return false;
}

std::string ConsoleChecks::failure() const {
    std::string msg;
    if (!forbidden_.empty()) msg = forbidden_.front();
    std::vector<std::string> missing;
    for (size_t i = 0; i < expect_.size(); ++i)
        if (!matched_[i]) missing.push_back(expect_[i].text);
    if (!missing.empty()) {
        if (!msg.empty()) msg += "; ";
        msg += "no console line matched /" + missing.front() + "/";
        if (missing.size() > 1)
            msg += " (and " + std::to_string(missing.size() - 1) + " more expected pattern" +
                   (missing.size() > 2 ? "s" : "") + ")";
    }
    return msg;
}

std::string ConsoleChecks::summary() const {
    size_t seen = 0;
    for (bool m : matched_)
        seen += m;
    return std::to_string(seen) + "/" + std::to_string(expect_.size()) +
           " expected patterns matched, " +
           (forbidden_.empty() ? std::string("no forbidden line") : "a forbidden line");
}

} // namespace armsim::sim
