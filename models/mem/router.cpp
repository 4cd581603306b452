#include "router.h"

#include <algorithm>
#include <stdexcept>

namespace armsim::mem {

Router::Router(sc_core::sc_module_name name) : sc_module(name), targ("targ"), init("init") {
    targ.register_b_transport(this, &Router::b_transport);
    targ.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
    targ.register_transport_dbg(this, &Router::transport_dbg);
    init.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
}

void Router::map(const std::string& name, uint64_t base, uint64_t size) {
    if (size == 0 || base + size - 1 < base)
        throw std::invalid_argument("window '" + name + "' is empty or wraps");
    for (const Window& w : windows_) {
        if (base < w.base + w.size && w.base < base + size)
            throw std::invalid_argument("window '" + name + "' overlaps '" + w.name + "'");
    }
    Window w{name, base, size, next_port_++};
    windows_.insert(
        std::upper_bound(windows_.begin(), windows_.end(), w,
                         [](const Window& a, const Window& b) { return a.base < b.base; }),
        w);
}

const Router::Window* Router::find(uint64_t addr) const {
    auto it = std::upper_bound(windows_.begin(), windows_.end(), addr,
                               [](uint64_t a, const Window& w) { return a < w.base; });
    if (it == windows_.begin()) return nullptr;
    --it;
    return addr - it->base < it->size ? &*it : nullptr;
}

void Router::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const uint64_t addr = trans.get_address();
    const Window* w = find(addr);
    if (!w || trans.get_data_length() > w->size - (addr - w->base)) {
        ++unmapped_;
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    trans.set_address(addr - w->base);
    init[w->port]->b_transport(trans, delay);
    trans.set_address(addr);
}

bool Router::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const uint64_t addr = trans.get_address();
    const Window* w = find(addr);
    if (!w) {
        // Report the hole around the address so the initiator can remember it.
        uint64_t lo = 0, hi = ~0ull;
        for (const Window& x : windows_) {
            if (x.base + x.size <= addr)
                lo = std::max(lo, x.base + x.size);
            else if (x.base > addr)
                hi = std::min(hi, x.base - 1);
        }
        dmi.set_start_address(lo);
        dmi.set_end_address(hi);
        dmi.allow_none();
        return false;
    }
    trans.set_address(addr - w->base);
    const bool ok = init[w->port]->get_direct_mem_ptr(trans, dmi);
    trans.set_address(addr);
    if (!ok) {
        dmi.set_start_address(w->base);
        dmi.set_end_address(w->base + w->size - 1);
        dmi.allow_none();
        return false;
    }
    const uint64_t start = dmi.get_start_address(), end = dmi.get_end_address();
    const uint64_t clamped_end = std::min(end, w->size - 1);
    dmi.set_start_address(start + w->base);
    dmi.set_end_address(clamped_end + w->base);
    return true;
}

unsigned Router::transport_dbg(int, tlm::tlm_generic_payload& trans) {
    const uint64_t addr = trans.get_address();
    const Window* w = find(addr);
    if (!w) return 0;
    const uint64_t room = w->size - (addr - w->base);
    const unsigned len = trans.get_data_length();
    if (len > room) trans.set_data_length(static_cast<unsigned>(room));
    trans.set_address(addr - w->base);
    const unsigned n = init[w->port]->transport_dbg(trans);
    trans.set_address(addr);
    trans.set_data_length(len);
    return n;
}

void Router::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
    for (const Window& w : windows_) {
        if (w.port != static_cast<unsigned>(port)) continue;
        const uint64_t s = w.base + start;
        const uint64_t e = end >= w.size ? w.base + w.size - 1 : w.base + end;
        for (unsigned i = 0; i < targ.size(); ++i)
            targ[i]->invalidate_direct_mem_ptr(s, e);
    }
}

} // namespace armsim::mem
