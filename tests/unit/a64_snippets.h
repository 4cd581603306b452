// A64("text"): the instruction words of an assembly snippet, assembled at build time by
// the cross assembler (a64asm.py scans the test sources for A64("...") literals). Several
// instructions are separated by ';'; numeric local labels work within one snippet.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace armsim::test {

struct A64Snippet {
    std::string_view text;
    std::vector<uint32_t> words;
};

inline const A64Snippet* a64_table() {
    static const A64Snippet table[] = {
#include "a64_snippets.inc"
        {"", {}},
    };
    return table;
}

inline const std::vector<uint32_t>& A64(std::string_view text) {
    for (const A64Snippet* s = a64_table(); !s->text.empty(); ++s)
        if (s->text == text) return s->words;
    // Only a snippet built from a non-literal string can get here.
    throw std::logic_error("A64: snippet not assembled at build time: " + std::string(text));
}

// The text of a snippet A64() returned (for failure messages of table-driven tests).
inline std::string_view a64_text(const std::vector<uint32_t>& words) {
    for (const A64Snippet* s = a64_table(); !s->text.empty(); ++s)
        if (&s->words == &words) return s->text;
    return "(not an A64 snippet)";
}

} // namespace armsim::test
