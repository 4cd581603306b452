#include "pl011.h"

#include "models/base/rng.h"
#include "models/trace/trace.h"

#include <cstring>

namespace armsim::uart {

using namespace sc_core;

namespace {
// PrimeCell identification (TRM 3.3.15-3.3.16): PL011 r1p5, as QEMU's model reports.
constexpr uint8_t kIds[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
// FIFO trigger levels by IFLS field value (TRM 3.3.9): 1/8, 1/4, 1/2, 3/4, 7/8 of 16.
constexpr unsigned kTriggerLevels[8] = {2, 4, 8, 12, 14, 8, 8, 8};
constexpr uint32_t kDefaultDivisor64 = 833; // 24 MHz / (16 * 13.02): 115200 baud
} // namespace

Pl011::Pl011(sc_module_name name, uint32_t uartclk_hz)
    : sc_module(name), socket("socket"), uartclk_hz_(uartclk_hz) {
    socket.register_b_transport(this, &Pl011::b_transport);
    socket.register_transport_dbg(this, &Pl011::transport_dbg);
    SC_HAS_PROCESS(Pl011);
    SC_METHOD(rx_timeout);
    sensitive << timeout_ev_;
    dont_initialize();
}

void Pl011::reset() {
    rx_fifo_.clear();
    overrun_pending_ = false;
    rsr_ = ilpr_ = ibrd_ = fbrd_ = lcr_h_ = imsc_ = ris_ = dmacr_ = 0;
    cr_ = 0x300;
    ifls_ = 0x12;
    timeout_ev_.cancel();
    update_irq();
}

uint64_t Pl011::now_ps() const {
    return (sc_time_stamp() + access_delay_).value();
}

sc_time Pl011::bit_time() const {
    // Baud = UARTCLK / (16 * (IBRD + FBRD/64)) (TRM 3.3.6), so a bit lasts
    // 16 * div64 / 64 / UARTCLK seconds.
    const uint64_t div64 = ibrd_ ? uint64_t(ibrd_) * 64 + fbrd_ : kDefaultDivisor64;
    return sc_time::from_value(div64 * 1'000'000'000'000ull / (4ull * uartclk_hz_));
}

sc_time Pl011::char_time() const {
    // Frame: start bit, 5..8 data bits (LCR_H.WLEN), optional parity (PEN), 1 or 2 stop
    // bits (STP2).
    const unsigned bits =
        1 + (5 + ((lcr_h_ >> 5) & 3)) + ((lcr_h_ >> 1) & 1) + 1 + ((lcr_h_ >> 3) & 1);
    return bit_time() * double(bits);
}

unsigned Pl011::rx_trigger() const {
    return (lcr_h_ & kLcrFen) ? kTriggerLevels[(ifls_ >> 3) & 7] : 1;
}

void Pl011::receive(uint8_t byte, uint16_t errors) {
    if (rx_fifo_.size() >= rx_depth()) {
        // The FIFO keeps its contents; the character in the shift register is lost
        // (TRM 3.3.2, OE).
        rsr_ |= 1u << 3;
        ris_ |= OEIM;
        overrun_pending_ = true;
        ++rx_lost_;
        update_irq();
        return;
    }
    uint16_t entry = byte | (errors & (DR_FE | DR_PE | DR_BE));
    if (overrun_pending_) {
        entry |= DR_OE;
        overrun_pending_ = false;
    }
    rx_fifo_.push_back(entry);
    ++rx_count_;
    if (entry & DR_FE) ris_ |= FEIM;
    if (entry & DR_PE) ris_ |= PEIM;
    if (entry & DR_BE) ris_ |= BEIM;
    if (rx_fifo_.size() >= rx_trigger()) ris_ |= RXIM;
    // The receive timeout counts 32 bit periods from the last character received.
    timeout_ev_.cancel();
    timeout_ev_.notify(access_delay_ + bit_time() * 32.0);
    update_irq();
}

void Pl011::rx_timeout() {
    if (!rx_fifo_.empty()) {
        ris_ |= RTIM;
        update_irq();
    }
}

void Pl011::transmit(uint8_t byte) {
    ++tx_count_;
    if (cr_ & kCrLbe) {
        receive(byte); // loopback: the transmit line feeds the receiver (TRM 3.3.8, LBE)
    } else if (tx_) {
        tx_(byte);
    }
    // The FIFO drains at once, so it is at or below any trigger level after each write.
    ris_ |= TXIM;
    update_irq();
}

uint32_t Pl011::read(uint32_t off) {
    if (off >= 0xfe0 && off < 0x1000) return kIds[(off - 0xfe0) / 4];
    switch (off) {
    case DR: {
        if (rx_fifo_.empty()) return 0;
        const uint32_t v = rx_fifo_.front();
        rx_fifo_.pop_front();
        // RSR holds the errors of the character last read (TRM 3.3.2).
        rsr_ |= (v >> 8) & 7;
        if (rx_fifo_.size() < rx_trigger()) ris_ &= ~RXIM;
        if (rx_fifo_.empty()) ris_ &= ~RTIM;
        update_irq();
        return v;
    }
    case RSR:
        return rsr_;
    case FR: {
        uint32_t fr = FR_TXFE;
        if (rx_fifo_.empty()) fr |= FR_RXFE;
        if (rx_fifo_.size() >= rx_depth()) fr |= FR_RXFF;
        return fr;
    }
    case ILPR:
        return ilpr_;
    case IBRD:
        return ibrd_;
    case FBRD:
        return fbrd_;
    case LCR_H:
        return lcr_h_;
    case CR:
        return cr_;
    case IFLS:
        return ifls_;
    case IMSC:
        return imsc_;
    case RIS:
        return ris_;
    case MIS:
        return ris_ & imsc_;
    case DMACR:
        return dmacr_;
    default:
        return 0; // ICR is write-only; reserved offsets read as zero
    }
}

void Pl011::write(uint32_t off, uint32_t v) {
    switch (off) {
    case DR:
        transmit(static_cast<uint8_t>(v));
        break;
    case RSR:
        rsr_ = 0;
        break; // ECR: any write clears the error bits
    case ILPR:
        ilpr_ = v & 0xff;
        break;
    case IBRD:
        ibrd_ = v & 0xffff;
        break;
    case FBRD:
        fbrd_ = v & 0x3f;
        break;
    case LCR_H:
        // Changing FEN switches between the FIFO and the one-character holding register;
        // what was queued is dropped, as QEMU does.
        if ((lcr_h_ ^ v) & kLcrFen) {
            rx_fifo_.clear();
            ris_ &= ~(RXIM | RTIM);
        }
        lcr_h_ = v & 0xff;
        update_irq();
        break;
    case CR:
        cr_ = v & 0xff87;
        break;
    case IFLS:
        ifls_ = v & 0x3f;
        break;
    case IMSC:
        imsc_ = v & 0x7ff;
        update_irq();
        break;
    case ICR:
        ris_ &= ~(v & 0x7ff);
        update_irq();
        break;
    case DMACR:
        dmacr_ = v & 7;
        break;
    default:
        break; // read-only or reserved: writes ignored
    }
}

void Pl011::update_irq() {
    const bool level = (ris_ & imsc_) != 0;
    if (level == irq_level_) return;
    irq_level_ = level;
    if (auto* t = trace::sink()) t->signal(now_ps(), std::string(name()) + ".intr", level);
    if (irq_) irq_(level);
}

void Pl011::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    const uint64_t off = trans.get_address();
    const unsigned len = trans.get_data_length();
    // Registers are 32 bits wide; 8- and 16-bit accesses reach their low bytes. Wider or
    // misaligned accesses are a bus error.
    if (len > 4 || (off & 3) + len > 4 || off >= 0x1000 || trans.get_byte_enable_ptr()) {
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    access_delay_ = delay;
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
    access_delay_ = SC_ZERO_TIME;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Pl011::transport_dbg(tlm::tlm_generic_payload& trans) {
    (void)trans;
    return 0; // reads have side effects; debuggers see nothing
}

uint64_t Pl011::digest() const {
    Fnv64 h;
    for (uint64_t v :
         {uint64_t(rsr_), uint64_t(ilpr_), uint64_t(ibrd_), uint64_t(fbrd_), uint64_t(lcr_h_),
          uint64_t(cr_), uint64_t(ifls_), uint64_t(imsc_), uint64_t(ris_), uint64_t(dmacr_),
          tx_count_, rx_count_, rx_lost_, uint64_t(rx_fifo_.size())})
        h.add_u64(v);
    return h.value();
}

} // namespace armsim::uart
