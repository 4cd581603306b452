// The PV console from the guest's side: numbered lines totalling many times the 2 KiB
// output ring (the backend must keep emptying it and kicking us, or we give up after a
// bounded wait), then -- with "corrupt" -- the ring's producer index thrown far beyond what
// the ring holds, as a broken guest might, and more lines after it: the backend must
// survive that, and keep serving us and everybody else.
//
//   [lines=N] [corrupt]
#include <minios/arch.h>
#include <minios/args.h>
#include <minios/minios.h>
#include <minios/xen.h>
#include <public/hvm/params.h>
#include <public/io/console.h>

using namespace minios;

extern "C" int app_main(const BootInfo& info) {
    const uint64_t lines = args::get_uint(info.bootargs, "lines", 200);
    uint64_t sum = 0xcbf29ce484222325ULL;
    for (uint64_t i = 1; i <= lines; ++i) {
        char line[96];
        const int n = bare_snprintf(line, sizeof line,
                                    "console: line %03lu of %03lu "
                                    "abcdefghijklmnopqrstuvwxyz0123456789\n",
                                    i, lines);
        for (int k = 0; k < n; ++k) {
            sum ^= uint8_t(line[k]);
            sum *= 0x100000001b3ULL;
        }
        printf("%s", line);
    }
    printf("console: %lu lines written, FNV-1a %016lx\n", lines, sum);
    if (args::flag(info.bootargs, "corrupt")) {
        uint64_t pfn = 0, port = 0;
        if (xen::hvm_get_param(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &pfn) != 0 || !pfn ||
            xen::hvm_get_param(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &port) != 0) {
            printf("console: no PV console ring to corrupt\n");
            return 1;
        }
        auto* ring = static_cast<xencons_interface*>(phys_to_virt(pfn << kPageShift));
        sleep_ms(100); // let the backend drain what we wrote
        const XENCONS_RING_IDX cons = proto::read_once(ring->out_cons);
        arch::mb();
        proto::write_once(ring->out_prod, XENCONS_RING_IDX(cons + 100000));
        xen::notify(static_cast<evtchn_port_t>(port));
        sleep_ms(100);
        printf("console: still printing after a corrupt ring index\n");
    }
    return 0;
}
