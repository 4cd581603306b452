#include "decoder.h"

#include "interp.h"
#include "pattern.h"
#include "sem/branch.h"
#include "sem/dp.h"
#include "sem/ldst.h"
#include "sem/system.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>
#include <vector>

namespace armsim::cpu {
namespace {

template <class Sig>
struct Params;
template <class B, class... A>
struct Params<void (*)(B&, A...)> {
    using Tuple = std::tuple<A...>;
    static constexpr size_t count = sizeof...(A);
};

template <class T, FieldSpec F>
constexpr T make_field(uint32_t insn) {
    static_assert(T::width == F.width, "a64.inc: field width differs from the handler's parameter");
    return T{extract_field<F>(insn)};
}

template <auto Sem, Spec S, size_t... I>
inline void invoke(Interp& b, [[maybe_unused]] uint32_t insn, std::index_sequence<I...>) {
    using P = Params<decltype(Sem)>;
    Sem(b, make_field<std::tuple_element_t<I, typename P::Tuple>, S.fields[I]>(insn)...);
}

template <auto Sem, Spec S, uint32_t Flags>
void run_insn(Core& core, uint32_t insn) {
    using P = Params<decltype(Sem)>;
    static_assert(P::count == S.nfields, "a64.inc: pattern and handler disagree on field count");
    Interp b{core};
    invoke<Sem, S>(b, insn, std::make_index_sequence<P::count>{});
    if constexpr (!(Flags & kWritesPc)) core.st.pc += 4;
}

#define INST(name, cls, flags, pat)                                                                \
    InsnDesc{#name,                                                                                \
             pat,                                                                                  \
             make_spec(pat).mask,                                                                  \
             make_spec(pat).value,                                                                 \
             &run_insn<&sem::name<Interp>, make_spec(pat), flags>,                                 \
             InsnClass::cls,                                                                       \
             flags},

const InsnDesc kTable[] = {
#include "a64.inc"
};
#undef INST

const InsnDesc kUnallocated{
    "UNALLOCATED",        "",       0, 0, &run_insn<&sem::UNALLOCATED<Interp>, Spec{}, kWritesPc>,
    InsnClass::Undefined, kWritesPc};

constexpr AllowedOverlap kAllowedOverlaps[] = {
    // Named hints are carved out of the generic HINT space.
    {"NOP", "HINT"}, {"YIELD", "HINT"}, {"WFE", "HINT"},
    {"WFI", "HINT"}, {"SEV", "HINT"},   {"SEVL", "HINT"},
};

// Entries ordered most specific (most fixed bits) first, bucketed by bits [28:25] (op0 of
// the top-level A64 decode) so a lookup scans only its group.
struct DecodeIndex {
    std::array<std::vector<const InsnDesc*>, 16> buckets;
    DecodeIndex() {
        std::vector<const InsnDesc*> all;
        for (const InsnDesc& d : kTable)
            all.push_back(&d);
        std::stable_sort(all.begin(), all.end(), [](const InsnDesc* a, const InsnDesc* b) {
            return std::popcount(a->mask) > std::popcount(b->mask);
        });
        for (unsigned op0 = 0; op0 < 16; ++op0) {
            const uint32_t probe = op0 << 25;
            for (const InsnDesc* d : all) {
                // The entry can match some word of this group if its fixed bits in [28:25]
                // agree with op0.
                const uint32_t m = d->mask & (0xfu << 25);
                if ((probe & m) == (d->value & m)) buckets[op0].push_back(d);
            }
        }
    }
};

const DecodeIndex& index() {
    static const DecodeIndex idx;
    return idx;
}

} // namespace

std::span<const InsnDesc> a64_table() {
    return kTable;
}
const InsnDesc& a64_unallocated() {
    return kUnallocated;
}
std::span<const AllowedOverlap> a64_allowed_overlaps() {
    return kAllowedOverlaps;
}

const InsnDesc& a64_decode(uint32_t insn) {
    for (const InsnDesc* d : index().buckets[(insn >> 25) & 0xf])
        if ((insn & d->mask) == d->value) return *d;
    return kUnallocated;
}

} // namespace armsim::cpu
