#include "vcd.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <stdexcept>

namespace armsim::trace {

namespace {

// VCD identifier codes: printable ASCII 33..126, base 94.
std::string code(unsigned n) {
    std::string s;
    do {
        s += static_cast<char>(33 + n % 94);
        n /= 94;
    } while (n);
    return s;
}

} // namespace

VcdSink::VcdSink(const std::string& path) : path_(path) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) throw std::runtime_error("cannot write VCD file '" + path + "'");
    std::fclose(f);
}

VcdSink::~VcdSink() {
    close();
}

void VcdSink::signal(uint64_t t_ps, std::string_view wire, bool level) {
    auto it = wires_.find(wire);
    if (it == wires_.end())
        it = wires_.emplace(std::string(wire), static_cast<unsigned>(wires_.size())).first;
    changes_.push_back({t_ps, it->second, level});
}

void VcdSink::close() {
    if (closed_) return;
    closed_ = true;
    std::FILE* f = std::fopen(path_.c_str(), "w");
    if (!f) return;
    std::fputs("$date armsim run $end\n$version armsim $end\n$timescale 1ps $end\n", f);
    // Scopes from the part of the name before the last '.'; std::map keeps them sorted.
    std::map<std::string, std::vector<std::pair<std::string, unsigned>>> scopes;
    for (const auto& [name, id] : wires_) {
        const size_t dot = name.rfind('.');
        const std::string scope = dot == std::string::npos ? "armsim" : name.substr(0, dot);
        scopes[scope].emplace_back(dot == std::string::npos ? name : name.substr(dot + 1), id);
    }
    for (const auto& [scope, vars] : scopes) {
        std::fprintf(f, "$scope module %s $end\n", scope.c_str());
        for (const auto& [var, id] : vars)
            std::fprintf(f, "$var wire 1 %s %s $end\n", code(id).c_str(), var.c_str());
        std::fputs("$upscope $end\n", f);
    }
    std::fputs("$enddefinitions $end\n$dumpvars\n", f);
    for (const auto& [name, id] : wires_)
        std::fprintf(f, "0%s\n", code(id).c_str());
    std::fputs("$end\n", f);
    std::stable_sort(changes_.begin(), changes_.end(),
                     [](const Change& a, const Change& b) { return a.t_ps < b.t_ps; });
    uint64_t last = ~0ull;
    for (const Change& c : changes_) {
        if (c.t_ps != last) {
            std::fprintf(f, "#%" PRIu64 "\n", c.t_ps);
            last = c.t_ps;
        }
        std::fprintf(f, "%c%s\n", c.level ? '1' : '0', code(c.wire).c_str());
    }
    std::fclose(f);
}

} // namespace armsim::trace
