// Emulated MMIO: per-domain handlers in a table sorted by address, found by binary search
// on a stage-2 data abort whose syndrome decoded to a load or store (ISV = 1).
#pragma once

#include "types.h"

namespace hyp {

struct Vcpu;

struct MmioHandler {
    uint64_t base = 0, size = 0;
    // Return false to make the access fault (a data abort is injected into the guest).
    bool (*read)(Vcpu* v, uint64_t offset, unsigned size, uint64_t* value) = nullptr;
    bool (*write)(Vcpu* v, uint64_t offset, unsigned size, uint64_t value) = nullptr;
    const char* name = "";
};

class MmioTable {
public:
    static constexpr unsigned kMax = 8;
    // Keeps the table sorted; refuses overlaps.
    bool add(const MmioHandler& h);
    const MmioHandler* find(Ipa ipa) const;
    unsigned size() const { return n_; }
    void clear() { n_ = 0; }

private:
    MmioHandler h_[kMax];
    unsigned n_ = 0;
};

} // namespace hyp
