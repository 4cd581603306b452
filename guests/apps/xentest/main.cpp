// Checks of the mini-OS's Xen support that need no peer: event channels looped back to
// ourselves, grant tables against our own pages, VIRQ_TIMER, and (when a store is there)
// xenstore requests and watches. Prints "xentest: <name> ok|FAILED|skipped (why)".
#include <minios/arch.h>
#include <minios/minios.h>
#include <minios/xen.h>

using namespace minios;

namespace {

int failures = 0, passed = 0;

void report(const char* name, bool ok, const char* why = "") {
    if (ok)
        ++passed;
    else
        ++failures;
    printf("xentest: %s %s%s%s\n", name, ok ? "ok" : "FAILED", *why ? " " : "", why);
}

struct Counter {
    unsigned hits = 0;
    Event ev;
};
void count_event(evtchn_port_t, void* arg) {
    auto* c = static_cast<Counter*>(arg);
    ++c->hits;
    c->ev.signal();
}

// Two ports of ours bound to each other: what one sends, the other receives.
bool test_evtchn_loopback() {
    evtchn_port_t a, b;
    Counter ca, cb;
    if (xen::alloc_unbound(DOMID_SELF, &a) != 0) return false;
    xen::bind_handler(a, count_event, &ca);
    if (xen::bind_interdomain(DOMID_SELF, a, count_event, &cb, &b) != 0) return false;
    // Binding may leave the new port pending (Xen does, in case the unbound end missed a
    // notification): drivers must take spurious events, and so do we.
    sleep_ms(1);
    cb.hits = 0;
    cb.ev.clear();
    evtchn_status_t st;
    if (xen::evtchn_status(DOMID_SELF, b, &st) != 0 || st.status != EVTCHNSTAT_interdomain ||
        st.u.interdomain.port != a)
        return false;
    for (int i = 0; i < 100; ++i) {
        if (xen::notify(b) != 0 || !ca.ev.wait_for(1000000000)) return false;
    }
    if (xen::notify(a) != 0 || !cb.ev.wait_for(1000000000)) return false;
    // A masked port keeps the event pending and delivers it on unmask.
    xen::mask(a);
    const unsigned before = ca.hits;
    xen::notify(b);
    sleep_ms(5);
    if (ca.hits != before) return false;
    xen::unmask(a);
    if (!ca.ev.wait_for(1000000000) || ca.hits != before + 1) return false;
    // Closing one end leaves the other unbound.
    if (xen::close_port(b) != 0) return false;
    if (xen::evtchn_status(DOMID_SELF, a, &st) != 0 || st.status != EVTCHNSTAT_unbound)
        return false;
    return xen::close_port(a) == 0 && ca.hits == 101 && cb.hits == 1;
}

bool test_evtchn_errors() {
    // Sending on a port we do not have, binding to a port that is not unbound for us.
    evtchn_port_t p;
    return xen::notify(4000) < 0 &&
           xen::bind_interdomain(DOMID_SELF, 4000, nullptr, nullptr, &p) < 0;
}

bool test_grant_copy(domid_t self) {
    const paddr_t src = alloc_pages(1), dst = alloc_pages(1);
    auto* s = static_cast<uint8_t*>(phys_to_virt(src));
    auto* d = static_cast<uint8_t*>(phys_to_virt(dst));
    for (unsigned i = 0; i < kPageSize; ++i)
        s[i] = static_cast<uint8_t>(i * 7 + 3);
    const int ref = xen::grant_access(self, src >> kPageShift, true);
    if (ref < 0) return false;
    gnttab_copy_t op{};
    op.source.u.ref = static_cast<grant_ref_t>(ref);
    op.source.domid = self;
    op.source.offset = 100;
    op.dest.u.gmfn = dst >> kPageShift;
    op.dest.domid = DOMID_SELF;
    op.dest.offset = 200;
    op.len = 1000;
    op.flags = GNTCOPY_source_gref;
    if (xen::grant_copy(&op, 1) != 0 || op.status != GNTST_okay) return false;
    for (unsigned i = 0; i < 1000; ++i)
        if (d[200 + i] != s[100 + i]) return false;
    if (d[199] != 0 || d[1200] != 0) return false;
    // Out of the page: refused, nothing copied.
    op.source.offset = 4000;
    op.len = 200;
    if (xen::grant_copy(&op, 1) != 0 || op.status == GNTST_okay) return false;
    // A reference nobody granted.
    op.source.offset = 0;
    op.len = 8;
    op.source.u.ref = xen::grant_entries() - 1;
    if (xen::grant_copy(&op, 1) != 0 || op.status == GNTST_okay) return false;
    const bool ended = xen::end_access(static_cast<grant_ref_t>(ref));
    free_pages(src, 1);
    free_pages(dst, 1);
    return ended;
}

bool test_grant_map(domid_t self) {
    const paddr_t page = alloc_pages(1);
    auto* p = static_cast<uint64_t*>(phys_to_virt(page));
    p[0] = 0x1122334455667788ULL;
    p[511] = 0x99;
    const int ref = xen::grant_access(self, page >> kPageShift, false);
    if (ref < 0) return false;
    void* addr;
    grant_handle_t h;
    if (xen::map_grant(self, static_cast<grant_ref_t>(ref), false, &addr, &h) != GNTST_okay)
        return false;
    auto* m = static_cast<volatile uint64_t*>(addr);
    bool ok = m[0] == 0x1122334455667788ULL && m[511] == 0x99;
    m[1] = 0xabcdef; // writes reach the granted page
    ok = ok && p[1] == 0xabcdef;
    ok = ok && !xen::end_access(static_cast<grant_ref_t>(ref)); // in use: refused
    ok = ok && xen::unmap_grant(addr, h) == GNTST_okay;
    ok = ok && xen::end_access(static_cast<grant_ref_t>(ref));
    // Mapping a revoked reference fails.
    ok = ok && xen::map_grant(self, static_cast<grant_ref_t>(ref), false, &addr, &h) != GNTST_okay;
    free_pages(page, 1);
    return ok;
}

struct WatchSeen {
    unsigned n = 0;
    char last[128] = {};
    Event ev;
};
void on_watch(const char* path, void* arg) {
    auto* w = static_cast<WatchSeen*>(arg);
    ++w->n;
    bare_snprintf(w->last, sizeof w->last, "%s", path);
    w->ev.signal();
}

bool test_xenstore() {
    proto::Buf v;
    if (xenbus::write("data/xentest/a", "1") != 0 || xenbus::read("data/xentest/a", v) != 0 ||
        strcmp(v.c_str(), "1") != 0)
        return false;
    WatchSeen w;
    if (xenbus::watch("data/xentest", on_watch, &w) != 0 || !w.ev.wait_for(1000000000))
        return false; // the first event comes at once
    xenbus::write("data/xentest/b", "2");
    if (!w.ev.wait_for(1000000000) || strcmp(w.last, "data/xentest/b") != 0) return false;
    proto::Buf names;
    if (xenbus::directory("data/xentest", names) != 0 || names.size() != 4)
        return false; // "a\0b\0"
    uint32_t tx;
    if (xenbus::transaction_start(&tx) != 0 || xenbus::write("data/xentest/c", "3", tx) != 0 ||
        xenbus::transaction_end(tx, true) != 0)
        return false;
    if (xenbus::read("data/xentest/missing", v) != -XEN_ENOENT) return false;
    if (xenbus::read("/local/domain/0/secret-of-dom0", v) == 0) return false;
    xenbus::unwatch("data/xentest", on_watch, &w);
    return xenbus::rm("data/xentest") == 0;
}

} // namespace

extern "C" int app_main(const BootInfo& info) {
    if (!info.xen) {
        printf("xentest: not on Xen: nothing to test\n");
        return 1;
    }
    report("evtchn-loopback", test_evtchn_loopback());
    report("evtchn-errors", test_evtchn_errors());
    // Grants name domains by id; dom0 is 0, a domU learns its id from xenstore.
    uint64_t self = 0;
    bool know_self = info.dom0;
    const bool store = xenbus::wait_ready(20000000000ull);
    if (!know_self && store) know_self = xenbus::read_uint("domid", &self) == 0;
    if (know_self) {
        report("grant-copy", test_grant_copy(static_cast<domid_t>(self)));
        report("grant-map", test_grant_map(static_cast<domid_t>(self)));
    } else {
        printf("xentest: grant tests skipped (our domain id is unknown without xenstore)\n");
    }
    if (store)
        report("xenstore", test_xenstore());
    else
        printf("xentest: xenstore skipped (no store)\n");
    printf("xentest: %d passed, %d failed, %lu upcalls\n", passed, failures, xen::upcall_count());
    return failures ? 1 : 0;
}
