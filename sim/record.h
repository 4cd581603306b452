// --record / --replay. A record is an armsim config file: every option of the run with
// absolute paths, the hash of every input file (image-hash = HEX:FILE), and the run's
// digest (expect-digest = HEX, appended when the run ends). `armsim --replay FILE` reads
// it like --config, refuses to start when an input file's hash differs, and fails
// (exit 2) when the repeated run's digest is not the recorded one.
#pragma once

#include "boot.h"
#include "options.h"

#include <string>

namespace armsim::sim {

// Throws ImageError when the file cannot be written.
void write_record(const std::string& path, const Options& opt, const BootPlan& plan,
                  const std::string& version);
void append_record_digest(const std::string& path, uint64_t digest);

} // namespace armsim::sim
