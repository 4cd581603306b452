// ARM PrimeCell UART (PL011), as described in the PL011 TRM (ARM DDI 0183G).
//
// Transmission is immediate (the modelled FIFO never fills); received characters come from
// an input queue the board feeds. The interrupt output is a callback (to a GIC SPI).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace armsim::uart {

class Pl011 : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Pl011> socket;

    explicit Pl011(sc_core::sc_module_name name);

    // Where transmitted bytes go.
    void on_tx(std::function<void(uint8_t)> fn) { tx_ = std::move(fn); }
    // Interrupt line (UARTINTR, the OR of the masked interrupts).
    void on_irq(std::function<void(bool)> fn) { irq_ = std::move(fn); }
    // Bytes arriving on the receive line.
    void receive(uint8_t byte);

    // Register offsets (TRM 3.2).
    enum Reg : uint32_t {
        DR = 0x000, RSR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028,
        LCR_H = 0x02c, CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03c, MIS = 0x040,
        ICR = 0x044, DMACR = 0x048,
    };
    // Interrupt bits (RIS/MIS/IMSC/ICR).
    enum Int : uint32_t { RXIM = 1u << 4, TXIM = 1u << 5, RTIM = 1u << 6 };

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    uint32_t read(uint32_t offset);
    void write(uint32_t offset, uint32_t value);
    void update_irq();

    std::function<void(uint8_t)> tx_;
    std::function<void(bool)> irq_;
    std::deque<uint16_t> rx_fifo_; // data with error bits [11:8]
    uint32_t rsr_ = 0, ilpr_ = 0, ibrd_ = 0, fbrd_ = 0, lcr_h_ = 0, cr_ = 0x300, ifls_ = 0x12,
             imsc_ = 0, ris_ = 0, dmacr_ = 0;
    bool irq_level_ = false;
};

} // namespace armsim::uart
