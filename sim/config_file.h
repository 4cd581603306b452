// armsim config files (--config, --replay, scenario.cfg): one `key = value` per line, the
// keys of the command-line options without "--". Lines whose first non-blank character is
// '#' are comments; a value may be wrapped in double quotes, which are removed; `${images}`
// expands to the build's images directory. Relative paths of input files are taken
// relative to the config file's directory, so a scenario runs from any working directory.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace armsim::sim {

struct ConfigEntry {
    std::string key;
    std::string value;
    unsigned line;
};

// Options whose value starts with an input file name (up to the first unescaped comma).
bool is_input_path_option(const std::string& key);

// Makes the file part of `value` (an input-path option's value) absolute against `base`.
std::string absolute_path_value(const std::string& value, const std::string& base);

// Throws UsageError("config file 'F' line N: ...") for malformed lines.
std::vector<ConfigEntry> read_config_file(const std::string& path);

} // namespace armsim::sim
