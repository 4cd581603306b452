/* Split-driver connection states published as "state" in xenstore:
 * xen/include/public/io/xenbus.h. Plain C. */
#ifndef XEN_PUBLIC_IO_XENBUS_H
#define XEN_PUBLIC_IO_XENBUS_H

enum xenbus_state {
    XenbusStateUnknown = 0,
    XenbusStateInitialising = 1,
    XenbusStateInitWait = 2,    /* finished early init, waiting for the peer's details */
    XenbusStateInitialised = 3, /* published its details (rings, event channel) */
    XenbusStateConnected = 4,
    XenbusStateClosing = 5,
    XenbusStateClosed = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured = 8
};
typedef enum xenbus_state XenbusState;

#endif
