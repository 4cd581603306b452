// RAM: a TLM target backed by an anonymous mapping (pages materialise on first touch, so a
// large --mem costs nothing until used), granting DMI over all of itself.
#pragma once

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace armsim::mem {

class Ram : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Ram> socket;

    Ram(sc_core::sc_module_name name, uint64_t size,
        sc_core::sc_time latency = sc_core::SC_ZERO_TIME);
    ~Ram() override;
    Ram(const Ram&) = delete;
    Ram& operator=(const Ram&) = delete;

    uint8_t* data() { return data_; }
    uint64_t size() const { return size_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);

    uint8_t* data_;
    uint64_t size_;
    sc_core::sc_time latency_;
};

} // namespace armsim::mem
