// Sorted MMIO handler table.
#include "mmio.h"

namespace hyp {

bool MmioTable::add(const MmioHandler& h) {
    if (n_ == kMax || h.size == 0) return false;
    unsigned pos = 0;
    while (pos < n_ && h_[pos].base < h.base)
        ++pos;
    if (pos > 0 && h_[pos - 1].base + h_[pos - 1].size > h.base) return false;
    if (pos < n_ && h.base + h.size > h_[pos].base) return false;
    for (unsigned i = n_; i > pos; --i)
        h_[i] = h_[i - 1];
    h_[pos] = h;
    ++n_;
    return true;
}

const MmioHandler* MmioTable::find(Ipa ipa) const {
    unsigned lo = 0, hi = n_;
    const uint64_t a = ipa.raw();
    while (lo < hi) {
        const unsigned mid = (lo + hi) / 2;
        if (a < h_[mid].base)
            hi = mid;
        else if (a - h_[mid].base >= h_[mid].size)
            lo = mid + 1;
        else
            return &h_[mid];
    }
    return nullptr;
}

} // namespace hyp
