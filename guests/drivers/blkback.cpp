#include "blkback.h"

#include "xenbus_device.h"

#include <minios/args.h>
#include <proto/blk_backend.h>
#include <public/io/protocols.h>

namespace drivers {
namespace {

using namespace minios;

constexpr unsigned kMaxDevices = 8;

// Data moves with GNTTABOP_copy: our disk memory on one side, the frontend's grant on the
// other. A piece that crosses one of our page boundaries takes two operations.
class GrantCopier final : public blk::Copier {
public:
    domid_t fe = 0;
    uint8_t* disk = nullptr;
    int16_t copy(const blk::Segment& s, bool to_frontend) override {
        gnttab_copy_t ops[2] = {};
        unsigned n = 0;
        uint32_t done = 0;
        while (done < s.len && n < 2) {
            const uint64_t local = virt_to_phys(disk + s.disk_off + done);
            const uint32_t room = uint32_t(kPageSize - (local & (kPageSize - 1)));
            const uint32_t len = s.len - done < room ? s.len - done : room;
            gnttab_copy_t& op = ops[n++];
            gnttab_copy_ptr& mine = to_frontend ? op.source : op.dest;
            gnttab_copy_ptr& theirs = to_frontend ? op.dest : op.source;
            mine.u.gmfn = local >> kPageShift;
            mine.domid = DOMID_SELF;
            mine.offset = static_cast<uint16_t>(local & (kPageSize - 1));
            theirs.u.ref = s.gref;
            theirs.domid = fe;
            theirs.offset = static_cast<uint16_t>(s.page_off + done);
            op.len = static_cast<uint16_t>(len);
            op.flags = to_frontend ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
            done += len;
        }
        if (xen::grant_copy(ops, n) != 0) return GNTST_general_error;
        for (unsigned i = 0; i < n; ++i)
            if (ops[i].status != GNTST_okay) return ops[i].status;
        return GNTST_okay;
    }
};

struct Device : BackendDevice {
    Disk disk;
    void* ring_page;
    grant_handle_t ring_handle;
    blk::Ring ring;
    GrantCopier copier;
    blk::Backend* core;
    uint64_t done_requests, done_errors; // of cores already gone
};

Device devices[kMaxDevices];
unsigned connections = 0;
DiskResolver resolver = nullptr;
Event work_event;
domid_t self = 0;

void on_ring_event(evtchn_port_t, void* arg) {
    static_cast<Device*>(arg)->work = true;
    work_event.signal();
}

void report_bad_request(void* ctx, const blkif_request& r, const char* why) {
    auto* d = static_cast<Device*>(ctx);
    if (d->reports++ < 16)
        printf("blkback: vbd %u/%u: request %lu (op %u, sector %lu, %u segments): %s\n", d->fe,
               d->devid, r.id, r.operation, r.sector_number, r.nr_segments, why);
}

void disconnect(Device& d) {
    if (!d.connected) return;
    xen::close_port(d.port);
    xen::unmap_grant(d.ring_page, d.ring_handle);
    d.done_requests += d.core->stats().requests;
    d.done_errors += d.core->stats().errors + d.core->stats().unsupported;
    delete d.core;
    d.core = nullptr;
    d.connected = false;
}

void fatal(Device& d, const char* what) {
    backend_fatal(d, disconnect, "blkback: vbd", what);
}

void connect(Device& d) {
    uint64_t ring_ref = 0, evtchn = 0;
    proto::Buf proto_name;
    if (xs_read_uint(d.fe_dir, "ring-ref", &ring_ref) != 0)
        return fatal(d, "frontend published no ring-ref");
    if (xs_read_uint(d.fe_dir, "event-channel", &evtchn) != 0)
        return fatal(d, "frontend published no event-channel");
    if (xs_read(d.fe_dir, "protocol", proto_name) == 0 &&
        strcmp(proto_name.c_str(), XEN_IO_PROTO_ABI_ARM) != 0)
        return fatal(d, "frontend speaks another ring ABI");
    const int16_t st = xen::map_grant(d.fe, static_cast<grant_ref_t>(ring_ref), false, &d.ring_page,
                                      &d.ring_handle);
    if (st != GNTST_okay) {
        char why[96];
        bare_snprintf(why, sizeof why, "cannot map ring-ref %lu (grant status %d)", ring_ref, st);
        return fatal(d, why);
    }
    if (xen::bind_interdomain(d.fe, static_cast<evtchn_port_t>(evtchn), on_ring_event, &d,
                              &d.port) != 0) {
        xen::unmap_grant(d.ring_page, d.ring_handle);
        return fatal(d, "cannot bind to the frontend's event channel");
    }
    d.ring.attach(static_cast<blk::SharedRing*>(d.ring_page), kPageSize);
    d.copier.fe = d.fe;
    d.copier.disk = d.disk.base;
    d.core = new blk::Backend(d.disk.bytes / blk::kSectorSize, d.disk.readonly, d.copier);
    d.core->set_report(report_bad_request, &d);
    d.connected = true;
    ++connections;
    xenbus::switch_state(d.be_dir, XenbusStateConnected);
    printf("blkback: vbd %u/%u connected (%lu sectors%s)\n", d.fe, d.devid,
           d.disk.bytes / blk::kSectorSize, d.disk.readonly ? ", read-only" : "");
    d.work = true; // requests may already be waiting
    work_event.signal();
}

void frontend_changed(const char*, void* arg) {
    Device& d = *static_cast<Device*>(arg);
    if (!d.used) return;
    backend_frontend_changed(d, connect, disconnect, "blkback: vbd");
}

void add_device(domid_t fe, uint32_t devid) {
    bool full;
    Device* d = new_backend_device(devices, fe, devid, &full);
    if (!d) {
        if (full) printf("blkback: too many devices; vbd %u/%u ignored\n", fe, devid);
        return;
    }
    if (!backend_find_frontend(*d, self, "vbd"))
        return; // not fully written yet: the next watch event brings us back
    proto::Buf v;
    if (xs_read(d->be_dir, "params", v) != 0 || !resolver(v.c_str(), &d->disk)) {
        printf("blkback: vbd %u/%u: no disk for params '%s'\n", fe, devid, v.c_str());
        return;
    }
    proto::Buf mode;
    if (xs_read(d->be_dir, "mode", mode) == 0 && strcmp(mode.c_str(), "r") == 0)
        d->disk.readonly = true;
    d->used = true;
    const uint64_t sectors = d->disk.bytes / blk::kSectorSize;
    xs_printf(d->be_dir, "sectors", "%lu", sectors);
    xs_printf(d->be_dir, "sector-size", "%u", blk::kSectorSize);
    xs_printf(d->be_dir, "physical-sector-size", "%u", blk::kSectorSize);
    xs_printf(d->be_dir, "info", "%u", d->disk.readonly ? VDISK_READONLY : 0u);
    backend_wait_for_frontend(*d, frontend_changed);
}

// Any change under backend/vbd: look for devices we do not serve yet.
void backend_changed(const char*, void*) {
    for_each_backend_device("backend/vbd", add_device);
}

void service_thread(void*) {
    for (;;) {
        work_event.wait_until(0);
        for (Device& d : devices) {
            if (!d.used || !d.connected || !d.work) continue;
            d.work = false;
            switch (d.core->serve(d.ring)) {
            case blk::Backend::Serve::Notify:
                xen::notify(d.port);
                break;
            case blk::Backend::Serve::Broken:
                fatal(d, "frontend overflowed the request ring");
                break;
            case blk::Backend::Serve::Idle:
                break;
            }
        }
    }
}

} // namespace

bool resolve_boot_disk(const char* params, Disk* out) {
    const BootInfo& bi = boot_info();
    if (strncmp(params, "module:", 7) == 0) {
        uint64_t n;
        if (!proto::parse_uint(params + 7, &n) || n >= bi.modules) return false;
        out->base = static_cast<uint8_t*>(phys_to_virt(bi.module[n].addr));
        out->bytes = bi.module[n].size & ~uint64_t(blk::kSectorSize - 1);
        return out->bytes != 0;
    }
    if (strcmp(params, "initrd") == 0 && bi.initrd_size) {
        out->base = static_cast<uint8_t*>(phys_to_virt(bi.initrd_addr));
        out->bytes = bi.initrd_size & ~uint64_t(blk::kSectorSize - 1);
        return out->bytes != 0;
    }
    return false;
}

bool blkback_start(DiskResolver resolve) {
    resolver = resolve;
    uint64_t id = 0;
    if (!xen::is_dom0() && xenbus::read_uint("domid", &id) != 0) {
        printf("blkback: cannot read our domain id\n");
        return false;
    }
    self = static_cast<domid_t>(id);
    thread_create("blkback", service_thread, nullptr);
    xenbus::mkdir("backend/vbd");
    return xenbus::watch("backend/vbd", backend_changed, nullptr) == 0;
}

BlkbackReport blkback_report() {
    BlkbackReport r{};
    r.connections = connections;
    for (const Device& d : devices) {
        if (!d.used) continue;
        ++r.devices;
        r.connected += d.connected;
        r.requests += d.done_requests;
        r.errors += d.done_errors;
        if (d.core) {
            r.requests += d.core->stats().requests;
            r.errors += d.core->stats().errors + d.core->stats().unsupported;
        }
    }
    return r;
}

} // namespace drivers
