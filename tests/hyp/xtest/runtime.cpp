// xtest runtime: boot (MMU on, identity map), console, checks, GIC, faults, events.
#include "../../../hypervisor/include/public/memory.h"
#include "../../../hypervisor/include/public/sched.h"
#include "../../../hypervisor/include/public/vcpu.h"

#include <bare/bare.h>
#include <bare/xen.h>
#include <xtest/xtest.h>

extern "C" {
void xtest_boot(uint64_t dtb);
void xtest_secondary_boot(uint64_t cpu);
void xtest_exception(uint64_t* frame, uint64_t kind);
void xtest_secondary_entry();
}

namespace xt {

namespace {

uint64_t g_dtb = 0;
unsigned g_nr_cpus = 1;
Gic g_gic;
unsigned g_pass = 0, g_fail = 0;
volatile int g_print_lock = 0;
IrqHandler g_irq_handlers[1024];
unsigned g_irq_counts[8][1024];
void (*g_secondary_fn[8])(unsigned);
struct FaultSlot {
    bool armed;
    Fault f;
} g_fault[8];
shared_info_t* g_shinfo = nullptr;
alignas(4096) uint8_t g_vcpu_info_page[4096];
PortHandler g_port_handler = nullptr;

// Identity map: the first GiB as device memory except the grant-table and magic regions
// (Normal, they are RAM the hypervisor shares), RAM as Normal write-back.
alignas(4096) uint64_t g_l1[512];
alignas(4096) uint64_t g_l2_low[512];

void lock() {
    while (__atomic_exchange_n(&g_print_lock, 1, __ATOMIC_ACQUIRE))
        ;
}
void unlock() {
    __atomic_store_n(&g_print_lock, 0, __ATOMIC_RELEASE);
}

void mmu_on() {
    constexpr uint64_t kAf = 1ull << 10, kInner = 3ull << 8, kBlock = 1, kTable = 3;
    for (uint64_t i = 0; i < 512; ++i) {
        const uint64_t pa = i << 21;
        const bool normal = pa >= 0x38000000 && pa < 0x3a000000;
        g_l2_low[i] = pa | kBlock | kAf | (normal ? (kInner | (1 << 2)) : 0);
    }
    g_l1[0] = reinterpret_cast<uint64_t>(g_l2_low) | kTable;
    g_l1[1] = 0x40000000ull | kBlock | kAf | kInner | (1 << 2);
    g_l1[2] = 0x80000000ull | kBlock | kAf | kInner | (1 << 2);
    asm volatile("dsb sy");
    // MAIR: attr0 Device-nGnRE, attr1 Normal WB. TCR: T0SZ 32, 4K, WB, inner, EPD1, IPS 40b.
    const uint64_t mair = 0x04 | (0xffull << 8);
    const uint64_t tcr =
        32 | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) | (2ull << 32);
    asm volatile("msr mair_el1, %0\n msr tcr_el1, %1\n msr ttbr0_el1, %2\n isb\n tlbi vmalle1\n "
                 "dsb nsh\n isb" ::"r"(mair),
                 "r"(tcr), "r"(reinterpret_cast<uint64_t>(g_l1))
                 : "memory");
    uint64_t sctlr;
    asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= 1 | (1 << 2) | (1 << 12); // M, C, I
    asm volatile("msr sctlr_el1, %0\n isb" ::"r"(sctlr) : "memory");
}

void find_gic(const bare::Fdt& fdt) {
    const int n = fdt.node("/interrupt-controller");
    uint32_t len = 0;
    const uint8_t* reg = static_cast<const uint8_t*>(fdt.prop(n, "reg", &len));
    auto be64 = [](const uint8_t* p) {
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v = (v << 8) | p[i];
        return v;
    };
    if (reg && len >= 32) {
        g_gic.dist = be64(reg);
        g_gic.cpu = be64(reg + 16);
    }
    const int cpus = fdt.node("/cpus");
    unsigned count = 0;
    for (unsigned i = 0; i < 8; ++i) {
        char path[32];
        bare_snprintf(path, sizeof path, "/cpus/cpu@%x", i);
        if (fdt.node(path) >= 0) ++count;
    }
    (void)cpus;
    g_nr_cpus = count ? count : 1;
}

void handle_irq() {
    const uint32_t iar = gicc_read(0x0c);
    const unsigned id = iar & 0x3ff;
    if (id >= 1020) return;
    const unsigned cpu = cpu_id();
    if (cpu < 8) ++g_irq_counts[cpu][id];
    if (g_irq_handlers[id]) g_irq_handlers[id](iar);
    gicc_write(0x10, iar);
}

void upcall(uint32_t) {
    vcpu_info_t* vi = vinfo(cpu_id());
    __atomic_store_n(&vi->evtchn_upcall_pending, static_cast<uint8_t>(0), __ATOMIC_RELEASE);
    const uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0ull, __ATOMIC_ACQ_REL);
    for (uint64_t s = sel; s; s &= s - 1) {
        const unsigned w = __builtin_ctzll(s);
        const uint64_t bits = g_shinfo->evtchn_pending[w] & ~g_shinfo->evtchn_mask[w];
        for (uint64_t b = bits; b; b &= b - 1) {
            const evtchn_port_t port = w * 64 + __builtin_ctzll(b);
            __atomic_fetch_and(&g_shinfo->evtchn_pending[w], ~(1ull << (port % 64)),
                               __ATOMIC_ACQ_REL);
            if (g_port_handler) g_port_handler(port);
        }
    }
}

} // namespace

int64_t psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3) {
    return bare::psci_call(fn, a1, a2, a3);
}

void printf(const char* fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    const int n = bare_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    bare::xen_console_write(buf, n < 0 ? 0 : (n < 255 ? n : 255));
}

void check(bool ok, const char* name, const char* fmt, ...) {
    char detail[200];
    va_list ap;
    va_start(ap, fmt);
    bare_vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    lock();
    if (ok)
        ++g_pass;
    else
        ++g_fail;
    unlock();
    if (ok)
        printf("PASS %s\n", name);
    else
        printf("FAIL %s %s\n", name, detail);
}

unsigned failures() {
    return g_fail;
}

void power_off() {
    sched_shutdown_t s = {SHUTDOWN_poweroff};
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, reinterpret_cast<uint64_t>(&s));
    for (;;)
        wfi();
}

void finish(const char* name) {
    printf("RESULT: %s %u passed, %u failed\n", name, g_pass, g_fail);
    power_off();
}

unsigned cpu_id() {
    uint64_t v;
    asm volatile("mrs %0, tpidr_el1" : "=r"(v));
    return static_cast<unsigned>(v);
}

unsigned nr_cpus() {
    return g_nr_cpus;
}
const void* dtb() {
    return reinterpret_cast<const void*>(g_dtb);
}

uint64_t counter() {
    uint64_t v;
    asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

uint64_t counter_hz() {
    uint64_t v;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

void delay_ticks(uint64_t ticks) {
    const uint64_t end = counter() + ticks;
    while (counter() < end) {
    }
}

int64_t cpu_on(unsigned cpu, void (*fn)(unsigned)) {
    g_secondary_fn[cpu] = fn;
    dsb();
    const uint64_t mpidr = ((cpu / 16) << 8) | (cpu % 16);
    // A vCPU that just finished a previous job may not have powered itself off yet.
    const uint64_t end = counter() + 10 * counter_hz();
    for (;;) {
        const int64_t r =
            psci(0xc4000003, mpidr, reinterpret_cast<uint64_t>(&xtest_secondary_entry), cpu);
        if (r != -4 || counter() > end) // ALREADY_ON
            return r;
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    }
}

const Gic& gic() {
    return g_gic;
}
uint32_t gicd_read(uint32_t off) {
    return *reinterpret_cast<volatile uint32_t*>(g_gic.dist + off);
}
void gicd_write(uint32_t off, uint32_t val) {
    *reinterpret_cast<volatile uint32_t*>(g_gic.dist + off) = val;
}
uint8_t gicd_read8(uint32_t off) {
    return *reinterpret_cast<volatile uint8_t*>(g_gic.dist + off);
}
void gicd_write8(uint32_t off, uint8_t val) {
    *reinterpret_cast<volatile uint8_t*>(g_gic.dist + off) = val;
}
uint32_t gicc_read(uint32_t off) {
    return *reinterpret_cast<volatile uint32_t*>(g_gic.cpu + off);
}
void gicc_write(uint32_t off, uint32_t val) {
    *reinterpret_cast<volatile uint32_t*>(g_gic.cpu + off) = val;
}

void gic_init_cpu() {
    gicd_write(0x000, 1);
    gicc_write(0x004, 0xff); // PMR
    gicc_write(0x008, 0);    // BPR
    gicc_write(0x000, 1);    // enable
}

void gic_enable(unsigned intid, uint8_t prio) {
    gicd_write8(0x400 + intid, prio);
    gicd_write(0x100 + 4 * (intid / 32), 1u << (intid % 32));
}

void gic_disable(unsigned intid) {
    gicd_write(0x180 + 4 * (intid / 32), 1u << (intid % 32));
}

void set_irq_handler(unsigned intid, IrqHandler h) {
    g_irq_handlers[intid & 1023] = h;
}

unsigned irq_count(unsigned intid) {
    return __atomic_load_n(&g_irq_counts[cpu_id() & 7][intid & 1023], __ATOMIC_ACQUIRE);
}

Fault expect_fault(void (*fn)(void*), void* arg) {
    FaultSlot& s = g_fault[cpu_id() & 7];
    s.f = Fault{};
    s.armed = true;
    dsb();
    fn(arg);
    s.armed = false;
    return s.f;
}

void events_init() {
    // shared_info at a gfn in the magic region's unused tail (not RAM: nothing is lost).
    constexpr uint64_t kShinfoGfn = (GUEST_MAGIC_BASE >> 12) + 0x10;
    if (!g_shinfo) {
        xen_add_to_physmap_t x = {};
        x.domid = DOMID_SELF;
        x.space = XENMAPSPACE_shared_info;
        x.idx = 0;
        x.gpfn = kShinfoGfn;
        const int64_t r = hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
                                    reinterpret_cast<uint64_t>(&x));
        if (r) {
            printf("FAIL events_init: add_to_physmap(shared_info) = %ld\n", r);
            power_off();
        }
        g_shinfo = reinterpret_cast<shared_info_t*>(kShinfoGfn << 12);
        for (auto& m : g_shinfo->evtchn_mask)
            m = ~0ull; // every port masked until a test unmasks it
    }
    // One vcpu_info per vCPU, 64 bytes apart in one page.
    const unsigned cpu = cpu_id();
    vcpu_register_vcpu_info_t info = {};
    info.mfn = reinterpret_cast<uint64_t>(g_vcpu_info_page) >> 12;
    info.offset = cpu * 64;
    hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, cpu,
              reinterpret_cast<uint64_t>(&info));
    set_irq_handler(31, upcall);
    gic_enable(31, 0xa0);
}

shared_info_t* shinfo() {
    return g_shinfo;
}
vcpu_info_t* vinfo(unsigned cpu) {
    return reinterpret_cast<vcpu_info_t*>(g_vcpu_info_page + cpu * 64);
}
void set_port_handler(PortHandler h) {
    g_port_handler = h;
}
int64_t evtchn_op(unsigned cmd, void* arg) {
    return hypercall(__HYPERVISOR_event_channel_op, cmd, reinterpret_cast<uint64_t>(arg));
}
void mask(evtchn_port_t p) {
    __atomic_fetch_or(&g_shinfo->evtchn_mask[p / 64], 1ull << (p % 64), __ATOMIC_ACQ_REL);
}
void unmask(evtchn_port_t p) {
    evtchn_unmask_t u = {p};
    evtchn_op(EVTCHNOP_unmask, &u);
}

} // namespace xt

extern "C" void xtest_boot(uint64_t dtb) {
    xt::mmu_on();
    xt::g_dtb = dtb;
    const bare::Fdt fdt(dtb);
    xt::find_gic(fdt);
    xt::main();
    xt::finish("main");
}

extern "C" void xtest_secondary_boot(uint64_t cpu) {
    asm volatile("msr ttbr0_el1, %0" ::"r"(reinterpret_cast<uint64_t>(xt::g_l1)));
    const uint64_t mair = 0x04 | (0xffull << 8);
    const uint64_t tcr =
        32 | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) | (2ull << 32);
    asm volatile("msr mair_el1, %0\n msr tcr_el1, %1\n isb" ::"r"(mair), "r"(tcr));
    uint64_t sctlr;
    asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= 1 | (1 << 2) | (1 << 12);
    asm volatile("msr sctlr_el1, %0\n isb" ::"r"(sctlr) : "memory");
    if (auto fn = xt::g_secondary_fn[cpu & 7]) fn(static_cast<unsigned>(cpu));
    bare::psci_call(0x84000002); // CPU_OFF
    for (;;)
        xt::wfi();
}

extern "C" void xtest_exception(uint64_t* frame, uint64_t kind) {
    const unsigned cpu = xt::cpu_id() & 7;
    if (kind == 1) {
        xt::handle_irq();
        return;
    }
    const uint64_t elr = frame[31], esr = frame[33], far = frame[34];
    if (kind == 0 && xt::g_fault[cpu].armed) {
        xt::g_fault[cpu].armed = false;
        xt::g_fault[cpu].f = xt::Fault{true, esr, far, elr};
        frame[31] = elr + 4; // step over the faulting instruction
        return;
    }
    xt::printf("FAIL unexpected exception kind %lu ESR 0x%lx ELR 0x%lx FAR 0x%lx\n", kind, esr, elr,
               far);
    xt::finish("crashed");
}
