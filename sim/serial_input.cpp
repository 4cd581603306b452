#include "serial_input.h"

#include "models/uart/pl011.h"

namespace armsim::sim {

SerialInput::SerialInput(sc_core::sc_module_name name, uart::Pl011& uart,
                         std::vector<uint8_t> bytes)
    : sc_module(name), uart_(uart), bytes_(std::move(bytes)) {
    SC_THREAD(feed);
}

void SerialInput::feed() {
    for (uint8_t b : bytes_) {
        wait(uart_.char_time()); // the character's frame on the line
        while (!uart_.rx_has_room())
            wait(uart_.char_time());
        uart_.receive(b);
    }
}

} // namespace armsim::sim
