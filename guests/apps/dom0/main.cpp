// dom0: the xenstore service, then whatever its boot arguments ask for (the toolstack, the
// block and network backends). Without a toolstack script it supervises the domains the
// hypervisor started: each one that shuts down is destroyed, and when none is left dom0
// powers the machine off.
#include "../../drivers/blkback.h"
#include "../../drivers/netback.h"
#include "devices.h"
#include "toolstack.h"
#include "xenstored.h"

#include <minios/minios.h>
#include <minios/xen.h>
#include <minios/xenctrl.h>
#include <proto/cpio.h>

using namespace minios;
using namespace dom0;

namespace {

Event domain_event;
void on_dom_exc(evtchn_port_t, void*) {
    domain_event.signal();
}

const char* shutdown_reason(unsigned r) {
    static const char* const kNames[] = {"poweroff", "reboot",   "suspend",
                                         "crash",    "watchdog", "soft_reset"};
    return r < 6 ? kNames[r] : "unknown";
}

// Destroys domains that shut down; returns how many other domains remain.
unsigned reap() {
    xenctrl::DomainInfo list[64];
    const unsigned n = xenctrl::list_domains(list, 64);
    unsigned alive = 0;
    for (unsigned i = 0; i < n; ++i) {
        if (list[i].domid == 0) continue;
        if (list[i].shutdown() && !list[i].dying()) {
            printf("dom0: domain %u shut down (%s); destroying it\n", list[i].domid,
                   shutdown_reason(list[i].shutdown_reason()));
            xenctrl::destroy(list[i].domid);
            continue;
        }
        if (!list[i].dying()) ++alive;
    }
    return alive;
}

// Calls fn(value) for every "key=value" token of the boot arguments.
template <class F>
void for_each_arg(const char* args, const char* key, F fn) {
    const size_t klen = strlen(key);
    for (const char* p = args; *p;) {
        while (*p == ' ')
            ++p;
        const char* end = p;
        while (*end && *end != ' ')
            ++end;
        if (size_t(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            char v[128];
            size_t n = size_t(end - p) - klen - 1;
            if (n >= sizeof v) n = sizeof v - 1;
            memcpy(v, p + klen + 1, n);
            v[n] = 0;
            fn(v);
        }
        p = end;
    }
}

// "FE,DEVID,BE,PARAMS[,r]": splits into at most 5 comma-separated fields.
unsigned split_commas(char* s, char** f, unsigned max) {
    unsigned n = 0;
    f[n++] = s;
    for (char* c = s; *c && n < max; ++c)
        if (*c == ',') {
            *c = 0;
            f[n++] = c + 1;
        }
    return n;
}

// vbd=FE,DEVID,BE,PARAMS[,r] -- returns whether dom0 serves it.
bool setup_vbd(char* v) {
    char* f[5];
    const unsigned n = split_commas(v, f, 5);
    uint64_t fe, devid, be;
    if (n < 4 || !proto::parse_uint(f[0], &fe) || !proto::parse_uint(f[1], &devid) ||
        !proto::parse_uint(f[2], &be)) {
        printf("dom0: bad vbd= argument (want FE,DEVID,BE,PARAMS[,r])\n");
        return false;
    }
    vbd_add(static_cast<domid_t>(fe), static_cast<uint32_t>(devid), static_cast<domid_t>(be), f[3],
            n == 5 && strcmp(f[4], "r") == 0);
    return be == 0;
}

// vif=FE,DEVID,BE,MAC -- returns whether dom0 serves it.
bool setup_vif(char* v) {
    char* f[4];
    const unsigned n = split_commas(v, f, 4);
    uint64_t fe, devid, be;
    if (n < 4 || !proto::parse_uint(f[0], &fe) || !proto::parse_uint(f[1], &devid) ||
        !proto::parse_uint(f[2], &be)) {
        printf("dom0: bad vif= argument (want FE,DEVID,BE,MAC)\n");
        return false;
    }
    vif_add(static_cast<domid_t>(fe), static_cast<uint32_t>(devid), static_cast<domid_t>(be), f[3]);
    return be == 0;
}

} // namespace

extern "C" int app_main(const BootInfo& info) {
    if (!info.xen || !info.dom0) {
        printf("dom0: this image is meant to run as Xen's dom0\n");
        return 1;
    }
    xenstored_start();
    xenstored_scan();
    bool serve_blk = false;
    for_each_arg(info.bootargs, "vbd", [&](char* v) { serve_blk |= setup_vbd(v); });
    if (serve_blk) drivers::blkback_start(drivers::resolve_boot_disk);
    bool serve_net = false;
    for_each_arg(info.bootargs, "vif", [&](char* v) { serve_net |= setup_vif(v); });
    if (serve_net) drivers::netback_start();
    // A toolstack script in our ramdisk (a cpio archive with the guest images) takes over.
    cpio::File script;
    const auto* archive = static_cast<const uint8_t*>(phys_to_virt(info.initrd_addr));
    if (info.initrd_size && cpio::find(archive, info.initrd_size, "toolstack.script", &script)) {
        ts::Script s;
        ts::Error e;
        if (!ts::parse(reinterpret_cast<const char*>(script.data), script.size, &s, &e)) {
            printf("toolstack: toolstack.script line %u: %s; script refused\n", e.line, e.msg);
            return 1;
        }
        printf("toolstack: running toolstack.script (%u commands)\n", s.n);
        const unsigned failed = toolstack_run(s, archive, info.initrd_size);
        ts::release(&s);
        return failed ? 1 : 0;
    }
    evtchn_port_t port;
    // A second VIRQ_DOM_EXC binding is refused by Xen (xenstored has it); poll then.
    const bool have_virq = xen::bind_virq(VIRQ_DOM_EXC, on_dom_exc, nullptr, &port) == 0;
    for (;;) {
        const unsigned alive = reap();
        if (alive == 0) break;
        domain_event.wait_for(have_virq ? 1000000000ull : 50000000ull);
    }
    printf("dom0: no domains left; powering off\n");
    return 0;
}
