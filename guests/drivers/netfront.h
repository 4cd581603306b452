// The network frontend driver: connects our "device/vif/<devid>" to its backend (XenbusState
// handshake, rx-copy), keeps receive buffers posted, and sends and receives Ethernet frames
// of up to one page. Waits are bounded: a backend that never answers gives -XEN_ETIMEDOUT.
#pragma once

#include <minios/xen.h>
#include <proto/ring.h>
#include <public/io/netif.h>

namespace drivers {

class Netfront {
public:
    static constexpr unsigned kBufs = 32; // receive and transmit buffers each

    int connect(const char* node, uint64_t timeout_ns);
    int disconnect(uint64_t timeout_ns);
    const uint8_t* mac() const { return mac_; }
    domid_t backend_id() const { return be_; }

    // Queues one frame (waits for a free buffer up to the timeout).
    int send(const void* frame, uint16_t len);
    // The next received frame, or -XEN_ETIMEDOUT at the deadline; returns its length.
    int receive(void* buf, uint16_t max, uint64_t deadline_ns);
    // Posts a transmit request as given (its id replaced) and waits for its response status.
    int raw_tx(netif_tx_request r, int16_t* status, uint64_t timeout_ns);
    grant_ref_t tx_ref(unsigned i) const { return static_cast<grant_ref_t>(tx_refs_[i]); }

    uint64_t sent = 0, received = 0, rx_errors = 0;

private:
    void reap_tx();
    void post_rx(unsigned i);

    char dir_[64] = {};
    char be_dir_[96] = {};
    domid_t be_ = 0;
    uint8_t mac_[6] = {};
    proto::FrontRing<netif_tx_request, netif_tx_response> tx_;
    proto::FrontRing<netif_rx_request, netif_rx_response> rx_;
    int tx_ring_ref_ = -1, rx_ring_ref_ = -1;
    evtchn_port_t port_ = 0;
    uint8_t* tx_bufs_ = nullptr;
    uint8_t* rx_bufs_ = nullptr;
    int tx_refs_[kBufs] = {};
    int rx_refs_[kBufs] = {};
    bool tx_busy_[kBufs] = {};
    int16_t raw_status_ = 0;
    bool raw_done_ = false;
    uint16_t raw_id_ = 0xffff;
    minios::Event ev_;
};

} // namespace drivers
