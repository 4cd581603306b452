// Virtual GICv2 (see vgic.h). Register semantics: ARM IHI 0048B chapter 4 (distributor),
// 5.3 (GICH list registers); GIC-400 TRM for the implementation-defined values (IIDR,
// ID registers, SGI enables read-as-one).
#include "vgic.h"

#include "../../common/arch.h"
#include "../../common/console.h"
#include "../../common/domain.h"
#include "../../common/page_alloc.h"
#include "../../common/percpu.h"

#include <new>

namespace hyp::vgic {

void send_sgi_locked(Vcpu* from, unsigned filter, uint8_t list, unsigned sgi);

namespace {

volatile GichRegs* g_gich = nullptr;
unsigned g_nr_lrs = 4;
// What each pCPU's list registers hold (GICH is banked per CPU). Exits leave valid LRs
// alone and entries write only the LRs that change: rewriting a pending LR withdraws the
// virtual IRQ and signals it afresh, and a guest that traps (WFI) faster than that
// signalling latency would otherwise never see it.
uint32_t g_shadow[kMaxPcpus][kMaxLrs];

void write_lr(unsigned i, uint32_t value) {
    uint32_t& cur = g_shadow[this_pcpu().id][i];
    if (cur == value) return;
    g_gich->lr[i] = value;
    cur = value;
}

constexpr uint32_t kLrPending = 1u << 28, kLrActive = 2u << 28, kLrHw = 1u << 31, kLrEoi = 1u << 19;

VgicDist& dist(Vcpu* v) {
    return v->domain->vgic;
}

bool deliverable(const VgicDist& d, const VIrq* irq) {
    return irq->active || (irq->pending() && irq->enabled && d.enabled);
}

void resample(Vcpu* v, VIrq* irq) {
    if (irq->level_fn) irq->line_level = irq->level_fn(v);
}

// Makes `v` notice a change of its interrupts: a running vCPU leaves its guest and
// refills its LRs; a blocked one (or one on its way to block, still running) is woken.
void kick(Vcpu* v) {
    if (v != current() && v->sched.running) arch::kick_cpu(v->sched.processor);
    domain::vcpu_unblock(v);
}

// Whether `v`'s LRs are folded (its state in memory is the truth): it is not in guest
// mode on some pCPU right now.
bool lrs_folded(Vcpu* v) {
    return v == current() || !v->sched.running;
}

void enlist(VIrq* irq, Vcpu* t) {
    t->vgic.ap_list.insert_before(&irq->ap_node);
    irq->vcpu = t;
}

void delist(VIrq* irq) {
    irq->ap_node.unlink();
    irq->vcpu = nullptr;
}

// Puts `irq` on its target's ap list when it needs delivering (lock held).
void queue(VgicDist& d, VIrq* irq) {
    if (irq->vcpu) {
        kick(irq->vcpu);
        return;
    }
    if (!deliverable(d, irq) || !irq->target) return;
    enlist(irq, irq->target);
    kick(irq->target);
}

// Drops what no longer needs delivering and moves inactive interrupts whose target changed
// (lock held, `v` folded).
void prune(Vcpu* v) {
    VgicDist& d = dist(v);
    ListNode* head = &v->vgic.ap_list;
    for (ListNode* n = head->next; n != head;) {
        VIrq* irq = HYP_CONTAINER_OF(n, VIrq, ap_node);
        n = n->next;
        resample(v, irq);
        if (!deliverable(d, irq)) {
            delist(irq);
        } else if (irq->target != v && !irq->active) {
            delist(irq);
            queue(d, irq); // retargeted while it was in flight here
        }
    }
}

unsigned vcpu_mask(Domain* d) {
    return (1u << d->nr_vcpus) - 1;
}

VIrq* irq_in(Domain* d, Vcpu* v, unsigned intid) {
    if (intid < 32) return &v->vgic.private_irqs[intid];
    if (intid - 32 < d->vgic.nr_spis) return &d->vgic.spis[intid - 32];
    return nullptr;
}

Vcpu* target_of(Domain* d, uint8_t targets) {
    targets &= static_cast<uint8_t>(vcpu_mask(d));
    return targets ? &d->vcpus[__builtin_ctz(targets)] : nullptr;
}

// Physical SPIs forwarded to the domain follow their virtual routing.
void sync_hw_spi(Domain* d, VIrq* irq) {
    if (!irq->hw || irq->intid < 32) return;
    hw_spi_enable(irq->hwintid, irq->enabled && d->vgic.enabled);
    if (irq->target) hw_spi_route(irq->hwintid, irq->target->sched.processor);
}

// --- distributor registers ----------------------------------------------------------------

using ReadFn = uint32_t (*)(Vcpu*, uint32_t off, unsigned size);
using WriteFn = void (*)(Vcpu*, uint32_t off, unsigned size, uint32_t val);
constexpr uint8_t kS1 = 1, kS4 = 4;

struct DistReg {
    uint16_t start, end;
    uint8_t sizes;
    ReadFn read;
    WriteFn write;
    const char* name;
};

uint32_t raz(Vcpu*, uint32_t, unsigned) {
    return 0;
}
void wi(Vcpu*, uint32_t, unsigned, uint32_t) {}

uint32_t read_ctlr(Vcpu* v, uint32_t, unsigned) {
    return dist(v).enabled ? 1 : 0;
}
void write_ctlr(Vcpu* v, uint32_t, unsigned, uint32_t val) {
    Domain* d = v->domain;
    d->vgic.enabled = val & 1;
    for (unsigned i = 0; i < d->vgic.nr_spis; ++i) {
        sync_hw_spi(d, &d->vgic.spis[i]);
        queue(d->vgic, &d->vgic.spis[i]);
    }
    for (unsigned c = 0; c < d->nr_vcpus; ++c)
        for (auto& irq : d->vcpus[c].vgic.private_irqs)
            queue(d->vgic, &irq);
}

uint32_t read_typer(Vcpu* v, uint32_t, unsigned) {
    Domain* d = v->domain;
    return ((32 + d->vgic.nr_spis) / 32 - 1) | ((d->nr_vcpus - 1) << 5);
}
uint32_t read_iidr(Vcpu*, uint32_t, unsigned) {
    return 0x0200143b;
} // GIC-400

// One bit per interrupt, 32 per word.
template <class F>
void for_bits(Vcpu* v, uint32_t byte_off, uint32_t val, F f) {
    const unsigned base = byte_off * 8;
    for (unsigned b = 0; b < 32; ++b)
        if (val & (1u << b))
            if (VIrq* irq = irq_in(v->domain, v, base + b)) f(irq);
}
template <class P>
uint32_t gather_bits(Vcpu* v, uint32_t byte_off, P pred) {
    const unsigned base = byte_off * 8;
    uint32_t r = 0;
    for (unsigned b = 0; b < 32; ++b)
        if (VIrq* irq = irq_in(v->domain, v, base + b))
            if (pred(irq)) r |= 1u << b;
    return r;
}

uint32_t read_enable(Vcpu* v, uint32_t off, unsigned) {
    return gather_bits(v, off & 0x7f, [](VIrq* i) { return i->enabled; });
}
void write_set_enable(Vcpu* v, uint32_t off, unsigned, uint32_t val) {
    for_bits(v, off - 0x100, val, [v](VIrq* i) {
        if (i->is_sgi()) return; // always enabled
        i->enabled = true;
        sync_hw_spi(v->domain, i);
        queue(dist(v), i);
    });
}
void write_clear_enable(Vcpu* v, uint32_t off, unsigned, uint32_t val) {
    for_bits(v, off - 0x180, val, [v](VIrq* i) {
        if (i->is_sgi()) return;
        i->enabled = false;
        sync_hw_spi(v->domain, i);
        if (i->vcpu) kick(i->vcpu);
    });
}

uint32_t read_pending(Vcpu* v, uint32_t off, unsigned) {
    return gather_bits(v, off & 0x7f, [](VIrq* i) { return i->pending(); });
}
void write_set_pending(Vcpu* v, uint32_t off, unsigned, uint32_t val) {
    for_bits(v, off - 0x200, val, [v](VIrq* i) {
        if (i->is_sgi()) return; // SGIs are pended through GICD_SPENDSGIR
        i->pending_latch = true;
        i->clear_pending_req = false;
        queue(dist(v), i);
    });
}
void write_clear_pending(Vcpu* v, uint32_t off, unsigned, uint32_t val) {
    for_bits(v, off - 0x280, val, [v](VIrq* i) {
        if (i->is_sgi()) return;
        i->pending_latch = false;
        if (i->vcpu && !lrs_folded(i->vcpu)) {
            i->clear_pending_req = true;
            kick(i->vcpu);
        }
    });
}

uint32_t read_active(Vcpu* v, uint32_t off, unsigned) {
    return gather_bits(v, off & 0x7f, [](VIrq* i) { return i->active; });
}
void write_set_active(Vcpu* v, uint32_t off, unsigned, uint32_t val) {
    for_bits(v, off - 0x300, val, [v](VIrq* i) {
        i->active = true;
        i->clear_active_req = false;
        queue(dist(v), i);
    });
}
void write_clear_active(Vcpu* v, uint32_t off, unsigned, uint32_t val) {
    for_bits(v, off - 0x380, val, [v](VIrq* i) {
        i->active = false;
        if (i->vcpu && !lrs_folded(i->vcpu)) {
            i->clear_active_req = true;
            kick(i->vcpu);
        }
    });
}

// Byte-per-interrupt registers, byte or word access.
template <class G>
uint32_t read_bytes(Vcpu* v, uint32_t first_intid, unsigned size, G get) {
    uint32_t r = 0;
    for (unsigned k = 0; k < size; ++k)
        if (VIrq* irq = irq_in(v->domain, v, first_intid + k))
            r |= static_cast<uint32_t>(get(irq)) << (8 * k);
    return r;
}
template <class S>
void write_bytes(Vcpu* v, uint32_t first_intid, unsigned size, uint32_t val, S set) {
    for (unsigned k = 0; k < size; ++k)
        if (VIrq* irq = irq_in(v->domain, v, first_intid + k))
            set(irq, static_cast<uint8_t>(val >> (8 * k)));
}

uint32_t read_priority(Vcpu* v, uint32_t off, unsigned size) {
    return read_bytes(v, off - 0x400, size, [](VIrq* i) { return i->priority; });
}
void write_priority(Vcpu* v, uint32_t off, unsigned size, uint32_t val) {
    // Five priority bits, as the GIC-400 and the LR priority field implement.
    write_bytes(v, off - 0x400, size, val, [](VIrq* i, uint8_t b) { i->priority = b & 0xf8; });
}

uint32_t read_targets(Vcpu* v, uint32_t off, unsigned size) {
    const uint32_t first = off - 0x800;
    return read_bytes(v, first, size, [v](VIrq* i) {
        return i->intid < 32 ? static_cast<uint8_t>(1u << v->id) : i->targets;
    });
}
void write_targets(Vcpu* v, uint32_t off, unsigned size, uint32_t val) {
    Domain* d = v->domain;
    write_bytes(v, off - 0x800, size, val, [d](VIrq* i, uint8_t b) {
        if (i->intid < 32) return; // read-only for SGIs and PPIs
        i->targets = b & static_cast<uint8_t>(vcpu_mask(d));
        i->target = target_of(d, i->targets);
        sync_hw_spi(d, i);
        // Retargeting an interrupt in flight: it stays with its vCPU while active there
        // and moves when it becomes inactive (prune on that vCPU's next fold).
        if (i->vcpu && i->vcpu != i->target && !i->active) {
            if (lrs_folded(i->vcpu)) {
                delist(i);
                queue(d->vgic, i);
            } else {
                kick(i->vcpu);
            }
        } else {
            queue(d->vgic, i);
        }
    });
}

uint32_t read_config(Vcpu* v, uint32_t off, unsigned) {
    const unsigned first = (off - 0xc00) * 4;
    uint32_t r = 0;
    for (unsigned k = 0; k < 16; ++k)
        if (VIrq* irq = irq_in(v->domain, v, first + k))
            if (irq->edge) r |= 2u << (2 * k);
    return r;
}
void write_config(Vcpu* v, uint32_t off, unsigned, uint32_t val) {
    const unsigned first = (off - 0xc00) * 4;
    if (first < 32) return; // SGI and PPI configuration is fixed
    for (unsigned k = 0; k < 16; ++k)
        if (VIrq* irq = irq_in(v->domain, v, first + k)) {
            irq->edge = (val >> (2 * k + 1)) & 1;
            if (irq->hw) hw_spi_edge(irq->hwintid, irq->edge);
        }
}

void write_sgir(Vcpu* v, uint32_t, unsigned, uint32_t val) {
    send_sgi_locked(v, (val >> 24) & 3, static_cast<uint8_t>(val >> 16), val & 0xf);
}

uint32_t read_sgi_pending(Vcpu* v, uint32_t off, unsigned size) {
    const uint32_t first = (off & 0xf);
    return read_bytes(v, first, size, [](VIrq* i) { return i->sgi_sources; });
}
void write_set_sgi_pending(Vcpu* v, uint32_t off, unsigned size, uint32_t val) {
    write_bytes(v, off - 0xf20, size, val, [v](VIrq* i, uint8_t b) {
        i->sgi_sources |= b & static_cast<uint8_t>(vcpu_mask(v->domain));
        queue(dist(v), i);
    });
}
void write_clear_sgi_pending(Vcpu* v, uint32_t off, unsigned size, uint32_t val) {
    write_bytes(v, off - 0xf10, size, val,
                [](VIrq* i, uint8_t b) { i->sgi_sources &= static_cast<uint8_t>(~b); });
}

// Peripheral and component ID registers of a GIC-400 (TRM table 3-1).
uint32_t read_id(Vcpu*, uint32_t off, unsigned) {
    switch (off) {
    case 0xfd0:
        return 0x04;
    case 0xfe0:
        return 0x90;
    case 0xfe4:
        return 0xb4;
    case 0xfe8:
        return 0x2b; // ArchRev 2
    case 0xff0:
        return 0x0d;
    case 0xff4:
        return 0xf0;
    case 0xff8:
        return 0x05;
    case 0xffc:
        return 0xb1;
    default:
        return 0;
    }
}

// The distributor register map (IHI 0048B table 4-1), sorted by offset.
constexpr DistReg kDistRegs[] = {
    {0x000, 0x004, kS4, read_ctlr, write_ctlr, "CTLR"},
    {0x004, 0x008, kS4, read_typer, wi, "TYPER"},
    {0x008, 0x00c, kS4, read_iidr, wi, "IIDR"},
    {0x080, 0x100, kS4, raz, wi, "IGROUPR"},
    {0x100, 0x180, kS4, read_enable, write_set_enable, "ISENABLER"},
    {0x180, 0x200, kS4, read_enable, write_clear_enable, "ICENABLER"},
    {0x200, 0x280, kS4, read_pending, write_set_pending, "ISPENDR"},
    {0x280, 0x300, kS4, read_pending, write_clear_pending, "ICPENDR"},
    {0x300, 0x380, kS4, read_active, write_set_active, "ISACTIVER"},
    {0x380, 0x400, kS4, read_active, write_clear_active, "ICACTIVER"},
    {0x400, 0x800, kS1 | kS4, read_priority, write_priority, "IPRIORITYR"},
    {0x800, 0xc00, kS1 | kS4, read_targets, write_targets, "ITARGETSR"},
    {0xc00, 0xd00, kS4, read_config, write_config, "ICFGR"},
    {0xd00, 0xd40, kS4, raz, wi, "PPISR/SPISR"},
    {0xe00, 0xf00, kS4, raz, wi, "NSACR"},
    {0xf00, 0xf04, kS4, raz, write_sgir, "SGIR"},
    {0xf10, 0xf20, kS1 | kS4, read_sgi_pending, write_clear_sgi_pending, "CPENDSGIR"},
    {0xf20, 0xf30, kS1 | kS4, read_sgi_pending, write_set_sgi_pending, "SPENDSGIR"},
    {0xfd0, 0x1000, kS4, read_id, wi, "ID"},
};

const DistReg* find_reg(uint32_t off) {
    for (const DistReg& r : kDistRegs)
        if (off >= r.start && off < r.end) return &r;
    return nullptr;
}

bool access_ok(const DistReg* r, uint32_t off, unsigned size, Vcpu* v, bool write) {
    if (r && (r->sizes & size) && (off & (size - 1)) == 0) return true;
    // Reserved offsets and unsupported sizes are RAZ/WI (IHI 0048B 4.1.1), never fatal.
    log("d%uv%u: vGICD %s of %u bytes at %#x (%s): ignored", v->domain->id, v->id,
        write ? "write" : "read", size, off, r ? r->name : "reserved");
    return false;
}

} // namespace

// Send an SGI from `from` (lock held by the caller of write_sgir; entry point below locks).
void send_sgi_locked(Vcpu* from, unsigned filter, uint8_t list, unsigned sgi) {
    Domain* d = from->domain;
    uint8_t targets;
    switch (filter) {
    case 0:
        targets = list;
        break;
    case 1:
        targets = static_cast<uint8_t>(vcpu_mask(d) & ~(1u << from->id));
        break;
    case 2:
        targets = static_cast<uint8_t>(1u << from->id);
        break;
    default:
        return;
    }
    targets &= static_cast<uint8_t>(vcpu_mask(d));
    for (unsigned t = 0; t < d->nr_vcpus; ++t) {
        if (!(targets & (1u << t))) continue;
        VIrq* irq = &d->vcpus[t].vgic.private_irqs[sgi & 0xf];
        irq->sgi_sources |= static_cast<uint8_t>(1u << from->id);
        queue(d->vgic, irq);
    }
}

void set_gich(volatile GichRegs* gich, unsigned nr_lrs) {
    g_gich = gich;
    g_nr_lrs = nr_lrs > kMaxLrs ? kMaxLrs : nr_lrs;
    for (auto& cpu : g_shadow)
        for (auto& lr : cpu)
            lr = 0;
    cpu_init();
}

void cpu_init() {
    for (unsigned i = 0; i < g_nr_lrs; ++i) {
        g_gich->lr[i] = 0;
        g_shadow[this_pcpu().id][i] = 0;
    }
}

unsigned nr_lrs() {
    return g_nr_lrs;
}

VIrq* irq_of(Vcpu* v, unsigned intid) {
    return irq_in(v->domain, v, intid);
}

void vcpu_init(Vcpu* v) {
    VgicCpu& c = v->vgic;
    c.ap_list.prev = c.ap_list.next = &c.ap_list;
    c.lrs_used = 0;
    for (unsigned i = 0; i < 32; ++i) {
        VIrq& irq = c.private_irqs[i];
        irq = VIrq{};
        irq.ap_node.prev = irq.ap_node.next = &irq.ap_node;
        irq.intid = static_cast<uint16_t>(i);
        irq.target = v;
        irq.enabled = i < 16; // SGIs: GICD_ISENABLER0[15:0] read-as-one on a GIC-400
        irq.edge = i < 16;
    }
    // PPI 31 (event channel upcall) is a level: evtchn_upcall_pending of the vcpu_info.
    c.private_irqs[kPpiEvtchn].level_fn = evtchn::upcall_pending;
    c.private_irqs[kPpiVirtTimer].edge = false;
    c.private_irqs[kPpiPhysTimer].edge = false;
}

bool domain_init(Domain* d, unsigned nr_spis) {
    VgicDist& g = d->vgic;
    g.nr_spis = nr_spis;
    g.enabled = false;
    if (nr_spis) {
        g.spis_pages = align_up(nr_spis * sizeof(VIrq), kPageSize) >> kPageShift;
        Hpa pa;
        if (!g_pages.alloc(&pa, g.spis_pages, 1, DOMID_XEN, PageType::Hyp)) return false;
        g.spis = static_cast<VIrq*>(arch::hpa_to_ptr(pa));
        for (unsigned i = 0; i < nr_spis; ++i) {
            VIrq* irq = new (&g.spis[i]) VIrq();
            irq->ap_node.prev = irq->ap_node.next = &irq->ap_node;
            irq->intid = static_cast<uint16_t>(32 + i);
            irq->targets = 1; // vCPU 0, as Xen's vGIC starts
            irq->target = &d->vcpus[0];
            irq->edge = false;
        }
    }
    return true;
}

void domain_destroy(Domain* d) {
    VgicDist& g = d->vgic;
    if (g.spis) {
        for (unsigned i = 0; i < g.nr_spis; ++i)
            if (g.spis[i].hw) hw_spi_release(g.spis[i].hwintid);
        g_pages.free(arch::ptr_to_hpa(g.spis), g.spis_pages);
    }
    g.spis = nullptr;
    g.nr_spis = 0;
}

uint32_t dist_read(Vcpu* v, uint32_t off, unsigned size) {
    const DistReg* r = find_reg(off);
    if (!access_ok(r, off, size, v, false)) return 0;
    LockGuard g(dist(v).lock);
    return r->read(v, off, size);
}

void dist_write(Vcpu* v, uint32_t off, unsigned size, uint32_t value) {
    const DistReg* r = find_reg(off);
    if (!access_ok(r, off, size, v, true)) return;
    LockGuard g(dist(v).lock);
    r->write(v, off, size, value);
}

void inject_private(Vcpu* v, unsigned intid) {
    LockGuard g(dist(v).lock);
    VIrq* irq = &v->vgic.private_irqs[intid & 31];
    irq->pending_latch = true;
    queue(dist(v), irq);
}

void inject_spi(Domain* d, unsigned intid) {
    LockGuard g(d->vgic.lock);
    if (intid < 32 || intid - 32 >= d->vgic.nr_spis) return;
    VIrq* irq = &d->vgic.spis[intid - 32];
    irq->pending_latch = true;
    queue(d->vgic, irq);
}

void inject_hw(Vcpu* v, unsigned intid, unsigned hwintid) {
    LockGuard g(dist(v).lock);
    VIrq* irq = &v->vgic.private_irqs[intid & 31];
    irq->hw = true;
    irq->hwintid = static_cast<uint16_t>(hwintid);
    irq->phys_active = true;
    irq->pending_latch = true;
    queue(dist(v), irq);
}

void inject_spi_hw(Domain* d, unsigned intid, unsigned hwintid) {
    LockGuard g(d->vgic.lock);
    if (intid < 32 || intid - 32 >= d->vgic.nr_spis) return;
    VIrq* irq = &d->vgic.spis[intid - 32];
    irq->hw = true;
    irq->hwintid = static_cast<uint16_t>(hwintid);
    irq->phys_active = true;
    irq->pending_latch = true;
    queue(d->vgic, irq);
}

void update_level(Vcpu* v, unsigned intid) {
    LockGuard g(dist(v).lock);
    VIrq* irq = &v->vgic.private_irqs[intid & 31];
    resample(v, irq);
    queue(dist(v), irq);
}

void send_sgi(Vcpu* from, unsigned filter, uint8_t target_list, unsigned sgi) {
    LockGuard g(dist(from).lock);
    send_sgi_locked(from, filter, target_list, sgi);
}

void bind_hw_spi(Domain* d, unsigned intid) {
    LockGuard g(d->vgic.lock);
    if (intid < 32 || intid - 32 >= d->vgic.nr_spis) return;
    VIrq* irq = &d->vgic.spis[intid - 32];
    irq->hw = true;
    irq->hwintid = static_cast<uint16_t>(intid);
}

void fold(Vcpu* v) {
    VgicCpu& c = v->vgic;
    LockGuard g(dist(v).lock);
    for (unsigned i = 0; i < c.lrs_used; ++i) {
        VIrq* irq = c.lr_irq[i];
        if (!irq) continue;
        const uint32_t lr = g_gich->lr[i];
        g_shadow[this_pcpu().id][i] = lr;
        // An invalid LR is cleared (its EOI maintenance request with it); a valid one stays
        // and flush rewrites it only if its contents change.
        if (!(lr & (kLrPending | kLrActive))) write_lr(i, 0);
        const bool pending = lr & kLrPending, active = lr & kLrActive;
        if (irq->clear_active_req)
            irq->active = false;
        else
            irq->active = active;
        if (irq->is_sgi()) {
            const unsigned src = (lr >> 10) & 7;
            if (pending && !irq->clear_pending_req)
                irq->sgi_sources |= static_cast<uint8_t>(1u << src);
            if (active) irq->active_source = static_cast<uint8_t>(src);
        } else if (pending && !irq->clear_pending_req && (irq->edge || !irq->level_fn)) {
            irq->pending_latch = true; // still pending in the LR: keep it
        }
        if (irq->hw && !(lr & (kLrPending | kLrActive)) && (lr & kLrHw))
            irq->phys_active = false; // the guest's EOI deactivated the physical interrupt
        irq->clear_pending_req = irq->clear_active_req = false;
    }
    if (c.uie) {
        g_gich->hcr = 1;
        c.uie = false;
    }
    prune(v);
}

void flush(Vcpu* v) {
    VgicCpu& c = v->vgic;
    VgicDist& d = dist(v);
    LockGuard g(d.lock);
    // Level sources of this vCPU (the event-channel upcall) may have risen meanwhile.
    for (auto& irq : c.private_irqs)
        if (irq.level_fn) {
            resample(v, &irq);
            if (!irq.vcpu) queue(d, &irq);
        }
    // Choose the LR contents: active interrupts first (the guest must be able to EOI
    // them), then pending ones by priority, then by INTID.
    VIrq* chosen[kMaxLrs];
    unsigned n = 0, eligible = 0;
    ListNode* head = &c.ap_list;
    for (ListNode* p = head->next; p != head; p = p->next) {
        VIrq* irq = HYP_CONTAINER_OF(p, VIrq, ap_node);
        if (!deliverable(d, irq)) continue;
        ++eligible;
        auto better = [](const VIrq* a, const VIrq* b) {
            if (a->active != b->active) return a->active;
            if (a->priority != b->priority) return a->priority < b->priority;
            return a->intid < b->intid;
        };
        unsigned pos = n;
        while (pos > 0 && better(irq, chosen[pos - 1]))
            --pos;
        if (pos >= g_nr_lrs) continue;
        if (n < g_nr_lrs) ++n;
        for (unsigned k = n - 1; k > pos; --k)
            chosen[k] = chosen[k - 1];
        chosen[pos] = irq;
    }
    // Slots: an interrupt keeps the LR it had, the others take free ones.
    VIrq* slot[kMaxLrs] = {};
    bool placed[kMaxLrs] = {};
    for (unsigned i = 0; i < c.lrs_used; ++i)
        for (unsigned k = 0; k < n; ++k)
            if (c.lr_irq[i] == chosen[k] && !placed[k]) {
                slot[i] = chosen[k];
                placed[k] = true;
            }
    for (unsigned k = 0, i = 0; k < n; ++k) {
        if (placed[k]) continue;
        while (slot[i])
            ++i;
        slot[i] = chosen[k];
    }
    unsigned used = 0;
    for (unsigned i = 0; i < g_nr_lrs; ++i) {
        VIrq* irq = slot[i];
        c.lr_irq[i] = irq;
        if (!irq) {
            write_lr(i, 0);
            continue;
        }
        used = i + 1;
        uint32_t lr = irq->intid | (static_cast<uint32_t>(irq->priority >> 3) << 23);
        const bool want_pending = irq->pending() && irq->enabled && d.enabled;
        if (irq->is_sgi()) {
            if (irq->active) {
                // Another source may be pending: come back when this one is EOI'd.
                lr |= kLrActive | (static_cast<uint32_t>(irq->active_source) << 10);
                if (irq->sgi_sources) lr |= kLrEoi;
            } else {
                const unsigned src = __builtin_ctz(irq->sgi_sources);
                irq->sgi_sources &= static_cast<uint8_t>(~(1u << src));
                lr |= kLrPending | (src << 10);
                if (irq->sgi_sources) lr |= kLrEoi;
            }
        } else if (irq->active && irq->target != v) {
            // Retargeted while in flight here: only its active state stays; its next
            // pending instance goes to the new target once the guest deactivates this one,
            // so come back at that EOI (prune moves it).
            lr |= kLrActive;
            if (irq->hw && irq->phys_active)
                lr |= kLrHw | (static_cast<uint32_t>(irq->hwintid) << 10);
            else
                lr |= kLrEoi;
        } else {
            if (irq->active) lr |= kLrActive;
            if (want_pending) {
                lr |= kLrPending;
                irq->pending_latch = false; // the LR carries it now
            }
            if (irq->hw && irq->phys_active)
                lr |= kLrHw | (static_cast<uint32_t>(irq->hwintid) << 10);
            else if (!irq->edge && irq->level_fn)
                lr |= kLrEoi; // resample the level when the guest EOIs
        }
        write_lr(i, lr);
    }
    c.lrs_used = used;
    // More than fits: the underflow maintenance interrupt brings us back to refill.
    c.uie = eligible > n;
    g_gich->hcr = c.uie ? 3u : 1u;
}

bool vcpu_has_pending(Vcpu* v) {
    VgicDist& d = dist(v);
    LockGuard g(d.lock);
    for (auto& irq : v->vgic.private_irqs)
        if (irq.level_fn) {
            resample(v, &irq);
            if (!irq.vcpu) queue(d, &irq);
        }
    ListNode* head = &v->vgic.ap_list;
    for (ListNode* p = head->next; p != head; p = p->next) {
        VIrq* irq = HYP_CONTAINER_OF(p, VIrq, ap_node);
        if (irq->pending() && irq->enabled && d.enabled) return true;
    }
    return false;
}

bool irq_in_flight(Vcpu* v, unsigned intid) {
    LockGuard g(dist(v).lock);
    VIrq* irq = irq_in(v->domain, v, intid);
    if (!irq) return false;
    return irq->hw ? irq->phys_active : (irq->pending() || irq->active);
}

} // namespace hyp::vgic
