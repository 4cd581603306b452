// Domain lifecycle: creation (VMID, RAM zeroed and mapped, ownership), failure without
// leaks, destroy returning every page, kernel loading and the guest device tree.
#include "../fdt_cells.h"
#include "common/domain_build.h"
#include "fake_arch.h"

#include <cstring>
#include <libfdt.h>
#include <vector>

using namespace hyp;

TEST_F(HypTest, DomainCreateMapsZeroedOwnedRam) {
    const uint64_t free0 = g_pages.free_pages();
    Domain* d = make_domain(2, 4ull << 20);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->id, 1);
    EXPECT_EQ(d->tot_pages, (4ull << 20) >> kPageShift);
    EXPECT_EQ(d->state, DomainState::Building);
    EXPECT_NE(d->p2m.vmid(), 0);
    for (uint64_t off = 0; off < (4ull << 20); off += 64 * kPageSize) {
        Hpa pa;
        P2mType t;
        ASSERT_TRUE(d->p2m.lookup(Ipa(GUEST_RAM0_BASE + off), &pa, &t));
        EXPECT_EQ(t, P2mType::Ram);
        EXPECT_EQ(g_pages.info(pa)->owner, d->id);
        EXPECT_EQ(*static_cast<uint64_t*>(arch::hpa_to_ptr(pa)), 0u) << "stale data at " << off;
    }
    // The guest's GIC CPU interface is mapped, RAM stops where it should.
    Hpa pa;
    P2mType t;
    EXPECT_FALSE(d->p2m.lookup(Ipa(GUEST_RAM0_BASE + (4ull << 20)), &pa, &t));
    EXPECT_LT(g_pages.free_pages(), free0);
    d->state = DomainState::Dying;
    domain::destroy(d);
    EXPECT_EQ(g_pages.free_pages(), free0) << "pages leaked by create + destroy";
    EXPECT_EQ(domain::lookup(1), nullptr);
}

TEST_F(HypTest, DomainIdsAndVmidsAreAllocatedAndChecked) {
    Domain* a = make_domain(1, 1 << 20);
    Domain* b = make_domain(1, 1 << 20);
    EXPECT_NE(a->id, b->id);
    EXPECT_NE(a->p2m.vmid(), b->p2m.vmid());
    DomainConfig cfg;
    cfg.domid = static_cast<int16_t>(a->id);
    Domain* c;
    EXPECT_EQ(domain::create(cfg, &c), -17); // EEXIST
    cfg.domid = -1;
    cfg.nr_vcpus = 9;
    EXPECT_EQ(domain::create(cfg, &c), -22); // more vCPUs than a GICv2 has interfaces
    EXPECT_EQ(domain::first_from(0), a);
    EXPECT_EQ(domain::first_from(static_cast<uint16_t>(a->id + 1)), b);
}

TEST_F(HypTest, DomainCreateFailureLeaksNothing) {
    const uint64_t free0 = g_pages.free_pages();
    DomainConfig cfg;
    cfg.mem_bytes = fake::kRamSize; // cannot fit: metadata needs pages too
    Domain* d;
    EXPECT_EQ(domain::create(cfg, &d), -12);
    // The failed domain waits for its deferred destroy; run it.
    try {
        domain::do_deferred();
    } catch (const std::exception&) {
        // "no domain left running: powering off" is the expected end here
    }
    EXPECT_EQ(g_pages.free_pages(), free0);
}

TEST_F(HypTest, DomainPauseUnpauseAndShutdown) {
    Domain* d = make_domain(2, 1 << 20);
    domain::vcpu_up(&d->vcpus[0]);
    EXPECT_FALSE(domain::vcpu_runnable(&d->vcpus[0])); // still building (paused)
    domain::unpause(d);
    EXPECT_EQ(d->state, DomainState::Running);
    EXPECT_TRUE(domain::vcpu_runnable(&d->vcpus[0]));
    EXPECT_FALSE(domain::vcpu_runnable(&d->vcpus[1])); // never started
    domain::pause(d);
    EXPECT_FALSE(domain::vcpu_runnable(&d->vcpus[0]));
    domain::unpause(d);
    EXPECT_TRUE(domain::vcpu_runnable(&d->vcpus[0]));
    domain::shutdown(d, 0);
    EXPECT_EQ(d->state, DomainState::Shutdown);
    EXPECT_FALSE(domain::vcpu_runnable(&d->vcpus[0]));
    EXPECT_NE(fake::state().console.find("(XEN) d1: shutdown: poweroff"), std::string::npos);
}

namespace {
std::vector<uint8_t> arm64_image(uint64_t text_offset, size_t size) {
    std::vector<uint8_t> img(size, 0x11);
    auto put64 = [&](size_t off, uint64_t v) { std::memcpy(&img[off], &v, 8); };
    put64(8, text_offset);
    put64(16, size);
    const uint32_t magic = 0x644d5241;
    std::memcpy(&img[0x38], &magic, 4);
    return img;
}
} // namespace

TEST_F(HypTest, KernelImageLoadsAtTextOffset) {
    Domain* d = make_domain(1, 8ull << 20);
    const auto img = arm64_image(0x200000, 0x3000);
    build::KernelInfo k;
    ASSERT_EQ(build::load_kernel(d, img.data(), img.size(), &k), 0);
    EXPECT_EQ(k.entry, GUEST_RAM0_BASE + 0x200000);
    EXPECT_EQ(*fake::guest_ptr<uint8_t>(d, k.entry + 0x100), 0x11);
    const auto big = arm64_image(0x200000, 8ull << 20);
    EXPECT_EQ(build::load_kernel(d, big.data(), big.size(), &k), -22); // does not fit
    const uint8_t junk[64] = {1, 2, 3};
    EXPECT_EQ(build::load_kernel(d, junk, sizeof junk, &k), -8); // ENOEXEC
}

TEST_F(HypTest, GuestDeviceTreeHasTheXenNode) {
    Domain* d = make_domain(3, 8ull << 20);
    std::vector<uint8_t> buf(16384);
    const uint32_t size =
        build::make_guest_dt(d, "console=hvc0", 0x40800000, 0x40900000, buf.data(), buf.size());
    ASSERT_GT(size, 0u);
    const void* f = buf.data();
    ASSERT_EQ(fdt_check_header(f), 0);
    const int hv = fdt_path_offset(f, "/hypervisor");
    ASSERT_GE(hv, 0);
    EXPECT_EQ(fdt_node_check_compatible(f, hv, "xen,xen"), 0);
    EXPECT_EQ(fdt_node_check_compatible(f, hv, "xen,xen-4.17"), 0);
    int len;
    const auto* irq = static_cast<const fdt32_t*>(fdt_getprop(f, hv, "interrupts", &len));
    ASSERT_EQ(len, 12);
    EXPECT_EQ(fdt32_to_cpu(irq[0]), 1u);  // PPI
    EXPECT_EQ(fdt32_to_cpu(irq[1]), 15u); // 31 - 16
    EXPECT_EQ(fdt32_to_cpu(irq[2]), 0xf08u);
    const void* reg = fdt_getprop(f, hv, "reg", &len);
    ASSERT_EQ(len, 16);
    EXPECT_EQ(fdt_cell64(reg, 0), GUEST_GNTTAB_BASE);
    int cpus = 0;
    for (int n = fdt_first_subnode(f, fdt_path_offset(f, "/cpus")); n >= 0;
         n = fdt_next_subnode(f, n))
        ++cpus;
    EXPECT_EQ(cpus, 3);
    const int psci = fdt_path_offset(f, "/psci");
    EXPECT_STREQ(static_cast<const char*>(fdt_getprop(f, psci, "method", nullptr)), "hvc");
    const int chosen = fdt_path_offset(f, "/chosen");
    EXPECT_STREQ(static_cast<const char*>(fdt_getprop(f, chosen, "bootargs", nullptr)),
                 "console=hvc0");
    EXPECT_GE(fdt_path_offset(f, "/memory@40000000"), 0);
    EXPECT_GE(fdt_path_offset(f, "/interrupt-controller@3001000"), 0);
}
