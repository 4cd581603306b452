// A guest for lifecycle tests: counts ticks every interval_ms and publishes the count in
// xenstore (data/ticks), so a toolstack can see it run, stall while paused, and resume.
// It prints every 10th tick and powers off after max ticks (when nobody destroyed it).
//
//   [interval_ms=20] [max=1000]
#include <minios/args.h>
#include <minios/minios.h>
#include <minios/xen.h>

using namespace minios;

extern "C" int app_main(const BootInfo& info) {
    const uint64_t interval = args::get_uint(info.bootargs, "interval_ms", 20);
    const uint64_t max = args::get_uint(info.bootargs, "max", 1000);
    if (!xenbus::wait_ready(20000000000ull)) {
        printf("ticker: no xenstore\n");
        return 1;
    }
    uint64_t self = 0;
    xenbus::read_uint("domid", &self);
    printf("ticker: domain %lu ticking every %lu ms\n", self, interval);
    for (uint64_t t = 1; t <= max; ++t) {
        sleep_ms(interval);
        if (xenbus::printf(0, "data/ticks", "%lu", t) != 0) {
            printf("ticker: cannot publish tick %lu\n", t);
            return 1;
        }
        if (t % 10 == 0) printf("ticker: tick %lu\n", t);
    }
    return 0;
}
