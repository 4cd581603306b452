// ARM PrimeCell UART (PL011), as described in the PL011 TRM (ARM DDI 0183G) and as Linux's
// amba-pl011 driver uses it.
//
// Transmission is immediate: a byte written to DR leaves at once (the TX FIFO never
// fills, TXFE stays set, BUSY stays clear), which is also what QEMU does; modelling line
// time on output would only slow guests down. Reception is modelled: a 16-entry FIFO
// (1 entry with LCR_H.FEN clear) of data plus error bits, the RX trigger level from IFLS,
// the receive timeout (32 bit periods without new data), overrun, break/framing/parity
// errors (from receive()'s caller), and loopback (CR.LBE). Like QEMU, and unlike the TRM,
// bytes are sent and received whatever CR.UARTEN/TXE/RXE say, so images that never set up
// the UART (no firmware did it for them) still print.
//
// The interrupt output (UARTINTR, the OR of the masked interrupts) is a callback; the
// board connects it to SPI 1.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace armsim::uart {

class Pl011 : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Pl011> socket;

    // `uartclk_hz`: the reference clock the baud-rate divisor divides (24 MHz on virt).
    Pl011(sc_core::sc_module_name name, uint32_t uartclk_hz = 24'000'000);

    // Where transmitted bytes go.
    void on_tx(std::function<void(uint8_t)> fn) { tx_ = std::move(fn); }
    // Interrupt line (UARTINTR).
    void on_irq(std::function<void(bool)> fn) { irq_ = std::move(fn); }

    // Back to the reset state (system reset): registers, FIFO, interrupt line.
    void reset();
    // A character arriving on the receive line now, with DR error bits [11:8] (FE, PE, BE;
    // OE is the model's own). A full FIFO loses it and flags an overrun.
    void receive(uint8_t byte, uint16_t errors = 0);
    bool rx_has_room() const { return rx_fifo_.size() < rx_depth(); }
    // One character frame at the programmed baud rate and line format (115200 baud until
    // the divisor is programmed).
    sc_core::sc_time char_time() const;
    sc_core::sc_time bit_time() const;

    // The time of the access being served (or the kernel's time outside accesses).
    uint64_t now_ps() const;
    // State summary for the run digest.
    uint64_t digest() const;
    uint64_t tx_count() const { return tx_count_; }
    uint64_t rx_count() const { return rx_count_; }

    // Register offsets (TRM 3.2).
    enum Reg : uint32_t {
        DR = 0x000,
        RSR = 0x004,
        FR = 0x018,
        ILPR = 0x020,
        IBRD = 0x024,
        FBRD = 0x028,
        LCR_H = 0x02c,
        CR = 0x030,
        IFLS = 0x034,
        IMSC = 0x038,
        RIS = 0x03c,
        MIS = 0x040,
        ICR = 0x044,
        DMACR = 0x048,
    };
    // Interrupt bits (RIS/MIS/IMSC/ICR, TRM 3.3.10-3.3.14).
    enum Int : uint32_t {
        RIMIM = 1u << 0,
        CTSMIM = 1u << 1,
        DCDMIM = 1u << 2,
        DSRMIM = 1u << 3,
        RXIM = 1u << 4,
        TXIM = 1u << 5,
        RTIM = 1u << 6,
        FEIM = 1u << 7,
        PEIM = 1u << 8,
        BEIM = 1u << 9,
        OEIM = 1u << 10,
    };
    // DR / RSR error bits.
    enum Err : uint16_t { DR_FE = 1u << 8, DR_PE = 1u << 9, DR_BE = 1u << 10, DR_OE = 1u << 11 };
    // FR bits (TRM 3.3.3).
    enum Flag : uint32_t {
        FR_BUSY = 1u << 3,
        FR_RXFE = 1u << 4,
        FR_TXFF = 1u << 5,
        FR_RXFF = 1u << 6,
        FR_TXFE = 1u << 7,
    };
    // LCR_H and CR bits used here.
    static constexpr uint32_t kLcrFen = 1u << 4, kCrLbe = 1u << 7;

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    uint32_t read(uint32_t offset);
    void write(uint32_t offset, uint32_t value);
    void transmit(uint8_t byte);
    void update_irq();
    void rx_timeout();
    unsigned rx_depth() const { return (lcr_h_ & kLcrFen) ? 16 : 1; }
    unsigned rx_trigger() const;

    std::function<void(uint8_t)> tx_;
    std::function<void(bool)> irq_;
    uint32_t uartclk_hz_;
    std::deque<uint16_t> rx_fifo_; // data with error bits [11:8]
    bool overrun_pending_ = false; // the next character received carries OE
    uint32_t rsr_ = 0, ilpr_ = 0, ibrd_ = 0, fbrd_ = 0, lcr_h_ = 0, cr_ = 0x300, ifls_ = 0x12,
             imsc_ = 0, ris_ = 0, dmacr_ = 0;
    bool irq_level_ = false;
    uint64_t tx_count_ = 0, rx_count_ = 0, rx_lost_ = 0;
    sc_core::sc_event timeout_ev_;
    sc_core::sc_time access_delay_ = sc_core::SC_ZERO_TIME; // of the access being served
};

} // namespace armsim::uart
