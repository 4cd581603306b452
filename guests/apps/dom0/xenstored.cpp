#include "xenstored.h"

#include <minios/arch.h>
#include <minios/xenctrl.h>
#include <proto/xs_server.h>
#include <public/hvm/params.h>

namespace dom0 {
namespace {

using namespace minios;

struct Dom {
    bool used;
    domid_t domid;
    int conn;
    xenstore_domain_interface* ring;
    evtchn_port_t port;
    bool by_grant; // mapped through the GNTTAB_RESERVED_XENSTORE grant, else foreign-mapped
    grant_handle_t handle;
    bool broken_reported;
};

constexpr unsigned kMaxDoms = 32;
Dom doms[kMaxDoms];
xs::Server* server = nullptr;
int local_conn = -1;
Event work;
Event domain_exception;

void on_ring_event(evtchn_port_t, void*) {
    work.signal();
}
void on_dom_exc(evtchn_port_t, void*) {
    domain_exception.signal();
}

void local_submit(void*, const xsd_sockmsg& h, const char* p) {
    server->submit(local_conn, h, p);
    work.signal(); // the change may have queued watch events for other domains
}
bool local_next(void*, xsd_sockmsg* h, proto::Buf& p) {
    return server->next_output(local_conn, h, p);
}
const xenbus::LocalTransport transport = {nullptr, local_submit, local_next};

Dom* find(domid_t d) {
    for (Dom& x : doms)
        if (x.used && x.domid == d) return &x;
    return nullptr;
}

// Unmaps and unbinds; the server connection is the caller's business.
void disconnect(Dom& x) {
    xen::close_port(x.port);
    if (x.by_grant)
        xen::unmap_grant(x.ring, x.handle);
    else
        xenctrl::unmap_foreign(x.ring, 1);
    x.used = false;
}

bool hook_introduce(void*, domid_t d, uint64_t gfn, uint32_t port) {
    return xenstored_introduce(d, gfn, port) == 0;
}

bool hook_release(void*, domid_t d) {
    // Called while the server handles XS_RELEASE; it removes the connection itself.
    if (Dom* x = find(d)) disconnect(*x);
    return true;
}

void service_thread(void*) {
    for (;;) {
        work.wait_until(0);
        for (Dom& x : doms) {
            if (!x.used) continue;
            if (server->service(x.conn)) xen::notify(x.port);
            if (server->broken(x.conn) && !x.broken_reported) {
                x.broken_reported = true;
                printf("xenstored: domain %u: %s; its connection is no longer served\n", x.domid,
                       server->broken_reason(x.conn));
            }
        }
        xenbus::local_kick();
    }
}

// Domains that died or are dying lose their connection; @releaseDomain tells watchers.
void reaper_thread(void*) {
    for (;;) {
        domain_exception.wait_until(0);
        xenctrl::DomainInfo list[64];
        const unsigned n = xenctrl::list_domains(list, 64);
        bool released = false;
        for (Dom& x : doms) {
            if (!x.used) continue;
            bool alive = false;
            for (unsigned i = 0; i < n; ++i)
                if (list[i].domid == x.domid && !list[i].dying()) alive = true;
            if (alive) continue;
            const int conn = x.conn;
            disconnect(x);
            server->remove(conn);
            released = true;
        }
        if (released) {
            server->store().fire_special("@releaseDomain");
            work.signal();
        }
        // A new domain may have appeared too (created by someone else than our toolstack).
        xenstored_scan();
    }
}

} // namespace

int xenstore_make_home(domid_t d, const char* name) {
    char path[64], perms[16];
    bare_snprintf(path, sizeof path, "/local/domain/%u", d);
    int rc = xenbus::write(path, "");
    // Owned by the domain, nobody else may read it (dom0 always may).
    const int n = bare_snprintf(perms, sizeof perms, "n%u", d);
    perms[n + 1] = 0; // the list ends with an empty string
    if (rc == 0) rc = xenbus::set_perms(path, perms);
    char key[96];
    bare_snprintf(key, sizeof key, "%s/domid", path);
    if (rc == 0) rc = xenbus::printf(0, key, "%u", d);
    bare_snprintf(key, sizeof key, "%s/name", path);
    if (rc == 0) rc = xenbus::write(key, name);
    return rc;
}

int xenstored_introduce(domid_t d, uint64_t gfn, evtchn_port_t remote_port) {
    if (find(d)) return -XEN_EEXIST;
    Dom* x = nullptr;
    for (Dom& y : doms)
        if (!y.used) {
            x = &y;
            break;
        }
    if (!x) return -XEN_ENOSPC;
    *x = {};
    x->domid = d;
    void* addr = nullptr;
    // xenstored's way first: the grant the domain builder seeded; else a foreign mapping.
    if (xen::map_grant(d, GNTTAB_RESERVED_XENSTORE, false, &addr, &x->handle) == GNTST_okay) {
        x->by_grant = true;
    } else {
        const xen_pfn_t pfn = gfn;
        const int rc = xenctrl::map_foreign(d, &pfn, 1, &addr);
        if (rc) {
            printf("xenstored: cannot map the store ring of domain %u (gfn 0x%lx): %d\n", d, gfn,
                   rc);
            return rc;
        }
    }
    x->ring = static_cast<xenstore_domain_interface*>(addr);
    const int rc = xen::bind_interdomain(d, remote_port, on_ring_event, nullptr, &x->port);
    if (rc) {
        printf("xenstored: cannot bind to store port %u of domain %u: %d\n", remote_port, d, rc);
        if (x->by_grant)
            xen::unmap_grant(addr, x->handle);
        else
            xenctrl::unmap_foreign(addr, 1);
        return rc;
    }
    x->conn = server->add_ring(d, x->ring);
    if (x->conn < 0) {
        xen::close_port(x->port);
        return -XEN_ENOSPC;
    }
    x->used = true;
    work.signal();
    return 0;
}

void xenstored_scan() {
    xenctrl::DomainInfo list[64];
    const unsigned n = xenctrl::list_domains(list, 64);
    for (unsigned i = 0; i < n; ++i) {
        const domid_t d = list[i].domid;
        if (d == 0 || list[i].dying() || find(d)) continue;
        uint64_t port = 0, pfn = 0;
        if (xen::hvm_get_param(d, HVM_PARAM_STORE_EVTCHN, &port) != 0 || port == 0)
            continue; // no store for this domain
        if (xen::hvm_get_param(d, HVM_PARAM_STORE_PFN, &pfn) != 0) pfn = 0;
        // A domain built without a store page (Xen's dom0less "enhanced" domains) waits for
        // us to provide one, as init-dom0less does: populate it, publish it, then notify.
        const bool late = pfn == 0 || pfn == ~uint64_t(0);
        if (late) {
            pfn = (GUEST_MAGIC_BASE >> kPageShift) + GUEST_XENSTORE_PFN_OFFSET;
            const xen_pfn_t p = pfn;
            // One page beyond what the domain was given (init-dom0less raises it too).
            xenctrl::set_max_mem(d, (list[i].max_pages + 1) * (kPageSize / 1024));
            if (xenctrl::populate_physmap(d, &p, 1, 0) != 0) {
                printf("xenstored: cannot allocate the store page of domain %u\n", d);
                continue;
            }
        }
        char name[16];
        bare_snprintf(name, sizeof name, "domU%u", d);
        xenstore_make_home(d, name);
        if (xenstored_introduce(d, pfn, static_cast<evtchn_port_t>(port)) != 0) continue;
        if (late) {
            Dom* x = find(d);
            x->ring->connection = XENSTORE_CONNECTED;
            arch::wmb();
            xen::hvm_set_param(d, HVM_PARAM_STORE_PFN, pfn);
            xen::notify(x->port);
        }
        printf("xenstored: domain %u connected%s\n", d, late ? " (store page provided)" : "");
    }
}

unsigned xenstored_connections() {
    unsigned n = 0;
    for (const Dom& x : doms)
        n += x.used;
    return n;
}

bool xenstored_start() {
    server = new xs::Server();
    local_conn = server->add_local(0);
    xs::Server::Hooks hooks;
    hooks.introduce = hook_introduce;
    hooks.release = hook_release;
    server->set_hooks(hooks);
    xenbus::set_local_transport(&transport);
    thread_create("xenstored", service_thread, nullptr);
    evtchn_port_t p;
    if (xen::bind_virq(VIRQ_DOM_EXC, on_dom_exc, nullptr, &p) == 0)
        thread_create("xenstored-reaper", reaper_thread, nullptr);
    else
        printf("xenstored: no VIRQ_DOM_EXC: dead domains keep their connections\n");
    xenstore_make_home(0, "Domain-0");
    return true;
}

} // namespace dom0
