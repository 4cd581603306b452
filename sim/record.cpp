#include "record.h"

#include <fstream>

namespace armsim::sim {

void write_record(const std::string& path, const Options& opt, const BootPlan& plan,
                  const std::string& version) {
    std::ofstream out(path);
    if (!out) throw ImageError("cannot write record file '" + path + "'");
    out << "# armsim " << version << " run record: `armsim --replay " << path
        << "` repeats this run.\n"
           "# Options as they were in effect, input file hashes, and (at the end) the digest.\n";
    // Quoted so that the reader keeps leading/trailing blanks and inner quotes.
    for (const auto& [key, value] : opt.effective)
        out << key << " = \"" << value << "\"\n";
    for (const auto& [file, hash] : plan.files)
        out << "image-hash = " << hex64(hash) << ":" << file << "\n";
    if (!out) throw ImageError("cannot write record file '" + path + "'");
}

void append_record_digest(const std::string& path, uint64_t digest) {
    std::ofstream out(path, std::ios::app);
    out << "expect-digest = " << hex64(digest) << "\n";
}

} // namespace armsim::sim
