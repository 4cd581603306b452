// Domain construction from boot images (see domain_build.h).
#include "domain_build.h"

#include "../include/public/errno.h"
#include "../include/public/grant_table.h"
#include "arch.h"
#include "fdt.h"
#include "hypercall.h"
#include "page_alloc.h"
#include "pv_console.h"

namespace hyp::build {

namespace {

constexpr uint32_t kGicPhandle = 65000; // Xen uses the same
constexpr uint64_t kDtbMax = 0x10000;

uint64_t le64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}
uint32_t le32(const uint8_t* p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24);
}
uint16_t le16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

bool in_ram(Domain* d, uint64_t start, uint64_t len) {
    return start >= d->ram_base && len <= d->ram_size && start - d->ram_base <= d->ram_size - len;
}

// Linux arm64 Image (Documentation/arm64/booting.rst): magic "ARM\x64" at 0x38, text_offset
// at 8, image_size at 16 (0 in old kernels: then text_offset 0x80000 and the file size).
Status load_image(Domain* d, const uint8_t* p, uint64_t size, KernelInfo* out) {
    uint64_t text_offset = le64(p + 8);
    uint64_t image_size = le64(p + 16);
    if (image_size == 0) {
        text_offset = 0x80000;
        image_size = size;
    }
    if (image_size < size) image_size = size;
    const uint64_t load = d->ram_base + text_offset;
    if (!in_ram(d, load, image_size)) return -XEN_EINVAL;
    if (const Status r = domain::copy_to_ipa(d, Ipa(load), p, size)) return r;
    out->entry = load;
    out->start = load;
    out->end = load + image_size;
    return 0;
}

// ELF64, little-endian, EM_AARCH64 (183): PT_LOAD segments at p_paddr.
Status load_elf(Domain* d, const uint8_t* p, uint64_t size, KernelInfo* out) {
    if (size < 64 || p[4] != 2 || p[5] != 1 || le16(p + 18) != 183) return -XEN_ENOEXEC;
    const uint64_t phoff = le64(p + 32);
    const uint16_t phentsize = le16(p + 54), phnum = le16(p + 56);
    if (phentsize < 56 || phoff > size || phnum > (size - phoff) / phentsize) return -XEN_ENOEXEC;
    out->start = ~0ull;
    out->end = 0;
    for (unsigned i = 0; i < phnum; ++i) {
        const uint8_t* ph = p + phoff + i * phentsize;
        if (le32(ph) != 1) // PT_LOAD
            continue;
        const uint64_t off = le64(ph + 8), paddr = le64(ph + 24), filesz = le64(ph + 32),
                       memsz = le64(ph + 40);
        if (filesz > memsz || off > size || filesz > size - off || !in_ram(d, paddr, memsz))
            return -XEN_EINVAL;
        if (const Status r = domain::copy_to_ipa(d, Ipa(paddr), p + off, filesz)) return r;
        if (memsz > filesz)
            if (const Status r = domain::zero_ipa(d, Ipa(paddr + filesz), memsz - filesz)) return r;
        out->start = min(out->start, paddr);
        out->end = max(out->end, paddr + memsz);
    }
    out->entry = le64(p + 24);
    if (out->end == 0 || !in_ram(d, out->entry, 4)) return -XEN_EINVAL;
    return 0;
}

} // namespace

Status load_kernel(Domain* d, const void* image, uint64_t size, KernelInfo* out) {
    const auto* p = static_cast<const uint8_t*>(image);
    if (size >= 64 && le32(p + 0x38) == 0x644d5241) return load_image(d, p, size, out);
    if (size >= 4 && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F')
        return load_elf(d, p, size, out);
    return -XEN_ENOEXEC;
}

uint32_t make_guest_dt(Domain* d, const char* cmdline, uint64_t initrd_start, uint64_t initrd_end,
                       void* buf, uint32_t cap) {
    FdtWriter w(buf, cap);
    w.begin_node("");
    w.prop_u32("#address-cells", 2);
    w.prop_u32("#size-cells", 2);
    w.prop_strings("compatible", "xen,xenvm-4.17\0xen,xenvm", sizeof "xen,xenvm-4.17\0xen,xenvm");
    w.prop_string("model", "XENVM-4.17");
    w.prop_u32("interrupt-parent", kGicPhandle);

    w.begin_node("chosen");
    if (cmdline && *cmdline) w.prop_string("bootargs", cmdline);
    if (initrd_end > initrd_start) {
        w.prop_u64("linux,initrd-start", initrd_start);
        w.prop_u64("linux,initrd-end", initrd_end);
    }
    w.end_node();

    w.begin_node("cpus");
    w.prop_u32("#address-cells", 1);
    w.prop_u32("#size-cells", 0);
    for (unsigned i = 0; i < d->nr_vcpus; ++i) {
        char name[16];
        const uint32_t mpidr = ((i / 16) << 8) | (i % 16);
        snprintf(name, sizeof name, "cpu@%x", mpidr);
        w.begin_node(name);
        w.prop_string("device_type", "cpu");
        w.prop_string("compatible", "arm,armv8");
        w.prop_string("enable-method", "psci");
        w.prop_u32("reg", mpidr);
        w.end_node();
    }
    w.end_node();

    w.begin_node("psci");
    w.prop_strings("compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci",
                   sizeof "arm,psci-1.0\0arm,psci-0.2\0arm,psci");
    w.prop_string("method", "hvc");
    w.end_node();

    char name[40];
    snprintf(name, sizeof name, "memory@%lx", d->ram_base);
    w.begin_node(name);
    w.prop_string("device_type", "memory");
    w.prop_reg64("reg", d->ram_base, d->ram_size);
    w.end_node();

    snprintf(name, sizeof name, "interrupt-controller@%llx", GUEST_GICD_BASE);
    w.begin_node(name);
    w.prop_strings("compatible", "arm,gic-400\0arm,cortex-a15-gic",
                   sizeof "arm,gic-400\0arm,cortex-a15-gic");
    w.prop_u32("#interrupt-cells", 3);
    w.prop_u32("#address-cells", 0);
    w.prop_empty("interrupt-controller");
    const uint32_t gic_reg[8] = {
        0, static_cast<uint32_t>(GUEST_GICD_BASE), 0, static_cast<uint32_t>(GUEST_GICD_SIZE),
        0, static_cast<uint32_t>(GUEST_GICC_BASE), 0, static_cast<uint32_t>(GUEST_GICC_SIZE)};
    w.prop_cells("reg", gic_reg, 8);
    w.prop_u32("phandle", kGicPhandle);
    w.prop_u32("linux,phandle", kGicPhandle);
    w.end_node();

    // Secure physical, non-secure physical, virtual, hypervisor timer PPIs (29, 30, 27, 26).
    w.begin_node("timer");
    w.prop_string("compatible", "arm,armv8-timer");
    const uint32_t timer_irqs[12] = {1, 13, 0xf08, 1, 14, 0xf08, 1, 11, 0xf08, 1, 10, 0xf08};
    w.prop_cells("interrupts", timer_irqs, 12);
    w.prop_u32("interrupt-parent", kGicPhandle);
    w.end_node();

    // The Xen node: grant-table region and the event-channel upcall PPI 31.
    w.begin_node("hypervisor");
    w.prop_strings("compatible", "xen,xen-4.17\0xen,xen", sizeof "xen,xen-4.17\0xen,xen");
    w.prop_reg64("reg", GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE);
    const uint32_t evtchn_irq[3] = {1, kPpiEvtchn - 16, 0xf08};
    w.prop_cells("interrupts", evtchn_irq, 3);
    w.prop_u32("interrupt-parent", kGicPhandle);
    w.end_node();

    w.end_node();
    return w.finish();
}

Status setup_pv_services(Domain* d) {
    if (d->privileged) return 0;
    if (const Status r = pv_console::setup(d)) return r;
    Ipa store;
    if (const Status r = domain::alloc_magic_page(d, GUEST_XENSTORE_PFN_OFFSET, &store)) return r;
    uint32_t port;
    if (const Status r = evtchn::alloc_unbound(d, 0, &port)) return r;
    d->hvm_params[HVM_PARAM_STORE_PFN] = store.frame();
    d->hvm_params[HVM_PARAM_STORE_EVTCHN] = port;
    // dom0's xenstored maps the ring through the reserved grant entry, as libxl sets it up.
    if (const Status r = gnttab::grant_access(d, GNTTAB_RESERVED_XENSTORE, 0, store.frame(), false))
        return r;
    return gnttab::grant_access(d, GNTTAB_RESERVED_CONSOLE, 0, d->hvm_params[HVM_PARAM_CONSOLE_PFN],
                                false);
}

Status construct(const DomainConfig& cfg, const BootImage& img, Domain** out) {
    Domain* d;
    if (const Status r = domain::create(cfg, &d)) return r;
    d->boot = img;
    const char* why = "";
    Status r;
    KernelInfo k;
    uint64_t initrd_start = 0, initrd_end = 0, dtb = 0;
    alignas(8) static uint8_t dt_buf[kDtbMax];
    static SpinLock dt_lock;
    uint32_t dt_size;
    r = load_kernel(d, arch::hpa_to_ptr(Hpa(img.kernel_pa)), img.kernel_size, &k);
    if (r) {
        why = r == -XEN_ENOEXEC ? "kernel is neither an arm64 Image nor an AArch64 ELF"
                                : "kernel does not fit in the domain's memory";
        goto fail;
    }
    // The DTB goes in the last 2 MiB of RAM, the ramdisk right below it.
    dtb = align_down(d->ram_base + d->ram_size - 1, 0x200000);
    if (dtb < k.end) {
        r = -XEN_EINVAL;
        why = "no room for the device tree above the kernel";
        goto fail;
    }
    if (img.ramdisk_size) {
        initrd_start = align_down(dtb - img.ramdisk_size, kPageSize);
        initrd_end = initrd_start + img.ramdisk_size;
        if (img.ramdisk_size > dtb - d->ram_base || initrd_start < k.end) {
            r = -XEN_EINVAL;
            why = "no room for the ramdisk";
            goto fail;
        }
        r = domain::copy_to_ipa(d, Ipa(initrd_start), arch::hpa_to_ptr(Hpa(img.ramdisk_pa)),
                                img.ramdisk_size);
        if (r) goto fail;
    }
    {
        LockGuard g(dt_lock);
        dt_size = make_guest_dt(d, img.cmdline, initrd_start, initrd_end, dt_buf, sizeof dt_buf);
        r = dt_size ? domain::copy_to_ipa(d, Ipa(dtb), dt_buf, dt_size) : -XEN_ENOSPC;
    }
    if (r) {
        why = "device tree";
        goto fail;
    }
    r = setup_pv_services(d);
    if (r) {
        why = "PV console/xenstore set-up";
        goto fail;
    }
    hypercall::init_domain_wallclock(d);
    domain::vcpu_reset(&d->vcpus[0], k.entry, dtb);
    domain::vcpu_up(&d->vcpus[0]);
    log("d%u (%s): %u vCPU(s), %lu MiB at %#lx, kernel %#lx-%#lx entry %#lx, DTB %#lx%s", d->id,
        d->name, d->nr_vcpus, d->ram_size >> 20, d->ram_base, k.start, k.end, k.entry, dtb,
        img.ramdisk_size ? ", ramdisk" : "");
    *out = d;
    return 0;
fail:
    log("d%u (%s): cannot build: %s (%ld)", d->id, d->name, why, r);
    domain::request_destroy(d);
    return r;
}

} // namespace hyp::build
