// The PL011 driven through its TLM socket, checked against the TRM (ARM DDI 0183G) and
// with exact simulated times for the receive timeout.
#include "models/uart/pl011.h"

#include <gtest/gtest.h>
#include <string>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

using namespace armsim::uart;
using namespace sc_core;

namespace {

struct Top : sc_module {
    tlm_utils::simple_initiator_socket<Top> init{"init"};
    Pl011 uart{"uart", 24'000'000};
    explicit Top(sc_module_name n) : sc_module(n) { init.bind(uart.socket); }
};

// One per test: SystemC elaborates once per process.
struct Bench {
    Top top{"bench"};
    Pl011& uart = top.uart;
    tlm_utils::simple_initiator_socket<Top>& init = top.init;
    std::string tx;
    std::vector<std::pair<uint64_t, bool>> irq; // (time ps, level)

    Bench() {
        uart.on_tx([this](uint8_t c) { tx += static_cast<char>(c); });
        uart.on_irq([this](bool l) { irq.emplace_back(sc_time_stamp().value(), l); });
        sc_start(SC_ZERO_TIME);
    }
    tlm::tlm_response_status access(bool write, uint64_t off, uint32_t& v, unsigned len = 4) {
        tlm::tlm_generic_payload t;
        t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        t.set_address(off);
        t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
        t.set_data_length(len);
        t.set_streaming_width(len);
        sc_time d = SC_ZERO_TIME;
        init->b_transport(t, d);
        return t.get_response_status();
    }
    uint32_t rd(uint32_t off) {
        uint32_t v = 0;
        EXPECT_EQ(access(false, off, v), tlm::TLM_OK_RESPONSE);
        return v;
    }
    void wr(uint32_t off, uint32_t v) { EXPECT_EQ(access(true, off, v), tlm::TLM_OK_RESPONSE); }
};

} // namespace

TEST(Pl011, ResetValuesAndIds) {
    Bench b;
    EXPECT_EQ(b.rd(Pl011::FR), Pl011::FR_TXFE | Pl011::FR_RXFE); // TRM 3.3.3: 0b10010xxx
    EXPECT_EQ(b.rd(Pl011::CR), 0x300u);                          // TXE | RXE
    EXPECT_EQ(b.rd(Pl011::IFLS), 0x12u);                         // half full both ways
    EXPECT_EQ(b.rd(Pl011::IMSC), 0u);
    EXPECT_EQ(b.rd(Pl011::RIS), 0u);
    const uint32_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 8; ++i)
        EXPECT_EQ(b.rd(0xfe0 + 4 * i), ids[i]) << i;
    EXPECT_EQ(b.rd(0x100), 0u); // reserved: RAZ
    b.wr(0x100, 0xffffffff);    // and WI
}

TEST(Pl011, RegisterWidthsAndBusErrors) {
    Bench b;
    b.wr(Pl011::IBRD, 0x1234ffff);
    EXPECT_EQ(b.rd(Pl011::IBRD), 0xffffu);
    b.wr(Pl011::FBRD, 0xff);
    EXPECT_EQ(b.rd(Pl011::FBRD), 0x3fu);
    b.wr(Pl011::IMSC, 0xffff);
    EXPECT_EQ(b.rd(Pl011::IMSC), 0x7ffu);
    uint32_t v = 0;
    EXPECT_EQ(b.access(false, Pl011::FR + 2, v, 4), tlm::TLM_GENERIC_ERROR_RESPONSE);
    uint64_t wide = 0;
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(0);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&wide));
    t.set_data_length(8);
    t.set_streaming_width(8);
    sc_time d;
    b.init->b_transport(t, d);
    EXPECT_EQ(t.get_response_status(), tlm::TLM_GENERIC_ERROR_RESPONSE);
    // Byte access to the low byte of a register.
    EXPECT_EQ(b.access(false, Pl011::FR, v, 1), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(v & 0xff, Pl011::FR_TXFE | Pl011::FR_RXFE);
}

TEST(Pl011, TransmitRaisesTxInterrupt) {
    Bench b;
    b.wr(Pl011::IMSC, Pl011::TXIM);
    b.wr(Pl011::DR, 'h');
    b.wr(Pl011::DR, 0x100 | 'i'); // only the low 8 bits are data
    EXPECT_EQ(b.tx, "hi");
    EXPECT_EQ(b.rd(Pl011::RIS) & Pl011::TXIM, Pl011::TXIM);
    EXPECT_EQ(b.rd(Pl011::MIS), Pl011::TXIM);
    ASSERT_EQ(b.irq.size(), 1u);
    EXPECT_TRUE(b.irq[0].second);
    b.wr(Pl011::ICR, Pl011::TXIM);
    EXPECT_EQ(b.rd(Pl011::MIS), 0u);
    EXPECT_FALSE(b.irq.back().second);
    EXPECT_EQ(b.uart.tx_count(), 2u);
}

TEST(Pl011, FifoTriggerLevelAndReadOrder) {
    Bench b;
    b.wr(Pl011::LCR_H, Pl011::kLcrFen | (3u << 5)); // FIFOs on, 8 bits
    b.wr(Pl011::IFLS, 1u << 3);                     // RX trigger at 1/4 = 4 characters
    b.wr(Pl011::IMSC, Pl011::RXIM);
    for (char c : std::string("abc"))
        b.uart.receive(static_cast<uint8_t>(c));
    EXPECT_EQ(b.rd(Pl011::RIS) & Pl011::RXIM, 0u);
    b.uart.receive('d');
    EXPECT_EQ(b.rd(Pl011::MIS), Pl011::RXIM);
    EXPECT_EQ(b.rd(Pl011::FR) & Pl011::FR_RXFE, 0u);
    EXPECT_EQ(b.rd(Pl011::DR), uint32_t('a'));
    EXPECT_EQ(b.rd(Pl011::MIS), 0u); // below the trigger level again
    EXPECT_EQ(b.rd(Pl011::DR), uint32_t('b'));
    EXPECT_EQ(b.rd(Pl011::DR), uint32_t('c'));
    EXPECT_EQ(b.rd(Pl011::DR), uint32_t('d'));
    EXPECT_NE(b.rd(Pl011::FR) & Pl011::FR_RXFE, 0u);
}

TEST(Pl011, OverrunKeepsFifoAndFlagsNextCharacter) {
    Bench b;
    b.wr(Pl011::LCR_H, Pl011::kLcrFen);
    b.wr(Pl011::IMSC, Pl011::OEIM);
    for (unsigned i = 0; i < 16; ++i)
        b.uart.receive(static_cast<uint8_t>('A' + i));
    EXPECT_NE(b.rd(Pl011::FR) & Pl011::FR_RXFF, 0u);
    EXPECT_FALSE(b.uart.rx_has_room());
    b.uart.receive('!');             // lost
    EXPECT_EQ(b.rd(Pl011::RSR), 8u); // OE
    EXPECT_EQ(b.rd(Pl011::MIS), Pl011::OEIM);
    EXPECT_EQ(b.rd(Pl011::DR), uint32_t('A')); // the FIFO kept its contents
    b.uart.receive('x');
    for (unsigned i = 1; i < 16; ++i)
        EXPECT_EQ(b.rd(Pl011::DR), uint32_t('A' + i));
    EXPECT_EQ(b.rd(Pl011::DR), Pl011::DR_OE | 'x'); // the first character after the loss
    b.wr(Pl011::RSR, 0);                            // ECR clears the status
    EXPECT_EQ(b.rd(Pl011::RSR), 0u);
}

TEST(Pl011, ErrorBitsReachDrRsrAndInterrupts) {
    Bench b;
    b.wr(Pl011::IMSC, Pl011::BEIM | Pl011::FEIM);
    b.uart.receive(0, Pl011::DR_BE | Pl011::DR_FE);
    EXPECT_EQ(b.rd(Pl011::MIS), Pl011::BEIM | Pl011::FEIM);
    EXPECT_EQ(b.rd(Pl011::DR), uint32_t(Pl011::DR_BE | Pl011::DR_FE));
    EXPECT_EQ(b.rd(Pl011::RSR), 0x5u); // FE | BE, of the character just read
}

TEST(Pl011, NonFifoModeHoldsOneCharacter) {
    Bench b; // LCR_H.FEN = 0 after reset
    b.wr(Pl011::IMSC, Pl011::RXIM);
    b.uart.receive('1');
    EXPECT_EQ(b.rd(Pl011::MIS), Pl011::RXIM); // a character in the holding register
    EXPECT_NE(b.rd(Pl011::FR) & Pl011::FR_RXFF, 0u);
    b.uart.receive('2'); // overrun
    EXPECT_EQ(b.rd(Pl011::DR), uint32_t('1'));
    EXPECT_EQ(b.rd(Pl011::MIS), 0u);
}

TEST(Pl011, LoopbackFeedsTheReceiver) {
    Bench b;
    b.wr(Pl011::CR, 0x301 | Pl011::kCrLbe);
    b.wr(Pl011::DR, 'z');
    EXPECT_EQ(b.tx, "");
    EXPECT_EQ(b.rd(Pl011::DR), uint32_t('z'));
}

TEST(Pl011, BaudRateAndCharacterTime) {
    Bench b;
    // 115200 baud from 24 MHz: IBRD 13, FBRD 1 (divisor 13.015625).
    b.wr(Pl011::IBRD, 13);
    b.wr(Pl011::FBRD, 1);
    b.wr(Pl011::LCR_H, 3u << 5); // 8N1: 10 bits a character
    // bit = 16 * 833 / 64 / 24e6 s = 8677.083 ns, truncated to whole picoseconds.
    EXPECT_EQ(b.uart.bit_time().value(), 8'677'083u);
    EXPECT_EQ(b.uart.char_time().value(), 86'770'830u);
    b.wr(Pl011::LCR_H, (3u << 5) | (1u << 3) | (1u << 1)); // 8 bits, 2 stop, parity: 12 bits
    EXPECT_EQ(b.uart.char_time().value(), 12 * 8'677'083u);
}

TEST(Pl011, ReceiveTimeoutAfter32BitPeriods) {
    Bench b;
    b.wr(Pl011::IBRD, 13);
    b.wr(Pl011::FBRD, 1);
    b.wr(Pl011::LCR_H, Pl011::kLcrFen | (3u << 5));
    b.wr(Pl011::IMSC, Pl011::RTIM | Pl011::RXIM);
    b.uart.receive('q'); // below the trigger level: only the timeout reports it
    const uint64_t timeout = 32 * b.uart.bit_time().value();
    sc_start(sc_time::from_value(timeout - 1));
    EXPECT_EQ(b.rd(Pl011::RIS) & Pl011::RTIM, 0u);
    // sc_start(t) stops before running what is scheduled exactly at its end time.
    sc_start(sc_time::from_value(2));
    EXPECT_EQ(b.rd(Pl011::MIS), Pl011::RTIM);
    ASSERT_FALSE(b.irq.empty());
    EXPECT_EQ(b.irq.back().first, timeout);
    EXPECT_TRUE(b.irq.back().second);
    EXPECT_EQ(b.rd(Pl011::DR), uint32_t('q')); // emptying the FIFO clears the timeout
    EXPECT_EQ(b.rd(Pl011::RIS) & Pl011::RTIM, 0u);
    EXPECT_FALSE(b.irq.back().second);
}

TEST(Pl011, NewDataRestartsTheTimeout) {
    Bench b;
    b.wr(Pl011::LCR_H, Pl011::kLcrFen);
    b.uart.receive('1');
    const uint64_t timeout = 32 * b.uart.bit_time().value();
    sc_start(sc_time::from_value(timeout / 2));
    b.uart.receive('2');
    sc_start(sc_time::from_value(timeout / 2 + 10));
    EXPECT_EQ(b.rd(Pl011::RIS) & Pl011::RTIM, 0u);
    sc_start(sc_time::from_value(timeout / 2));
    EXPECT_EQ(b.rd(Pl011::RIS) & Pl011::RTIM, Pl011::RTIM);
}

TEST(Pl011, DigestReflectsState) {
    Bench b; // SystemC elaborates once per process: one bench per test
    const uint64_t before = b.uart.digest();
    EXPECT_EQ(b.uart.digest(), before);
    b.wr(Pl011::DR, 'x');
    EXPECT_NE(b.uart.digest(), before);
}
