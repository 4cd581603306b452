// The interconnect: routes each transaction to the target whose address window holds it,
// with the address made relative to the window, and translates DMI grants and
// invalidations between the two address spaces.
#pragma once

#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <vector>

namespace armsim::mem {

class Router : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<Router> targ;    // bind initiators (cores) here
    tlm_utils::multi_passthrough_initiator_socket<Router> init; // bind targets here, in map order

    explicit Router(sc_core::sc_module_name name);

    // Declares the window of the next target bound to `init`. Throws std::invalid_argument
    // when it overlaps an existing window.
    void map(const std::string& name, uint64_t base, uint64_t size);

    struct Window {
        std::string name;
        uint64_t base, size;
        unsigned port;
    };
    // The window holding `addr`, or nullptr.
    const Window* find(uint64_t addr) const;
    const std::vector<Window>& windows() const { return windows_; }
    uint64_t unmapped_accesses() const { return unmapped_; }

private:
    void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
    void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);

    std::vector<Window> windows_; // sorted by base
    unsigned next_port_ = 0;
    uint64_t unmapped_ = 0;
};

} // namespace armsim::mem
