#include "cost_table.h"

#include <fstream>
#include <sstream>

namespace armsim::cpu {

CostTable CostTable::unit() {
    CostTable t;
    t.cycles.fill(1);
    return t;
}

std::string CostTable::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) return "cannot open core timing file '" + path + "'";
    std::string line;
    unsigned lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        const auto eq = line.find('=');
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto where = [&] { return path + ":" + std::to_string(lineno) + ": "; };
        if (eq == std::string::npos) return where() + "expected 'key = value'";
        std::string key, value;
        std::istringstream(line.substr(0, eq)) >> key;
        std::istringstream vs(line.substr(eq + 1));
        long long v;
        if (!(vs >> v) || v < 0 || v > 65535)
            return where() + "value must be an integer in 0..65535";
        std::string rest;
        if (vs >> rest) return where() + "unexpected '" + rest + "' after the value";
        bool found = false;
        for (unsigned c = 0; c < kNumInsnClasses; ++c) {
            if (kInsnClassNames[c] == key) {
                if (v < 1) return where() + "an instruction costs at least 1 cycle";
                cycles[c] = static_cast<uint16_t>(v);
                found = true;
            }
        }
        if (!found) {
            if (key == "exception_entry")
                exception_entry = static_cast<uint32_t>(v);
            else if (key == "exception_return")
                exception_return = static_cast<uint32_t>(v);
            else if (key == "tlb_walk_level")
                tlb_walk_level = static_cast<uint32_t>(v);
            else if (key == "mmio_access")
                mmio_access = static_cast<uint32_t>(v);
            else
                return where() + "unknown key '" + key + "'";
        }
    }
    return {};
}

} // namespace armsim::cpu
