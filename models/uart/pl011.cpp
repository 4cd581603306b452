#include "pl011.h"

#include <cstring>

namespace armsim::uart {

namespace {
// PrimeCell identification (TRM 3.3.14-3.3.21): PL011 r1p5, as QEMU's model reports.
constexpr uint8_t kIds[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
constexpr unsigned kFifoDepth = 16;
} // namespace

Pl011::Pl011(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    socket.register_b_transport(this, &Pl011::b_transport);
    socket.register_transport_dbg(this, &Pl011::transport_dbg);
}

void Pl011::receive(uint8_t byte) {
    if (rx_fifo_.size() >= ((lcr_h_ & (1u << 4)) ? kFifoDepth : 1)) {
        rsr_ |= 1u << 3; // overrun
        return;
    }
    rx_fifo_.push_back(byte);
    ris_ |= RXIM;
    update_irq();
}

uint32_t Pl011::read(uint32_t off) {
    if (off >= 0xfe0 && off < 0x1000)
        return kIds[(off - 0xfe0) / 4];
    switch (off) {
    case DR: {
        if (rx_fifo_.empty())
            return 0;
        const uint32_t v = rx_fifo_.front();
        rx_fifo_.pop_front();
        if (rx_fifo_.empty())
            ris_ &= ~(RXIM | RTIM);
        update_irq();
        return v;
    }
    case RSR: return rsr_;
    case FR: {
        // TXFE: transmit FIFO empty (we transmit at once); RXFE/RXFF from the input queue.
        uint32_t fr = 1u << 7;
        if (rx_fifo_.empty())
            fr |= 1u << 4;
        if (rx_fifo_.size() >= ((lcr_h_ & (1u << 4)) ? kFifoDepth : 1))
            fr |= 1u << 6;
        return fr;
    }
    case ILPR: return ilpr_;
    case IBRD: return ibrd_;
    case FBRD: return fbrd_;
    case LCR_H: return lcr_h_;
    case CR: return cr_;
    case IFLS: return ifls_;
    case IMSC: return imsc_;
    case RIS: return ris_;
    case MIS: return ris_ & imsc_;
    case DMACR: return dmacr_;
    default: return 0; // reserved: RAZ
    }
}

void Pl011::write(uint32_t off, uint32_t v) {
    switch (off) {
    case DR:
        if (tx_)
            tx_(static_cast<uint8_t>(v));
        ris_ |= TXIM; // the FIFO drains at once, so it is always below the TX trigger level
        update_irq();
        break;
    case RSR: rsr_ = 0; break; // ECR: any write clears the error bits
    case ILPR: ilpr_ = v & 0xff; break;
    case IBRD: ibrd_ = v & 0xffff; break;
    case FBRD: fbrd_ = v & 0x3f; break;
    case LCR_H: lcr_h_ = v & 0xff; break;
    case CR: cr_ = v & 0xff87; break;
    case IFLS: ifls_ = v & 0x3f; break;
    case IMSC: imsc_ = v & 0x7ff; update_irq(); break;
    case ICR: ris_ &= ~v; update_irq(); break;
    case DMACR: dmacr_ = v & 7; break;
    default: break; // RO or reserved: WI
    }
}

void Pl011::update_irq() {
    const bool level = (ris_ & imsc_) != 0;
    if (level != irq_level_) {
        irq_level_ = level;
        if (irq_)
            irq_(level);
    }
}

void Pl011::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
    const uint64_t off = trans.get_address();
    const unsigned len = trans.get_data_length();
    // Registers are 32 bits wide; Linux and most drivers use 32-bit or 8/16-bit accesses to
    // the low bytes. Wider or misaligned accesses are a bus error.
    if (len > 4 || (off & 3) + len > 4 || off >= 0x1000) {
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    const uint32_t reg = static_cast<uint32_t>(off & ~3ull);
    const unsigned shift = (off & 3) * 8;
    if (trans.is_read()) {
        const uint32_t v = read(reg) >> shift;
        std::memcpy(trans.get_data_ptr(), &v, len);
    } else {
        uint32_t v = 0;
        std::memcpy(&v, trans.get_data_ptr(), len);
        write(reg, v << shift);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Pl011::transport_dbg(tlm::tlm_generic_payload& trans) {
    (void)trans;
    return 0; // reads have side effects; debuggers see nothing
}

} // namespace armsim::uart
