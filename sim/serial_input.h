// Feeds bytes to the PL011's receive line at simulated times that depend only on the
// input and on what the guest programs: one character per character time (at the baud
// rate the guest set, 115200 until then) from time 0, held back while the receive FIFO is
// full, like a host with flow control. Host time never matters, so runs with input repeat.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

namespace armsim::uart {
class Pl011;
}

namespace armsim::sim {

class SerialInput : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(SerialInput);
    SerialInput(sc_core::sc_module_name name, uart::Pl011& uart, std::vector<uint8_t> bytes);

private:
    void feed();
    uart::Pl011& uart_;
    std::vector<uint8_t> bytes_;
};

} // namespace armsim::sim
