// The memory slow paths: translation, alignment, DMI and MMIO, exclusives, fast-TLB fills.
#include "core.h"
#include "models/mem/initiator_id.h"
#include "regbits.h"

#include <algorithm>

namespace armsim::cpu {

using namespace sc_core;

namespace {
MmuAccess to_mmu(AccessKind k) {
    return k == AccessKind::Read    ? MmuAccess::Read
           : k == AccessKind::Write ? MmuAccess::Write
                                    : MmuAccess::Exec;
}
} // namespace

// --- fast TLB ----------------------------------------------------------------------------------

void Core::flush_fast_tlb() {
    for (auto& idx : ftlb_)
        for (FastTlbEntry& e : idx)
            e = FastTlbEntry{};
    invalidate_fetch();
}

void Core::flush_fast_tlb_writes() {
    for (auto& idx : ftlb_)
        for (FastTlbEntry& e : idx)
            e.tag_w = 1;
}

void Core::drop_fast_writes(uint64_t pa_page) {
    // An entry maps its page to host memory as va + addend; compare host addresses, which
    // identify the physical page (RAM is one DMI region per window).
    const uint8_t* host = dmi_host(pa_page, false);
    if (!host) {
        flush_fast_tlb_writes();
        return;
    }
    const uintptr_t h = reinterpret_cast<uintptr_t>(host);
    for (auto& idx : ftlb_)
        for (FastTlbEntry& e : idx)
            if (e.tag_w != 1 && e.tag_w + e.addend == h) e.tag_w = 1;
}

void Core::fill_fast_tlb(uint64_t va, const Translation& t, unsigned idx) {
    if (!t.cacheable_4k) return;
    uint8_t* host = dmi_host(t.pa & kPageMask, false);
    if (!host) return;
    FastTlbEntry& e = ftlb_[idx][(va >> kPageBits) & (kFtlbSize - 1)];
    const uint64_t page = va & kPageMask;
    // One host page backs all three tags only if they agree; refill from scratch.
    e = FastTlbEntry{};
    e.addend = reinterpret_cast<uintptr_t>(host) - page;
    if (t.readable) e.tag_r = page;
    if (t.writable && !code_.slow_writes(t.pa) && dmi_host(t.pa & kPageMask, true)) e.tag_w = page;
    if (t.executable) e.tag_x = page;
}

// --- DMI -------------------------------------------------------------------------------------

uint8_t* Core::dmi_host(uint64_t pa, bool write) {
    for (const DmiRegion& r : dmi_) {
        if (pa >= r.start && pa <= r.end) {
            if (!r.ptr || (write && !r.writable)) return nullptr;
            return r.ptr + (pa - r.start);
        }
    }
    tlm::tlm_generic_payload trans;
    tlm::tlm_dmi dmi;
    trans.set_address(pa);
    trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    if (bus->get_direct_mem_ptr(trans, dmi) && dmi.get_start_address() <= pa &&
        pa <= dmi.get_end_address()) {
        dmi_.push_back(DmiRegion{dmi.get_start_address(), dmi.get_end_address(), dmi.get_dmi_ptr(),
                                 dmi.is_write_allowed()});
        if (write && !dmi.is_write_allowed()) return nullptr;
        return dmi.get_dmi_ptr() + (pa - dmi.get_start_address());
    }
    // Remember the hole so MMIO does not ask again on every access. A target that
    // refuses DMI reports the range it refuses (TLM-2.0 LRM 11.2.5); fall back to a page.
    uint64_t start = dmi.get_start_address(), end = dmi.get_end_address();
    if (!(start <= pa && pa <= end) || end - start > (1ull << 40)) {
        start = pa & kPageMask;
        end = start + kPageSize - 1;
    }
    dmi_.push_back(DmiRegion{start, end, nullptr, false});
    return nullptr;
}

void Core::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
    invalidate_dmi(start, end);
}

void Core::invalidate_dmi(uint64_t start, uint64_t end) {
    std::erase_if(dmi_, [&](const DmiRegion& r) { return r.start <= end && start <= r.end; });
    flush_fast_tlb();
}

bool Core::debug_read_phys(uint64_t pa, void* dst, unsigned len) {
    if (uint8_t* host = dmi_host(pa, false); host && ((pa & (kPageSize - 1)) + len <= kPageSize)) {
        std::memcpy(dst, host, len);
        return true;
    }
    tlm::tlm_generic_payload trans;
    trans.set_command(tlm::TLM_READ_COMMAND);
    trans.set_address(pa);
    trans.set_data_ptr(static_cast<unsigned char*>(dst));
    trans.set_data_length(len);
    trans.set_streaming_width(len);
    return bus->transport_dbg(trans) == len;
}

bool Core::debug_write_phys(uint64_t pa, const void* src, unsigned len) {
    tlm::tlm_generic_payload trans;
    trans.set_command(tlm::TLM_WRITE_COMMAND);
    trans.set_address(pa);
    trans.set_data_ptr(static_cast<unsigned char*>(const_cast<void*>(src)));
    trans.set_data_length(len);
    trans.set_streaming_width(len);
    const bool ok = bus->transport_dbg(trans) == len;
    if (ok) code_.invalidate(pa, len);
    return ok;
}

bool Core::debug_read_virt(uint64_t va, void* dst, unsigned len) {
    auto* out = static_cast<uint8_t*>(dst);
    while (len > 0) {
        const unsigned chunk = std::min<unsigned>(len, kPageSize - (va & (kPageSize - 1)));
        MmuResult r;
        MmuFault f;
        if (!mmu_.translate_uncached(va, MmuAccess::Read, st.el, false, r, f)) return false;
        if (!debug_read_phys(r.pa, out, chunk)) return false;
        va += chunk;
        out += chunk;
        len -= chunk;
    }
    return true;
}

// --- translation and faults ---------------------------------------------------------------

Core::Translation Core::translate(uint64_t va, AccessKind kind, unsigned el, unsigned flags,
                                  uint32_t isyn, unsigned size) {
    (void)flags;
    (void)size;
    MmuResult r;
    MmuFault f;
    if (!mmu_.translate(va, to_mmu(kind), el, r, f)) raise_abort(va, kind, isyn, f);
    Translation t;
    t.pa = r.pa;
    t.device = r.device;
    const unsigned sh = el == 0 ? 0 : 3;
    t.readable = (r.perms >> sh) & kPermR0;
    t.writable = (r.perms >> sh) & kPermW0;
    t.executable = (r.perms >> sh) & kPermX0;
    // Every mapping is at least 4 KiB with uniform attributes, so a page's fast-TLB entry
    // is exact.
    t.cacheable_4k = true;
    return t;
}

void Core::raise_abort(uint64_t va, AccessKind kind, uint32_t isyn, const MmuFault& f,
                       bool cache_maintenance) {
    Exception e;
    const bool fetch = kind == AccessKind::Exec;
    e.ec = fetch ? Ec::InsnAbortLower : Ec::DataAbortLower; // take_exception picks same/lower
    uint32_t iss = f.fsc;
    if (f.s1ptw) iss |= 1u << 7;
    if (!fetch) {
        // WnR follows the instruction, also for a stage-2 fault on the stage-1 walk: the
        // walk passes the access's iswrite to AArch64.SecondStageWalk() (D13.2.37 WnR).
        if (kind == AccessKind::Write) iss |= 1u << 6;
        // The instruction syndrome is valid only for stage-2 faults that are not on a
        // stage-1 walk, matching what a hypervisor needs to emulate MMIO.
        if (f.stage2 && !f.s1ptw && !cache_maintenance) iss |= isyn;
        if (cache_maintenance) iss |= 1u << 8; // CM
    }
    e.iss = iss;
    e.far_valid = true;
    e.far = va;
    if (f.stage2) {
        e.target_el = 2;
        e.ipa_valid = true;
        e.ipa = f.ipa;
    }
    raise(e);
}

void Core::alignment_fault(uint64_t va, AccessKind kind, uint32_t isyn) {
    (void)isyn;
    Exception e;
    e.ec = Ec::DataAbortLower;
    e.iss = kFscAlignment | (kind == AccessKind::Write ? (1u << 6) : 0);
    e.far_valid = true;
    e.far = va;
    raise(e);
}

void Core::refill_fetch() {
    const uint64_t pc = st.pc;
    if (pc & 3) {
        Exception e{Ec::PcAlign, 0, 0};
        e.far_valid = true;
        e.far = pc;
        raise(e);
    }
    Translation t = translate(pc, AccessKind::Exec, st.el, 0, 0, 4);
    const uint64_t pa_page = t.pa & kPageMask;
    const uint8_t* host = dmi_host(pa_page, false);
    if (!host) {
        // Executing from something that is not RAM: a synchronous external abort on fetch.
        MmuFault f{false, false, kFscSyncExternal, 0};
        raise_abort(pc, AccessKind::Exec, 0, f);
    }
    fetch_page_ = code_.page(pa_page, host);
    fetch_va_ = pc & kPageMask;
}

void Core::mmio(uint64_t pa, void* data, unsigned len, bool write, uint64_t va, uint32_t isyn,
                AccessKind kind) {
    tlm::tlm_generic_payload trans;
    trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    trans.set_address(pa);
    trans.set_data_ptr(static_cast<unsigned char*>(data));
    trans.set_data_length(len);
    trans.set_streaming_width(len);
    trans.set_byte_enable_ptr(nullptr);
    trans.set_dmi_allowed(false);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    mem::InitiatorId id;
    id.id = cfg_.index;
    trans.set_extension(&id);
    const sc_time before = local_time();
    sc_time delay = before;
    bus->b_transport(trans, delay);
    trans.clear_extension(&id);
    if (delay > before) cycles_ += (delay - before).value() / period_.value();
    cycles_ += costs_.mmio_access;
    if (trans.get_response_status() != tlm::TLM_OK_RESPONSE) {
        // No device answered: a synchronous external abort (DFSC 0x10), like a bus error.
        // ISV stays 0 (the instruction syndrome is dropped): in ARMv8.0 (ARM ARM DDI 0487A,
        // D7.2.28 ESR_ELx, ISS encoding for a Data Abort) ISV is set only for stage-2 aborts
        // on single-register loads and stores; for synchronous External aborts it is at most
        // IMPLEMENTATION DEFINED in later revisions. QEMU sets ISV=1 here; a guest must not
        // rely on either.
        MmuFault f{false, false, kFscSyncExternal, 0};
        (void)isyn;
        raise_abort(va, kind, 0, f);
    }
}

// --- slow paths ------------------------------------------------------------------------------

bool Core::misaligned_needs_split(uint64_t va, unsigned size, unsigned flags, AccessKind kind,
                                  uint32_t isyn) {
    const uint64_t sctlr = sysreg(st.el == 2 ? SysReg::SCTLR_EL2 : SysReg::SCTLR_EL1);
    if ((flags & (kAligned | kExclusive)) || (sctlr & sctlr::A)) alignment_fault(va, kind, isyn);
    return (va & (kPageSize - 1)) + size > kPageSize;
}

template <class T>
T Core::read_slow(uint64_t va, unsigned flags, uint32_t isyn) {
    constexpr unsigned size = sizeof(T);
    const unsigned el = mmu_index(flags);
    const bool misaligned = va & (size - 1);
    if (misaligned && misaligned_needs_split(va, size, flags, AccessKind::Read, isyn))
        return access_split_read<T>(va, flags, isyn);
    const Translation t = translate(va, AccessKind::Read, el, flags, isyn, size);
    if (misaligned && t.device) alignment_fault(va, AccessKind::Read, isyn);
    if (uint8_t* host = dmi_host(t.pa, false)) {
        fill_fast_tlb(va, t, el);
        T v;
        std::memcpy(&v, host, size);
        return v;
    }
    T v{};
    mmio(t.pa, &v, size, false, va, isyn, AccessKind::Read);
    return v;
}

template <class T>
void Core::write_slow(uint64_t va, T value, unsigned flags, uint32_t isyn) {
    constexpr unsigned size = sizeof(T);
    const unsigned el = mmu_index(flags);
    const bool misaligned = va & (size - 1);
    if (misaligned && misaligned_needs_split(va, size, flags, AccessKind::Write, isyn)) {
        access_split_write<T>(va, value, flags, isyn);
        return;
    }
    const Translation t = translate(va, AccessKind::Write, el, flags, isyn, size);
    if (misaligned && t.device) alignment_fault(va, AccessKind::Write, isyn);
    if (uint8_t* host = dmi_host(t.pa, true)) {
        if (code_.is_code(t.pa)) code_.invalidate(t.pa, size);
        clear_exclusive_marks(t.pa, size);
        fill_fast_tlb(va, t, el);
        std::memcpy(host, &value, size);
        return;
    }
    mmio(t.pa, &value, size, true, va, isyn, AccessKind::Write);
}

// A page-crossing access is done byte by byte: each byte translates on its own, which
// reports the fault on the page that has it (the architecture allows either order).
template <class T>
T Core::access_split_read(uint64_t va, unsigned flags, uint32_t isyn) {
    uint8_t bytes[sizeof(T)];
    for (unsigned i = 0; i < sizeof(T); ++i)
        bytes[i] = read_slow<uint8_t>(va + i, flags, isyn);
    T v;
    std::memcpy(&v, bytes, sizeof(T));
    return v;
}

template <class T>
void Core::access_split_write(uint64_t va, T value, unsigned flags, uint32_t isyn) {
    uint8_t bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    // Translate both pages before writing anything, so a fault leaves memory untouched.
    // The fault address for the second page is its first byte, the lowest faulting byte
    // (as QEMU reports it too).
    translate(va, AccessKind::Write, mmu_index(flags), flags, isyn, 1);
    translate((va | (kPageSize - 1)) + 1, AccessKind::Write, mmu_index(flags), flags, isyn, 1);
    for (unsigned i = 0; i < sizeof(T); ++i)
        write_slow<uint8_t>(va + i, bytes[i], flags, isyn);
}

// --- exclusives ------------------------------------------------------------------------------
// ARM DDI 0487 B2.9 and the pseudocode of AArch64.ExclusiveMonitorsPass(): a store-exclusive
// checks alignment, then the local monitor (the VA and size the load-exclusive marked)
// *before* translating, so a store-exclusive with no reservation fails without faulting;
// then it translates and checks the global monitor (the physical granule, cleared by any
// store to it). The granule is the Exclusives reservation granule of CTR_EL0.ERG (64 bytes).
// Stores clear marks only on pages the code cache watches (slow_writes); a reservation on a
// page that stopped being watched fails, which the architecture allows (a monitor may be
// cleared at any time).

namespace {
constexpr uint64_t kErgMask = ~uint64_t(63);
}

void Core::mark_exclusive(uint64_t va, uint64_t pa, unsigned size) {
    excl_valid_ = true;
    excl_va_ = va;
    excl_pa_ = pa;
    excl_size_ = size;
    code_.watch_exclusive(pa);
}

// The part of the check before translation; false = fail without touching memory.
bool Core::check_exclusive(uint64_t va, unsigned size, unsigned access_size, bool& ok_out) {
    if (va & (access_size - 1)) alignment_fault(va, AccessKind::Write, 0);
    ok_out = excl_valid_ && excl_va_ == va && excl_size_ == size;
    if (!ok_out) excl_valid_ = false;
    return ok_out;
}

void Core::clear_exclusive_marks(uint64_t pa, unsigned len) {
    const uint64_t first = pa & kErgMask, last = (pa + len - 1) & kErgMask;
    auto clear = [&](Core& c) {
        if (c.excl_valid_ && (c.excl_pa_ & kErgMask) >= first && (c.excl_pa_ & kErgMask) <= last) {
            c.excl_valid_ = false;
            // Clearing a PE's global monitor generates an event for it (D1.16.1): WFE-based
            // spin loops wake when the lock word is written.
            if (&c != this) c.send_event();
        }
    };
    if (peers_) {
        for (Core* c : *peers_)
            clear(*c);
    } else {
        clear(*this);
    }
}

template <class T>
T Core::load_exclusive(uint64_t va, bool acquire) {
    (void)acquire;
    if (va & (sizeof(T) - 1)) alignment_fault(va, AccessKind::Read, 0);
    const Translation t = translate(va, AccessKind::Read, st.el, kExclusive, 0, sizeof(T));
    T v{};
    if (uint8_t* host = dmi_host(t.pa, false))
        std::memcpy(&v, host, sizeof(T));
    else
        mmio(t.pa, &v, sizeof(T), false, va, 0, AccessKind::Read);
    mark_exclusive(va, t.pa, sizeof(T));
    return v;
}

template <class T>
bool Core::store_exclusive(uint64_t va, T value, bool release) {
    (void)release;
    bool ok;
    if (!check_exclusive(va, sizeof(T), sizeof(T), ok)) return false;
    const Translation t = translate(va, AccessKind::Write, st.el, kExclusive, 0, sizeof(T));
    ok = excl_valid_ && excl_pa_ == t.pa && code_.is_exclusive_page(t.pa);
    excl_valid_ = false;
    if (!ok) return false;
    if (uint8_t* host = dmi_host(t.pa, true)) {
        if (code_.is_code(t.pa)) code_.invalidate(t.pa, sizeof(T));
        clear_exclusive_marks(t.pa, sizeof(T));
        std::memcpy(host, &value, sizeof(T));
    } else {
        mmio(t.pa, &value, sizeof(T), true, va, 0, AccessKind::Write);
    }
    return true;
}

void Core::load_exclusive_pair(uint64_t va, unsigned size, uint64_t& v0, uint64_t& v1) {
    if (va & (2 * size - 1)) alignment_fault(va, AccessKind::Read, 0);
    const Translation t = translate(va, AccessKind::Read, st.el, kExclusive, 0, 2 * size);
    uint8_t buf[16] = {};
    if (uint8_t* host = dmi_host(t.pa, false))
        std::memcpy(buf, host, 2 * size);
    else
        mmio(t.pa, buf, 2 * size, false, va, 0, AccessKind::Read);
    v0 = v1 = 0;
    std::memcpy(&v0, buf, size);
    std::memcpy(&v1, buf + size, size);
    mark_exclusive(va, t.pa, 2 * size);
}

bool Core::store_exclusive_pair(uint64_t va, uint64_t v0, uint64_t v1, unsigned size) {
    bool ok;
    if (!check_exclusive(va, 2 * size, 2 * size, ok)) return false;
    const Translation t = translate(va, AccessKind::Write, st.el, kExclusive, 0, 2 * size);
    ok = excl_valid_ && excl_pa_ == t.pa && code_.is_exclusive_page(t.pa);
    excl_valid_ = false;
    uint8_t* host = dmi_host(t.pa, true);
    if (!ok || !host) return false;
    if (code_.is_code(t.pa)) code_.invalidate(t.pa, 2 * size);
    clear_exclusive_marks(t.pa, 2 * size);
    std::memcpy(host, &v0, size);
    std::memcpy(host + size, &v1, size);
    return true;
}

#define ARMSIM_INSTANTIATE(T)                                                                      \
    template T Core::read_slow<T>(uint64_t, unsigned, uint32_t);                                   \
    template void Core::write_slow<T>(uint64_t, T, unsigned, uint32_t);                            \
    template T Core::load_exclusive<T>(uint64_t, bool);                                            \
    template bool Core::store_exclusive<T>(uint64_t, T, bool);
ARMSIM_INSTANTIATE(uint8_t)
ARMSIM_INSTANTIATE(uint16_t)
ARMSIM_INSTANTIATE(uint32_t)
ARMSIM_INSTANTIATE(uint64_t)
#undef ARMSIM_INSTANTIATE

} // namespace armsim::cpu
