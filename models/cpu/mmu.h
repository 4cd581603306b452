// VMSAv8-64 address translation with the 4 KiB granule: stage 1 for the EL2 and EL1&0
// regimes, stage 2 for EL1&0 under HCR_EL2.VM, and a TLB tagged by regime, VMID and ASID
// that keeps entries until a TLBI removes them (stale entries are part of the model).
// References: ARM DDI 0487 D5 (the AArch64 VMSA), D13.2 (TCR/TTBR/VTCR/VTTBR/MAIR).
#pragma once

#include "exception.h"

#include <array>
#include <cstdint>
#include <vector>

namespace armsim::cpu {

class Core;

enum class MmuAccess : uint8_t { Read, Write, Exec };

// Permissions of one translation for the two ELs of its regime, as bits.
enum PermBits : uint8_t {
    kPermR0 = 1,
    kPermW0 = 2,
    kPermX0 = 4, // EL0
    kPermR1 = 8,
    kPermW1 = 16,
    kPermX1 = 32, // EL1, or EL2 for the EL2 regime
};

struct TlbEntry {
    uint64_t va_page = ~0ull; // VA >> 12 of the page this entry was filled for; ~0 = invalid
    uint64_t pa_page = 0;     // PA >> 12
    uint64_t ipa_page = 0;    // IPA >> 12 (EL1&0 with stage 2), for diagnostics
    uint16_t asid = 0;
    uint16_t vmid = 0;
    uint8_t regime = 0; // 1: EL1&0, 2: EL2
    bool global = true;
    bool device = false;
    bool s1_flat = false; // stage 1 off: the entry holds a stage-2 translation only
    uint8_t perms = 0;    // combined PermBits
    uint8_t s1perms = 0;  // stage-1 PermBits, to attribute permission faults
    uint8_t s2perms = 7;  // stage-2 R (1), W (2), X (4)
    uint8_t s1_level = 3, s2_level = 3;
    uint8_t s1_block_shift = 12; // size of the stage-1 mapping (for TLBI by VA)
    uint8_t mair_attr = 0;       // stage-1 attribute byte, for PAR_EL1
};

struct MmuResult {
    uint64_t pa;
    bool device;
    uint8_t perms;
    uint8_t attr; // MAIR attribute byte
    bool from_tlb;
};

// What the caller needs to build the abort syndrome.
struct MmuFault {
    bool stage2 = false;
    bool s1ptw = false;
    uint8_t fsc = 0;  // fault status code incl. level
    uint64_t ipa = 0; // for stage-2 faults
};

class Mmu {
public:
    Mmu(Core& core, uint64_t seed);

    // Translates `va` for an access at `el` (0..2). On a fault, fills `fault` and returns false.
    bool translate(uint64_t va, MmuAccess acc, unsigned el, MmuResult& out, MmuFault& fault);
    // Translation without the TLB and without filling it (AT instructions, debuggers).
    bool translate_uncached(uint64_t va, MmuAccess acc, unsigned el, bool stage1_only,
                            MmuResult& out, MmuFault& fault);

    // TLB maintenance. Each drops matching entries; none touches the fast TLB (the core
    // does that).
    void invalidate_all();
    void invalidate_regime(unsigned regime);            // VMALLE1 (with vmid), ALLE2
    void invalidate_vmid(uint16_t vmid);                // VMALLS12E1 / VMALLE1
    void invalidate_asid(uint16_t vmid, uint16_t asid); // ASIDE1
    void invalidate_va(unsigned regime, uint16_t vmid, uint64_t va, bool match_asid, uint16_t asid,
                       bool last_level_only);
    // IPAS2E1: removes stage-2-only entries (those with stage 1 off). Combined stage 1+2
    // entries stay, as the architecture allows (D5.10.2): software must follow with
    // VMALLE1 to be sure, and a hypervisor that forgets sees the stale entry here.
    void invalidate_ipa(uint16_t vmid, uint64_t ipa);

    uint64_t walks() const { return walks_; }
    uint64_t tlb_hits() const { return hits_; }

    // The current VMID and ASID for the EL1&0 regime.
    uint16_t current_vmid() const;
    uint16_t current_asid() const;

private:
    bool walk(uint64_t va, MmuAccess acc, unsigned el, bool stage1_only, TlbEntry& e,
              MmuFault& fault);
    struct S2Result {
        uint64_t pa;
        uint8_t perms; // R 1, W 2, X 4
        uint8_t level;
        bool device;
    };
    bool stage2(uint64_t ipa, MmuAccess acc, bool s1ptw, S2Result& r, MmuFault& fault);
    bool check_fault(const TlbEntry& e, MmuAccess acc, unsigned el, MmuFault& fault) const;
    bool read_desc(uint64_t pa, uint64_t& desc);
    TlbEntry* lookup(unsigned regime, uint16_t vmid, uint16_t asid, uint64_t va_page);
    void insert(const TlbEntry& e);

    Core& core_;
    static constexpr unsigned kSets = 256, kWays = 4;
    std::array<std::array<TlbEntry, kWays>, kSets> tlb_{};
    uint64_t victim_state_;
    uint64_t walks_ = 0, hits_ = 0;
    unsigned pa_bits_ = 44;
};

} // namespace armsim::cpu
