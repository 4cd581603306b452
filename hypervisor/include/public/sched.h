/* sched_op: xen/include/public/sched.h. Plain C. */
#ifndef XEN_PUBLIC_SCHED_H
#define XEN_PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll 3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code 5
#define SCHEDOP_watchdog 6
#define SCHEDOP_pin_override 7

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_soft_reset 5

struct sched_shutdown {
    uint32_t reason; /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

struct sched_poll {
    xen_guest_handle_t ports; /* evtchn_port_t[nr_ports] */
    uint32_t nr_ports;
    uint64_t timeout; /* absolute system time in ns, 0 = none */
};
typedef struct sched_poll sched_poll_t;

struct sched_remote_shutdown {
    domid_t domain_id;
    uint32_t reason;
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

#endif
