/* HVM parameters: xen/include/public/hvm/params.h. Plain C. */
#ifndef XEN_PUBLIC_HVM_PARAMS_H
#define XEN_PUBLIC_HVM_PARAMS_H

#include "hvm_op.h"

#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_NR_PARAMS 39

#endif
