#include "ram.h"

#include <cstring>
#include <new>
#include <sys/mman.h>

namespace armsim::mem {

Ram::Ram(sc_core::sc_module_name name, uint64_t size, sc_core::sc_time latency)
    : sc_module(name), socket("socket"), size_(size), latency_(latency) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(p);
    socket.register_b_transport(this, &Ram::b_transport);
    socket.register_get_direct_mem_ptr(this, &Ram::get_direct_mem_ptr);
    socket.register_transport_dbg(this, &Ram::transport_dbg);
}

Ram::~Ram() {
    munmap(data_, size_);
}

void Ram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    if (addr >= size_ || len > size_ - addr) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (trans.get_byte_enable_ptr()) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (trans.is_read())
        std::memcpy(trans.get_data_ptr(), data_ + addr, len);
    else if (trans.is_write())
        std::memcpy(data_ + addr, trans.get_data_ptr(), len);
    delay += latency_;
    trans.set_dmi_allowed(true);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Ram::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    dmi.set_dmi_ptr(data_);
    dmi.set_start_address(0);
    dmi.set_end_address(size_ - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(latency_);
    dmi.set_write_latency(latency_);
    return true;
}

unsigned Ram::transport_dbg(tlm::tlm_generic_payload& trans) {
    const uint64_t addr = trans.get_address();
    if (addr >= size_) return 0;
    const uint64_t n = std::min<uint64_t>(trans.get_data_length(), size_ - addr);
    if (trans.is_read())
        std::memcpy(trans.get_data_ptr(), data_ + addr, n);
    else if (trans.is_write())
        std::memcpy(data_ + addr, trans.get_data_ptr(), n);
    return static_cast<unsigned>(n);
}

} // namespace armsim::mem
