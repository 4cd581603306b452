/* Ring ABI names for the frontend's "protocol" key: xen/include/public/io/protocols.h. */
#ifndef XEN_PUBLIC_IO_PROTOCOLS_H
#define XEN_PUBLIC_IO_PROTOCOLS_H

#define XEN_IO_PROTO_ABI_X86_32 "x86_32-abi"
#define XEN_IO_PROTO_ABI_X86_64 "x86_64-abi"
#define XEN_IO_PROTO_ABI_ARM "arm-abi"

#endif
