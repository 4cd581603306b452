// Hypercall dispatch: numbers, results in x0, errors, continuations, privilege.
#include "../../../hypervisor/include/public/domctl.h"
#include "../../../hypervisor/include/public/sysctl.h"
#include "../../../hypervisor/include/public/version.h"
#include "common/guest_access.h"
#include "common/hypercall.h"
#include "fake_arch.h"

using namespace hyp;

namespace {
constexpr uint64_t kBuf = GUEST_RAM0_BASE + 0x100000;

int64_t hcall(Vcpu* v, GuestRegs& r, uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0,
              uint64_t a2 = 0) {
    fake::run_on(0, v);
    r.x[16] = nr;
    r.x[0] = a0;
    r.x[1] = a1;
    r.x[2] = a2;
    r.pc = 0x40200004;
    hypercall::dispatch(v, &r);
    return static_cast<int64_t>(r.x[0]);
}
} // namespace

TEST_F(HypTest, HypercallNumbersAndErrors) {
    Domain* d = make_domain(1, 2 << 20);
    Vcpu* v = &d->vcpus[0];
    GuestRegs r{};
    EXPECT_EQ(hcall(v, r, __HYPERVISOR_xen_version, XENVER_version), (4 << 16) | 17);
    EXPECT_EQ(hcall(v, r, 63), -38);
    EXPECT_EQ(hcall(v, r, 1u << 20), -38);
    EXPECT_EQ(hcall(v, r, __HYPERVISOR_mmu_update), -38);
    EXPECT_EQ(hcall(v, r, __HYPERVISOR_xen_version, 1000), -38);
    EXPECT_EQ(hcall(v, r, __HYPERVISOR_xen_version, XENVER_extraversion, 0x10), -14);
    xen_feature_info_t fi = {0, 0};
    ASSERT_EQ(copy_to_guest(v, kBuf, &fi, sizeof fi), 0);
    EXPECT_EQ(hcall(v, r, __HYPERVISOR_xen_version, XENVER_get_features, kBuf), 0);
    ASSERT_EQ(copy_from_guest(v, &fi, kBuf, sizeof fi), 0);
    EXPECT_TRUE(fi.submap & (1u << XENFEAT_auto_translated_physmap));
    EXPECT_FALSE(fi.submap & (1u << XENFEAT_dom0));
}

TEST_F(HypTest, ConsoleWritesLinesWithTheDomainPrefix) {
    Domain* d = make_domain(1, 2 << 20);
    Vcpu* v = &d->vcpus[0];
    GuestRegs r{};
    const char msg[] = "hello\nworld\x1b!\n";
    ASSERT_EQ(copy_to_guest(v, kBuf, msg, sizeof msg - 1), 0);
    EXPECT_EQ(hcall(v, r, __HYPERVISOR_console_io, CONSOLEIO_write, sizeof msg - 1, kBuf), 0);
    EXPECT_NE(fake::state().console.find("(d1) hello\n(d1) world.!\n"), std::string::npos)
        << fake::state().console;
    EXPECT_EQ(hcall(v, r, __HYPERVISOR_console_io, CONSOLEIO_write, 16, 0x20), -14);
    EXPECT_EQ(hcall(v, r, __HYPERVISOR_console_io, CONSOLEIO_read, 16, kBuf), -1); // dom0 only
}

TEST_F(HypTest, LongConsoleWritesContinue) {
    Domain* d = make_domain(1, 2 << 20);
    Vcpu* v = &d->vcpus[0];
    GuestRegs r{};
    hcall(v, r, __HYPERVISOR_console_io, CONSOLEIO_write, 3000, kBuf);
    // Not finished: the HVC is re-executed with the rest.
    EXPECT_EQ(r.pc, 0x40200000u);
    EXPECT_EQ(r.x[1], 3000u - 1024);
    EXPECT_EQ(r.x[2], kBuf + 1024);
    EXPECT_EQ(r.x[16], static_cast<uint64_t>(__HYPERVISOR_console_io));
}

TEST_F(HypTest, DomctlIsForDom0) {
    Domain* d0 = make_domain(1, 2 << 20, true);
    Domain* u = make_domain(1, 2 << 20);
    GuestRegs r{};
    xen_domctl_t op = {};
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = 1;
    ASSERT_EQ(copy_to_guest(&u->vcpus[0], kBuf, &op, sizeof op), 0);
    EXPECT_EQ(hcall(&u->vcpus[0], r, __HYPERVISOR_domctl, kBuf), -1);
    ASSERT_EQ(copy_to_guest(&d0->vcpus[0], kBuf, &op, sizeof op), 0);
    EXPECT_EQ(hcall(&d0->vcpus[0], r, __HYPERVISOR_domctl, kBuf), 0);
    ASSERT_EQ(copy_from_guest(&d0->vcpus[0], &op, kBuf, sizeof op), 0);
    EXPECT_EQ(op.domain, u->id);
    EXPECT_EQ(op.u.getdomaininfo.tot_pages, u->tot_pages);
    EXPECT_TRUE(op.u.getdomaininfo.flags & XEN_DOMINF_paused);
    op.interface_version = 7;
    ASSERT_EQ(copy_to_guest(&d0->vcpus[0], kBuf, &op, sizeof op), 0);
    EXPECT_EQ(hcall(&d0->vcpus[0], r, __HYPERVISOR_domctl, kBuf), -13); // EACCES
}

TEST_F(HypTest, SysctlPhysinfoReportsTheHostsMemory) {
    static_assert(sizeof(xen_sysctl_t) == 136 && offsetof(xen_sysctl_t, u) == 8 &&
                      offsetof(xen_sysctl_physinfo_t, total_pages) == 40 &&
                      offsetof(xen_sysctl_physinfo_t, hw_cap) == 80,
                  "Xen 4.17 sysctl layout");
    Domain* d0 = make_domain(1, 2 << 20, true);
    Domain* u = make_domain(1, 2 << 20);
    GuestRegs r{};
    xen_sysctl_t op = {};
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    ASSERT_EQ(copy_to_guest(&u->vcpus[0], kBuf, &op, sizeof op), 0);
    EXPECT_EQ(hcall(&u->vcpus[0], r, __HYPERVISOR_sysctl, kBuf), -1); // EPERM
    ASSERT_EQ(copy_to_guest(&d0->vcpus[0], kBuf, &op, sizeof op), 0);
    EXPECT_EQ(hcall(&d0->vcpus[0], r, __HYPERVISOR_sysctl, kBuf), 0);
    ASSERT_EQ(copy_from_guest(&d0->vcpus[0], &op, kBuf, sizeof op), 0);
    EXPECT_EQ(op.u.physinfo.free_pages, g_pages.free_pages());
    EXPECT_EQ(op.u.physinfo.total_pages, g_pages.total_pages());
    EXPECT_GT(op.u.physinfo.total_pages, op.u.physinfo.free_pages);
    EXPECT_GE(op.u.physinfo.nr_cpus, 1u);
    EXPECT_TRUE(op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hap);
    // Destroying a domain gives its memory back.
    const uint64_t before = g_pages.free_pages();
    domain::request_destroy(u);
    domain::do_deferred();
    EXPECT_GT(g_pages.free_pages(), before);
    op.cmd = 99;
    ASSERT_EQ(copy_to_guest(&d0->vcpus[0], kBuf, &op, sizeof op), 0);
    EXPECT_EQ(hcall(&d0->vcpus[0], r, __HYPERVISOR_sysctl, kBuf), -38); // ENOSYS
    op.interface_version = 0x14;
    ASSERT_EQ(copy_to_guest(&d0->vcpus[0], kBuf, &op, sizeof op), 0);
    EXPECT_EQ(hcall(&d0->vcpus[0], r, __HYPERVISOR_sysctl, kBuf), -13); // EACCES
}
