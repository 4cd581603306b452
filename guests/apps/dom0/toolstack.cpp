#include "toolstack.h"

#include "xenstored.h"

#include <minios/arch.h>
#include <minios/xenctrl.h>
#include <proto/cpio.h>
#include <proto/guest_dt.h>
#include <public/hvm/params.h>

namespace dom0 {
namespace {

using namespace minios;

constexpr uint64_t kSctlrGuestInit = 0x00c50078; // Xen's SCTLR_GUEST_INIT (arch-arm.h)
constexpr unsigned kChunkPages = 512;            // foreign-mapped at once (2 MiB)
constexpr unsigned kMaxNamed = 32;

struct Named {
    bool used;
    char name[32];
    domid_t domid;
};
Named names[kMaxNamed];
const uint8_t* archive = nullptr;
size_t archive_size = 0;
uint64_t baseline_free_kib = 0;
bool have_baseline = false;
unsigned created = 0, destroyed = 0;

Named* lookup(const char* name) {
    for (Named& n : names)
        if (n.used && strcmp(n.name, name) == 0) return &n;
    return nullptr;
}

void clean_to_poc(const void* p, size_t n) {
    const uint64_t ctr = MINIOS_READ_SYSREG(ctr_el0);
    const uintptr_t line = uintptr_t(4) << ((ctr >> 16) & 15);
    for (uintptr_t a = uintptr_t(p) & ~(line - 1); a < uintptr_t(p) + n; a += line)
        asm volatile("dc cvac, %0" ::"r"(a) : "memory");
    arch::dsb_sy();
}

// Copies bytes into a domain's guest-physical memory through foreign mappings, and cleans
// them to the point of coherency: the guest starts with its caches off.
int copy_into(domid_t d, uint64_t gpa, const uint8_t* src, size_t n) {
    xen_pfn_t gfns[kChunkPages];
    while (n) {
        const uint64_t first = gpa >> kPageShift, off = gpa & (kPageSize - 1);
        const uint64_t pages = (off + n + kPageSize - 1) / kPageSize;
        const unsigned k = pages < kChunkPages ? unsigned(pages) : kChunkPages;
        for (unsigned i = 0; i < k; ++i)
            gfns[i] = first + i;
        void* map;
        if (const int rc = xenctrl::map_foreign(d, gfns, k, &map)) return rc;
        const size_t len = k * kPageSize - off < n ? k * kPageSize - off : n;
        uint8_t* dst = static_cast<uint8_t*>(map) + off;
        memcpy(dst, src, len);
        clean_to_poc(dst, len);
        xenctrl::unmap_foreign(map, k);
        gpa += len;
        src += len;
        n -= len;
    }
    return 0;
}

const char* state_of(const xenctrl::DomainInfo& i, char* out) {
    out[0] = i.running() ? 'r' : '-';
    out[1] = i.blocked() ? 'b' : '-';
    out[2] = i.paused() ? 'p' : '-';
    out[3] = i.shutdown() && i.shutdown_reason() != 3 ? 's' : '-';
    out[4] = i.shutdown() && i.shutdown_reason() == 3 ? 'c' : '-';
    out[5] = i.dying() ? 'd' : '-';
    out[6] = 0;
    return out;
}

bool free_kib(uint64_t* kib) {
    uint64_t total, free;
    if (xenctrl::physinfo(&total, &free) != 0) return false;
    *kib = free * (kPageSize / 1024);
    return true;
}

int cmd_create(const ts::Command& c) {
    if (lookup(c.name))
        return printf("toolstack: create: a domain named %s exists\n", c.name), -XEN_EEXIST;
    cpio::File img;
    if (!archive || !cpio::find(archive, archive_size, c.kernel, &img))
        return printf("toolstack: create %s: no image '%s' in dom0's ramdisk\n", c.name, c.kernel),
               -XEN_ENOENT;
    if (img.size < 64 || img.data[0x38] != 'A' || img.data[0x39] != 'R' || img.data[0x3a] != 'M' ||
        img.data[0x3b] != 0x64)
        return printf("toolstack: create %s: '%s' is not an arm64 Image\n", c.name, c.kernel),
               -XEN_ENOEXEC;
    auto le64 = [&](size_t at) {
        uint64_t v = 0;
        for (int i = 7; i >= 0; --i)
            v = v << 8 | img.data[at + i];
        return v;
    };
    const uint64_t text_offset = le64(8);
    uint64_t image_size = le64(16);
    if (image_size < img.size) image_size = img.size;
    const uint64_t ram = c.memory_mib << 20;
    const uint64_t ram_base = GUEST_RAM0_BASE;
    const uint64_t dtb_at = ram_base + ram - (2u << 20);
    if (text_offset + image_size > dtb_at - ram_base)
        return printf("toolstack: create %s: %lu MiB is too little for the kernel\n", c.name,
                      c.memory_mib),
               -XEN_ENOMEM;

    xenctrl::CreateConfig cfg;
    cfg.max_vcpus = c.vcpus;
    domid_t d;
    int rc = xenctrl::create_domain(cfg, &d);
    if (rc) return printf("toolstack: create %s: createdomain failed: %d\n", c.name, rc), rc;
    auto undo = [&](const char* what, int err) {
        printf("toolstack: create %s: %s failed: %d\n", c.name, what, err);
        xenctrl::destroy(d);
        return err;
    };
    if ((rc = xenctrl::set_max_vcpus(d, c.vcpus))) return undo("max_vcpus", rc);
    // The RAM, and room for the pages the domain builder adds (console, xenstore).
    if ((rc = xenctrl::set_max_mem(d, (ram >> 10) + 1024))) return undo("max_mem", rc);
    rc = xenctrl::set_address_size(d, 64);
    if (rc && rc != -XEN_ENOSYS) return undo("set_address_size", rc);
    rc = xenctrl::set_paging_pool(d, 4u << 20);
    if (rc && rc != -XEN_ENOSYS) return undo("the paging pool", rc);
    static xen_pfn_t gfns[256];
    for (uint64_t done = 0; done < ram / kPageSize;) {
        const uint64_t left = ram / kPageSize - done;
        const unsigned k = left < 256 ? unsigned(left) : 256;
        for (unsigned i = 0; i < k; ++i)
            gfns[i] = (ram_base >> kPageShift) + done + i;
        if ((rc = xenctrl::populate_physmap(d, gfns, k, 0))) return undo("populate_physmap", rc);
        done += k;
    }
    if ((rc = copy_into(d, ram_base + text_offset, img.data, img.size)))
        return undo("loading the kernel", rc);
    static uint8_t dt[8192];
    guestdt::Config g;
    g.ram_base = ram_base;
    g.ram_size = ram;
    g.vcpus = c.vcpus;
    g.bootargs = c.args;
    const size_t dt_size = guestdt::build(g, dt, sizeof dt);
    if (!dt_size || (rc = copy_into(d, dtb_at, dt, dt_size)))
        return undo("writing the device tree", rc ? rc : -XEN_E2BIG);

    // xenstore: the page and port the hypervisor prepared, or our own (upstream Xen leaves
    // that to the toolstack, as libxl does).
    uint64_t store_pfn = 0, store_port = 0;
    xen::hvm_get_param(d, HVM_PARAM_STORE_PFN, &store_pfn);
    xen::hvm_get_param(d, HVM_PARAM_STORE_EVTCHN, &store_port);
    if (!store_port) {
        store_pfn = (GUEST_MAGIC_BASE >> kPageShift) + GUEST_XENSTORE_PFN_OFFSET;
        const xen_pfn_t p = store_pfn;
        evtchn_port_t port;
        if ((rc = xenctrl::populate_physmap(d, &p, 1, 0)) ||
            (rc = xenctrl::alloc_unbound_for(d, 0, &port)))
            return undo("setting up xenstore", rc);
        store_port = port;
        xen::hvm_set_param(d, HVM_PARAM_STORE_PFN, store_pfn);
        xen::hvm_set_param(d, HVM_PARAM_STORE_EVTCHN, store_port);
    }
    xenstore_make_home(d, c.name);
    if ((rc = xenstored_introduce(d, store_pfn, static_cast<evtchn_port_t>(store_port))))
        return undo("connecting xenstore", rc);

    vcpu_guest_context_t ctx{};
    ctx.flags = VGCF_online;
    ctx.user_regs.pc64 = ram_base + text_offset;
    ctx.user_regs.x[0] = dtb_at;
    ctx.user_regs.cpsr = PSR_GUEST64_INIT;
    ctx.sctlr = kSctlrGuestInit;
    if ((rc = xenctrl::set_vcpu_context(d, 0, ctx))) return undo("setvcpucontext", rc);
    if ((rc = xenctrl::unpause(d))) return undo("unpause", rc);
    for (Named& n : names)
        if (!n.used) {
            n.used = true;
            bare_snprintf(n.name, sizeof n.name, "%s", c.name);
            n.domid = d;
            break;
        }
    ++created;
    printf("toolstack: created %s as domain %u (%lu MiB, %u vCPUs, %s)\n", c.name, d, c.memory_mib,
           c.vcpus, c.kernel);
    return 0;
}

int cmd_list() {
    xenctrl::DomainInfo list[64];
    const unsigned n = xenctrl::list_domains(list, 64);
    printf("toolstack: %-4s %-12s %9s %5s %6s %9s\n", "ID", "Name", "Mem(KiB)", "VCPUs", "State",
           "Time(ms)");
    for (unsigned i = 0; i < n; ++i) {
        const xenctrl::DomainInfo& x = list[i];
        char path[48], st[8];
        proto::Buf name;
        bare_snprintf(path, sizeof path, "/local/domain/%u/name", x.domid);
        if (xenbus::read(path, name) != 0) {
            name.clear();
            name.append_str("-");
        }
        printf("toolstack: %-4u %-12s %9lu %5u %6s %9lu\n", x.domid, name.c_str(),
               x.tot_pages * (kPageSize / 1024), x.max_vcpu_id + 1, state_of(x, st),
               x.cpu_time_ns / 1000000);
    }
    uint64_t kib;
    if (free_kib(&kib)) printf("toolstack: free memory: %lu KiB\n", kib);
    return 0;
}

int cmd_simple(const ts::Command& c) {
    Named* n = lookup(c.name);
    if (!n)
        return printf("toolstack: %s: no domain named %s\n", ts::op_name(c.op), c.name), -XEN_ESRCH;
    int rc = 0;
    switch (c.op) {
    case ts::Op::Pause:
        rc = xenctrl::pause(n->domid);
        break;
    case ts::Op::Unpause:
        rc = xenctrl::unpause(n->domid);
        break;
    case ts::Op::Destroy: {
        const domid_t d = n->domid;
        xenbus::release_domain(d);
        rc = xenctrl::destroy(d);
        // Gone once the hypervisor freed it (its memory back in the pool).
        const uint64_t deadline = now_ns() + 5000000000ull;
        xenctrl::DomainInfo i;
        while (rc == 0 && xenctrl::getdomaininfo(d, &i) == 0 && i.domid == d) {
            if (now_ns() > deadline) {
                printf("toolstack: destroy %s: domain %u still there after 5 s (timeout)\n", c.name,
                       d);
                rc = -XEN_ETIMEDOUT;
                break;
            }
            sleep_ms(5);
        }
        char home[32];
        bare_snprintf(home, sizeof home, "/local/domain/%u", d);
        xenbus::rm(home);
        n->used = false;
        ++destroyed;
        break;
    }
    default:
        break;
    }
    if (rc)
        printf("toolstack: %s %s: %d\n", ts::op_name(c.op), c.name, rc);
    else
        printf("toolstack: %s %s done\n", ts::op_name(c.op), c.name);
    return rc;
}

int read_key(domid_t d, const char* key, uint64_t* v) {
    char path[128];
    bare_snprintf(path, sizeof path, "/local/domain/%u/%s", d, key);
    return xenbus::read_uint(path, v);
}

int cmd_wait(const ts::Command& c) {
    Named* n = lookup(c.name);
    if (!n)
        return printf("toolstack: %s: no domain named %s\n", ts::op_name(c.op), c.name), -XEN_ESRCH;
    const uint64_t deadline = now_ns() + c.ms * 1000000;
    for (;;) {
        bool done;
        if (c.op == ts::Op::WaitKey) {
            uint64_t v;
            done = read_key(n->domid, c.key, &v) == 0;
        } else {
            xenctrl::DomainInfo i;
            done = xenctrl::getdomaininfo(n->domid, &i) == 0 && i.domid == n->domid && i.shutdown();
        }
        if (done) {
            printf("toolstack: %s %s%s%s done\n", ts::op_name(c.op), c.name, *c.key ? " " : "",
                   c.key);
            return 0;
        }
        if (now_ns() > deadline) {
            printf("toolstack: %s %s: nothing after %lu ms (timeout)\n", ts::op_name(c.op), c.name,
                   c.ms);
            return -XEN_ETIMEDOUT;
        }
        sleep_ms(10);
    }
}

int cmd_progress(const ts::Command& c) {
    Named* n = lookup(c.name);
    if (!n) return printf("toolstack: progress: no domain named %s\n", c.name), -XEN_ESRCH;
    uint64_t a, b;
    if (read_key(n->domid, c.key, &a) != 0)
        return printf("toolstack: progress %s: no %s\n", c.name, c.key), -XEN_ENOENT;
    sleep_ms(c.ms);
    if (read_key(n->domid, c.key, &b) != 0)
        return printf("toolstack: progress %s: no %s\n", c.name, c.key), -XEN_ENOENT;
    printf("toolstack: %s %s %s (%lu -> %lu in %lu ms)\n", c.name, c.key,
           b != a ? "advancing" : "stalled", a, b, c.ms);
    return 0;
}

int cmd_mem() {
    uint64_t kib;
    if (!free_kib(&kib)) {
        printf("toolstack: free memory unknown (no XEN_SYSCTL_physinfo)\n");
        return 0;
    }
    // A destroyed domain's last pages (its structures) are freed a moment after it left
    // the domain list: wait (up to a second) until the count holds still.
    for (int i = 0, steady = 0; i < 40 && steady < 3; ++i) {
        sleep_ms(25);
        uint64_t again;
        if (!free_kib(&again)) break;
        steady = again == kib ? steady + 1 : 0;
        kib = again;
    }
    if (!have_baseline) {
        baseline_free_kib = kib;
        have_baseline = true;
        printf("toolstack: free memory %lu KiB (the start value)\n", kib);
    } else if (kib == baseline_free_kib) {
        printf("toolstack: free memory %lu KiB (back to the start value)\n", kib);
    } else {
        const bool less = kib < baseline_free_kib;
        printf("toolstack: free memory %lu KiB (%s%lu KiB against the start)\n", kib,
               less ? "-" : "+", less ? baseline_free_kib - kib : kib - baseline_free_kib);
    }
    return 0;
}

} // namespace

unsigned toolstack_run(const ts::Script& s, const uint8_t* a, size_t n) {
    archive = a;
    archive_size = n;
    unsigned failures = 0;
    for (unsigned i = 0; i < s.n; ++i) {
        const ts::Command& c = s.cmds[i];
        int rc = 0;
        switch (c.op) {
        case ts::Op::Create:
            rc = cmd_create(c);
            break;
        case ts::Op::List:
            rc = cmd_list();
            break;
        case ts::Op::Pause:
        case ts::Op::Unpause:
        case ts::Op::Destroy:
            rc = cmd_simple(c);
            break;
        case ts::Op::Sleep:
            sleep_ms(c.ms);
            break;
        case ts::Op::WaitKey:
        case ts::Op::WaitShutdown:
            rc = cmd_wait(c);
            break;
        case ts::Op::Progress:
            rc = cmd_progress(c);
            break;
        case ts::Op::Mem:
            rc = cmd_mem();
            break;
        case ts::Op::Echo:
            printf("toolstack: %s\n", c.text);
            break;
        case ts::Op::Shutdown:
            i = s.n;
            break;
        }
        if (rc) {
            ++failures;
            printf("toolstack: line %u (%s) failed\n", c.line, ts::op_name(c.op));
        }
    }
    printf("toolstack: script done: %u domains created, %u destroyed, %u commands failed\n",
           created, destroyed, failures);
    return failures;
}

} // namespace dom0
