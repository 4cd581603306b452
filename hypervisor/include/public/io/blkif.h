/* The block-device protocol: xen/include/public/io/blkif.h, written here. Plain C.
 *
 * Xenstore keys (docs in Xen's blkif.h): the backend publishes "sectors" (512-byte units),
 * "sector-size" and "info" (VDISK_*); the frontend publishes "ring-ref", "event-channel" and
 * "protocol" (XEN_IO_PROTO_ABI_ARM). Sector numbers are always in 512-byte units. */
#ifndef XEN_PUBLIC_IO_BLKIF_H
#define XEN_PUBLIC_IO_BLKIF_H

#include "ring.h"

#include <stdint.h>

#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define BLKIF_OP_WRITE_BARRIER 2
#define BLKIF_OP_FLUSH_DISKCACHE 3
#define BLKIF_OP_RESERVED_1 4
#define BLKIF_OP_DISCARD 5
#define BLKIF_OP_INDIRECT 6

#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11

struct blkif_request_segment {
    uint32_t gref;      /* grant_ref_t of the I/O buffer frame */
    uint8_t first_sect; /* first 512-byte sector of the frame used (inclusive) */
    uint8_t last_sect;  /* last one (inclusive) */
};

struct blkif_request {
    uint8_t operation;   /* BLKIF_OP_* */
    uint8_t nr_segments; /* 1..BLKIF_MAX_SEGMENTS_PER_REQUEST for reads and writes */
    uint16_t handle;     /* blkif_vdev_t */
    uint64_t id;         /* echoed in the response */
    uint64_t sector_number;
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
}; /* 112 bytes */

struct blkif_response {
    uint64_t id;
    uint8_t operation;
    int16_t status; /* BLKIF_RSP_* */
};                  /* 16 bytes */

#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR (-1)
#define BLKIF_RSP_OKAY 0

XEN_DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

#define VDISK_CDROM 0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY 0x4

#endif
