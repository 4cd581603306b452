/* The network protocol: xen/include/public/io/netif.h, written here. Plain C.
 *
 * Two rings: tx (frontend -> backend frames; the frontend grants each buffer) and rx (the
 * frontend posts granted empty buffers, the backend copies frames into them: "rx-copy",
 * which the frontend asks for with request-rx-copy = 1). Xenstore keys: frontend
 * "tx-ring-ref", "rx-ring-ref", "event-channel", "request-rx-copy"; backend
 * "feature-rx-copy"; the toolstack writes "mac" on both sides. */
#ifndef XEN_PUBLIC_IO_NETIF_H
#define XEN_PUBLIC_IO_NETIF_H

#include "ring.h"

#include <stdint.h>

#define NETTXF_csum_blank (1U << 0)
#define NETTXF_data_validated (1U << 1)
#define NETTXF_more_data (1U << 2)
#define NETTXF_extra_info (1U << 3)
#define XEN_NETIF_MAX_TX_SIZE 0xFFFF

struct netif_tx_request {
    uint32_t gref; /* grant_ref_t of the buffer page */
    uint16_t offset;
    uint16_t flags; /* NETTXF_* */
    uint16_t id;    /* echoed in the response */
    uint16_t size;  /* packet size in bytes (of the whole packet, in the first slot) */
};                  /* 12 bytes */

struct netif_tx_response {
    uint16_t id;
    int16_t status; /* NETIF_RSP_* */
};

struct netif_rx_request {
    uint16_t id;
    uint16_t pad;
    uint32_t gref; /* grant_ref_t of an empty buffer page */
};

#define NETRXF_data_validated (1U << 0)
#define NETRXF_csum_blank (1U << 1)
#define NETRXF_more_data (1U << 2)
#define NETRXF_extra_info (1U << 3)

struct netif_rx_response {
    uint16_t id;
    uint16_t offset;
    uint16_t flags;
    int16_t status; /* < 0: NETIF_RSP_*; >= 0: bytes received */
};

XEN_DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
XEN_DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);

#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR (-1)
#define NETIF_RSP_OKAY 0
#define NETIF_RSP_NULL 1

#endif
