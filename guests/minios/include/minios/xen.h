// The mini-OS's Xen guest support, for apps: hypercalls, event channels (2-level ABI),
// grant tables (v1), and the xenbus client. Everything reports failure with a negative
// Xen errno (-XEN_E*) or a GNTST_* status, never by panicking: apps decide.
#pragma once

#include <bare/xen.h>
#include <minios/minios.h>
#include <proto/barrier.h>
#include <proto/buf.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/io/xenbus.h>
#include <public/io/xs_wire.h>
#include <public/xen.h>

namespace minios::xen {

bool present(); // a /hypervisor node compatible with "xen,xen" was found
bool is_dom0();

// --- raw hypercalls (hvc #0xEA1, number in x16, arguments x0..x4) -------------------------
inline int64_t hypercall(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                         uint64_t a3 = 0, uint64_t a4 = 0) {
    return bare::xen_hypercall(nr, a0, a1, a2, a3, a4);
}
inline int64_t hypercall_ptr(uint64_t nr, uint64_t cmd, const volatile void* arg) {
    return hypercall(nr, cmd, reinterpret_cast<uint64_t>(arg));
}
int64_t hvm_get_param(domid_t domid, uint32_t index, uint64_t* value);
int64_t hvm_set_param(domid_t domid, uint32_t index, uint64_t value);
void yield_cpu(); // SCHEDOP_yield

// --- event channels ---------------------------------------------------------------------
using EvtchnHandler = void (*)(evtchn_port_t port, void* arg);
// Handlers run with interrupts masked in whatever thread was waiting; they must only
// record, wake threads, or do short non-blocking work.
int bind_virq(uint32_t virq, EvtchnHandler fn, void* arg, evtchn_port_t* port);
int alloc_unbound(domid_t remote, evtchn_port_t* port);
int bind_interdomain(domid_t remote, evtchn_port_t remote_port, EvtchnHandler fn, void* arg,
                     evtchn_port_t* local);
// Attaches a handler to a port we already own (e.g. one from alloc_unbound) and unmasks it.
void bind_handler(evtchn_port_t port, EvtchnHandler fn, void* arg);
int close_port(evtchn_port_t port); // also drops the handler
int notify(evtchn_port_t port);     // EVTCHNOP_send
void mask(evtchn_port_t port);
void unmask(evtchn_port_t port);
int evtchn_status(domid_t dom, evtchn_port_t port, evtchn_status_t* out);
// Upcalls taken so far (reports, tests).
uint64_t upcall_count();

// --- grant tables -----------------------------------------------------------------------
// Grants `to` access to our frame `gfn`; returns the reference, or < 0.
int grant_access(domid_t to, uint64_t gfn, bool readonly);
// Revokes a grant. False (grant kept) while the other side still has it mapped.
bool end_access(grant_ref_t ref);
// Maps a foreign grant into our address space (a page of the foreign-mapping window).
// Returns GNTST_okay and the address and handle, or a GNTST_* error.
int16_t map_grant(domid_t from, grant_ref_t ref, bool readonly, void** addr,
                  grant_handle_t* handle);
int16_t unmap_grant(void* addr, grant_handle_t handle);
// GNTTABOP_copy of `n` operations; returns 0 or -errno for the hypercall itself; each
// op's status says how it went.
int grant_copy(gnttab_copy_t* ops, unsigned n);
unsigned grant_entries(); // size of our grant table

} // namespace minios::xen

// --- xenbus: the xenstore client --------------------------------------------------------
namespace minios::xenbus {

// The xenstore transport used by dom0's own clients: the store service lives in the same
// image and installs this before anybody calls xenbus (see apps/dom0).
struct LocalTransport {
    void* ctx;
    // Hands over one request (header + payload).
    void (*submit)(void* ctx, const xsd_sockmsg& hdr, const char* payload);
    // Pops the next reply or watch event for us, false when there is none.
    bool (*next)(void* ctx, xsd_sockmsg* hdr, proto::Buf& payload);
};
void set_local_transport(const LocalTransport* t);
// The store service calls this after it produced output for the local connection.
void local_kick();

bool ready();
// Waits (up to timeout) for a store that is still being set up; true once it is usable.
bool wait_ready(uint64_t timeout_ns);
// Requests, blocking the calling thread (one request at a time, in order). Results:
// 0, or a negative errno value matching the xenstore error name (-XEN_ENOENT ...), or
// -XEN_ETIMEDOUT when the store does not answer within the timeout.
int read(const char* path, proto::Buf& value, uint32_t tx = 0);
int read_uint(const char* path, uint64_t* value, uint32_t tx = 0);
int write(const char* path, const char* value, uint32_t tx = 0);
int printf(uint32_t tx, const char* path, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
int mkdir(const char* path, uint32_t tx = 0);
int rm(const char* path, uint32_t tx = 0);
int directory(const char* path, proto::Buf& names, uint32_t tx = 0); // nul-separated
int set_perms(const char* path, const char* perms, uint32_t tx = 0); // "n0\0r1\0" list
int transaction_start(uint32_t* tx);
int transaction_end(uint32_t tx, bool commit);
int introduce_domain(domid_t domid, uint64_t gfn, evtchn_port_t port); // dom0
int release_domain(domid_t domid);                                     // dom0

// Watches: fn runs in the xenbus watch thread (it may issue requests) with the event path.
using WatchFn = void (*)(const char* path, void* arg);
int watch(const char* path, WatchFn fn, void* arg);
int unwatch(const char* path, WatchFn fn, void* arg);

// Waits until the node's value is a state in [min, max], or the timeout passes.
// Returns the state, or a negative error (-XEN_ETIMEDOUT).
int wait_for_state(const char* path, int min, int max, uint64_t timeout_ns);
int switch_state(const char* dir, XenbusState state); // writes dir/state

void set_timeout(uint64_t ns); // per request (default 20 s)

} // namespace minios::xenbus
