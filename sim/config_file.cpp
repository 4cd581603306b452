#include "config_file.h"

#include "options.h"

#include <filesystem>
#include <fstream>

namespace armsim::sim {

namespace fs = std::filesystem;

bool is_input_path_option(const std::string& key) {
    return key == "kernel" || key == "initrd" || key == "module" || key == "dtb" ||
           key == "cpu-timing" || key == "serial-in";
}

std::string absolute_path_value(const std::string& value, const std::string& base) {
    // The file is everything up to the first single comma (",," is an escaped comma).
    size_t end = 0;
    while (end < value.size()) {
        if (value[end] == ',') {
            if (end + 1 < value.size() && value[end + 1] == ',') {
                end += 2;
                continue;
            }
            break;
        }
        ++end;
    }
    const std::string file = value.substr(0, end);
    if (file.empty() || file == "-" || file[0] == '/') return value;
    return (fs::path(base) / file).lexically_normal().string() + value.substr(end);
}

namespace {

std::string trim(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    const size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

std::string expand(const std::string& value, const std::string& where) {
    std::string out;
    for (size_t i = 0; i < value.size();) {
        if (value.compare(i, 2, "${") == 0) {
            const size_t close = value.find('}', i);
            if (close == std::string::npos)
                throw UsageError(where + ": unterminated '${' in '" + value + "'");
            const std::string name = value.substr(i + 2, close - i - 2);
            if (name != "images")
                throw UsageError(where + ": unknown variable '${" + name +
                                 "}' (only ${images} is defined)");
            out += images_dir();
            i = close + 1;
        } else {
            out += value[i++];
        }
    }
    return out;
}

} // namespace

std::vector<ConfigEntry> read_config_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw UsageError("cannot open config file '" + path + "'");
    const std::string dir = fs::absolute(fs::path(path)).parent_path().string();
    std::vector<ConfigEntry> entries;
    std::string raw;
    unsigned line = 0;
    while (std::getline(in, raw)) {
        ++line;
        const std::string where = "config file '" + path + "' line " + std::to_string(line);
        const std::string text = trim(raw);
        if (text.empty() || text[0] == '#') continue;
        const size_t eq = text.find('=');
        if (eq == std::string::npos)
            throw UsageError(where + ": expected 'key = value', got '" + text + "'");
        ConfigEntry e;
        e.key = trim(text.substr(0, eq));
        e.value = trim(text.substr(eq + 1));
        e.line = line;
        if (e.key.empty()) throw UsageError(where + ": missing key before '='");
        if (e.value.size() >= 2 && e.value.front() == '"' && e.value.back() == '"')
            e.value = e.value.substr(1, e.value.size() - 2);
        e.value = expand(e.value, where);
        if (is_input_path_option(e.key)) e.value = absolute_path_value(e.value, dir);
        entries.push_back(std::move(e));
    }
    if (in.bad()) throw UsageError("cannot read config file '" + path + "'");
    return entries;
}

} // namespace armsim::sim
