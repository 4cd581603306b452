// An ARMv8.0-A AArch64 core (Cortex-A57 class) as a SystemC module.
//
// The core runs in one SC_THREAD under temporal decoupling: it executes instructions
// until its local time passes the quantum, then synchronises. Instructions come from the
// shared decoded-instruction cache; RAM is reached through DMI and a small per-EL
// software TLB ("fast TLB") that caches host pointers for translated pages. Anything not
// on that fast path (MMIO, faults, unaligned or page-crossing accesses, stores to code
// pages) takes the slow path in memory.cpp.
#pragma once

#include "code_cache.h"
#include "cost_table.h"
#include "exception.h"
#include "mmu.h"
#include "platform.h"
#include "pmu.h"
#include "sysregs.h"

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <vector>

namespace armsim::cpu {

// PSTATE and the general-purpose registers.
struct ArchState {
    uint64_t x[32] = {}; // x[31] reads as zero (XZR); SP lives apart
    uint64_t sp = 0;     // the current SP (SP_EL0 or SP_ELx per PSTATE.SP)
    uint64_t pc = 0;
    uint32_t nzcv = 0;      // NZCV in bits [31:28], as the NZCV register
    uint32_t daif = 0;      // D A I F in bits [9:6], as the DAIF register
    uint8_t el = 2;         // current exception level
    bool spsel = true;      // PSTATE.SP
    bool ss = false;        // PSTATE.SS
    bool il = false;        // PSTATE.IL
    uint64_t sp_el[3] = {}; // banked SP_EL0..SP_EL2 (the current one is stale; see sp)
};

constexpr uint32_t kDaifD = 1u << 9, kDaifA = 1u << 8, kDaifI = 1u << 7, kDaifF = 1u << 6;

struct CoreConfig {
    unsigned index = 0; // position on the board
    uint64_t mpidr = 0x80000000;
    uint64_t clock_hz = 1'000'000'000;
    bool start_powered_on = true;
    uint64_t seed = 0; // this core's random stream (TLB victims)
};

enum class AccessKind : uint8_t { Read, Write, Exec };

// Interrupt inputs of the core (ARM DDI 0487 D1.13).
enum class IrqLine : uint8_t { Irq, Fiq, VIrq, VFiq, SError, VSError };

// The TLM quantum keeper, with the time left to the next synchronisation point exposed so
// the run loop can turn it into a cycle budget once per quantum.
class QuantumKeeper : public tlm_utils::tlm_quantumkeeper {
public:
    sc_core::sc_time until_sync() const {
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        return m_next_sync_point > now ? m_next_sync_point - now : sc_core::SC_ZERO_TIME;
    }
};

struct FastTlbEntry {
    uint64_t tag_r = 1, tag_w = 1, tag_x = 1; // page VA, or 1 (never matches) when invalid
    uintptr_t addend = 0;                     // host address = va + addend
};

class Core : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Core);
    Core(sc_core::sc_module_name name, const CoreConfig& cfg, CodeCache& code,
         const CostTable& costs);
    ~Core() override;

    tlm_utils::simple_initiator_socket<Core> bus;

    // --- wiring ---------------------------------------------------------------------------
    void set_firmware(Firmware* fw) { firmware_ = fw; }
    void set_semihosting(Semihosting* sh) { semihosting_ = sh; }
    void set_run_control(RunControl* rc) { run_control_ = rc; }
    void set_timer_sysregs(SysRegDevice* dev) { timer_ = dev; }
    void set_insn_limit(uint64_t n) { insn_limit_ = n; }
    void set_peers(const std::vector<Core*>* peers) { peers_ = peers; }
    void set_psci_on_hvc(bool on) { psci_on_hvc_ = on; }
    void set_slice_policy(SlicePolicy* p) { slice_policy_ = p; }

    // --- reset and power ------------------------------------------------------------------
    // Architectural reset into EL2 at `entry` (x0..x3 as given).
    void reset(uint64_t entry, uint64_t x0 = 0);
    // PSCI CPU_ON: reset and start at `entry` in `el` with x0 = context.
    void power_on(uint64_t entry, unsigned el, uint64_t context);
    void power_off(); // called by the core's own thread (PSCI CPU_OFF)
    // Powers the core off from outside its thread (system reset): it stops at its next
    // instruction boundary, or wakes from WFI/WFE to do so.
    void force_power_off() {
        power_off();
        wake_ev_.notify(sc_core::SC_ZERO_TIME);
    }
    void standby(); // wait for an interrupt, like WFI without its traps (PSCI CPU_SUSPEND)
    bool powered() const { return powered_; }
    bool sleeping() const { return in_wfi_ || in_wfe_; } // in WFI/WFE, waiting to wake
    bool event_register() const { return event_register_; }

    // --- interrupts (called by the GIC and the timers) ------------------------------------
    void set_line(IrqLine line, bool level);
    bool line(IrqLine line) const { return lines_ & (1u << static_cast<unsigned>(line)); }
    // SEV: sets this core's event register / reaches every core of the board.
    void send_event();
    void send_event_all();

    // Runs up to `n` instructions right now, outside the SystemC scheduler (unit tests and
    // tools). Stops early at WFI/WFE, power-off or a stop request. Returns instructions
    // retired.
    uint64_t run_steps(uint64_t n);

    // --- state, for the board, tests and debuggers ----------------------------------------
    ArchState st;
    uint64_t sysreg(SysReg r) const { return sr_[static_cast<unsigned>(r)]; }
    uint64_t& sysreg_ref(SysReg r) { return sr_[static_cast<unsigned>(r)]; }
    uint64_t retired() const { return retired_; }
    uint64_t exceptions_taken() const { return exceptions_; }
    uint64_t cycles() const { return cycles_; }
    const CoreConfig& config() const { return cfg_; }
    const CostTable& costs() const { return costs_; }
    Mmu& mmu() { return mmu_; }
    // The core's notion of now: the kernel's time plus its unsynchronised local offset.
    sc_core::sc_time local_time() const;
    sc_core::sc_time now() const { return sc_core::sc_time_stamp() + local_time(); }

    // Debug access to physical memory (no side effects on caches/TLBs); false on failure.
    bool debug_read_phys(uint64_t pa, void* dst, unsigned len);
    bool debug_write_phys(uint64_t pa, const void* src, unsigned len);
    // Debug read through the current translation regime (for semihosting).
    bool debug_read_virt(uint64_t va, void* dst, unsigned len);

    // --- used by instruction semantics ----------------------------------------------------
    template <class T>
    T read(uint64_t va, uint32_t isyn = 0);
    template <class T>
    void write(uint64_t va, T value, uint32_t isyn = 0);
    // Accesses with explicit attributes (unprivileged, exclusive, ordered) take the slow path.
    template <class T>
    T read_special(uint64_t va, unsigned flags, uint32_t isyn = 0);
    template <class T>
    void write_special(uint64_t va, T value, unsigned flags, uint32_t isyn = 0);
    enum AccessFlags : unsigned {
        kUnpriv = 1,  // LDTR/STTR: EL0 permissions at EL1
        kAligned = 2, // alignment required whatever the memory type (exclusive, acq/rel)
        kExclusive = 4,
    };

    [[noreturn]] void raise(const Exception& e);
    [[noreturn]] void undefined();
    void take_exception(Exception e, ExcKind kind = ExcKind::Sync);
    void exception_return(); // ERET
    void check_sp_alignment(uint64_t addr);

    // MRS/MSR/SYS with the 16-bit op0:op1:CRn:CRm:op2 key and the Rt number (for syndromes).
    uint64_t sysreg_read(uint32_t key, unsigned rt);
    void sysreg_write(uint32_t key, unsigned rt, uint64_t value);
    void msr_pstate(unsigned op1, unsigned op2, unsigned crm);
    void sys_op(uint32_t key, unsigned rt, uint64_t xt);
    void smc(uint16_t imm16);
    void hvc(uint16_t imm16);
    void svc(uint16_t imm16);
    void brk(uint16_t imm16);
    void hlt(uint16_t imm16);
    [[noreturn]] void fp_unimplemented();
    void wfi();
    void wfe();
    void sevl() { event_register_ = true; }
    void yield_hint() {}
    void clear_exclusive() { excl_valid_ = false; }
    bool exclusive_marked() const { return excl_valid_; }
    // LDXR/STXR families: translate, check alignment and do the access atomically.
    template <class T>
    T load_exclusive(uint64_t va, bool acquire);
    template <class T>
    bool store_exclusive(uint64_t va, T value, bool release);
    bool store_exclusive_pair(uint64_t va, uint64_t v0, uint64_t v1, unsigned size);
    void load_exclusive_pair(uint64_t va, unsigned size, uint64_t& v0, uint64_t& v1);

    // Writes SP_ELx bank and PSTATE.{EL,SP} consistently.
    void set_el_sp(unsigned el, bool spsel);
    void write_daif(uint32_t daif) {
        st.daif = daif & 0x3c0;
        attention_ = true;
    }
    // Drops translations cached for the fast path (after TLBI, translation-register writes,
    // EL changes of the regime's controls).
    void flush_fast_tlb();
    void flush_fast_tlb_writes();
    // Drops the writable fast-TLB entries that map physical page `pa_page` (it became code
    // or holds an exclusive reservation: its stores must take the slow path).
    void drop_fast_writes(uint64_t pa_page);
    void invalidate_fetch() { fetch_va_ = 1; }
    void request_attention() { attention_ = true; }

    // Stops this core's run loop at the next instruction boundary.
    void stop_loop() {
        attention_ = true;
        stop_loop_ = true;
    }

    // The exception level a synchronous exception from the current state goes to.
    unsigned default_sync_target() const;

    // The performance monitors (pmu.h) and the timer registers (served by the timer model).
    Pmu& pmu() { return pmu_; }
    uint64_t timer_sysreg_read(SysReg r);
    void timer_sysreg_write(SysReg r, uint64_t v);
    // Traps the MRS/MSR being executed (EC 0x18 with its ISS) to EL2, or with target_el 0 to
    // where a trap from this EL goes by default (EL1, or EL2 when HCR_EL2.TGE routes EL0
    // there). For devices serving registers with access controls of their own (the timer).
    [[noreturn]] void trap_sysreg_access(unsigned target_el);

private:
    friend void decode_stub(Core&, uint32_t);
    void thread();
    void execute(uint64_t cycle_limit);
    bool handle_attention(); // returns true to leave the run loop
    void refill_fetch();
    void sync_time();
    void wait_for_interrupt();
    bool interrupt_pending_wakeup() const;
    bool take_pending_interrupt();

    // Slow paths (memory.cpp).
    template <class T>
    T read_slow(uint64_t va, unsigned flags, uint32_t isyn);
    template <class T>
    void write_slow(uint64_t va, T value, unsigned flags, uint32_t isyn);
    struct Translation {
        uint64_t pa;
        bool device;                         // Device memory: unaligned accesses fault
        bool readable, writable, executable; // for the regime's EL (for fast-TLB fills)
        bool cacheable_4k; // the whole 4 KiB page maps linearly with these permissions
    };
    Translation translate(uint64_t va, AccessKind kind, unsigned el, unsigned flags, uint32_t isyn,
                          unsigned size);
    uint8_t* dmi_host(uint64_t pa, bool write);
    void mmio(uint64_t pa, void* data, unsigned len, bool write, uint64_t va, uint32_t isyn,
              AccessKind kind);
    [[noreturn]] void alignment_fault(uint64_t va, AccessKind kind, uint32_t isyn);
    // A slow-path access of `size` bytes that is not size-aligned: the alignment fault when
    // it must be aligned (its flags or SCTLR.A), else whether it crosses a page (and is split).
    bool misaligned_needs_split(uint64_t va, unsigned size, unsigned flags, AccessKind kind,
                                uint32_t isyn);
    [[noreturn]] void raise_abort(uint64_t va, AccessKind kind, uint32_t isyn, const MmuFault& f,
                                  bool cache_maintenance = false);
    void check_sysreg_access(SysReg r, uint32_t key, unsigned rt, bool read);
    [[noreturn]] void unknown_sysreg(uint32_t key, bool read);
    void translate_cache_op(uint64_t va, bool needs_write);
    void at(uint64_t va, unsigned el, MmuAccess acc, bool stage1_only);
    void tlbi(unsigned op1, unsigned crm, unsigned op2, uint64_t xt, unsigned rt);
    void fill_fast_tlb(uint64_t va, const Translation& t, unsigned idx);
    unsigned mmu_index(unsigned flags) const;
    template <class T>
    T access_split_read(uint64_t va, unsigned flags, uint32_t isyn);
    template <class T>
    void access_split_write(uint64_t va, T value, unsigned flags, uint32_t isyn);
    void invalidate_dmi(uint64_t start, uint64_t end);

public:
    // --- hot data (kept together) ---------------------------------------------------------
    static constexpr unsigned kFtlbBits = 8;
    static constexpr unsigned kFtlbSize = 1u << kFtlbBits;
    FastTlbEntry ftlb_[3][kFtlbSize]; // [EL0, EL1, EL2]
    uint64_t fetch_va_ = 1;           // VA of the page fetch_page_ holds, 1 = none
    DecodedPage* fetch_page_ = nullptr;
    uint64_t cycles_ = 0;
    uint64_t retired_ = 0;
    uint64_t exceptions_ = 0;
    bool attention_ = true;

private:
    CoreConfig cfg_;
    CodeCache& code_;
    const CostTable& costs_;
    uint64_t sr_[kNumSysRegs] = {};

    Firmware* firmware_ = nullptr;
    Semihosting* semihosting_ = nullptr;
    RunControl* run_control_ = nullptr;
    SysRegDevice* timer_ = nullptr;
    SlicePolicy* slice_policy_ = nullptr;
    const std::vector<Core*>* peers_ = nullptr;
    bool psci_on_hvc_ = false;
    Mmu mmu_;
    std::set<uint32_t> warned_keys_;
    uint32_t sysreg_key_ = 0; // the MRS/MSR being executed, for trap_sysreg_access
    uint8_t sysreg_rt_ = 0;
    bool sysreg_is_read_ = false;
    Pmu pmu_{*this};

    // Time.
    QuantumKeeper qk_;
    sc_core::sc_time period_;
    uint64_t synced_cycles_ = 0; // cycles_ at the last synchronisation
    uint64_t insn_limit_ = 0;    // 0 = none

    // Run-loop control.
    bool powered_ = false;
    bool stop_loop_ = false;
    bool in_wfi_ = false;
    bool in_wfe_ = false;
    bool power_off_requested_ = false;
    bool event_register_ = false;
    uint32_t lines_ = 0;
    sc_core::sc_event wake_ev_;

    // Exclusive monitors (ARM DDI 0487 B2.9). One record serves as the local monitor (the
    // VA and size the load-exclusive marked) and as this core's entry in the global
    // monitor (the physical granule): a store-exclusive succeeds only while both hold.
    // Every store to a marked granule, by any core, clears the mark (memory.cpp).
    bool excl_valid_ = false;
    uint64_t excl_va_ = 0, excl_pa_ = 0;
    unsigned excl_size_ = 0;
    void mark_exclusive(uint64_t va, uint64_t pa, unsigned size);
    bool check_exclusive(uint64_t va, unsigned size, unsigned access_size, bool& ok_out);
    void clear_exclusive_marks(uint64_t pa, unsigned len);

    // DMI regions granted by the bus.
    struct DmiRegion {
        uint64_t start, end; // inclusive end
        uint8_t* ptr;
        bool writable;
    };
    std::vector<DmiRegion> dmi_;
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
};

// --- fast paths ------------------------------------------------------------------------------
// A fast-TLB tag is the page VA; comparing it against the access address masked with the
// page mask plus the access's alignment bits sends unaligned accesses to the slow path,
// where alignment rules and page-crossings are handled.

inline unsigned Core::mmu_index(unsigned flags) const {
    return (flags & kUnpriv) && st.el == 1 ? 0 : st.el;
}

template <class T>
inline T Core::read(uint64_t va, uint32_t isyn) {
    const FastTlbEntry& e = ftlb_[st.el][(va >> kPageBits) & (kFtlbSize - 1)];
    if (__builtin_expect(e.tag_r == (va & (kPageMask | (sizeof(T) - 1))), 1)) {
        T v;
        std::memcpy(&v, reinterpret_cast<const void*>(va + e.addend), sizeof(T));
        return v;
    }
    return read_slow<T>(va, 0, isyn);
}

template <class T>
inline void Core::write(uint64_t va, T value, uint32_t isyn) {
    const FastTlbEntry& e = ftlb_[st.el][(va >> kPageBits) & (kFtlbSize - 1)];
    if (__builtin_expect(e.tag_w == (va & (kPageMask | (sizeof(T) - 1))), 1)) {
        std::memcpy(reinterpret_cast<void*>(va + e.addend), &value, sizeof(T));
        return;
    }
    write_slow<T>(va, value, 0, isyn);
}

template <class T>
inline T Core::read_special(uint64_t va, unsigned flags, uint32_t isyn) {
    return read_slow<T>(va, flags, isyn);
}

template <class T>
inline void Core::write_special(uint64_t va, T value, unsigned flags, uint32_t isyn) {
    write_slow<T>(va, value, flags, isyn);
}

} // namespace armsim::cpu
