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

inline const std::vector<uint32_t>& A64(std::string_view text) {
    static const A64Snippet table[] = {
#include "a64_snippets.inc"
        {"", {}},
    };
    for (const A64Snippet& s : table)
        if (s.text == text) return s.words;
    // Only a snippet built from a non-literal string can get here.
    throw std::logic_error("A64: snippet not assembled at build time: " + std::string(text));
}

} // namespace armsim::test
