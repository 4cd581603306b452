// The block frontend driver: connects to the vbd the toolstack put under our
// "device/vbd/<devid>" with the XenbusState handshake, then reads and writes sectors through
// the shared ring. Every wait is bounded: a backend that never connects or never answers
// gives -XEN_ETIMEDOUT, not a hang.
#pragma once

#include <minios/xen.h>
#include <proto/ring.h>
#include <public/io/blkif.h>

namespace drivers {

class Blkfront {
public:
    static constexpr unsigned kDataPages = BLKIF_MAX_SEGMENTS_PER_REQUEST;

    static constexpr int64_t kOmitRingRef = -2;
    // node: our device directory, e.g. "device/vbd/51712". ring_ref_override, when not
    // negative, is published instead of the real ring grant, and kOmitRingRef publishes
    // none (to test a backend's checks).
    int connect(const char* node, uint64_t timeout_ns, int64_t ring_ref_override = -1);
    int disconnect(uint64_t timeout_ns);

    uint64_t sectors() const { return sectors_; }
    domid_t backend_id() const { return be_; }
    bool readonly() const { return readonly_; }
    const char* backend_dir() const { return be_dir_; }

    // Whole 512-byte sectors; any count (split into requests of up to 11 pages).
    int read(uint64_t sector, void* buf, uint64_t nsectors);
    int write(uint64_t sector, const void* buf, uint64_t nsectors);
    // Sends a request as given (its id is replaced) and returns its response status in
    // *status. For checking what a backend does with bad requests.
    int raw(blkif_request r, int16_t* status);
    // The grant reference of data page i (valid for raw requests).
    grant_ref_t data_ref(unsigned i) const { return static_cast<grant_ref_t>(data_ref_[i]); }
    uint8_t* data_page(unsigned i) const { return data_ + i * 4096; }

    uint64_t request_timeout_ns = 10000000000ull;
    uint64_t requests = 0;

private:
    int submit(blkif_request& r, int16_t* status);
    int transfer(bool write, uint64_t sector, uint8_t* buf, uint64_t nsectors);

    char dir_[64] = {};
    char be_dir_[96] = {};
    domid_t be_ = 0;
    uint64_t sectors_ = 0;
    bool readonly_ = false;
    minios::paddr_t ring_pa_ = 0;
    int ring_ref_ = -1;
    evtchn_port_t port_ = 0;
    proto::FrontRing<blkif_request, blkif_response> ring_;
    uint8_t* data_ = nullptr;
    int data_ref_[kDataPages] = {};
    uint64_t next_id_ = 1;
    minios::Event ev_;
};

} // namespace drivers
