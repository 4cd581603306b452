// A driver domain: the block backend in an unprivileged domain that owns the disk (its
// ramdisk). dom0 only describes the devices in xenstore; this domain serves them, and ends
// when every device it connected has been closed by its frontend (or after idle_s seconds
// with nothing connected).
//
//   [idle_s=N]
#include "../../drivers/blkback.h"

#include <minios/args.h>
#include <minios/minios.h>
#include <minios/xen.h>

using namespace minios;

extern "C" int app_main(const BootInfo& info) {
    if (!xenbus::wait_ready(20000000000ull)) {
        printf("blkback: no xenstore\n");
        return 1;
    }
    drivers::Disk d;
    if (!drivers::resolve_boot_disk("initrd", &d))
        printf("blkback: driver domain without a disk (no ramdisk)\n");
    else
        printf("blkback: driver domain owns a %lu KiB disk\n", d.bytes / 1024);
    if (!drivers::blkback_start(drivers::resolve_boot_disk)) return 1;
    const uint64_t idle_ns = args::get_uint(info.bootargs, "idle_s", 30) * 1000000000ull;
    const uint64_t start = now_ns();
    bool served = false;
    for (;;) {
        sleep_ms(50);
        const drivers::BlkbackReport r = drivers::blkback_report();
        served = r.connections > 0;
        if (served && r.connected == 0) {
            printf("blkback: all devices closed after %lu requests (%lu refused); done\n",
                   r.requests, r.errors);
            return 0;
        }
        if (!served && now_ns() - start > idle_ns) {
            printf("blkback: no frontend connected within %lu s (timeout)\n",
                   idle_ns / uint64_t(1000000000));
            return 1;
        }
    }
}
