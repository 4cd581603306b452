# cmake -DIN=asm-offsets.s -DOUT=asm-offsets.h -P asm_offsets.cmake
file(STRINGS "${IN}" lines REGEX "->[A-Z_0-9]+ [0-9]+")
set(out "/* Generated from arch/arm64/asm_offsets.cpp: do not edit. */\n#pragma once\n")
foreach(line IN LISTS lines)
    string(REGEX MATCH "->([A-Z_0-9]+) ([0-9]+)" _ "${line}")
    string(APPEND out "#define ${CMAKE_MATCH_1} ${CMAKE_MATCH_2}\n")
endforeach()
file(WRITE "${OUT}.tmp" "${out}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
