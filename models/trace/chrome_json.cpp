#include "chrome_json.h"

#include <cinttypes>
#include <stdexcept>

namespace armsim::trace {

void write_json_string(std::FILE* f, std::string_view s) {
    std::fputc('"', f);
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            std::fputc('\\', f);
            std::fputc(c, f);
        } else if (c < 0x20) {
            std::fprintf(f, "\\u%04x", c);
        } else {
            std::fputc(c, f);
        }
    }
    std::fputc('"', f);
}

ChromeJsonSink::ChromeJsonSink(const std::string& path) : f_(std::fopen(path.c_str(), "w")) {
    if (!f_) throw std::runtime_error("cannot write trace file '" + path + "'");
    std::fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
               "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"armsim\"}}",
               f_);
}

ChromeJsonSink::~ChromeJsonSink() {
    close();
}

void ChromeJsonSink::close() {
    if (!f_) return;
    std::fputs("\n]}\n", f_);
    std::fclose(f_);
    f_ = nullptr;
}

unsigned ChromeJsonSink::tid(std::string_view track) {
    auto it = tids_.find(track);
    if (it != tids_.end()) return it->second;
    const unsigned id = static_cast<unsigned>(tids_.size()) + 1;
    tids_.emplace(std::string(track), id);
    std::fprintf(
        f_,
        ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"args\":{\"name\":", id);
    write_json_string(f_, track);
    std::fputs("}}", f_);
    // Keep tracks in the order they first appear.
    std::fprintf(f_,
                 ",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
                 "\"args\":{\"sort_index\":%u}}",
                 id, id);
    return id;
}

void ChromeJsonSink::event_head(uint64_t t_ps, const char* ph, std::string_view name) {
    ++events_;
    std::fputs(",\n{\"name\":", f_);
    write_json_string(f_, name);
    std::fprintf(f_, ",\"ph\":\"%s\",\"ts\":%" PRIu64 ".%06" PRIu64 ",\"pid\":1", ph,
                 t_ps / 1000000, t_ps % 1000000);
}

void ChromeJsonSink::instant(uint64_t t_ps, std::string_view track, std::string_view category,
                             std::string_view name, std::initializer_list<Arg> args) {
    if (!f_) return;
    const unsigned id = tid(track);
    event_head(t_ps, "i", name);
    std::fprintf(f_, ",\"tid\":%u,\"s\":\"t\",\"cat\":", id);
    write_json_string(f_, category);
    if (args.size()) {
        std::fputs(",\"args\":{", f_);
        bool first = true;
        for (const Arg& a : args) {
            if (!first) std::fputc(',', f_);
            first = false;
            write_json_string(f_, a.key);
            // Large values (addresses, syndromes) read better in hex; JSON has no hex numbers.
            if (a.value > 9)
                std::fprintf(f_, ":\"0x%" PRIx64 "\"", a.value);
            else
                std::fprintf(f_, ":%" PRIu64, a.value);
        }
        std::fputc('}', f_);
    }
    std::fputc('}', f_);
}

void ChromeJsonSink::begin(uint64_t t_ps, std::string_view track, std::string_view name) {
    if (!f_) return;
    const unsigned id = tid(track);
    event_head(t_ps, "B", name);
    std::fprintf(f_, ",\"tid\":%u}", id);
}

void ChromeJsonSink::end(uint64_t t_ps, std::string_view track, std::string_view name) {
    if (!f_) return;
    const unsigned id = tid(track);
    event_head(t_ps, "E", name);
    std::fprintf(f_, ",\"tid\":%u}", id);
}

void ChromeJsonSink::signal(uint64_t t_ps, std::string_view wire, bool level) {
    if (!f_) return;
    event_head(t_ps, "C", wire);
    std::fprintf(f_, ",\"args\":{\"level\":%d}}", level ? 1 : 0);
}

} // namespace armsim::trace
