/* hvm_op: xen/include/public/hvm/hvm_op.h, the get/set_param subset ARM supports. Plain C. */
#ifndef XEN_PUBLIC_HVM_HVM_OP_H
#define XEN_PUBLIC_HVM_HVM_OP_H

#include "../xen.h"

#define HVMOP_set_param 0
#define HVMOP_get_param 1
struct xen_hvm_param {
    domid_t domid; /* IN */
    uint16_t pad;
    uint32_t index; /* IN: HVM_PARAM_* */
    uint64_t value; /* IN/OUT */
};
typedef struct xen_hvm_param xen_hvm_param_t;

#endif
