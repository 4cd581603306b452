#include "netback.h"

#include "xenbus_device.h"

#include <proto/net_bridge.h>

namespace drivers {
namespace {

using namespace minios;

constexpr unsigned kMaxVifs = net::kMaxPorts;

class GrantCopier final : public net::Copier {
public:
    int16_t copy(uint16_t sd, uint32_t sr, uint16_t so, uint16_t dd, uint32_t dr, uint16_t doff,
                 uint16_t len) override {
        gnttab_copy_t op{};
        op.source.u.ref = sr;
        op.source.domid = sd;
        op.source.offset = so;
        op.dest.u.ref = dr;
        op.dest.domid = dd;
        op.dest.offset = doff;
        op.len = len;
        op.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
        if (xen::grant_copy(&op, 1) != 0) return GNTST_general_error;
        return op.status;
    }
    int16_t peek(uint16_t dom, uint32_t ref, uint16_t off, void* dst, uint16_t len) override {
        gnttab_copy_t op{};
        op.source.u.ref = ref;
        op.source.domid = dom;
        op.source.offset = off;
        op.dest.u.gmfn = virt_to_pfn(dst);
        op.dest.domid = DOMID_SELF;
        op.dest.offset = static_cast<uint16_t>(virt_to_phys(dst) & (kPageSize - 1));
        op.len = len;
        op.flags = GNTCOPY_source_gref;
        if (xen::grant_copy(&op, 1) != 0) return GNTST_general_error;
        return op.status;
    }
};

struct Vif : BackendDevice {
    uint8_t mac[6];
    void* tx_page;
    void* rx_page;
    grant_handle_t tx_handle, rx_handle;
    int bridge_port;
};

Vif vifs[kMaxVifs];
GrantCopier copier;
net::Bridge bridge(copier);
Event work_event;
domid_t self = 0;

void on_event(evtchn_port_t, void* arg) {
    static_cast<Vif*>(arg)->work = true;
    work_event.signal();
}

void report_bad(void*, int port, const char* why) {
    for (Vif& v : vifs)
        if (v.used && v.connected && v.bridge_port == port && v.reports++ < 16)
            printf("netback: vif %u/%u: bad transmit request: %s\n", v.fe, v.devid, why);
}

void disconnect(Vif& v) {
    if (!v.connected) return;
    bridge.remove_port(v.bridge_port);
    xen::close_port(v.port);
    xen::unmap_grant(v.tx_page, v.tx_handle);
    xen::unmap_grant(v.rx_page, v.rx_handle);
    v.connected = false;
}

void fatal(Vif& v, const char* what) {
    backend_fatal(v, disconnect, "netback: vif", what);
}

void connect(Vif& v) {
    uint64_t tx_ref, rx_ref, evtchn, rx_copy = 0;
    if (xs_read_uint(v.fe_dir, "tx-ring-ref", &tx_ref) != 0 ||
        xs_read_uint(v.fe_dir, "rx-ring-ref", &rx_ref) != 0)
        return fatal(v, "frontend published no ring references");
    if (xs_read_uint(v.fe_dir, "event-channel", &evtchn) != 0)
        return fatal(v, "frontend published no event-channel");
    if (xs_read_uint(v.fe_dir, "request-rx-copy", &rx_copy) != 0 || rx_copy != 1)
        return fatal(v, "frontend does not do rx-copy");
    int16_t st =
        xen::map_grant(v.fe, static_cast<grant_ref_t>(tx_ref), false, &v.tx_page, &v.tx_handle);
    if (st != GNTST_okay) return fatal(v, "cannot map the tx ring");
    st = xen::map_grant(v.fe, static_cast<grant_ref_t>(rx_ref), false, &v.rx_page, &v.rx_handle);
    if (st != GNTST_okay) {
        xen::unmap_grant(v.tx_page, v.tx_handle);
        return fatal(v, "cannot map the rx ring");
    }
    if (xen::bind_interdomain(v.fe, static_cast<evtchn_port_t>(evtchn), on_event, &v, &v.port)) {
        xen::unmap_grant(v.tx_page, v.tx_handle);
        xen::unmap_grant(v.rx_page, v.rx_handle);
        return fatal(v, "cannot bind to the frontend's event channel");
    }
    v.bridge_port = bridge.add_port(v.fe, v.mac, static_cast<net::TxShared*>(v.tx_page),
                                    static_cast<net::RxShared*>(v.rx_page), kPageSize);
    v.connected = true;
    xenbus::switch_state(v.be_dir, XenbusStateConnected);
    printf("netback: vif %u/%u connected (%02x:%02x:%02x:%02x:%02x:%02x)\n", v.fe, v.devid,
           v.mac[0], v.mac[1], v.mac[2], v.mac[3], v.mac[4], v.mac[5]);
    v.work = true;
    work_event.signal();
}

void frontend_changed(const char*, void* arg) {
    backend_frontend_changed(*static_cast<Vif*>(arg), connect, disconnect, "netback: vif");
}

void add_vif(domid_t fe, uint32_t devid) {
    bool full;
    Vif* v = new_backend_device(vifs, fe, devid, &full);
    if (!v || !backend_find_frontend(*v, self, "vif")) return;
    proto::Buf s;
    const char* mac_end = nullptr;
    if (xs_read(v->be_dir, "mac", s) != 0 || !(mac_end = parse_mac(s.c_str(), v->mac)) ||
        *mac_end != 0) {
        printf("netback: vif %u/%u: no usable mac\n", fe, devid);
        return;
    }
    v->used = true;
    xs_write(v->be_dir, "feature-rx-copy", "1");
    xs_write(v->be_dir, "feature-rx-flip", "0");
    backend_wait_for_frontend(*v, frontend_changed);
}

void backend_changed(const char*, void*) {
    for_each_backend_device("backend/vif", add_vif);
}

void service_thread(void*) {
    for (;;) {
        work_event.wait_until(0);
        for (Vif& v : vifs) {
            if (!v.used || !v.connected || !v.work) continue;
            v.work = false;
            if (bridge.service_tx(v.bridge_port) == net::Bridge::Serve::Broken)
                fatal(v, "frontend overflowed the tx ring");
        }
        for (Vif& v : vifs)
            if (v.used && v.connected && bridge.take_notify(v.bridge_port)) xen::notify(v.port);
    }
}

} // namespace

bool netback_start() {
    uint64_t id = 0;
    if (!xen::is_dom0() && xenbus::read_uint("domid", &id) != 0) return false;
    self = static_cast<domid_t>(id);
    bridge.set_report(report_bad, nullptr);
    thread_create("netback", service_thread, nullptr);
    xenbus::mkdir("backend/vif");
    return xenbus::watch("backend/vif", backend_changed, nullptr) == 0;
}

NetbackReport netback_report() {
    NetbackReport r{};
    for (const Vif& v : vifs) {
        if (!v.used) continue;
        ++r.vifs;
        r.connected += v.connected;
        if (v.connected) {
            const net::PortStats& s = bridge.stats(v.bridge_port);
            r.frames += s.tx_frames;
            r.dropped += s.rx_dropped;
            r.errors += s.tx_errors;
        }
    }
    r.dropped += bridge.dropped_no_destination();
    return r;
}

} // namespace drivers
