/* Shared request/response rings between a frontend and a backend: the layout of
 * xen/include/public/io/ring.h, written here. Plain C.
 *
 * A ring is one shared page: a 64-byte header (the producer/consumer indexes the two ends
 * publish, and the indexes at which each end wants a notification), then entries, each a
 * union of the request and response types, as many as fit rounded down to a power of two.
 * Indexes are free-running 32-bit counters; an entry's slot is index & (entries - 1). */
#ifndef XEN_PUBLIC_IO_RING_H
#define XEN_PUBLIC_IO_RING_H

#include <stdint.h>

typedef uint32_t RING_IDX;

struct xen_sring_header {
    RING_IDX req_prod, req_event;
    RING_IDX rsp_prod, rsp_event;
    uint8_t pvt[4]; /* netif: smartpoll_active; unused elsewhere */
    uint8_t pad[44];
};

/* The entry array starts 64 bytes into the page. */
#define XEN_RING_HEADER_SIZE 64

/* struct NAME_sring with entries of union NAME_sring_entry { REQ req; RSP rsp; }. */
#define XEN_DEFINE_RING_TYPES(name, req_t, rsp_t)                                                  \
    union name##_sring_entry {                                                                     \
        req_t req;                                                                                 \
        rsp_t rsp;                                                                                 \
    };                                                                                             \
    struct name##_sring {                                                                          \
        struct xen_sring_header hdr;                                                               \
        union name##_sring_entry ring[1]; /* as many as fit */                                     \
    }

#endif
